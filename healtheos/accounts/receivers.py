"""Signals from allauth that feed the attempt record and the audit trail."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset, user_logged_in
from allauth.mfa.signals import authentication_failed as mfa_authentication_failed
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in as django_user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from healtheos.accounts import signin
from healtheos.accounts.devices import devices_revoke_all
from healtheos.accounts.models import SignInOutcome, User
from healtheos.audit.services import audit_record


def _factor(request: HttpRequest) -> str:
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

    methods = (
        request.session.get(AUTHENTICATION_METHODS_SESSION_KEY, [])
        if hasattr(request, "session")
        else []
    )
    kinds = [m.get("type", m.get("method", "")) for m in methods if isinstance(m, dict)]
    if getattr(request, "_healtheos_trusted_device", False):
        kinds.append("trusted_device")
    return "+".join(str(kind) for kind in kinds if kind)[:24]


@receiver(user_logged_in)
def _signed_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    signin.sign_in_succeeded(request=request, user=user, factor=_factor(request))


@receiver(django_user_logged_in)
def _track_session(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """Remember the session under its owner, for revocation (every login, whatever path)."""
    from django.utils import timezone

    from healtheos.accounts.models import UserSession
    from healtheos.accounts.network import client_address, device_summary, network_prefix

    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "created_at": timezone.now(),
            "network": network_prefix(client_address(request)),
            "device": device_summary(request),
        },
    )


@receiver(password_reset)
def _password_reset(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """A reset through the emailed link proves control of the account's address: it lifts a
    lock (the second factor is still asked at the next sign-in)."""
    user.locked_until = None
    user.failed_sign_ins = 0
    user.save(update_fields=["locked_until", "failed_sign_ins"])
    audit_record(action="password.reset", actor=user, request=request)
    devices_revoke_all(user=user, actor=user, reason="password reset", request=request)


@receiver(password_changed)
def _password_changed(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_record(action="password.changed", actor=user, request=request)
    devices_revoke_all(user=user, actor=user, reason="password changed", request=request)


@receiver(mfa_authentication_failed)
def _second_factor_failed(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    signin.record_attempt(
        request=request, outcome=SignInOutcome.MFA_FAILED, user=user, username=user.username
    )
    audit_record(action="signin.mfa_failed", actor=user, request=request)


@receiver(authenticator_added)
def _authenticator_added(
    sender: Any, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any
) -> None:
    audit_record(
        action="mfa.enrolled", actor=user, request=request, detail={"type": authenticator.type}
    )


@receiver(authenticator_removed)
def _authenticator_removed(
    sender: Any, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any
) -> None:
    audit_record(
        action="mfa.removed", actor=user, request=request, detail={"type": authenticator.type}
    )
    devices_revoke_all(user=user, actor=user, reason="second factor removed", request=request)
