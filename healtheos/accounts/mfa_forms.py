"""allauth's second-factor forms (``MFA_FORMS``) with one change: an authenticator-app code
that was accepted stays refused for as long as it would otherwise still be accepted
(ASVS 2.8.4).

allauth remembers a used code for one 30-second step, but with ``MFA_TOTP_TOLERANCE`` a code
is accepted for a step either side of its own: up to 90 seconds. Without this, a code seen
over someone's shoulder or taken by a phishing page could sign in a second time a step
later. The memory is allauth's own cache entry, kept for the whole window, so a replay fails
exactly like a wrong code (counted, recorded, rate-limited). Like allauth's, it lives in the
cache: while Redis is down it holds within the server process that took the code
(docs/configuration.md).
"""

from __future__ import annotations

from allauth.mfa import app_settings
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from django.core.cache import cache


def code_window_seconds() -> int:
    """How long one code is accepted: its own step and the tolerated steps either side."""
    tolerance: int = app_settings.TOTP_TOLERANCE
    period: int = app_settings.TOTP_PERIOD
    return (2 * tolerance + 1) * period


def _hold_used_code(authenticator: Authenticator, code: str) -> None:
    if authenticator.type != Authenticator.Type.TOTP:
        return  # recovery codes are spent once by allauth itself; passkeys sign a challenge
    key = authenticator.wrap()._get_used_cache_key(code)
    cache.set(key, "y", timeout=code_window_seconds())


class OnceAuthenticateForm(AuthenticateForm):  # type: ignore[misc]
    def clean_code(self) -> str:
        code: str = super().clean_code()
        _hold_used_code(self.authenticator, code)
        return code


class OnceReauthenticateForm(ReauthenticateForm):  # type: ignore[misc]
    def clean_code(self) -> str:
        code: str = super().clean_code()
        _hold_used_code(self.authenticator, code)
        return code
