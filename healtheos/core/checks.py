"""Deployment checks of our own, run by ``healtheos check --deploy`` beside Django's."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from healtheos.core.middleware import CONTENT_SECURITY_POLICY


@register(Tags.security, deploy=True)
def check_healtheos_deployment(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if settings.DEBUG:
        errors.append(Error("HEALTHEOS_DEBUG must be off in production.", id="healtheos.E001"))
    if not settings.SECURE_COOKIES:
        errors.append(
            Error("HEALTHEOS_SECURE_COOKIES must be on in production.", id="healtheos.E002")
        )
    if settings.SECURE_HSTS_SECONDS < 31536000:
        errors.append(
            Error("HSTS must last at least one year (HEALTHEOS_HSTS_SECONDS).", id="healtheos.E003")
        )
    if "unsafe-inline" in CONTENT_SECURITY_POLICY:
        errors.append(Error("The content security policy allows inline code.", id="healtheos.E004"))
    if settings.ARGON2_MEMORY_KIB < 19456 or settings.ARGON2_TIME_COST < 2:
        errors.append(Error("argon2id parameters are below OWASP's minimum.", id="healtheos.E005"))
    return errors
