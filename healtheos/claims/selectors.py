"""Reading an office's claims: search and detail, always for the acting office.

An office's claims are those it billed under its TIN at its plan, and those its own
practitioners rendered (a billing service's office sees claims billed by the office it
acts for). Another office's claim is simply not found.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from healtheos.claims.models import Claim
from healtheos.directory.models import Provider
from healtheos.eligibility.lookup import normalize_member_id
from healtheos.offices.models import Office


@dataclass(frozen=True)
class ClaimFilter:
    number: str = ""  # payer claim number or the office's patient account number
    member_id: str = ""
    birth_date: dt.date | None = None
    service_from: dt.date | None = None
    service_to: dt.date | None = None
    status: str = ""
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None


def office_claims(*, office: Office) -> QuerySet[Claim]:
    """Billed under the office's TIN, or rendered by its practitioners, at its plan."""
    # The office's practitioners as a subquery rather than a join through the providers'
    # organizations: no duplicate rows, so no DISTINCT over every column of a large result.
    practitioners = Provider.organizations.through.objects.filter(
        providerorganization_id=office.organization_id
    ).values("provider_id")
    rendered = Claim.objects.payer_wide().filter(
        plan_id=office.plan_id, rendering_provider_id__in=practitioners
    )
    return Claim.objects.for_office(office) | rendered


def claim_search(*, office: Office, filters: ClaimFilter) -> QuerySet[Claim]:
    claims = office_claims(office=office)
    if filters.number:
        number = filters.number.strip()
        claims = claims.filter(Q(claim_number=number.upper()) | Q(patient_account_number=number))
    if filters.member_id:
        if filters.birth_date is None:
            # Two identifiers, as for eligibility: the member ID alone lists nothing.
            return claims.none()
        claims = claims.filter(
            member__member_id=normalize_member_id(filters.member_id),
            member__birth_date=filters.birth_date,
        )
    if filters.service_from:
        claims = claims.filter(service_to__gte=filters.service_from)
    if filters.service_to:
        claims = claims.filter(service_from__lte=filters.service_to)
    if filters.status:
        claims = claims.filter(status=filters.status)
    if filters.amount_min is not None:
        claims = claims.filter(total_charge__gte=filters.amount_min)
    if filters.amount_max is not None:
        claims = claims.filter(total_charge__lte=filters.amount_max)
    return claims.select_related("member").order_by("-service_from", "-pk")


def claim_get(*, office: Office, claim_number: str) -> Claim | None:
    return (
        office_claims(office=office)
        .filter(claim_number=claim_number)
        .select_related(
            "member",
            "billing_provider",
            "rendering_provider",
            "authorization",
            "coverage__benefit_plan",
            "original_claim",
        )
        .first()
    )
