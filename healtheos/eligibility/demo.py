"""Patients for a tester to look up in the demo (synthetic members of the demo office)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from healtheos.members.models import Coverage, Member, PcpAssignment
from healtheos.offices.models import Office
from healtheos.plans.models import BenefitPlan, LineOfBusiness


def _in_force(day: dt.date) -> Q:
    return Q(coverages__start_date__lte=day) & (
        Q(coverages__end_date__isnull=True) | Q(coverages__end_date__gte=day)
    )


def _entry(member: Member, what: str) -> dict[str, Any]:
    return {
        "member_id": member.member_id,
        "last_name": member.last_name,
        "first_name": member.first_name,
        "date_of_birth": member.birth_date.isoformat(),
        "what_to_expect": what,
    }


def demo_patients(*, office: Office, today: dt.date) -> list[dict[str, Any]]:
    """A few members of the office's plan that show each kind of answer. The dual-eligible
    patient is made here (a Medicaid span next to Medicare Advantage) so that the line of
    business choice can be seen."""
    plan = office.plan
    members = Member.objects.filter(plan=plan).order_by("pk")
    attributed = PcpAssignment.objects.filter(organization_id=office.organization_id).values(
        "member_id"
    )
    found: list[dict[str, Any]] = []
    family = (
        members.filter(subscriber__isnull=False, relationship="19", pk__in=attributed)
        .filter(_in_force(today))
        .select_related("subscriber")
        .first()
    ) or members.filter(subscriber__isnull=False, relationship="19").filter(
        _in_force(today)
    ).select_related("subscriber").first()
    if family is not None and family.subscriber is not None:
        found.append(_entry(family.subscriber, "active subscriber with family deductibles"))
        found.append(
            _entry(
                family,
                "a child on the same plan; search it with the subscriber's date of birth to "
                "see the hint",
            )
        )
    ended = members.filter(coverages__end_date__lt=today).exclude(_in_force(today)).first()
    if ended is not None:
        found.append(_entry(ended, "coverage ended: inactive, with the end date"))
    # One filter call: the in-force span must be the Medicare Advantage one itself.
    senior = (
        members.filter(
            Q(coverages__line_of_business=LineOfBusiness.MEDICARE_ADVANTAGE) & _in_force(today)
        )
        .exclude(coverages__line_of_business=LineOfBusiness.MEDICAID)
        .first()
    )
    medicaid = BenefitPlan.objects.filter(
        plan=plan, line_of_business=LineOfBusiness.MEDICAID
    ).first()
    if senior is not None and medicaid is not None:
        if not senior.coverages.filter(line_of_business=LineOfBusiness.MEDICAID).exists():
            Coverage.objects.create(
                member=senior,
                benefit_plan=medicaid,
                line_of_business=LineOfBusiness.MEDICAID,
                start_date=today.replace(month=1, day=1),
            )
        found.append(_entry(senior, "dual eligible: Medicare Advantage and Medicaid side by side"))
    return found
