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


# -- grouped bulk store ------------------------------------------------------------------


def _no_trace_of(*traces: str) -> None:
    from healtheos.audit.models import AuditEvent
    from healtheos.payments.models import ClaimPayment as StoredClaimPayment
    from healtheos.payments.models import Remittance as StoredRemittance

    payments = Payment.objects.payer_wide().filter(trace_number__in=traces)
    assert not payments.exists()
    assert not StoredClaimPayment.objects.filter(payment__trace_number__in=traces).exists()
    assert not StoredRemittance.objects.filter(payment__trace_number__in=traces).exists()
    assert not AuditEvent.objects.filter(action="payments.remittance_ingested").exists()


def test_a_failure_in_the_middle_of_a_bulk_store_leaves_nothing_of_its_payments(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    from healtheos.payments import remittance_ingest as module

    Claim.objects.payer_wide().filter(pk=world.bluebonnet.claim.pk).update(status="adjudicated")

    def broken(rows: object) -> None:
        raise OperationalError("the connection was lost")

    # Payments and remittances are inserted before the claim payments: the failure comes
    # after part of each payment is written.
    monkeypatch.setattr(module, "_copy_claim_payments", broken)
    path = write(tmp_path, remittance_for(world, "EFT-A"), remittance_for(world, "EFT-B"))
    with pytest.raises(OperationalError):
        remittance_ingest(path=path)
    _no_trace_of("EFT-A", "EFT-B")
    assert Claim.objects.payer_wide().get(pk=world.bluebonnet.claim.pk).status == "adjudicated"


def test_a_trace_number_taken_while_the_group_was_checked_rejects_only_that_payment(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from healtheos.payments import remittance_ingest as module

    checked = module._check_group

    def racing(group: list[module._Checked]) -> object:
        result = checked(group)
        if len(group) > 1:  # another ingest stores EFT-B between the check and the write
            Payment.objects.create(
                plan=world.sunrise,
                payee_organization=group[0].payee,
                trace_number="EFT-B",
                method="ACH",
                payment_date=AT.date(),
                total_amount=Decimal("1.00"),
            )
        return result

    monkeypatch.setattr(module, "_check_group", racing)
    path = write(
        tmp_path,
        remittance_for(world, "EFT-A"),
        remittance_for(world, "EFT-B"),
        remittance_for(world, "EFT-C"),
    )
    report = remittance_ingest(path=path)
    assert [(r.trace_number, r.stored) for r in report.results] == [
        ("EFT-A", True),
        ("EFT-B", False),
        ("EFT-C", True),
    ]
    assert "already on file" in report.results[1].reason
    assert Payment.objects.payer_wide().get(trace_number="EFT-B").total_amount == Decimal("1.00")


def test_groups_keep_file_order_and_each_payment_whole(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from healtheos.audit.services import audit_verify
    from healtheos.payments import remittance_ingest as module

    monkeypatch.setattr(module, "GROUP_CLAIMS", 2)
    good = [remittance_for(world, f"EFT-{n}") for n in range(5)]
    unbalanced = replace(good[2], total_paid=good[2].total_paid + Decimal("0.01"))
    duplicate = good[1]
    files = [*good[:2], unbalanced, duplicate, *good[3:]]
    report = remittance_ingest(path=write(tmp_path, *files))
    assert [(r.trace_number, r.stored) for r in report.results] == [
        ("EFT-0", True),
        ("EFT-1", True),
        ("EFT-2", False),
        ("EFT-1", False),
        ("EFT-3", True),
        ("EFT-4", True),
    ]
    assert "does not balance at BPR at position" in report.results[2].reason
    assert "EFT-1 (TRN02) is already on file" in report.results[3].reason
    assert report.payments == 4
    stored = Payment.objects.payer_wide().filter(trace_number__startswith="EFT-")
    assert stored.count() == 4
    assert all(p.claim_payments.count() == 1 for p in stored)
    assert audit_verify().ok


def test_the_stored_835_is_the_set_as_received(world: World, tmp_path: Path) -> None:
    from healtheos.interop.x12 import read_835

    remittance = remittance_for(world)
    remittance_ingest(path=write(tmp_path, remittance))
    payment = Payment.objects.payer_wide().get(trace_number="EFT-T-1")
    (again,) = read_835(payment.remittance.raw_x12)
    assert again == remittance
    assert again.origin is not None
    assert again.origin.sender_id == world.sunrise.payer_id


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_groups_are_stored_by_a_worker_while_the_next_is_read(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    from healtheos.payments import remittance_ingest as module

    if connection.vendor != "postgresql":
        pytest.skip("the worker stores groups on PostgreSQL only")
    threads: set[str] = set()
    store = module._store_group

    def recorded(*args: object) -> object:
        import threading

        threads.add(threading.current_thread().name)
        return store(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "_store_group", recorded)
    monkeypatch.setattr(module, "GROUP_CLAIMS", 1)
    unbalanced = replace(remittance_for(world, "EFT-W2"), total_paid=Decimal("0.01"))
    files = [remittance_for(world, "EFT-W1"), unbalanced, remittance_for(world, "EFT-W3")]
    report = remittance_ingest(path=write(tmp_path, *files))
    assert [(r.trace_number, r.stored) for r in report.results] == [
        ("EFT-W1", True),
        ("EFT-W2", False),
        ("EFT-W3", True),
    ]
    assert all(name.startswith("ingest-835") for name in threads)
    assert Payment.objects.payer_wide().filter(trace_number__startswith="EFT-W").count() == 2


def test_values_beyond_what_is_kept_reject_their_payment_not_the_file(
    world: World, tmp_path: Path
) -> None:
    long_trace = remittance_for(world, "T" * 51)
    good = remittance_for(world, "EFT-FITS")
    report = remittance_ingest(path=write(tmp_path, long_trace, good))
    assert [(r.stored, r.trace_number) for r in report.results] == [
        (False, "T" * 51),
        (True, "EFT-FITS"),
    ]
    assert "longer than 50 characters" in report.results[0].reason
