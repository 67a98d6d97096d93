"""The synthetic data set keeps the promises the rest of the product relies on."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db.models import Sum

from healtheos.authorizations.models import (
    DECIDED_STATUSES,
    AuthorizationStatus,
    PriorAuthorization,
)
from healtheos.claims.models import Claim, ClaimAdjustment, ClaimLine, ClaimStatus
from healtheos.core.identifiers import is_valid_npi
from healtheos.directory.models import Provider, ProviderOrganization
from healtheos.members.models import Accumulator, Coverage, Member
from healtheos.payments.models import ClaimPayment, Payment, ProviderAdjustment
from healtheos.plans.models import CostShareLimit, LineOfBusiness, Plan
from healtheos.synthetic.generate import Generator

TODAY = dt.date(2026, 11, 24)


def _seed(seed: int = 7) -> dict[str, int]:
    return Generator(seed=seed, scale="small", today=TODAY, say=lambda _: None).run()


@pytest.fixture
def seeded(db: None) -> dict[str, int]:
    return _seed()


def test_plans_span_two_states_and_all_lines_of_business(seeded: dict[str, int]) -> None:
    assert Plan.objects.values("state").distinct().count() >= 2
    lobs = set(Coverage.objects.values_list("line_of_business", flat=True))
    assert lobs == set(LineOfBusiness.values)


def test_every_npi_is_valid(seeded: dict[str, int]) -> None:
    assert all(is_valid_npi(npi) for npi in Provider.objects.values_list("npi", flat=True))
    assert all(
        is_valid_npi(npi) for npi in ProviderOrganization.objects.values_list("npi", flat=True)
    )


def test_every_claim_is_billed_by_an_organization_on_file_under_its_own_practitioner(
    seeded: dict[str, int],
) -> None:
    links = set(
        Provider.organizations.through.objects.values_list("providerorganization_id", "provider_id")
    )
    for org_id, provider_id in Claim.objects.payer_wide().values_list(
        "billing_organization_id", "billing_provider_id"
    ):
        assert (org_id, provider_id) in links


def test_every_claim_status_and_authorization_state_appears(seeded: dict[str, int]) -> None:
    assert set(Claim.objects.payer_wide().values_list("status", flat=True)) == set(
        ClaimStatus.values
    )
    states = set(PriorAuthorization.objects.payer_wide().values_list("status", flat=True))
    assert states == set(AuthorizationStatus.values)


def test_coverage_spans_never_overlap_within_a_member_and_line_of_business(
    seeded: dict[str, int],
) -> None:
    spans: dict[tuple[int, str], list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for member_id, lob, start, end in Coverage.objects.values_list(
        "member_id", "line_of_business", "start_date", "end_date"
    ):
        spans[(member_id, lob)].append((start, end or dt.date.max))
    for ranges in spans.values():
        ranges.sort()
        for (_, first_end), (second_start, _) in itertools.pairwise(ranges):
            assert first_end < second_start


def test_each_claim_line_and_claim_balances(seeded: dict[str, int]) -> None:
    adjustments: dict[int, Decimal] = defaultdict(Decimal)
    for line_id, amount in ClaimAdjustment.objects.values_list("line_id", "amount"):
        adjustments[line_id] += amount
    for line in ClaimLine.objects.filter(claim__status__in=["paid", "denied", "adjudicated"]):
        assert line.charge - adjustments[line.pk] == line.paid_amount


def test_remittances_balance_to_the_cent(seeded: dict[str, int]) -> None:
    claim_adjustments = dict(
        ClaimAdjustment.objects.values("claim_id")
        .annotate(total=Sum("amount"))
        .values_list("claim_id", "total")
    )
    payments = Payment.objects.payer_wide()
    assert payments.exists()
    for payment in payments:
        rows = list(ClaimPayment.objects.filter(payment=payment))
        for row in rows:
            assert (
                row.billed_amount - claim_adjustments.get(row.claim_id, Decimal(0))
                == row.paid_amount
            )
        paid = sum((r.paid_amount for r in rows), Decimal(0))
        plb = (
            ProviderAdjustment.objects.filter(payment=payment).aggregate(t=Sum("amount"))["t"] or 0
        )
        assert payment.total_amount == paid - plb


def test_accumulators_never_exceed_their_limits(seeded: dict[str, int]) -> None:
    limits = {
        (row.benefit_plan_id, row.kind, row.network, row.level): row.amount
        for row in CostShareLimit.objects.all()
    }
    for acc in Accumulator.objects.select_related("coverage"):
        assert acc.met <= limits[(acc.coverage.benefit_plan_id, acc.kind, acc.network, acc.level)]


def test_authorization_timelines_match_their_status(seeded: dict[str, int]) -> None:
    for auth in PriorAuthorization.objects.payer_wide().prefetch_related("timeline"):
        statuses = [event.status for event in auth.timeline.all()]
        if auth.status == AuthorizationStatus.DRAFT:
            assert statuses == []
            continue
        assert statuses[0] == AuthorizationStatus.SUBMITTED
        assert statuses[-1] == auth.status
        expected = dt.timedelta(hours=72) if auth.urgency == "expedited" else dt.timedelta(days=7)
        assert auth.due_at - auth.submitted_at == expected
        if auth.status in DECIDED_STATUSES:
            assert auth.decided_at is not None
        if auth.status in {AuthorizationStatus.APPROVED, AuthorizationStatus.PARTIALLY_APPROVED}:
            assert auth.authorization_number
        if auth.status == AuthorizationStatus.DENIED:
            assert auth.decision_reason_text


# Flushing truncates tables, which PostgreSQL refuses inside the per-test transaction.
@pytest.mark.django_db(transaction=True)
def test_the_same_seed_gives_the_same_data() -> None:
    _seed(11)
    first = list(Member.objects.order_by("id").values_list("member_id", "birth_date"))
    claims = list(
        Claim.objects.payer_wide().order_by("id").values_list("claim_number", "paid_amount")
    )
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    _seed(11)
    assert list(Member.objects.order_by("id").values_list("member_id", "birth_date")) == first
    assert (
        list(Claim.objects.payer_wide().order_by("id").values_list("claim_number", "paid_amount"))
        == claims
    )
    call_command("flush", interactive=False, verbosity=0)
    _seed(12)
    assert list(Member.objects.order_by("id").values_list("member_id", "birth_date")) != first
