"""Trusted devices and risk-based step-up.

After a second factor, a person may trust the browser they are on. The browser then holds a
signed cookie with a random token per person (a shared front-desk computer can hold several);
the server keeps only the token's hash, with the device, the network prefix and an expiry
taken from the plan's window. At the next sign-in the second factor is skipped only when
*every* step-up rule is quiet:

- the browser presents a live token for this person (not revoked, not expired);
- the client's network prefix is the one the device was trusted from;
- there were fewer than ``RECENT_FAILURE_LIMIT`` failed attempts in the last day;
- the password has not been reset or changed since the device was trusted (a reset or change
  revokes every trusted device, so this rule holds by construction).

People list and revoke their own devices; office administrators and payer support revoke a
person's devices; resetting the second factor revokes them too.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from allauth.mfa.stages import AuthenticateStage
from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from healtheos.accounts.models import SignInAttempt, SignInOutcome, TrustedDevice, User
from healtheos.accounts.network import client_address, device_summary, network_prefix
from healtheos.audit.services import audit_record

SIGNING_SALT = "healtheos.accounts.trusted-device"
#: How many people one browser can remember (a shared front-desk computer).
TOKENS_PER_BROWSER = 8
#: Failed attempts (wrong password or second factor) in the last day that make the next
#: sign-in ask for the second factor even on a trusted device.
RECENT_FAILURE_LIMIT = 3
RECENT_FAILURE_WINDOW = datetime.timedelta(hours=24)
TRUST_FIELD = "trust_device"


def cookie_name() -> str:
    return "__Host-healtheos-device" if settings.SECURE_COOKIES else "healtheos-device"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _browser_tokens(request: HttpRequest) -> dict[str, str]:
    """The browser's tokens by user ID; a tampered or foreign cookie counts as none."""
    raw = request.COOKIES.get(cookie_name(), "")
    if not raw:
        return {}
    try:
        value = signing.loads(raw, salt=SIGNING_SALT)
    except signing.BadSignature:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items()}


def trust_window_days(user: User) -> int:
    """The plan's window (``Plan.trusted_device_days``); 0 switches trust off."""
    plan = user.plan
    if plan is None:
        from healtheos.offices.models import Membership

        membership = Membership.objects.filter(user=user).select_related("office__plan").first()
        plan = membership.office.plan if membership else None
    return int(plan.trusted_device_days) if plan is not None else 30


def live_device(request: HttpRequest, user: User) -> TrustedDevice | None:
    token = _browser_tokens(request).get(str(user.pk))
    if not token:
        return None
    return (
        TrustedDevice.objects.filter(
            user=user,
            token_hash=_hash(token),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by()
        .first()
    )


def step_up_reasons(request: HttpRequest, user: User) -> list[str]:
    """Why this sign-in must present the second factor; empty means it may be skipped."""
    device = live_device(request, user)
    if device is None:
        return ["This browser is not one you chose to trust, or its trust has ended."]
    reasons = []
    if device.network != network_prefix(client_address(request)):
        reasons.append("You are signing in from a different network than usual.")
    since = timezone.now() - RECENT_FAILURE_WINDOW
    failures = SignInAttempt.objects.filter(
        user=user,
        at__gte=since,
        outcome__in=[SignInOutcome.BAD_PASSWORD, SignInOutcome.MFA_FAILED, SignInOutcome.LOCKED],
    ).count()
    if failures >= RECENT_FAILURE_LIMIT:
        reasons.append("There were several failed sign-in attempts on your account recently.")
    return reasons


def device_trust(*, request: HttpRequest, user: User, response: HttpResponse) -> TrustedDevice:
    """Trust the browser behind ``request`` for ``user``: store the token's hash and add the
    token to the browser's cookie (keeping other people's tokens on a shared computer)."""
    now = timezone.now()
    days = trust_window_days(user)
    token = secrets.token_urlsafe(32)
    device = TrustedDevice.objects.create(
        user=user,
        token_hash=_hash(token),
        device=device_summary(request),
        network=network_prefix(client_address(request)),
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    tokens = _browser_tokens(request)
    tokens.pop(str(user.pk), None)
    tokens[str(user.pk)] = token
    while len(tokens) > TOKENS_PER_BROWSER:
        tokens.pop(next(iter(tokens)))
    response.set_cookie(
        cookie_name(),
        signing.dumps(tokens, salt=SIGNING_SALT),
        max_age=days * 86400,
        secure=settings.SECURE_COOKIES,
        httponly=True,
        samesite="Lax",
        path="/",
    )
    audit_record(
        action="device.trusted",
        actor=user,
        obj=user,
        request=request,
        detail={"device": device.device, "days": days},
    )
    return device


def device_revoke(
    *, device: TrustedDevice, actor: User, request: HttpRequest | None = None
) -> None:
    if device.revoked_at is not None:
        return
    device.revoked_at = timezone.now()
    device.save(update_fields=["revoked_at"])
    audit_record(
        action="device.revoked",
        actor=actor,
        obj=device.user,
        request=request,
        detail={"device": device.device},
    )


def devices_revoke_all(
    *, user: User, actor: User | None, reason: str, request: HttpRequest | None = None
) -> int:
    count = TrustedDevice.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if count:
        audit_record(
            action="device.revoked_all",
            actor=actor,
            obj=user,
            request=request,
            detail={"reason": reason, "count": count},
        )
    return count


def devices_of(user: User) -> list[TrustedDevice]:
    """A person's devices that still count (live), newest first."""
    return list(
        TrustedDevice.objects.filter(
            user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
    )


class StepUpAuthenticateStage(AuthenticateStage):  # type: ignore[misc]
    """allauth's second-factor stage, skipped on a trusted device when no step-up rule
    applies; on success it trusts the browser if the person ticked the box."""

    def _should_handle(self, request: HttpRequest) -> bool:
        if not super()._should_handle(request):
            return False
        user = self.login.user
        reasons = step_up_reasons(request, user)
        if reasons:
            self.state["step_up_reasons"] = reasons
            return True
        device = live_device(request, user)
        if device is not None:
            device.last_used_at = timezone.now()
            device.save(update_fields=["last_used_at"])
        request._healtheos_trusted_device = True  # type: ignore[attr-defined]
        return False

    def trust_days(self) -> int:
        """For the template: the window offered by the "trust this browser" box."""
        return trust_window_days(self.login.user)

    def exit(self) -> Any:
        response = super().exit()
        request = self.request
        if (
            request.method == "POST"
            and request.POST.get(TRUST_FIELD) == "on"
            and isinstance(response, HttpResponse)
            and trust_window_days(self.login.user) > 0
        ):
            device_trust(request=request, user=self.login.user, response=response)
        return response
