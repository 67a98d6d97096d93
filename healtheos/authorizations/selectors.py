"""Reading prior authorizations: the office's own requests and drafts, always for the
acting office (another office's request is simply not found), and the plan's review queue
for its utilization-management reviewers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from healtheos.authorizations.models import (
    AuthorizationAttachment,
    AuthorizationDraft,
    AuthorizationEvent,
    AuthorizationNotice,
    AuthorizationStatus,
    NoticeReadMarker,
    OfficeWebhook,
    PriorAuthorization,
    Urgency,
    WebhookDelivery,
)
from healtheos.eligibility.lookup import members_find, normalize_member_id
from healtheos.eligibility.result import EligibilityQuery
from healtheos.members.models import Coverage, Member

if TYPE_CHECKING:
    from healtheos.accounts.models import User
    from healtheos.offices.models import Office
    from healtheos.plans.models import Plan

_RELATED = ("member", "requesting_provider", "servicing_provider", "reviewer", "plan")


@dataclass(frozen=True)
class AuthorizationFilter:
    number: str = ""  # tracking or authorization number
    member_id: str = ""
    birth_date: dt.date | None = None
    status: str = ""
    urgency: str = ""


def authorization_get(*, office: Office, tracking_number: str) -> PriorAuthorization | None:
    """The office's request with this tracking number (or None: another office's request
    is not found)."""
    return (
        PriorAuthorization.objects.for_office(office)
        .filter(tracking_number=tracking_number.strip().upper())
        .select_related(*_RELATED)
        .first()
    )


def authorization_list(
    *, office: Office, filters: AuthorizationFilter | None = None
) -> QuerySet[PriorAuthorization]:
    """The office's requests, newest first, narrowed by the filters given. Finding a
    member's requests takes two identifiers, as everywhere else."""
    filters = filters or AuthorizationFilter()
    requests = PriorAuthorization.objects.for_office(office)
    if filters.number:
        number = filters.number.strip().upper()
        requests = requests.filter(Q(tracking_number=number) | Q(authorization_number=number))
    if filters.member_id:
        if filters.birth_date is None:
            return requests.none()
        requests = requests.filter(
            member__member_id=normalize_member_id(filters.member_id),
            member__birth_date=filters.birth_date,
        )
    if filters.status:
        requests = requests.filter(status=filters.status)
    if filters.urgency:
        requests = requests.filter(urgency=filters.urgency)
    return requests.select_related("member", "servicing_provider").order_by("-submitted_at", "-pk")


def authorization_timeline(*, authorization: PriorAuthorization) -> list[AuthorizationEvent]:
    return list(authorization.timeline.select_related("actor").order_by("at", "pk"))


def authorization_attachments(
    *, authorization: PriorAuthorization
) -> list[AuthorizationAttachment]:
    return list(authorization.attachments.order_by("uploaded_at", "pk"))


def authorization_attachment_get(
    *, authorization: PriorAuthorization, attachment_id: int
) -> AuthorizationAttachment | None:
    return authorization.attachments.filter(pk=attachment_id).first()


def draft_list(*, office: Office) -> QuerySet[AuthorizationDraft]:
    return (
        AuthorizationDraft.objects.for_office(office)
        .select_related("author")
        .order_by("-updated_at", "-pk")
    )


def draft_get(*, office: Office, draft_id: int) -> AuthorizationDraft | None:
    return AuthorizationDraft.objects.for_office(office).filter(pk=draft_id).first()


def unread_notice_count(*, office: Office, user: User) -> int:
    """Status changes the plan made since this person last opened the list (one query)."""
    marker = NoticeReadMarker.objects.filter(user=user, office=office).first()
    notices = AuthorizationNotice.objects.for_office(office)
    if marker is not None:
        notices = notices.filter(created_at__gt=marker.read_at)
    return notices.count()


def updated_since_last_look(*, office: Office, user: User) -> set[int]:
    """Ids of the office's requests the plan changed since this person last looked."""
    marker = NoticeReadMarker.objects.filter(user=user, office=office).first()
    notices = AuthorizationNotice.objects.for_office(office)
    if marker is not None:
        notices = notices.filter(created_at__gt=marker.read_at)
    return set(notices.values_list("authorization_id", flat=True)[:1000])


def notices_mark_read(*, office: Office, user: User) -> None:
    """Reading is not a state change of office data; it only moves the person's marker."""
    NoticeReadMarker.objects.update_or_create(
        user=user, office=office, defaults={"read_at": timezone.now()}
    )


# -- the plan's side -----------------------------------------------------------------------

QUEUE_STATUSES = (AuthorizationStatus.SUBMITTED, AuthorizationStatus.IN_REVIEW)


def review_queue(
    *, plan: Plan, status: str = "", urgency: str = "", overdue_only: bool = False
) -> QuerySet[PriorAuthorization]:
    """The plan's open requests, expedited first, then by the time a decision is due
    (pended requests wait on the office and appear only when asked for)."""
    statuses = [status] if status else list(QUEUE_STATUSES)
    queue = PriorAuthorization.objects.payer_wide().filter(plan=plan, status__in=statuses)
    if urgency:
        queue = queue.filter(urgency=urgency)
    if overdue_only:
        queue = queue.filter(due_at__lt=timezone.now())
    return (
        queue.annotate(
            urgency_rank=Case(
                When(urgency=Urgency.EXPEDITED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("member", "servicing_provider", "requesting_organization", "reviewer")
        .order_by("urgency_rank", "due_at", "pk")
    )


def queue_risk(*, plan: Plan, within_hours: int = 24) -> tuple[int, int]:
    """(overdue, due within the next ``within_hours``) among the plan's requests waiting
    for review (pended ones wait on the office, their clock stopped)."""
    now = timezone.now()
    waiting = PriorAuthorization.objects.payer_wide().filter(plan=plan, status__in=QUEUE_STATUSES)
    overdue = waiting.filter(due_at__lt=now).count()
    soon = waiting.filter(
        due_at__gte=now, due_at__lt=now + dt.timedelta(hours=within_hours)
    ).count()
    return overdue, soon


def review_get(*, plan: Plan, tracking_number: str) -> PriorAuthorization | None:
    return (
        PriorAuthorization.objects.payer_wide()
        .filter(plan=plan, tracking_number=tracking_number.strip().upper())
        .select_related(*_RELATED, "requesting_organization")
        .first()
    )


def office_webhook(*, office: Office) -> OfficeWebhook | None:
    return OfficeWebhook.objects.for_office(office).first()


def webhook_deliveries(*, office: Office) -> QuerySet[WebhookDelivery]:
    """The office's recent deliveries (reached through its own webhook)."""
    return WebhookDelivery.objects.filter(
        webhook__in=OfficeWebhook.objects.for_office(office)
    ).order_by("-created_at", "-pk")


def member_find(
    *,
    office: Office,
    birth_date: dt.date,
    member_id: str = "",
    last_name: str = "",
    first_name: str = "",
) -> tuple[Member | None, str]:
    """The member named by two identifiers at the office's plan, or None and the hint that
    says what to check (the eligibility search's rules and words)."""
    match = members_find(
        plan=office.plan,
        queries=[
            EligibilityQuery(
                birth_date=birth_date,
                member_id=member_id.strip(),
                last_name="" if member_id.strip() else last_name.strip(),
                first_name="" if member_id.strip() else first_name.strip(),
            )
        ],
    )[0]
    return match.member, match.hint


def coverage_lines_of_business(*, member: Member, on: dt.date) -> list[str]:
    """The lines of business the member is covered in on a date (most recent span first)."""
    spans = Coverage.objects.filter(member=member, start_date__lte=on).order_by("-start_date")
    return list(
        dict.fromkeys(c.line_of_business for c in spans if c.end_date is None or c.end_date >= on)
    )
