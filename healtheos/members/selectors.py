"""Which members an office may see outside a search.

An office reaches a member through a search with two matching identifiers, an
attribution to one of its practitioners, or its own claims and authorizations. A FHIR
read of Patient or Coverage by id is allowed only for such a member; anyone else is a 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from healtheos.members.models import Member, PcpAssignment

if TYPE_CHECKING:
    from healtheos.offices.models import Office


def member_for_office(*, office: Office, member_pk: int) -> Member | None:
    """The member, when ``office`` has a reason to see them; otherwise None."""
    from healtheos.authorizations.models import PriorAuthorization
    from healtheos.claims.models import Claim
    from healtheos.eligibility.models import Inquiry

    member = Member.objects.filter(pk=member_pk, plan_id=office.plan_id).first()
    if member is None:
        return None
    reasons = (
        Inquiry.objects.for_office(office).filter(member_id=member_pk).exclude(outcome="not_found"),
        PcpAssignment.objects.filter(member_id=member_pk, organization_id=office.organization_id),
        Claim.objects.for_office(office).filter(member_id=member_pk),
        PriorAuthorization.objects.for_office(office).filter(member_id=member_pk),
    )
    if any(reason.exists() for reason in reasons):
        return member
    return None
