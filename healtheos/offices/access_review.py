"""Periodic access review: an office administrator confirms, person by person, that each
user still needs access to the office; the others are removed in the same step. The plan
sets the period (``Plan.access_review_days``); the users page nudges when a review is due."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from healtheos.accounts.models import User
from healtheos.audit.services import audit_record
from healtheos.offices.models import AccessReview, Membership, MembershipStatus, Office
from healtheos.offices.services import LastAdministratorError, membership_deactivate

KEEP = "keep"
REMOVE = "remove"


@dataclass(frozen=True)
class ReviewStatus:
    last: AccessReview | None
    due_on: datetime.date
    overdue: bool


def access_review_status(office: Office, *, today: datetime.date | None = None) -> ReviewStatus:
    """When the next review is due: a period after the last one, or after the office was
    approved if it has never been reviewed."""
    today = today or timezone.localdate()
    last = office.access_reviews.select_related("reviewer").first()
    start = last.completed_at if last else (office.approved_at or office.created_at)
    due_on = timezone.localtime(start).date() + datetime.timedelta(
        days=office.plan.access_review_days
    )
    return ReviewStatus(last=last, due_on=due_on, overdue=due_on <= today)


def memberships_to_review(office: Office) -> list[Membership]:
    return list(
        Membership.objects.filter(office=office, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def access_review_complete(
    *,
    office: Office,
    actor: User,
    decisions: dict[int, str],
    request: HttpRequest | None = None,
) -> AccessReview:
    """Record the review and remove everyone marked for removal, all or nothing. Removing
    the office's last administrator is refused (``LastAdministratorError``)."""
    reviewed = {m.pk: m for m in memberships_to_review(office)}
    missing = set(reviewed) - set(decisions)
    if missing:
        raise ValueError("every active user needs a decision")
    removed = [reviewed[pk] for pk, decision in decisions.items() if decision == REMOVE]
    with transaction.atomic():
        for membership in removed:
            membership_deactivate(membership=membership, actor=actor, request=request)
        review = AccessReview.objects.create(
            office=office,
            reviewer=actor,
            completed_at=timezone.now(),
            kept=len(reviewed) - len(removed),
            removed=len(removed),
        )
        audit_record(
            action="office.access_review",
            actor=actor,
            office=office,
            obj=review,
            request=request,
            detail={"kept": review.kept, "removed": review.removed},
        )
    return review


__all__ = [
    "KEEP",
    "REMOVE",
    "LastAdministratorError",
    "ReviewStatus",
    "access_review_complete",
    "access_review_status",
    "memberships_to_review",
]
