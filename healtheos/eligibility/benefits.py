"""Assembling what a member's coverage pays on a date of service, from the plan's data."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from healtheos.core import rows
from healtheos.directory.models import Location, Provider
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
from healtheos.plans.models import Benefit, BenefitPlan, CostShareLimit, LineOfBusiness


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


def coverages_on(spans: list[Coverage], day: dt.date) -> tuple[list[Coverage], Coverage | None]:
    """Coverages in force on ``day`` (``spans`` in start order) and, when there are none,
    the most recent span (so an inactive answer can say when coverage ended or begins)."""
    active = [c for c in spans if c.start_date <= day and (c.end_date is None or c.end_date >= day)]
    if active:
        return active, None
    past = [c for c in spans if c.start_date <= day]
    return [], (past[-1] if past else (spans[0] if spans else None))


@dataclass
class MemberRecords:
    """What the answers for a set of members need, read in one query per table."""

    coverages: dict[int, list[Coverage]] = field(default_factory=dict)
    #: (coverage id, year) → {(kind, network, level): met}
    met: dict[tuple[int, int], dict[tuple[str, str, str], Decimal]] = field(default_factory=dict)
    pcps: dict[int, list[PcpAssignment]] = field(default_factory=dict)


def member_records(
    member_ids: Sequence[int], years: set[int], tables: PlanTables | None = None
) -> MemberRecords:
    """Coverage spans, accumulators and PCP assignments of the members: three queries,
    written out (this is the real-time path; benefit plans come from ``tables``)."""
    tables = tables or PROCESS_TABLES
    records = MemberRecords()
    if not member_ids:
        return records
    ids = list(member_ids)
    for coverage_row in rows.fetch(
        f"SELECT {rows.select_list(Coverage, 'c')} FROM {Coverage._meta.db_table} c "  # noqa: S608 (names from the models; values bound)
        f"WHERE c.member_id IN ({rows.placeholders(ids)}) ORDER BY c.start_date, c.id",
        ids,
    ):
        coverage = rows.build(Coverage, coverage_row)
        Coverage.benefit_plan.field.set_cached_value(
            coverage, tables.benefit_plan(coverage.benefit_plan_id)
        )
        records.coverages.setdefault(coverage.member_id, []).append(coverage)
    coverage_ids = [c.pk for spans in records.coverages.values() for c in spans]
    if coverage_ids:
        year_list = sorted(years)
        for coverage_id, year, kind, network, level, amount in rows.fetch(
            "SELECT coverage_id, year, kind, network, level, met "  # noqa: S608 (names from the models; values bound)
            f"FROM {Accumulator._meta.db_table} "
            f"WHERE coverage_id IN ({rows.placeholders(coverage_ids)}) "
            f"AND year IN ({rows.placeholders(year_list)})",
            [*coverage_ids, *year_list],
        ):
            records.met.setdefault((coverage_id, year), {})[(kind, network, level)] = rows.decimal(
                amount
            )
    for (
        member_id,
        start_date,
        end_date,
        provider_row,
        phone,
    ) in _pcp_rows(ids):
        provider = rows.build(Provider, provider_row)
        assignment = PcpAssignment(
            member_id=member_id, provider=provider, start_date=start_date, end_date=end_date
        )
        assignment.phone = phone  # type: ignore[attr-defined]
        records.pcps.setdefault(member_id, []).append(assignment)
    return records


def _pcp_rows(
    member_ids: list[int],
) -> list[tuple[int, dt.date, dt.date | None, tuple[object, ...], str]]:
    width = rows.width(Provider)
    found = rows.fetch(
        f"SELECT a.member_id, a.start_date, a.end_date, {rows.select_list(Provider, 'p')}, "  # noqa: S608 (names from the models; values bound)
        f"(SELECT l.phone FROM {Location._meta.db_table} l "
        "WHERE l.organization_id = a.organization_id AND l.is_primary "
        "ORDER BY l.id LIMIT 1) "
        f"FROM {PcpAssignment._meta.db_table} a "
        f"JOIN {Provider._meta.db_table} p ON p.id = a.provider_id "
        f"WHERE a.member_id IN ({rows.placeholders(member_ids)}) "
        "ORDER BY a.start_date DESC, a.id",
        member_ids,
    )
    return [(r[0], r[1], r[2], r[3 : 3 + width], r[3 + width] or "") for r in found]


def _pcp_on(assignments: list[PcpAssignment], day: dt.date) -> PrimaryCare | None:
    for assignment in assignments:
        if assignment.start_date <= day and (
            assignment.end_date is None or assignment.end_date >= day
        ):
            return PrimaryCare(
                name=assignment.provider.display_name,
                npi=assignment.provider.npi,
                phone=getattr(assignment, "phone", "") or "",
            )
    return None


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
    """The benefit plans' tables (benefits, limits), read once per benefit plan and kept
    for ``TTL`` seconds: a batch of thousands of rows, and a Monday morning of real-time
    inquiries, share a handful of benefit plans. A payer's edit to a benefit table shows
    within that time."""

    TTL = 60.0

    def __init__(self) -> None:
        self._plans: dict[int, tuple[float, BenefitPlan]] = {}
        self._benefits: dict[int, tuple[float, dict[str, dict[str, Benefit]]]] = {}
        self._limits: dict[int, tuple[float, list[CostShareLimit]]] = {}

    def clear(self) -> None:
        self._plans.clear()
        self._benefits.clear()
        self._limits.clear()

    def benefit_plan(self, benefit_plan_id: int) -> BenefitPlan:
        now = time.monotonic()
        cached = self._plans.get(benefit_plan_id)
        if cached is None or now - cached[0] > self.TTL:
            cached = (now, BenefitPlan.objects.get(pk=benefit_plan_id))
            self._plans[benefit_plan_id] = cached
        return cached[1]

    def benefits(self, benefit_plan_id: int) -> dict[str, dict[str, Benefit]]:
        now = time.monotonic()
        cached = self._benefits.get(benefit_plan_id)
        if cached is None or now - cached[0] > self.TTL:
            table: dict[str, dict[str, Benefit]] = defaultdict(dict)
            for benefit in Benefit.objects.filter(benefit_plan_id=benefit_plan_id):
                table[benefit.service_type][benefit.network] = benefit
            cached = (now, dict(table))
            self._benefits[benefit_plan_id] = cached
        return cached[1]

    def limits(self, benefit_plan_id: int) -> list[CostShareLimit]:
        now = time.monotonic()
        cached = self._limits.get(benefit_plan_id)
        if cached is None or now - cached[0] > self.TTL:
            cached = (
                now,
                list(
                    CostShareLimit.objects.filter(benefit_plan_id=benefit_plan_id).order_by(
                        "kind", "network", "-level"
                    )
                ),
            )
            self._limits[benefit_plan_id] = cached
        return cached[1]


#: Shared by the requests of one process (each gunicorn worker has its own).
PROCESS_TABLES = PlanTables()


def coverage_answer(
    coverage: Coverage,
    *,
    records: MemberRecords,
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
        met = records.met.get((coverage.pk, day.year), {})
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
    pcp = _pcp_on(records.pcps.get(coverage.member_id, []), day) if active else None
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
