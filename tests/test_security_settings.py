from __future__ import annotations

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.test import Client, override_settings


def test_cookies_are_secure_httponly_and_host_prefixed_outside_debug() -> None:
    assert settings.SECURE_COOKIES is True
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_NAME.startswith("__Host-")
    assert settings.CSRF_COOKIE_NAME.startswith("__Host-")
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_hsts_lasts_at_least_a_year() -> None:
    assert settings.SECURE_HSTS_SECONDS >= 31536000


@pytest.mark.django_db
def test_signed_in_pages_are_never_cached() -> None:
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory())
    response = client.get("/dashboard/")
    assert response.headers["Cache-Control"] == "no-store"


@override_settings(PASSWORD_HASHERS=["healtheos.accounts.hashers.HealtheosArgon2PasswordHasher"])
def test_the_deploy_checks_pass_for_the_production_configuration() -> None:
    messages = [
        m for m in run_checks(include_deployment_checks=True) if m.id.startswith("healtheos.")
    ]
    assert messages == []


@override_settings(DEBUG=True)
def test_the_deploy_checks_refuse_debug() -> None:
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "healtheos.E001" in ids
