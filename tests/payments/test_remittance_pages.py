"""Remittance search and viewer for the payee office: PDF and 835 downloads; another
office's payment is never reachable."""

from __future__ import annotations

from decimal import Decimal

import pytest

from healtheos.payments.models import ClaimPayment, Remittance
from tests.conftest import World


@pytest.fixture
def paid(world: World) -> object:
    payment = world.bluebonnet.payment
    payment.total_amount = Decimal("150.00")
    payment.save()
    ClaimPayment.objects.create(
        payment=payment,
        claim=world.bluebonnet.claim,
        status_code="1",
        billed_amount=Decimal("200.00"),
        paid_amount=Decimal("150.00"),
        patient_responsibility=Decimal("25.00"),
    )
    Remittance.objects.create(payment=payment, raw_x12="ISA*00*~")
    return payment


def test_billing_finds_the_payment_and_reads_it(world: World, paid: object) -> None:
    client = world.client_for(world.bill)
    page = client.get("/payments/").content.decode()
    assert world.bluebonnet.payment.trace_number in page
    page = client.get(
        "/payments/", {"claim_number": world.bluebonnet.claim.claim_number}
    ).content.decode()
    assert "1 payment." in page
    detail = client.get(f"/payments/{world.bluebonnet.payment.pk}/").content.decode()
    assert world.bluebonnet.claim.claim_number in detail
    assert "$150.00" in detail


def test_the_pdf_and_the_835_download(world: World, paid: object) -> None:
    client = world.client_for(world.bill)
    pdf = client.get(f"/payments/{world.bluebonnet.payment.pk}/remittance.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    raw = client.get(f"/payments/{world.bluebonnet.payment.pk}/remittance.835")
    assert raw.content == b"ISA*00*~"


def test_it_rejects_another_offices_payment(world: World, paid: object) -> None:
    olga = world.client_for(world.olga)
    pk = world.bluebonnet.payment.pk
    for path in (
        f"/payments/{pk}/",
        f"/payments/{pk}/remittance.pdf",
        f"/payments/{pk}/remittance.835",
    ):
        assert olga.get(path).status_code == 404
    assert world.bluebonnet.payment.trace_number not in olga.get("/payments/").content.decode()


def test_front_desk_is_told_which_role_has_payments(world: World) -> None:
    response = world.client_for(world.frank).get("/payments/")
    assert response.status_code == 403


def test_a_member_id_search_needs_the_date_of_birth(world: World, paid: object) -> None:
    response = world.client_for(world.bill).get("/payments/", {"member_id": "TM1"})
    assert response.status_code == 400


def test_the_summary_totals_the_offices_payments_only(world: World, paid: object) -> None:
    from django.utils import timezone

    from healtheos.payments.models import Payment

    Payment.objects.payer_wide().filter(pk=world.bluebonnet.payment.pk).update(
        payment_date=timezone.localdate()
    )
    page = world.client_for(world.bill).get("/payments/").content.decode()
    assert "Summary of the last twelve months" in page
    assert "Paid as primary" in page
    assert "$150.00" in page
    other = world.client_for(world.olga).get("/payments/").content.decode()
    assert "Paid as primary" not in other
