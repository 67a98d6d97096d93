"""Second factors and states for the demo's people (never used outside the demo)."""

from __future__ import annotations

import datetime

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from healtheos.accounts.models import Realm, User


def enroll_demo_totp(user: User) -> str:
    """Enroll an authenticator app (and recovery codes) once; return its base32 secret."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        secret: str = get_adapter().decrypt(existing.data["secret"])
        return secret
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def lock_account(user: User, *, minutes: int = 60 * 24 * 365) -> None:
    """Put an account into the locked state, as repeated wrong passwords would."""
    user.locked_until = timezone.now() + datetime.timedelta(minutes=minutes)
    user.failed_sign_ins = 0
    user.save(update_fields=["locked_until", "failed_sign_ins"])


def persona_hook(user: User, persona: object) -> None:
    """Called for each demo persona: enroll TOTP for provider and payer people, lock the
    locked one, and record the secret in the credentials list."""
    if user.realm in (Realm.PROVIDER, Realm.PAYER) and getattr(persona, "state", "") != "pending":
        persona.totp_secret = enroll_demo_totp(user)  # type: ignore[attr-defined]
    if getattr(persona, "state", "") == "locked":
        lock_account(user)
