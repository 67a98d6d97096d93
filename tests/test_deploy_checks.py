"""``healtheos check --deploy`` passes for the production configuration the README
documents, and each of Healtheos's own checks refuses its setting when it is wrong."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[1]
ARGON2 = ["healtheos.accounts.hashers.HealtheosArgon2PasswordHasher"]


def _documented_production_environment(tmp_path: Path) -> dict[str, str]:
    """The variables exported in the README's "PostgreSQL and Redis" section, with the
    secret key file made real. Nothing connects to the database or Redis for the checks."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### PostgreSQL and Redis", 1)[1].split("```", 2)[1]
    environment: dict[str, str] = {}
    for line in section.splitlines():
        if line.startswith("export "):
            for name, value in re.findall(r"([A-Z_]+)=(\S+)", line):
                environment[name] = value
    assert {"DATABASE_URL", "REDIS_URL", "HEALTHEOS_SECRET_KEY_FILE"} <= environment.keys()
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(50))
    environment["HEALTHEOS_SECRET_KEY_FILE"] = str(key_file)
    environment["HEALTHEOS_VAR_DIR"] = str(tmp_path / "var")
    return environment


def test_the_documented_production_configuration_passes_the_deploy_check(
    tmp_path: Path,
) -> None:
    environment = _documented_production_environment(tmp_path)
    command = Path(sys.executable).parent / "healtheos"
    result = subprocess.run(
        [str(command), "check", "--deploy", "--fail-level", "WARNING"],
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def _ids() -> set[str]:
    return {
        message.id
        for message in run_checks(include_deployment_checks=True)
        if message.id.startswith("healtheos.")
    }


@override_settings(PASSWORD_HASHERS=ARGON2)
def test_the_project_checks_pass_in_the_test_configuration() -> None:
    assert _ids() == set()


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("DEBUG", True, "healtheos.E001"),
        ("SECURE_COOKIES", False, "healtheos.E002"),
        ("SESSION_COOKIE_SECURE", False, "healtheos.E002"),
        ("CSRF_COOKIE_SECURE", False, "healtheos.E002"),
        ("SESSION_COOKIE_HTTPONLY", False, "healtheos.E002"),
        ("SESSION_COOKIE_NAME", "healtheos-session", "healtheos.E002"),
        ("SESSION_COOKIE_SAMESITE", "None", "healtheos.E002"),
        ("SECURE_HSTS_SECONDS", 3600, "healtheos.E003"),
        ("ARGON2_MEMORY_KIB", 4096, "healtheos.E005"),
        ("ARGON2_TIME_COST", 1, "healtheos.E005"),
        ("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", True, "healtheos.E006"),
        (
            "PASSWORD_HASHERS",
            ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *ARGON2],
            "healtheos.E007",
        ),
    ],
)
def test_each_project_check_fails_when_its_setting_is_wrong(
    setting: str, value: object, expected: str
) -> None:
    overrides: dict[str, object] = {"PASSWORD_HASHERS": ARGON2, setting: value}
    with override_settings(**overrides):
        assert _ids() == {expected}


@override_settings(PASSWORD_HASHERS=ARGON2)
def test_the_check_refuses_a_portal_without_the_second_factor_requirement() -> None:
    from django.conf import settings

    from healtheos.core.checks import SECOND_FACTOR_MIDDLEWARE

    middleware = [m for m in settings.MIDDLEWARE if m != SECOND_FACTOR_MIDDLEWARE]
    with override_settings(MIDDLEWARE=middleware):
        assert _ids() == {"healtheos.E006"}


@override_settings(PASSWORD_HASHERS=ARGON2)
def test_the_check_refuses_inline_code_in_the_content_security_policy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        "healtheos.core.checks.CONTENT_SECURITY_POLICY", "default-src 'self' 'unsafe-inline'"
    )
    assert _ids() == {"healtheos.E004"}
