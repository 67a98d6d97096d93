"""Why can't this person get in? The answer payer support and office administrators see."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models import QuerySet
from django.utils import timezone

from healtheos.accounts.models import FAILURE_OUTCOMES, Realm, SignInAttempt, SignInOutcome, User


@dataclass(frozen=True)
class Finding:
    severity: str  # "blocks" or "note"
    text: str


def diagnose(*, user: User) -> list[Finding]:
    """Everything about an account that stops or slows a sign-in, most serious first."""
    from healtheos.offices.models import Membership, MembershipStatus, OfficeStatus

    now = timezone.now()
    findings: list[Finding] = []
    if not user.is_active:
        findings.append(Finding("blocks", "The account is deactivated."))
    if user.is_locked(now=now):
        until = timezone.localtime(user.locked_until)
        findings.append(
            Finding(
                "blocks", f"Locked after repeated wrong passwords until {until:%Y-%m-%d %H:%M %Z}."
            )
        )
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        findings.append(Finding("blocks", "The email address has not been confirmed yet."))
    if user.realm == Realm.MEMBER:
        findings.append(Finding("note", "Member account: it signs in at the member portal only."))
    if (
        user.realm in (Realm.PROVIDER, Realm.PAYER)
        and not Authenticator.objects.filter(
            user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).exists()
    ):
        findings.append(
            Finding("note", "No second factor yet: it will be set up at the next sign-in.")
        )
    if user.realm == Realm.PROVIDER:
        memberships = list(Membership.objects.filter(user=user).select_related("office"))
        if not any(
            m.status == MembershipStatus.ACTIVE and m.office.status == OfficeStatus.APPROVED
            for m in memberships
        ):
            if any(m.office.status == OfficeStatus.PENDING for m in memberships):
                findings.append(
                    Finding("blocks", "The office registration is still waiting for approval.")
                )
            else:
                findings.append(Finding("blocks", "No active role in an approved office."))
    if user.failed_sign_ins:
        findings.append(
            Finding("note", f"{user.failed_sign_ins} wrong password(s) since the last success.")
        )
    return findings


def sign_in_attempts_for_user(
    *, user: User, since: datetime.datetime | None = None
) -> QuerySet[SignInAttempt]:
    attempts = SignInAttempt.objects.filter(user=user)
    if since is not None:
        attempts = attempts.filter(at__gte=since)
    return attempts.order_by("-at", "-id")


def sign_in_failures_by_week(
    *, user_ids: list[int], weeks: int = 8
) -> list[tuple[datetime.date, dict[str, int]]]:
    """Failure counts per category per week (weeks starting Monday), newest first."""
    since = timezone.now() - datetime.timedelta(weeks=weeks)
    rows = SignInAttempt.objects.filter(
        user_id__in=user_ids, at__gte=since, outcome__in=list(FAILURE_OUTCOMES)
    ).values_list("at", "outcome")
    by_week: dict[datetime.date, Counter[str]] = defaultdict(Counter)
    for at, outcome in rows:
        day = timezone.localtime(at).date()
        by_week[day - datetime.timedelta(days=day.weekday())][SignInOutcome(outcome).label] += 1
    return sorted(((week, dict(counts)) for week, counts in by_week.items()), reverse=True)
