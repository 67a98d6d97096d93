from __future__ import annotations

from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import override_settings


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
