"""The payment cycle writes each payment's 835; the project's reader and pyx12 accept it;
``healtheos export-835`` writes a payee's files."""

from __future__ import annotations

import importlib.util
import io
from importlib.resources import files
from pathlib import Path

import pytest
from django.core.management import call_command

from healtheos.claims.models import Claim, SubmissionChannel
from healtheos.claims.submission import submission_receive
from healtheos.interop.x12 import check_balance, read_835
from healtheos.payments.models import Payment
from tests.claims.x12_submissions import file_837
from tests.conftest import World


@pytest.fixture(autouse=True)
def _inline(settings: object) -> None:
    settings.TASK_BACKEND = "inline"  # type: ignore[attr-defined]


def paid_payment(world: World) -> Payment:
    submission_receive(
        office=world.bluebonnet.office,
        data=file_837(world),
        file_name="c.837",
        channel=SubmissionChannel.PORTAL,
        background=False,
    )
    claim = Claim.objects.for_office(world.bluebonnet.office).get(
        patient_account_number="ACCT-9001"
    )
    return claim.payments.get().payment


def test_the_payment_cycle_writes_a_balanced_835(world: World) -> None:
    payment = paid_payment(world)
    (remittance,) = read_835(payment.remittance.raw_x12)
    assert remittance.trace.reference == payment.trace_number
    assert remittance.total_paid == payment.total_amount
    assert check_balance(remittance) == []


@pytest.mark.skipif(importlib.util.find_spec("pyx12") is None, reason="pyx12 is not installed")
def test_pyx12_accepts_the_generated_835(world: World) -> None:
    from tests.interop.pyx12_check import pyx12_errors

    payment = paid_payment(world)
    assert pyx12_errors(payment.remittance.raw_x12, Path(str(files("pyx12") / "map"))) == []


def test_export_835_writes_the_payees_files(world: World, tmp_path: Path) -> None:
    payment = paid_payment(world)
    out = io.StringIO()
    call_command("export_835", payee="74-1234567", out=str(tmp_path), stdout=out)
    assert (tmp_path / f"{payment.trace_number}.835").read_text().startswith("ISA")
    assert "written to" in out.getvalue()
