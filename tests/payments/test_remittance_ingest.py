"""835 ingest: balanced before stored, atomic per payment, idempotent per file, rejected
with the exact reason when it does not add up or names what is not on file."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from healtheos.claims.models import Claim
from healtheos.interop.x12 import build_835_batch
from healtheos.interop.x12.remittance import Remittance
from healtheos.interop.x12.remittance.samples import generate_remittances
from healtheos.payments.models import Payment
from healtheos.payments.remittance_ingest import remittance_ingest
from tests.conftest import World

AT = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)


def remittance_for(world: World, trace: str = "EFT-T-1") -> Remittance:
    (generated,) = generate_remittances(1, seed=3, lines_per_claim=1)
    claim_payment = replace(
        generated.claims[0], payer_claim_number=world.bluebonnet.claim.claim_number
    )
    return replace(
        generated,
        trace=replace(generated.trace, reference=trace),
        payer=replace(generated.payer, identifier=world.sunrise.payer_id),
        payee=replace(generated.payee, id_qualifier="FI", identifier="741234567"),
        claims=(claim_payment,),
    )


def write(tmp_path: Path, *remittances: Remittance, name: str = "pay.835") -> Path:
    path = tmp_path / name
    path.write_text(
        build_835_batch(
            list(remittances), at=AT, control_number=9, sender_id="SUNTX", receiver_id="741234567"
        )
    )
    return path


def test_a_balanced_remittance_is_stored_and_the_claim_paid(world: World, tmp_path: Path) -> None:
    Claim.objects.payer_wide().filter(pk=world.bluebonnet.claim.pk).update(status="adjudicated")
    remittance = remittance_for(world)
    report = remittance_ingest(path=write(tmp_path, remittance))
    assert (report.payments, report.claim_payments, report.rejected) == (1, 1, [])
    payment = Payment.objects.payer_wide().get(trace_number="EFT-T-1")
    assert payment.total_amount == remittance.total_paid
    assert payment.remittance.raw_x12.startswith("ISA")
    claim = Claim.objects.payer_wide().get(pk=world.bluebonnet.claim.pk)
    assert claim.status == "paid"


def test_the_same_file_again_changes_nothing(world: World, tmp_path: Path) -> None:
    path = write(tmp_path, remittance_for(world))
    remittance_ingest(path=path)
    again = remittance_ingest(path=path)
    assert again.already_ingested
    assert Payment.objects.payer_wide().filter(trace_number="EFT-T-1").count() == 1


def test_an_unbalanced_payment_is_rejected_with_its_location_and_leaves_nothing(
    world: World, tmp_path: Path
) -> None:
    good = remittance_for(world, "EFT-GOOD")
    bad = replace(remittance_for(world, "EFT-BAD"), total_paid=good.total_paid + Decimal("1.00"))
    report = remittance_ingest(path=write(tmp_path, good, bad))
    assert report.payments == 1
    assert len(report.rejected) == 1
    assert "EFT-BAD" in report.rejected[0]
    assert "does not balance at BPR at position" in report.rejected[0]
    assert not Payment.objects.payer_wide().filter(trace_number="EFT-BAD").exists()


def test_a_claim_not_on_file_rejects_its_payment(world: World, tmp_path: Path) -> None:
    remittance = remittance_for(world)
    stranger = replace(
        remittance, claims=(replace(remittance.claims[0], payer_claim_number="NOPE"),)
    )
    report = remittance_ingest(path=write(tmp_path, stranger))
    assert "NOPE" in report.rejected[0]
    assert not Payment.objects.payer_wide().filter(trace_number="EFT-T-1").exists()


def test_a_malformed_file_stops_with_the_fault_and_keeps_what_came_before(
    world: World, tmp_path: Path
) -> None:
    path = write(tmp_path, remittance_for(world, "EFT-1"), remittance_for(world, "EFT-2"))
    text = path.read_text()
    second_bpr = text.index("BPR*", text.index("BPR*") + 1)
    path.write_text(text[:second_bpr] + "BPR*I*x" + text[second_bpr + 7 :])
    report = remittance_ingest(path=path)
    assert report.payments == 1
    assert report.fault
    assert Payment.objects.payer_wide().filter(trace_number="EFT-1").exists()


def test_the_ingest_command_detects_an_835(world: World, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("ingest", str(write(tmp_path, remittance_for(world))), stdout=out)
    assert out.getvalue().startswith("pay.835: 835 · 1 payments, 1 claim payments")


@pytest.mark.parametrize("text", ["", "ISA*garbage"])
def test_unreadable_835_files_are_refused_clearly(world: World, tmp_path: Path, text: str) -> None:
    path = tmp_path / "x.835"
    path.write_text(text)
    report = remittance_ingest(path=path)
    assert report.payments == 0


def test_payer_administrators_upload_an_835_in_the_console(world: World, tmp_path: Path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from healtheos.accounts.models import PayerRole, Realm
    from tests import factories as f

    admin = f.UserFactory(
        username="pam", realm=Realm.PAYER, payer_role=PayerRole.ADMINISTRATOR, plan=world.sunrise
    )
    data = write(tmp_path, remittance_for(world)).read_bytes()
    response = world.client_for(admin).post(
        "/payments/plan/upload/", {"file": SimpleUploadedFile("pay.835", data)}
    )
    assert "1 payments, 1 claim payments" in response.content.decode()
    assert world.client_for(world.bill).get("/payments/plan/upload/").status_code == 404
