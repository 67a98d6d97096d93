"""Benefit tables and family members for the eligibility tests, on top of the shared world.

Bluebonnet's member (TM…, born 1980-05-17) is the subscriber of a commercial PPO with a
child (born 2015-03-02) and a PCP at Bluebonnet; Prairie's member is at another plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from healtheos.members.models import Accumulator, Coverage, Member, PcpAssignment
from healtheos.plans.models import Benefit, CostShareLimit
from tests import factories as f
from tests.conftest import World


@dataclass
class Family:
    subscriber: Member
    child: Member
    coverage: Coverage


def add_benefits(coverage: Coverage) -> None:
    plan = coverage.benefit_plan
    for code, copay, coins, auth in (
        ("30", None, Decimal("20"), False),
        ("1", None, Decimal("20"), False),
        ("98", Decimal("25"), None, False),
        ("48", None, Decimal("20"), True),
    ):
        Benefit.objects.get_or_create(
            benefit_plan=plan,
            service_type=code,
            network="in",
            defaults={
                "copay": copay,
                "coinsurance_percent": coins,
                "prior_auth_required": auth,
                "deductible_applies": code != "98",
            },
        )
        Benefit.objects.get_or_create(
            benefit_plan=plan,
            service_type=code,
            network="out",
            defaults={"coinsurance_percent": Decimal("40"), "prior_auth_required": auth},
        )
    for kind, base in (("deductible", Decimal("1000")), ("out_of_pocket", Decimal("5000"))):
        for network, factor in (("in", 1), ("out", 2)):
            for level, level_factor in (("individual", 1), ("family", 2)):
                CostShareLimit.objects.get_or_create(
                    benefit_plan=plan,
                    kind=kind,
                    network=network,
                    level=level,
                    defaults={"amount": base * factor * level_factor},
                )


@pytest.fixture
def family(world: World) -> Family:
    subscriber = world.bluebonnet.member
    coverage = subscriber.coverages.get()
    add_benefits(coverage)
    Accumulator.objects.create(
        coverage=coverage,
        year=timezone.localdate().year,
        kind="deductible",
        network="in",
        level="individual",
        met=Decimal("400.00"),
    )
    child = f.MemberFactory(
        plan=subscriber.plan,
        first_name="Robin",
        last_name=subscriber.last_name,
        birth_date=dt.date(2015, 3, 2),
        subscriber=subscriber,
        relationship="19",
    )
    Coverage.objects.create(
        member=child,
        benefit_plan=coverage.benefit_plan,
        line_of_business=coverage.line_of_business,
        group_number=coverage.group_number,
        start_date=coverage.start_date,
    )
    PcpAssignment.objects.create(
        member=subscriber,
        provider=world.bluebonnet.practitioner,
        organization=world.bluebonnet.office.organization,
        source="member_selected",
        start_date=dt.date(2026, 1, 1),
    )
    add_benefits(world.prairie.member.coverages.get())
    return Family(subscriber, child, coverage)
