"""The reference adjudicator and the payment cycle, through the services that apply them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from healtheos.audit.models import AuditEvent
from healtheos.authorizations.models import (
    AuthorizationRule,
    AuthorizationService,
    AuthorizationStatus,
)
from healtheos.claims.adjudication.interface import (
    Adjudication,
    Adjustment,
    Decision,
    LineResult,
)
from healtheos.claims.adjudication.pricing import cents
from healtheos.claims.adjudication.reference import HIGH_DOLLAR_NOTE
from healtheos.claims.adjudication.service_types import service_type_for
from healtheos.claims.adjudication.services import (
    AdjudicationError,
    claim_adjudicate,
    payment_cycle_run,
)
from healtheos.claims.models import Claim, ClaimStatus, FrequencyCode
from healtheos.directory.models import NetworkParticipation, ParticipationStatus
from healtheos.members.models import Accumulator, Coverage
from healtheos.payments.models import ClaimPayment, Payment, PaymentMethod
from healtheos.plans.models import Benefit, CostShareLimit, FeeSchedule, LimitKind
from healtheos.synthetic.catalog import PROCEDURES
from tests import factories as f
from tests.conftest import World

OCT_1 = dt.date(2026, 10, 1)


@pytest.fixture
def coverage(world: World) -> Coverage:
    """Bluebonnet's patient, with benefits, limits and a fee schedule at Sunrise Health:
    office visits $25 copay; imaging 20% after a $500 deductible; psychotherapy not
    covered; $1,000 out-of-pocket maximum."""
    coverage = Coverage.objects.get(member=world.bluebonnet.member)
    benefit_plan = coverage.benefit_plan
    for service_type, copay, coinsurance, deductible, covered in (
        ("98", Decimal("25"), None, False, True),
        ("4", None, Decimal("20"), True, True),
        ("1", None, Decimal("20"), True, True),
        ("MH", Decimal("25"), None, False, False),
    ):
        Benefit.objects.create(
            benefit_plan=benefit_plan,
            service_type=service_type,
            network="in",
            copay=copay,
            coinsurance_percent=coinsurance,
            deductible_applies=deductible,
            covered=covered,
        )
    for kind, amount in ((LimitKind.DEDUCTIBLE, "500"), (LimitKind.OUT_OF_POCKET, "1000")):
        CostShareLimit.objects.create(
            benefit_plan=benefit_plan,
            kind=kind,
            network="in",
            level="individual",
            amount=Decimal(amount),
        )
    for code, allowed in (("99213", "92.00"), ("70551", "420.00"), ("27447", "1650.00")):
        FeeSchedule.objects.create(
            plan=world.sunrise,
            line_of_business=coverage.line_of_business,
            procedure_code=code,
            allowed_amount=Decimal(allowed),
        )
    return coverage


def new_claim(
    world: World, *lines: tuple[str, str, dt.date], organization: object = None, **fields: object
) -> Claim:
    """A received claim from Bluebonnet for its patient, with (code, charge, date) lines."""
    office = world.bluebonnet
    org = organization or office.office.organization
    claim = f.ClaimFactory(
        plan=world.sunrise,
        member=office.member,
        billing_organization=org,
        billing_provider=office.practitioner,
        total_charge=sum((Decimal(charge) for _, charge, _ in lines), Decimal("0.00")),
        service_from=min(day for _, _, day in lines),
        service_to=max(day for _, _, day in lines),
        **fields,
    )
    for number, (code, charge, day) in enumerate(lines, start=1):
        f.ClaimLineFactory(
            claim=claim,
            line_number=number,
            procedure_code=code,
            charge=Decimal(charge),
            service_date=day,
        )
    return claim


def codes(claim: Claim) -> list[tuple[int | None, str, Decimal]]:
    return [
        (a.line.line_number if a.line else None, f"{a.group_code}-{a.reason_code}", a.amount)
        for a in claim.adjustments.select_related("line").order_by("line__line_number", "id")
    ]


def remarks(claim: Claim) -> list[str]:
    return sorted(r.code for r in claim.remarks.all())


def assert_balanced(claim: Claim) -> None:
    """Every monetary identity of a decided claim."""
    claim.refresh_from_db()
    for line in claim.lines.all():
        adjustments = list(line.adjustments.all())
        contractual = sum((a.amount for a in adjustments if a.group_code == "CO"), Decimal(0))
        patient = sum((a.amount for a in adjustments if a.group_code == "PR"), Decimal(0))
        assert line.charge == line.allowed_amount + contractual
        assert line.allowed_amount == line.paid_amount + line.patient_responsibility
        assert line.patient_responsibility == patient
    assert sum((a.amount for a in claim.adjustments.all()), Decimal(0)) == (
        claim.total_charge - claim.paid_amount
    )
    lines = list(claim.lines.all())
    assert claim.allowed_amount == sum((line.allowed_amount for line in lines), Decimal(0))
    assert claim.paid_amount == sum((line.paid_amount for line in lines), Decimal(0))
    assert claim.patient_responsibility == sum(
        (line.patient_responsibility for line in lines), Decimal(0)
    )


def met(coverage: Coverage, kind: str) -> Decimal:
    row = Accumulator.objects.filter(coverage=coverage, year=2026, kind=kind, network="in").first()
    return row.met if row else Decimal("0.00")


def test_a_clean_office_visit_is_priced_with_a_write_off_and_a_copay(
    world: World, coverage: Coverage
) -> None:
    claim = claim_adjudicate(claim=world.bluebonnet.claim)

    assert claim.status == ClaimStatus.ADJUDICATED
    assert claim.adjudicated_at is not None
    assert (claim.allowed_amount, claim.paid_amount, claim.patient_responsibility) == (
        Decimal("92.00"),
        Decimal("67.00"),
        Decimal("25.00"),
    )
    assert codes(claim) == [(1, "CO-45", Decimal("108.00")), (1, "PR-3", Decimal("25.00"))]
    history = [(e.status, e.category_code, e.status_code) for e in claim.history.all()]
    assert history == [("in_process", "P1", "20"), ("adjudicated", "F0", "3")]
    assert claim.coverage_id == coverage.pk
    assert AuditEvent.objects.filter(action="claims.adjudicated", object_id=str(claim.pk)).exists()
    assert_balanced(claim)


def test_the_deductible_comes_first_then_coinsurance_as_accumulators_rise(
    world: World, coverage: Coverage
) -> None:
    first = claim_adjudicate(claim=new_claim(world, ("70551", "1450.00", OCT_1)))
    assert codes(first) == [(1, "CO-45", Decimal("1030.00")), (1, "PR-1", Decimal("420.00"))]
    assert first.paid_amount == Decimal("0.00")
    assert met(coverage, LimitKind.DEDUCTIBLE) == Decimal("420.00")

    later = dt.date(2026, 10, 20)
    second = claim_adjudicate(claim=new_claim(world, ("70551", "1450.00", later)))
    # $80 of deductible is left; 20% of the remaining $340 is $68.
    assert codes(second) == [
        (1, "CO-45", Decimal("1030.00")),
        (1, "PR-1", Decimal("80.00")),
        (1, "PR-2", Decimal("68.00")),
    ]
    assert second.paid_amount == Decimal("272.00")
    assert met(coverage, LimitKind.DEDUCTIBLE) == Decimal("500.00")
    assert met(coverage, LimitKind.OUT_OF_POCKET) == Decimal("568.00")
    assert_balanced(first)
    assert_balanced(second)


def test_later_lines_of_one_claim_see_the_deductible_earlier_lines_used(
    world: World, coverage: Coverage
) -> None:
    claim = claim_adjudicate(
        claim=new_claim(
            world, ("70551", "1450.00", OCT_1), ("70551", "1450.00", dt.date(2026, 10, 2))
        )
    )
    assert [line.patient_responsibility for line in claim.lines.all()] == [
        Decimal("420.00"),
        Decimal("148.00"),
    ]
    assert met(coverage, LimitKind.DEDUCTIBLE) == Decimal("500.00")
    assert_balanced(claim)


def test_the_out_of_pocket_maximum_caps_what_the_patient_owes(
    world: World, coverage: Coverage
) -> None:
    Accumulator.objects.create(
        coverage=coverage,
        year=2026,
        kind=LimitKind.OUT_OF_POCKET,
        network="in",
        level="individual",
        met=Decimal("990.00"),
    )
    claim = claim_adjudicate(claim=world.bluebonnet.claim)

    assert codes(claim) == [(1, "CO-45", Decimal("108.00")), (1, "PR-3", Decimal("10.00"))]
    assert claim.paid_amount == Decimal("82.00")
    assert met(coverage, LimitKind.OUT_OF_POCKET) == Decimal("1000.00")
    assert_balanced(claim)


@pytest.mark.parametrize(
    ("status", "ended"),
    [
        (ParticipationStatus.OUT_OF_NETWORK, None),
        (ParticipationStatus.TERMINATED, dt.date(2026, 9, 30)),
    ],
)
def test_an_office_outside_the_network_gets_the_out_of_network_benefit(
    world: World, coverage: Coverage, status: str, ended: dt.date | None
) -> None:
    NetworkParticipation.objects.create(
        organization=world.bluebonnet.office.organization,
        plan=world.sunrise,
        line_of_business=coverage.line_of_business,
        status=status,
        effective_date=dt.date(2020, 1, 1),
        termination_date=ended,
    )
    Benefit.objects.create(
        benefit_plan=coverage.benefit_plan,
        service_type="98",
        network="out",
        coinsurance_percent=Decimal("40"),
        deductible_applies=False,
    )
    claim = claim_adjudicate(claim=world.bluebonnet.claim)

    assert codes(claim) == [(1, "CO-45", Decimal("108.00")), (1, "PR-2", Decimal("36.80"))]
    assert claim.paid_amount == Decimal("55.20")
    out = Accumulator.objects.get(coverage=coverage, kind=LimitKind.OUT_OF_POCKET)
    assert (out.network, out.met) == ("out", Decimal("36.80"))
    assert_balanced(claim)


def test_a_participation_terminated_after_the_service_is_still_in_network(
    world: World, coverage: Coverage
) -> None:
    NetworkParticipation.objects.create(
        organization=world.bluebonnet.office.organization,
        plan=world.sunrise,
        line_of_business=coverage.line_of_business,
        status=ParticipationStatus.TERMINATED,
        effective_date=dt.date(2020, 1, 1),
        termination_date=dt.date(2026, 12, 31),
    )
    claim = claim_adjudicate(claim=world.bluebonnet.claim)

    assert codes(claim) == [(1, "CO-45", Decimal("108.00")), (1, "PR-3", Decimal("25.00"))]


def test_a_member_whose_coverage_had_ended_is_denied_co_27(
    world: World, coverage: Coverage
) -> None:
    coverage.end_date = dt.date(2026, 6, 30)
    coverage.save(update_fields=["end_date"])
    claim = claim_adjudicate(claim=world.bluebonnet.claim)

    assert claim.status == ClaimStatus.DENIED
    assert codes(claim) == [(1, "CO-27", Decimal("200.00"))]
    assert remarks(claim) == ["N30"]
    assert claim.history.last().category_code == "F2"  # type: ignore[union-attr]
    assert_balanced(claim)


def test_a_service_before_coverage_began_is_denied_co_26(world: World, coverage: Coverage) -> None:
    claim = claim_adjudicate(claim=new_claim(world, ("99213", "150.00", dt.date(2025, 12, 1))))

    assert claim.status == ClaimStatus.DENIED
    assert codes(claim) == [(1, "CO-26", Decimal("150.00"))]
    assert remarks(claim) == ["N30"]


def test_a_duplicate_of_an_adjudicated_claim_is_denied_co_18(
    world: World, coverage: Coverage
) -> None:
    claim_adjudicate(claim=world.bluebonnet.claim)
    again = claim_adjudicate(claim=new_claim(world, ("99213", "200.00", OCT_1)))

    assert again.status == ClaimStatus.DENIED
    assert codes(again) == [(1, "CO-18", Decimal("200.00"))]
    assert remarks(again) == ["M86"]
    assert_balanced(again)


@pytest.fixture
def mri_rule(world: World, coverage: Coverage) -> AuthorizationRule:
    return AuthorizationRule.objects.create(
        plan=world.sunrise,
        line_of_business=coverage.line_of_business,
        procedure_code="70551",
        description="MRI of the brain",
    )


def test_a_service_needing_authorization_without_one_is_denied_co_197(
    world: World, mri_rule: AuthorizationRule
) -> None:
    claim = claim_adjudicate(claim=new_claim(world, ("70551", "1450.00", OCT_1)))

    assert claim.status == ClaimStatus.DENIED
    assert codes(claim) == [(1, "CO-197", Decimal("1450.00"))]
    assert remarks(claim) == ["N54"]


def test_a_service_needing_authorization_with_an_approved_one_is_paid(
    world: World, mri_rule: AuthorizationRule
) -> None:
    authorization = world.bluebonnet.authorization
    authorization.status = AuthorizationStatus.APPROVED
    authorization.valid_from = dt.date(2026, 9, 1)
    authorization.valid_to = dt.date(2026, 11, 30)
    authorization.save(update_fields=["status", "valid_from", "valid_to"])
    AuthorizationService.objects.create(
        authorization=authorization,
        procedure_code="70551",
        service_from=dt.date(2026, 9, 1),
        service_to=dt.date(2026, 11, 30),
    )
    claim = claim_adjudicate(
        claim=new_claim(world, ("70551", "1450.00", OCT_1), authorization=authorization)
    )

    assert claim.status == ClaimStatus.ADJUDICATED
    assert "CO-197" not in {code for _, code, _ in codes(claim)}
    assert_balanced(claim)


def test_an_authorization_for_another_procedure_does_not_count(
    world: World, mri_rule: AuthorizationRule
) -> None:
    authorization = world.bluebonnet.authorization
    authorization.status = AuthorizationStatus.APPROVED
    authorization.save(update_fields=["status"])
    AuthorizationService.objects.create(
        authorization=authorization, procedure_code="72148", service_from=OCT_1, service_to=OCT_1
    )
    claim = claim_adjudicate(claim=new_claim(world, ("70551", "1450.00", OCT_1)))

    assert codes(claim) == [(1, "CO-197", Decimal("1450.00"))]


def test_a_service_the_plan_does_not_cover_is_denied_co_204(
    world: World, coverage: Coverage
) -> None:
    claim = claim_adjudicate(
        claim=new_claim(world, ("90834", "160.00", OCT_1), ("99213", "150.00", OCT_1))
    )

    # One line is still paid, so the claim is adjudicated, not denied.
    assert claim.status == ClaimStatus.ADJUDICATED
    assert codes(claim)[0] == (1, "CO-204", Decimal("160.00"))
    assert remarks(claim) == ["N130"]
    assert_balanced(claim)


def test_a_code_without_a_fee_schedule_row_is_allowed_at_sixty_percent(
    world: World, coverage: Coverage
) -> None:
    claim = claim_adjudicate(claim=new_claim(world, ("80053", "60.00", OCT_1)))

    line = claim.lines.get()
    assert line.allowed_amount == Decimal("36.00")
    # Lab falls back to medical care ("1"): all of it goes to the deductible.
    assert codes(claim) == [(1, "CO-45", Decimal("24.00")), (1, "PR-1", Decimal("36.00"))]


def test_a_high_dollar_claim_pends_for_review(world: World, coverage: Coverage) -> None:
    claim = claim_adjudicate(claim=new_claim(world, ("27447", "24500.00", OCT_1)))

    assert claim.status == ClaimStatus.PENDED
    assert not claim.adjustments.exists()
    event = claim.history.last()
    assert event is not None
    assert (event.category_code, event.status_code, event.note) == ("P2", "45", HIGH_DOLLAR_NOTE)
    assert claim.paid_amount == Decimal("0.00")


def test_a_claim_that_is_not_received_is_left_as_it_is(world: World, coverage: Coverage) -> None:
    claim = claim_adjudicate(claim=world.bluebonnet.claim)
    again = claim_adjudicate(claim=claim)

    assert again.status == ClaimStatus.ADJUDICATED
    assert again.adjustments.count() == 2
    assert met(coverage, LimitKind.OUT_OF_POCKET) == Decimal("25.00")


def test_a_void_marks_the_original_voided_and_pays_nothing(
    world: World, coverage: Coverage
) -> None:
    original = claim_adjudicate(claim=world.bluebonnet.claim)
    void = new_claim(
        world,
        ("99213", "200.00", OCT_1),
        frequency_code=FrequencyCode.VOID,
        original_claim=original,
    )
    void = claim_adjudicate(claim=void)

    original.refresh_from_db()
    assert original.status == ClaimStatus.VOIDED
    assert void.status == ClaimStatus.VOIDED
    assert void.paid_amount == Decimal("0.00")
    assert not void.adjustments.exists()
    assert payment_cycle_run(plan=world.sunrise, on=dt.date(2026, 11, 2)) == []


def test_a_corrected_claim_replaces_the_original(world: World, coverage: Coverage) -> None:
    original = claim_adjudicate(claim=world.bluebonnet.claim)
    corrected = new_claim(
        world,
        ("99213", "200.00", OCT_1),
        ("36415", "25.00", OCT_1),
        frequency_code=FrequencyCode.CORRECTED,
        original_claim=original,
    )
    corrected = claim_adjudicate(claim=corrected)

    original.refresh_from_db()
    assert original.status == ClaimStatus.VOIDED
    # Not a duplicate of the claim it replaces.
    assert corrected.status == ClaimStatus.ADJUDICATED
    assert "CO-18" not in {code for _, code, _ in codes(corrected)}
    assert_balanced(corrected)


def test_the_payment_cycle_pays_each_payee_once_and_only_once(
    world: World, coverage: Coverage
) -> None:
    other = f.OrganizationFactory()
    visit = claim_adjudicate(claim=world.bluebonnet.claim)
    imaging = claim_adjudicate(claim=new_claim(world, ("70551", "1450.00", dt.date(2026, 10, 5))))
    lab = claim_adjudicate(claim=new_claim(world, ("80053", "60.00", OCT_1), organization=other))
    visit_elsewhere = claim_adjudicate(
        claim=new_claim(world, ("99213", "150.00", dt.date(2026, 10, 6)), organization=other)
    )
    denied = claim_adjudicate(claim=new_claim(world, ("90834", "160.00", OCT_1)))
    assert denied.status == ClaimStatus.DENIED
    pended = claim_adjudicate(claim=new_claim(world, ("27447", "24500.00", OCT_1)))
    lakeshore_claim = world.prairie.claim

    payments = payment_cycle_run(plan=world.sunrise, on=dt.date(2026, 11, 2))

    assert [p.payee_organization for p in payments] == sorted(
        [world.bluebonnet.office.organization, other], key=lambda o: o.pk
    )
    for payment in payments:
        rows = list(payment.claim_payments.all())
        assert payment.total_amount == sum((r.paid_amount for r in rows), Decimal(0))
        assert payment.trace_number.startswith(f"EFT{world.sunrise.pk:02d}261102")
        assert payment.payment_date == dt.date(2026, 11, 2)
    bluebonnet = payments[
        [p.payee_organization for p in payments].index(visit.billing_organization)
    ]
    statuses = {r.claim_id: r.status_code for r in bluebonnet.claim_payments.all()}
    assert statuses == {visit.pk: "1", imaging.pk: "1", denied.pk: "4"}
    assert bluebonnet.method == PaymentMethod.ACH
    assert bluebonnet.total_amount == visit.paid_amount + imaging.paid_amount
    elsewhere = payments[[p.payee_organization for p in payments].index(other)]
    assert (
        elsewhere.total_amount == Decimal("67.00") == lab.paid_amount + visit_elsewhere.paid_amount
    )
    for claim in (visit, imaging, lab, visit_elsewhere):
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.PAID
        assert claim.paid_at is not None
        assert claim.history.last().category_code == "F1"  # type: ignore[union-attr]
    denied.refresh_from_db()
    pended.refresh_from_db()
    lakeshore_claim.refresh_from_db()
    assert denied.status == ClaimStatus.DENIED
    assert pended.status == ClaimStatus.PENDED
    assert lakeshore_claim.status == ClaimStatus.RECEIVED
    assert AuditEvent.objects.filter(action="payments.cycle_run").count() == 2

    count = Payment.objects.payer_wide().count()
    assert payment_cycle_run(plan=world.sunrise, on=dt.date(2026, 11, 2)) == []
    assert Payment.objects.payer_wide().count() == count
    assert ClaimPayment.objects.filter(claim=denied).count() == 1


def test_a_second_cycle_on_the_same_day_gets_new_trace_numbers(
    world: World, coverage: Coverage
) -> None:
    on = dt.date(2026, 11, 2)
    claim_adjudicate(claim=world.bluebonnet.claim)
    [first] = payment_cycle_run(plan=world.sunrise, on=on)
    claim_adjudicate(claim=new_claim(world, ("70551", "1450.00", dt.date(2026, 10, 5))))
    [second] = payment_cycle_run(plan=world.sunrise, on=on)

    assert first.trace_number.endswith("00001")
    assert second.trace_number.endswith("00002")


def test_a_trace_number_taken_meanwhile_moves_the_payment_to_the_next(
    world: World, coverage: Coverage
) -> None:
    """Two cycles of one plan at once (different payees) can pick the same number: the one
    refused by the unique constraint takes the next, and the cycle still pays."""
    on = dt.date(2026, 11, 2)
    # A payment numbered as if another cycle had just committed the next one.
    f.PaymentFactory(plan=world.sunrise, trace_number=f"EFT{world.sunrise.pk:02d}26110200001")
    f.PaymentFactory(plan=world.sunrise, trace_number=f"EFT{world.sunrise.pk:02d}26110200003")
    visit = claim_adjudicate(claim=world.bluebonnet.claim)

    [payment] = payment_cycle_run(plan=world.sunrise, on=on)

    assert payment.trace_number.endswith("00004")
    visit.refresh_from_db()
    assert visit.status == ClaimStatus.PAID


def test_a_submissions_cycle_pays_only_its_own_payees(world: World, coverage: Coverage) -> None:
    other = f.OrganizationFactory()
    ours = claim_adjudicate(claim=world.bluebonnet.claim)
    theirs = claim_adjudicate(claim=new_claim(world, ("80053", "60.00", OCT_1), organization=other))

    [payment] = payment_cycle_run(
        plan=world.sunrise, on=dt.date(2026, 11, 2), payees={ours.billing_organization_id}
    )

    assert payment.payee_organization_id == ours.billing_organization_id
    theirs.refresh_from_db()
    assert theirs.status == ClaimStatus.ADJUDICATED


class FlatFiftyAdjudicator:
    """A stand-in for a plan's core system: pays every line $50, the rest written off."""

    def adjudicate(self, claim: Claim) -> Adjudication:
        lines = list(claim.lines.all())
        fifty = Decimal("50.00")
        return Adjudication(
            Decision.PAY,
            lines=tuple(LineResult(line.line_number, fifty, fifty) for line in lines),
            adjustments=tuple(
                Adjustment(line.line_number, "CO", "45", line.charge - fifty) for line in lines
            ),
            note="Decided by the core system",
        )


class UnbalancedAdjudicator:
    def adjudicate(self, claim: Claim) -> Adjudication:
        return Adjudication(Decision.PAY, lines=(LineResult(1, Decimal("10"), Decimal("10")),))


def test_the_adjudicator_named_by_the_setting_decides(world: World, settings: object) -> None:
    settings.ADJUDICATOR = "tests.claims.test_adjudication.FlatFiftyAdjudicator"  # type: ignore[attr-defined]
    claim = claim_adjudicate(claim=world.bluebonnet.claim)

    assert claim.paid_amount == Decimal("50.00")
    assert codes(claim) == [(1, "CO-45", Decimal("150.00"))]
    assert claim.history.last().note == "Decided by the core system"  # type: ignore[union-attr]
    assert_balanced(claim)


def test_a_decision_that_does_not_balance_is_refused_and_nothing_is_stored(
    world: World,
) -> None:
    with pytest.raises(AdjudicationError):
        claim_adjudicate(claim=world.bluebonnet.claim, adjudicator=UnbalancedAdjudicator())

    claim = world.bluebonnet.claim
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RECEIVED
    assert not claim.history.exists()


def test_the_service_type_table_agrees_with_the_synthetic_catalog() -> None:
    for code, _name, _charge, _allowed, service_type in PROCEDURES:
        assert service_type_for(code) == service_type, code
    assert service_type_for("99215") == "98"
    assert service_type_for("12345") == "1"


def test_money_is_rounded_half_up_to_cents() -> None:
    assert cents(Decimal("10.005")) == Decimal("10.01")
    assert cents(Decimal("10.004")) == Decimal("10.00")
