from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_healthz_answers_without_touching_anything() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_database_and_cache() -> None:
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_every_response_carries_a_strict_content_security_policy() -> None:
    response = Client().get("/accounts/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/static/healtheos/app.css",
        "/static/healtheos/app.js",
        "/static/healtheos/session-timeout.js",
        "/static/uswds/css/uswds.min.css",
        "/static/uswds/js/uswds.min.js",
        "/static/htmx/htmx.min.js",
    ],
)
def test_every_asset_the_base_page_uses_is_served(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200, path
