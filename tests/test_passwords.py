from __future__ import annotations

from types import ModuleType

import pytest
from django.contrib.auth.hashers import identify_hasher, make_password
from django.http import HttpResponse
from django.test import override_settings

from healtheos.accounts.models import User
from healtheos.config import ConfigurationError
from tests.conftest import World
from tests.factories import TEST_PASSWORD


@override_settings(PASSWORD_HASHERS=["healtheos.accounts.hashers.HealtheosArgon2PasswordHasher"])
def test_passwords_are_stored_with_argon2id_at_least_owasps_minimum() -> None:
    encoded = make_password("a long passphrase for testing")
    assert encoded.startswith("argon2$argon2id$")
    params = encoded.split("$")[3]
    values = dict(part.split("=") for part in params.split(","))
    assert int(values["m"]) >= 19456
    assert int(values["t"]) >= 2
    assert int(values["p"]) >= 1
    assert identify_hasher(encoded).algorithm == "argon2"


def _settings_module_as_configured() -> ModuleType:
    """``healtheos/settings.py`` evaluated afresh under the current environment, beside the
    settings the tests run with (which stay as they are)."""
    import importlib.util

    import healtheos.settings

    spec = importlib.util.spec_from_file_location(
        "healtheos_settings_probe", healtheos.settings.__file__
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_plan_that_sets_twelve_characters_gets_twelve_with_a_clear_message(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ASVS 2.1.1 is met by configuration where a plan wants it: the default is 8 with a
    second factor always required (NIST 800-63B), ``HEALTHEOS_PASSWORD_MIN_LENGTH=12``
    refuses an 11-character password where people choose one."""
    eleven, twelve = "Plum7-tarot", "Plum7-tarots"
    monkeypatch.setenv("HEALTHEOS_PASSWORD_MIN_LENGTH", "12")
    validators = _settings_module_as_configured().AUTH_PASSWORD_VALIDATORS

    def change(password: str) -> HttpResponse:
        response: HttpResponse = world.client_for(world.frank).post(
            "/accounts/password/change/",
            {"oldpassword": TEST_PASSWORD, "password1": password, "password2": password},
        )
        return response

    with override_settings(AUTH_PASSWORD_VALIDATORS=validators):
        refused = change(eleven)
        assert refused.status_code == 200
        assert "This password is too short. It must contain at least 12 characters." in (
            refused.content.decode()
        )
        assert not User.objects.get(pk=world.frank.pk).check_password(eleven)
        assert change(twelve).status_code == 302
    User.objects.filter(pk=world.frank.pk).update(password=world.frank.password)
    assert change(eleven).status_code == 302  # the default, 8, takes it

    monkeypatch.setenv("HEALTHEOS_PASSWORD_MIN_LENGTH", "7")
    with pytest.raises(ConfigurationError):
        _settings_module_as_configured()
