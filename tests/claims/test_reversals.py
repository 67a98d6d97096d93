"""A paid claim that is voided (or replaced) is reversed on the next payment cycle's 835:
CLP02 22 with every amount negated, balanced; a payment the reversal makes negative is
zero, the payee's debt carried forward (PLB FB) and taken from its next payment."""

from __future__ import annotations

import datetime as dt
import importlib.util
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest

from healtheos.claims.adjudication.services import claim_adjudicate, payment_cycle_run
from healtheos.claims.models import ClaimStatus, FrequencyCode
from healtheos.interop.x12 import check_balance, read_835
from healtheos.members.models import Coverage
from healtheos.payments.models import ClaimPayment, PaymentMethod
from tests.claims.test_adjudication import coverage, new_claim
from tests.conftest import World

__all__ = ["coverage"]  # the fixture, used by name

NOV_2, NOV_9, NOV_16 = dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16)


def paid_visit(world: World):  # type: ignore[no-untyped-def]
    claim = claim_adjudicate(claim=new_claim(world, ("99213", "200.00", dt.date(2026, 10, 5))))
    payment_cycle_run(plan=world.sunrise, on=NOV_2)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert claim.paid_amount > 0
    return claim


def void_of(world: World, original):  # type: ignore[no-untyped-def]
    return claim_adjudicate(
        claim=new_claim(
            world,
            ("99213", "200.00", dt.date(2026, 10, 5)),
            frequency_code=FrequencyCode.VOID,
            original_claim=original,
        )
    )


def test_a_void_of_a_paid_claim_is_reversed_on_the_next_835(
    world: World, coverage: Coverage
) -> None:
    original = paid_visit(world)
    visit = claim_adjudicate(  # pays more than is reversed
        claim=new_claim(
            world,
            ("99213", "200.00", dt.date(2026, 10, 12)),
            ("99214", "300.00", dt.date(2026, 10, 12)),
        )
    )
    void = void_of(world, original)
    original.refresh_from_db()
    assert (void.status, original.status) == (ClaimStatus.VOIDED, ClaimStatus.VOIDED)
    assert "reversed on the next remittance" in void.history.last().note  # type: ignore[union-attr]

    (payment,) = payment_cycle_run(plan=world.sunrise, on=NOV_9)
    reversal = ClaimPayment.objects.get(payment=payment, claim=original)
    assert reversal.status_code == "22"
    assert (reversal.billed_amount, reversal.paid_amount) == (
        -original.total_charge,
        -original.paid_amount,
    )
    assert payment.total_amount == visit.paid_amount - original.paid_amount > 0
    (remittance,) = read_835(payment.remittance.raw_x12)
    assert check_balance(remittance) == []
    (clp,) = [c for c in remittance.claims if c.status == "22"]
    assert clp.payer_claim_number == original.claim_number
    assert clp.paid == -original.paid_amount
    assert all(line.charge < 0 for line in clp.lines)
    assert original.history.last().note.startswith("Payment reversed on")  # type: ignore[union-attr]
    # Reversed once only.
    assert payment_cycle_run(plan=world.sunrise, on=NOV_16) == []


def test_a_reversal_larger_than_the_payment_carries_a_forward_balance(
    world: World, coverage: Coverage
) -> None:
    original = paid_visit(world)
    void_of(world, original)
    (owing,) = payment_cycle_run(plan=world.sunrise, on=NOV_9)
    assert (owing.total_amount, owing.method) == (Decimal("0.00"), PaymentMethod.NONE)
    (carried,) = owing.provider_adjustments.all()
    assert (carried.reason_code, carried.amount) == ("FB", -original.paid_amount)
    (remittance,) = read_835(owing.remittance.raw_x12)
    assert check_balance(remittance) == []

    later = claim_adjudicate(claim=new_claim(world, ("99214", "300.00", dt.date(2026, 10, 20))))
    (next_payment,) = payment_cycle_run(plan=world.sunrise, on=NOV_16)
    taken = min(original.paid_amount, later.paid_amount)
    assert next_payment.total_amount == later.paid_amount - taken
    (recovered,) = next_payment.provider_adjustments.all()
    assert (recovered.reason_code, recovered.amount) == ("FB", taken)
    (remittance,) = read_835(next_payment.remittance.raw_x12)
    assert check_balance(remittance) == []


def test_a_corrected_claim_of_a_paid_claim_reverses_it_and_pays_the_new_one(
    world: World, coverage: Coverage
) -> None:
    original = paid_visit(world)
    corrected = claim_adjudicate(
        claim=new_claim(
            world,
            ("99214", "300.00", dt.date(2026, 10, 5)),
            frequency_code=FrequencyCode.CORRECTED,
            original_claim=original,
        )
    )
    assert corrected.status == ClaimStatus.ADJUDICATED
    (payment,) = payment_cycle_run(plan=world.sunrise, on=NOV_9)
    statuses = {r.claim_id: r.status_code for r in payment.claim_payments.all()}
    assert statuses == {original.pk: "22", corrected.pk: "1"}


@pytest.mark.skipif(importlib.util.find_spec("pyx12") is None, reason="pyx12 is not installed")
def test_pyx12_accepts_an_835_with_a_reversal(world: World, coverage: Coverage) -> None:
    from tests.interop.pyx12_check import pyx12_errors

    original = paid_visit(world)
    claim_adjudicate(claim=world.bluebonnet.claim)
    void_of(world, original)
    (payment,) = payment_cycle_run(plan=world.sunrise, on=NOV_9)
    assert pyx12_errors(payment.remittance.raw_x12, Path(str(files("pyx12") / "map"))) == []
