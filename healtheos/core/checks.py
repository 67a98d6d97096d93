"""Deployment checks of our own, run by ``healtheos check --deploy`` beside Django's.

Each refuses a production configuration that would weaken a control the security table
(docs/security.md) relies on; ``tests/test_deploy_checks.py`` breaks each setting in turn.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from healtheos.core.middleware import CONTENT_SECURITY_POLICY

#: OWASP's minimum argon2id cost (standards.md): m=19 MiB, t=2, p=1.
ARGON2_MIN_MEMORY_KIB = 19456
ARGON2_MIN_TIME_COST = 2
SECOND_FACTOR_MIDDLEWARE = "healtheos.accounts.middleware.RequireSecondFactorMiddleware"


@register(Tags.security, deploy=True)
def check_healtheos_deployment(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if settings.DEBUG:
        errors.append(Error("HEALTHEOS_DEBUG must be off in production.", id="healtheos.E001"))
    if not (
        settings.SECURE_COOKIES
        and settings.SESSION_COOKIE_SECURE
        and settings.CSRF_COOKIE_SECURE
        and settings.SESSION_COOKIE_HTTPONLY
        and settings.SESSION_COOKIE_NAME.startswith("__Host-")
        and settings.CSRF_COOKIE_NAME.startswith("__Host-")
        and settings.SESSION_COOKIE_SAMESITE in ("Lax", "Strict")
        and settings.CSRF_COOKIE_SAMESITE in ("Lax", "Strict")
    ):
        errors.append(
            Error(
                "HEALTHEOS_SECURE_COOKIES must be on in production: session and CSRF cookies "
                "Secure, HttpOnly, SameSite and __Host- prefixed.",
                id="healtheos.E002",
            )
        )
    if settings.SECURE_HSTS_SECONDS < 31536000:
        errors.append(
            Error("HSTS must last at least one year (HEALTHEOS_HSTS_SECONDS).", id="healtheos.E003")
        )
    if "unsafe-inline" in CONTENT_SECURITY_POLICY or "unsafe-eval" in CONTENT_SECURITY_POLICY:
        errors.append(Error("The content security policy allows inline code.", id="healtheos.E004"))
    if (
        settings.ARGON2_MEMORY_KIB < ARGON2_MIN_MEMORY_KIB
        or settings.ARGON2_TIME_COST < ARGON2_MIN_TIME_COST
        or settings.ARGON2_PARALLELISM < 1
    ):
        errors.append(Error("argon2id parameters are below OWASP's minimum.", id="healtheos.E005"))
    if (
        SECOND_FACTOR_MIDDLEWARE not in settings.MIDDLEWARE
        or "allauth.mfa" not in settings.INSTALLED_APPS
        or settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN
    ):
        errors.append(
            Error(
                "A second factor must be required of provider and payer accounts "
                f"({SECOND_FACTOR_MIDDLEWARE} and allauth.mfa, passkeys only over https).",
                id="healtheos.E006",
            )
        )
    if not _passwords_hashed_with_argon2id():
        errors.append(
            Error(
                "New passwords must be hashed with argon2id (PASSWORD_HASHERS[0]).",
                id="healtheos.E007",
            )
        )
    return errors


def _passwords_hashed_with_argon2id() -> bool:
    from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher

    hasher = get_hasher("default")
    if not isinstance(hasher, Argon2PasswordHasher):
        return False
    # The stored form names the variant: argon2$argon2id$v=19$m=...,t=...,p=...$salt$hash
    return hasher.encode("deploy-check", hasher.salt()).startswith("argon2$argon2id$")
