"""Assembling what a member's coverage pays on a date of service, from the plan's data."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from healtheos.eligibility.result import (
    CostShare,
    CoverageAnswer,
    MemberFacts,
    NetworkBenefit,
    PrimaryCare,
    ServiceBenefit,
)
from healtheos.eligibility.service_types import service_type_name
from healtheos.members.models import Accumulator, Coverage, Member, PcpAssignment
from healtheos.plans.models import Benefit, CostShareLimit, LineOfBusiness


def member_facts(member: Member) -> MemberFacts:
    subscriber = member.subscriber
    return MemberFacts(
        member_pk=member.pk,
        member_id=member.member_id,
        first_name=member.first_name,
        last_name=member.last_name,
        birth_date=member.birth_date,
        sex=member.sex,
        relationship=member.relationship,
        relationship_label=member.get_relationship_display(),
        subscriber_member_id=subscriber.member_id if subscriber else member.member_id,
        subscriber_name=(f"{subscriber.first_name} {subscriber.last_name}" if subscriber else ""),
        address_line=member.address_line,
        city=member.city,
        state=member.state,
        postal_code=member.postal_code,
    )


def coverages_on(member: Member, day: dt.date) -> tuple[list[Coverage], Coverage | None]:
    """Coverages in force on ``day`` and, when there are none, the most recent span (so an
    inactive answer can say when coverage ended or begins)."""
    spans = list(member.coverages.select_related("benefit_plan").order_by("start_date"))
    active = [c for c in spans if c.start_date <= day and (c.end_date is None or c.end_date >= day)]
    if active:
        return active, None
    past = [c for c in spans if c.start_date <= day]
    return [], (past[-1] if past else (spans[0] if spans else None))


def _network_benefit(benefit: Benefit) -> NetworkBenefit:
    return NetworkBenefit(
        network=benefit.network,
        covered=benefit.covered,
        copay=benefit.copay,
        coinsurance_percent=benefit.coinsurance_percent,
        deductible_applies=benefit.deductible_applies,
        prior_auth_required=benefit.prior_auth_required,
        visits_per_year=benefit.visits_per_year,
        limitation=benefit.limitation,
    )


class PlanTables:
    """The benefit plans' tables (benefits, limits), read once per benefit plan: a batch of
    thousands of rows shares a handful of benefit plans."""

    def __init__(self) -> None:
        self._benefits: dict[int, dict[str, dict[str, Benefit]]] = {}
        self._limits: dict[int, list[CostShareLimit]] = {}

    def benefits(self, benefit_plan_id: int) -> dict[str, dict[str, Benefit]]:
        if benefit_plan_id not in self._benefits:
            table: dict[str, dict[str, Benefit]] = defaultdict(dict)
            for benefit in Benefit.objects.filter(benefit_plan_id=benefit_plan_id):
                table[benefit.service_type][benefit.network] = benefit
            self._benefits[benefit_plan_id] = table
        return self._benefits[benefit_plan_id]

    def limits(self, benefit_plan_id: int) -> list[CostShareLimit]:
        if benefit_plan_id not in self._limits:
            self._limits[benefit_plan_id] = list(
                CostShareLimit.objects.filter(benefit_plan_id=benefit_plan_id).order_by(
                    "kind", "network", "-level"
                )
            )
        return self._limits[benefit_plan_id]


def coverage_answer(
    coverage: Coverage,
    *,
    member: Member,
    day: dt.date,
    service_types: list[str],
    active: bool,
    family: bool,
    tables: PlanTables,
) -> CoverageAnswer:
    benefit_plan = coverage.benefit_plan
    by_type: dict[str, dict[str, Benefit]] = defaultdict(dict)
    if active:
        by_type.update(tables.benefits(benefit_plan.pk))
    benefits = tuple(
        ServiceBenefit(
            service_type=code,
            name=service_type_name(code),
            in_network=_network_benefit(by_type[code]["in"]) if "in" in by_type[code] else None,
            out_of_network=(
                _network_benefit(by_type[code]["out"]) if "out" in by_type[code] else None
            ),
        )
        for code in service_types
        if active
    )
    shares: list[CostShare] = []
    if active:
        met = {
            (a.kind, a.network, a.level): a.met
            for a in Accumulator.objects.filter(coverage=coverage, year=day.year)
        }
        for limit in tables.limits(benefit_plan.pk):
            if limit.level == "family" and not family:
                continue
            key = (limit.kind, limit.network, limit.level)
            shares.append(
                CostShare(
                    kind=limit.kind,
                    network=limit.network,
                    level=limit.level,
                    amount=limit.amount,
                    met=min(met.get(key, Decimal("0")), limit.amount),
                )
            )
    pcp = None
    if active:
        assignment = (
            PcpAssignment.objects.filter(member=member, start_date__lte=day)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
            .select_related("provider", "organization")
            .order_by("-start_date")
            .first()
        )
        if assignment is not None:
            location = assignment.organization.locations.filter(is_primary=True).first()
            pcp = PrimaryCare(
                name=assignment.provider.display_name,
                npi=assignment.provider.npi,
                phone=location.phone if location else "",
            )
    return CoverageAnswer(
        coverage_id=coverage.pk,
        active=active,
        line_of_business=coverage.line_of_business,
        line_of_business_label=LineOfBusiness(coverage.line_of_business).label,
        plan_name=benefit_plan.name,
        plan_code=benefit_plan.code,
        product_type=benefit_plan.product_type,
        group_number=coverage.group_number,
        group_name=coverage.group_name,
        start_date=coverage.start_date,
        end_date=coverage.end_date,
        referral_required=benefit_plan.requires_referral,
        pcp=pcp,
        cost_shares=tuple(shares),
        benefits=benefits,
        plan_year=day.year,
    )
