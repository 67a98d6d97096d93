"""Sign-in rules: lockout, per-network throttling, the precise outcomes, and the record of
every attempt. See docs/adr/0002-login-throttling.md for why it works this way.

- A wrong password counts against the account (``HEALTHEOS_LOCKOUT_THRESHOLD`` consecutive
  failures lock it for ``HEALTHEOS_LOCKOUT_MINUTES``) and against the client's network
  prefix (``HEALTHEOS_NETWORK_FAILURE_LIMIT`` failures in ``HEALTHEOS_NETWORK_WINDOW_MINUTES``
  throttle that network, whatever accounts it tries).
- A correct password from the network of the account's last successful sign-in passes a
  lock, so an attacker elsewhere cannot keep the owner out; the second factor still follows.
- Before the password is verified, every failure reads the same. After it is verified, the
  person is told exactly what stands in the way (locked until when, pending approval, no
  role, wrong portal, deactivated) and what to do.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone

from healtheos.accounts.models import Realm, SignInAttempt, SignInOutcome, User
from healtheos.accounts.network import client_address, device_summary, network_prefix
from healtheos.audit.services import audit_record
from healtheos.plans.middleware import portal_path

logger = logging.getLogger(__name__)


def portal_realm(request: HttpRequest) -> str:
    """Which portal the request arrived at: the member portal lives under /member/."""
    return Realm.MEMBER if request.path_info.startswith("/member/") else Realm.PROVIDER


def record_attempt(
    *,
    request: HttpRequest,
    outcome: str,
    user: User | None = None,
    username: str = "",
    factor: str = "",
) -> SignInAttempt:
    return SignInAttempt.objects.create(
        at=timezone.now(),
        username_entered=username[:150],
        user=user,
        network=network_prefix(client_address(request)),
        device=device_summary(request),
        outcome=outcome,
        factor=factor,
    )


# -- per-network throttling ---------------------------------------------------------------


def _network_key(request: HttpRequest) -> str:
    return f"signin:failures:{network_prefix(client_address(request))}"


def network_throttled(request: HttpRequest) -> bool:
    """True when this client's network has failed too often recently. If the cache is down
    the check is skipped (logged): the per-account lock still holds."""
    try:
        failures = cache.get(_network_key(request), 0)
    except Exception:
        logger.warning("sign-in throttle: cache unavailable, network check skipped")
        return False
    return int(failures) >= settings.NETWORK_FAILURE_LIMIT


def _count_network_failure(request: HttpRequest) -> None:
    key = _network_key(request)
    try:
        if not cache.add(key, 1, settings.NETWORK_WINDOW_MINUTES * 60):
            cache.incr(key)
    except Exception:
        logger.warning("sign-in throttle: cache unavailable, failure not counted per network")


# -- failures and successes ---------------------------------------------------------------


def find_account(login: str) -> User | None:
    login = login.strip()
    if not login:
        return None
    return (
        User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login))
        .order_by("id")
        .first()
    )


def sign_in_failed(*, request: HttpRequest, login: str) -> None:
    """A wrong password (or an unknown account): count it and maybe lock the account."""
    _count_network_failure(request)
    user = find_account(login)
    if user is None:
        record_attempt(request=request, outcome=SignInOutcome.UNKNOWN_ACCOUNT, username=login)
        return
    now = timezone.now()
    if user.is_locked(now=now):
        # Failures during a lock neither extend it nor count toward the next one.
        record_attempt(request=request, outcome=SignInOutcome.LOCKED, user=user, username=login)
        return
    User.objects.filter(pk=user.pk).update(failed_sign_ins=F("failed_sign_ins") + 1)
    user.refresh_from_db(fields=["failed_sign_ins"])
    record_attempt(request=request, outcome=SignInOutcome.BAD_PASSWORD, user=user, username=login)
    if user.failed_sign_ins >= settings.LOCKOUT_THRESHOLD:
        user.locked_until = now + datetime.timedelta(minutes=settings.LOCKOUT_MINUTES)
        user.failed_sign_ins = 0
        user.save(update_fields=["locked_until", "failed_sign_ins"])
        audit_record(
            action="account.locked",
            actor=user,
            request=request,
            detail={
                "until": user.locked_until.isoformat(),
                "network": network_prefix(client_address(request)),
            },
        )


def sign_in_succeeded(*, request: HttpRequest, user: User, factor: str) -> None:
    user.failed_sign_ins = 0
    user.locked_until = None
    user.last_sign_in_network = network_prefix(client_address(request))
    user.save(update_fields=["failed_sign_ins", "locked_until", "last_sign_in_network"])
    record_attempt(
        request=request,
        outcome=SignInOutcome.SUCCESS,
        user=user,
        username=user.username,
        factor=factor,
    )
    audit_record(action="signin.success", actor=user, request=request, detail={"factor": factor})


# -- the states a verified password can still run into -----------------------------------


@dataclass(frozen=True)
class Obstacle:
    outcome: str
    title: str
    explanation: str
    next_steps: list[str]
    link_text: str = ""
    link_url: str = ""


def obstacle_for(*, request: HttpRequest, user: User) -> Obstacle | None:
    """What stands between a person whose password is right and the portal, if anything."""
    from healtheos.offices.models import Membership, MembershipStatus, OfficeStatus

    now = timezone.now()
    if not user.is_active:
        return Obstacle(
            SignInOutcome.DEACTIVATED,
            "Your account is deactivated",
            "Your account was deactivated, either by your office administrator or because it "
            "was not used for a long time.",
            [
                "Ask your office administrator to reactivate you or to send a new invitation.",
                "If you administer your office yourself, contact the plan's provider services.",
            ],
        )
    if user.is_locked(now=now) and user.last_sign_in_network != network_prefix(
        client_address(request)
    ):
        until = timezone.localtime(user.locked_until)
        return Obstacle(
            SignInOutcome.LOCKED,
            "Your account is locked for now",
            f"After several wrong passwords in a row, your account is locked until "
            f"{until:%-I:%M %p} ({until:%Z}) on {until:%B %-d, %Y}. Signing in from your usual "
            "office network works even while the lock lasts.",
            [
                "Wait until the time above and sign in again.",
                "Forgot your password? Reset it now: the reset link works during a lock.",
                "If these attempts were not yours, tell your office administrator.",
            ],
            "Reset your password",
            "/accounts/password/reset/",
        )
    realm = portal_realm(request)
    if realm == Realm.PROVIDER and user.realm == Realm.MEMBER:
        return Obstacle(
            SignInOutcome.WRONG_REALM,
            "This is the provider portal",
            "Your account is a member account. Members sign in at the member portal, where "
            "the same user name and password work.",
            ["Follow the link to the member portal."],
            "Go to the member portal",
            "/member/login/",
        )
    if realm == Realm.MEMBER and user.realm != Realm.MEMBER:
        return Obstacle(
            SignInOutcome.WRONG_REALM,
            "This is the member portal",
            "Your account belongs to the provider portal, used by doctors' offices and plan staff.",
            ["Follow the link to the provider portal."],
            "Go to the provider portal",
            "/accounts/login/",
        )
    if user.realm == Realm.PROVIDER:
        memberships = Membership.objects.filter(user=user).select_related("office", "office__plan")
        active = [
            m
            for m in memberships
            if m.status == MembershipStatus.ACTIVE and m.office.status == OfficeStatus.APPROVED
        ]
        plan = getattr(request, "plan", None)
        if active and plan is not None and not any(m.office.plan_id == plan.pk for m in active):
            right = active[0].office.plan
            where = f"{portal_path(right)}accounts/login/"
            return Obstacle(
                SignInOutcome.WRONG_PLAN,
                f"This is the portal of {plan.name}",
                f"Your offices work with {right.name}, which has its own portal. Your user name "
                "and password are the same there.",
                [f"Sign in at the {right.name} portal."],
                f"Go to the {right.name} portal",
                where,
            )
        if not active:
            pending = [m for m in memberships if m.office.status == OfficeStatus.PENDING]
            if pending:
                office = pending[0].office
                return Obstacle(
                    SignInOutcome.PENDING_APPROVAL,
                    "Your office registration is waiting for approval",
                    f"{office.plan.name} is checking the registration of {office.name} "
                    f"(submitted {timezone.localtime(office.created_at):%B %-d, %Y}). You will "
                    "receive an email as soon as it is decided; most registrations are decided "
                    "within two business days.",
                    [
                        "Watch your inbox for the decision.",
                        "If details in the registration were wrong, contact provider services.",
                    ],
                )
            rejected = [m for m in memberships if m.office.status == OfficeStatus.REJECTED]
            if rejected:
                office = rejected[0].office
                registration = getattr(office, "registration", None)
                reason = (
                    f" The plan's reason: {registration.decision_reason}" if registration else ""
                )
                return Obstacle(
                    SignInOutcome.PENDING_APPROVAL,
                    "Your office registration was not approved",
                    f"{office.plan.name} did not approve the registration of {office.name}."
                    f"{reason}",
                    [
                        "Register again with the corrected details.",
                        "Or contact provider services if you think this is a mistake.",
                    ],
                    "Register again",
                    "/register/",
                )
            removed = [m for m in memberships if m.status == MembershipStatus.DEACTIVATED]
            where = f" (you were removed from {removed[0].office.name})" if removed else ""
            return Obstacle(
                SignInOutcome.NO_ROLE,
                "You do not have a role in any office",
                f"Your password is right, but your account has no active role in an approved "
                f"office{where}.",
                ["Ask your office administrator to invite you or to restore your role."],
            )
    return None
