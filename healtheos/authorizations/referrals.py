"""Referrals: a primary-care office sends a member to a specialist at the same plan.

Both ends see a referral (``Referral.objects.for_office``): the referring office and the
servicing (specialist's) office; any other office is told it does not exist. The member is
named with two identifiers, as in an eligibility search, and must be covered by the plan
when the referral starts; the specialist is an NPI among the plan's contracted providers
for the member's line of business.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from healtheos.audit.services import audit_record
from healtheos.authorizations.models import Referral, ReferralStatus
from healtheos.directory.models import (
    NetworkParticipation,
    ParticipationStatus,
    Provider,
    ProviderOrganization,
)
from healtheos.eligibility.lookup import members_find, normalize_member_id
from healtheos.eligibility.result import EligibilityQuery
from healtheos.members.models import Coverage, Member

if TYPE_CHECKING:
    from healtheos.accounts.models import User
    from healtheos.offices.models import Office

MAX_DAYS = 366
#: A retried form (double click, network retry) within this time finds the first referral.
RETRY_WINDOW = dt.timedelta(minutes=10)


class ReferralError(ValueError):
    """A referral that cannot be made, with the form field to show the message next to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ReferralRequest:
    member_id: str
    birth_date: dt.date
    referring_npi: str
    servicing_npi: str
    visits: int
    valid_from: dt.date
    valid_to: dt.date
    reason: str = ""
    diagnosis_codes: tuple[str, ...] = ()
    #: Needed only when the specialist's NPI bills under several tax IDs at the plan.
    servicing_tin: str = ""


# -- reading (selectors) ----------------------------------------------------------------------


def office_referrals(*, office: Office, direction: str = "") -> QuerySet[Referral]:
    """The office's referrals: those it made (``made``), those addressed to it
    (``received``), or both."""
    referrals = Referral.objects.for_office(office)
    if direction == "made":
        referrals = referrals.filter(referring_organization_id=office.organization_id)
    elif direction == "received":
        referrals = referrals.filter(servicing_organization_id=office.organization_id)
    return referrals.select_related(
        "member", "referring_provider", "servicing_provider", "servicing_organization"
    ).order_by("-created_at", "-pk")


def referral_get(*, office: Office, referral_number: str) -> Referral | None:
    return (
        Referral.objects.for_office(office)
        .filter(referral_number=referral_number)
        .select_related(
            "member",
            "referring_organization",
            "referring_provider",
            "servicing_organization",
            "servicing_provider",
        )
        .first()
    )


def member_referrals(*, office: Office, member: Member, on: dt.date) -> QuerySet[Referral]:
    """The member's active referrals the office can see (for the eligibility result)."""
    return office_referrals(office=office).filter(
        member=member, status=ReferralStatus.ACTIVE, valid_from__lte=on, valid_to__gte=on
    )


def plan_specialists(*, office: Office, npi: str) -> list[tuple[Provider, ProviderOrganization]]:
    """The (provider, organization) pairs an NPI bills under with a contract at the plan."""
    provider = Provider.objects.filter(npi=npi.strip()).first()
    if provider is None:
        return []
    contracted = NetworkParticipation.objects.filter(plan_id=office.plan_id).exclude(
        status=ParticipationStatus.TERMINATED
    )
    organizations = provider.organizations.filter(
        pk__in=contracted.values("organization_id")
    ).order_by("legal_name")
    return [(provider, organization) for organization in organizations]


# -- changing (services) ----------------------------------------------------------------------


def _member(office: Office, request: ReferralRequest) -> Member:
    query = EligibilityQuery(
        birth_date=request.birth_date, member_id=normalize_member_id(request.member_id)
    )
    match = members_find(plan=office.plan, queries=[query])[0]
    if match.member is None:
        raise ReferralError("member_id", match.hint)
    return match.member


def _coverage(member: Member, on: dt.date) -> Coverage:
    coverage = (
        Coverage.objects.filter(member=member, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("benefit_plan")
        .order_by("-start_date")
        .first()
    )
    if coverage is None:
        raise ReferralError(
            "valid_from", "The member has no coverage with this plan on the referral's start date."
        )
    return coverage


def _specialist(
    office: Office, request: ReferralRequest, coverage: Coverage
) -> tuple[Provider, ProviderOrganization]:
    pairs = plan_specialists(office=office, npi=request.servicing_npi)
    if not pairs:
        raise ReferralError(
            "servicing_npi", "No provider with this NPI is contracted with this plan."
        )
    in_line = NetworkParticipation.objects.filter(
        plan_id=office.plan_id,
        line_of_business=coverage.line_of_business,
        status=ParticipationStatus.IN_NETWORK,
    ).values_list("organization_id", flat=True)
    in_network = set(in_line)
    pairs = [(p, o) for p, o in pairs if o.pk in in_network]
    if not pairs:
        raise ReferralError(
            "servicing_npi",
            "This provider is not in the plan's network for the member's coverage "
            f"({coverage.get_line_of_business_display()}).",
        )
    if request.servicing_tin:
        pairs = [(p, o) for p, o in pairs if o.tin == request.servicing_tin]
        if not pairs:
            raise ReferralError(
                "servicing_tin", "This NPI does not bill under this tax ID at this plan."
            )
    if len(pairs) > 1:
        raise ReferralError(
            "servicing_tin",
            "This NPI bills under several tax IDs at this plan; give the one of the office "
            "the patient will see.",
        )
    return pairs[0]


def _check(request: ReferralRequest, today: dt.date) -> None:
    if not 1 <= request.visits <= 60:
        raise ReferralError("visits", "Between 1 and 60 visits.")
    if request.valid_to < request.valid_from:
        raise ReferralError("valid_to", "The referral cannot end before it starts.")
    if (request.valid_to - request.valid_from).days > MAX_DAYS:
        raise ReferralError("valid_to", "A referral is valid for at most one year.")
    if request.valid_from < today - dt.timedelta(days=30):
        raise ReferralError("valid_from", "A referral can start at most 30 days back.")


def _new_number(office: Office) -> str:
    return f"RF{office.plan_id}{secrets.randbelow(10**10):010d}"


def referral_create(*, office: Office, actor: User, request: ReferralRequest) -> Referral:
    """Refer a member to a specialist. Raises :class:`ReferralError` naming the field at
    fault. The same referral sent again within ten minutes (a double click, a retry) is
    found, not stored twice."""
    today = timezone.localdate()
    _check(request, today)
    member = _member(office, request)
    referring = office.organization.providers.filter(npi=request.referring_npi).first()
    if referring is None:
        raise ReferralError("referring_npi", "Choose one of your office's practitioners.")
    coverage = _coverage(member, request.valid_from)
    servicing, servicing_organization = _specialist(office, request, coverage)
    if servicing_organization.pk == office.organization_id:
        raise ReferralError("servicing_npi", "A referral goes to another office.")
    now = timezone.now()
    earlier = (
        Referral.objects.for_office(office)
        .filter(
            referring_organization_id=office.organization_id,
            member=member,
            servicing_provider=servicing,
            valid_from=request.valid_from,
            valid_to=request.valid_to,
            visits=request.visits,
            created_at__gte=now - RETRY_WINDOW,
        )
        .first()
    )
    if earlier is not None:
        return earlier
    for _attempt in range(5):
        try:
            with transaction.atomic():
                referral = Referral.objects.create(
                    plan_id=office.plan_id,
                    referral_number=_new_number(office),
                    member=member,
                    referring_organization_id=office.organization_id,
                    referring_provider=referring,
                    servicing_organization=servicing_organization,
                    servicing_provider=servicing,
                    reason=request.reason.strip()[:200],
                    diagnosis_codes=list(request.diagnosis_codes),
                    visits=request.visits,
                    valid_from=request.valid_from,
                    valid_to=request.valid_to,
                    status=ReferralStatus.ACTIVE,
                    created_at=now,
                )
                audit_record(
                    action="referrals.created",
                    actor=actor,
                    office=office,
                    obj=referral,
                    member_pk=member.pk,
                    detail={"visits": referral.visits},
                )
                return referral
        except IntegrityError:  # the random number was taken; draw another
            continue
    raise RuntimeError("could not draw a free referral number")


def referral_cancel(*, referral: Referral, office: Office, actor: User) -> Referral:
    """Only the referring office cancels, and only an active referral."""
    if referral.referring_organization_id != office.organization_id:
        raise ReferralError("status", "Only the referring office can cancel a referral.")
    if referral.status != ReferralStatus.ACTIVE:
        raise ReferralError("status", "Only an active referral can be cancelled.")
    with transaction.atomic():
        referral.status = ReferralStatus.CANCELLED
        referral.save(update_fields=["status"])
        audit_record(
            action="referrals.cancelled",
            actor=actor,
            office=office,
            obj=referral,
            member_pk=referral.member_id,
        )
    return referral


def referral_visit_record(*, referral: Referral, office: Office, actor: User) -> Referral:
    """The specialist's office records one visit used; the last one closes the referral."""
    if referral.servicing_organization_id != office.organization_id:
        raise ReferralError("status", "Only the specialist's office records visits.")
    today = timezone.localdate()
    if referral.status != ReferralStatus.ACTIVE or not (
        referral.valid_from <= today <= referral.valid_to
    ):
        raise ReferralError("status", "This referral is not active today.")
    with transaction.atomic():
        locked = Referral.objects.for_office(office).select_for_update().get(pk=referral.pk)
        if locked.visits_used >= locked.visits:
            raise ReferralError("status", "Every visit of this referral has been used.")
        locked.visits_used += 1
        if locked.visits_used == locked.visits:
            locked.status = ReferralStatus.USED
        locked.save(update_fields=["visits_used", "status"])
        audit_record(
            action="referrals.visit_recorded",
            actor=actor,
            office=office,
            obj=locked,
            member_pk=locked.member_id,
            detail={"visits_used": locked.visits_used},
        )
    return locked
