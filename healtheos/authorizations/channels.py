"""What the X12 278 and FHIR (Da Vinci PAS) channels share: the member found by two
identifiers as in eligibility, the line of business a request falls under, the key that
makes a resend the same request, and a stored request's decision stated per service in
X12's review action codes (HCR01, which PAS uses too).

The state changes themselves are :func:`healtheos.authorizations.services.authorization_submit`
and its siblings; nothing here writes."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from healtheos.authorizations.models import (
    AuthorizationService,
    AuthorizationStatus,
    PriorAuthorization,
)
from healtheos.eligibility.lookup import members_find
from healtheos.eligibility.result import EligibilityQuery, Problem
from healtheos.members.models import Coverage, Member

if TYPE_CHECKING:
    from healtheos.offices.models import Office

#: A request's status → the review action (HCR01 / X12 306) that states it.
ACTIONS: dict[str, str] = {
    AuthorizationStatus.DRAFT: "A4",
    AuthorizationStatus.SUBMITTED: "A4",
    AuthorizationStatus.IN_REVIEW: "A4",
    AuthorizationStatus.PENDED: "A4",
    AuthorizationStatus.APPROVED: "A1",
    AuthorizationStatus.PARTIALLY_APPROVED: "A2",
    AuthorizationStatus.DENIED: "A3",
    AuthorizationStatus.WITHDRAWN: "C",
}


@dataclass(frozen=True)
class LineDecision:
    """One stored service with the action that states its decision."""

    line: AuthorizationService
    action: str

    @property
    def approved_units(self) -> int | None:
        return self.line.approved_units if self.action in ("A1", "A2") else None


def request_action(authorization: PriorAuthorization) -> str:
    return ACTIONS.get(authorization.status, "A4")


def line_decisions(authorization: PriorAuthorization) -> list[LineDecision]:
    """Each service of the request, in the order they were asked for, with its action:
    a partial approval certifies a line in total (A1), in part (A2) or not at all (A3)."""
    action = request_action(authorization)
    out = []
    for line in authorization.services.order_by("pk"):
        line_action = action
        if action == "A2":
            approved = line.approved_units or 0
            if approved >= line.requested_units:
                line_action = "A1"
            elif approved == 0:
                line_action = "A3"
        out.append(LineDecision(line, line_action))
    return out


def member_for(
    *,
    office: Office,
    birth_date: dt.date | None,
    member_id: str = "",
    last_name: str = "",
    first_name: str = "",
) -> tuple[Member | None, Problem | None]:
    """The plan's member named by two identifiers (member ID or names, and the date of
    birth), or why none was found, exactly as the eligibility search decides it."""
    if birth_date is None:
        return None, Problem.NO_MATCH
    query = EligibilityQuery(
        birth_date=birth_date,
        member_id=member_id,
        last_name=last_name if not member_id else "",
        first_name=first_name if not member_id else "",
    )
    [match] = members_find(plan=office.plan, queries=[query])
    return match.member, match.problem


def line_of_business_for(member: Member, day: dt.date | None) -> str:
    """The line of business of the member's coverage on ``day`` (the first date of
    service), else of their latest coverage: the service then says precisely which dates
    are not covered. Empty when the member has no coverage at all."""
    spans = list(
        Coverage.objects.filter(member=member)
        .order_by("-start_date")
        .values_list("line_of_business", "start_date", "end_date")
    )
    if day is not None:
        for line_of_business, start, end in spans:
            if start <= day and (end is None or day <= end):
                return str(line_of_business)
    return str(spans[0][0]) if spans else ""


def resend_key(channel: str, client_id: str, *parts: str) -> str:
    """The idempotency key of a request sent over ``channel`` by one API client: the same
    trace (X12) or Claim identifier (FHIR) from the same client is the same request."""
    digest = hashlib.sha256("\x1f".join((client_id, *parts)).encode()).hexdigest()
    return f"{channel}:{digest[:56]}"
