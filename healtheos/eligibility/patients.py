"""Patient lists: the members attributed to the office's practitioners (PCP panels)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from healtheos.directory.models import Provider
from healtheos.members.models import Coverage, PcpAssignment
from healtheos.offices.models import Office


@dataclass(frozen=True)
class PatientFilter:
    practitioner_id: int | None = None
    line_of_business: str = ""


def office_practitioners(*, office: Office) -> QuerySet[Provider]:
    return Provider.objects.filter(organizations=office.organization_id).order_by(
        "last_name", "first_name"
    )


def patient_list(
    *, office: Office, day: dt.date, filters: PatientFilter
) -> QuerySet[PcpAssignment]:
    """Current attributions to the office's organization at its plan, each annotated with
    whether the member has coverage in force on ``day`` (and in which line of business)."""
    in_force = Coverage.objects.filter(member=OuterRef("member_id"), start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )
    if filters.line_of_business:
        in_force_lob = in_force.filter(line_of_business=filters.line_of_business)
    else:
        in_force_lob = in_force
    assignments = (
        PcpAssignment.objects.filter(
            organization_id=office.organization_id,
            member__plan_id=office.plan_id,
            start_date__lte=day,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("member", "provider")
        .annotate(
            eligible=Exists(in_force),
            line_of_business=in_force.values("line_of_business")[:1],
        )
        .order_by("member__last_name", "member__first_name", "member_id")
    )
    if filters.practitioner_id:
        assignments = assignments.filter(provider_id=filters.practitioner_id)
    if filters.line_of_business:
        assignments = assignments.filter(Exists(in_force_lob))
    return assignments
