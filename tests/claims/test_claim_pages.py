"""Claim search and detail for the acting office, with adjustments in words."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from healtheos.audit.models import AuditEvent
from healtheos.claims.models import ClaimAdjustment, ClaimRemark, ClaimStatusEvent
from tests import factories as f
from tests.conftest import World


@pytest.fixture
def adjudicated(world: World) -> object:
    claim = world.bluebonnet.claim
    line = claim.lines.get()
    claim.status = "paid"
    claim.allowed_amount = Decimal("120.00")
    claim.paid_amount = Decimal("95.00")
    claim.patient_responsibility = Decimal("25.00")
    claim.save()
    line.allowed_amount, line.paid_amount = Decimal("120.00"), Decimal("95.00")
    line.patient_responsibility = Decimal("25.00")
    line.save()
    ClaimAdjustment.objects.create(
        claim=claim, line=line, group_code="CO", reason_code="45", amount=Decimal("80.00")
    )
    ClaimAdjustment.objects.create(
        claim=claim, line=line, group_code="PR", reason_code="3", amount=Decimal("25.00")
    )
    ClaimRemark.objects.create(claim=claim, line=line, code="N130")
    for status, at in (("received", 1), ("adjudicated", 3), ("paid", 5)):
        ClaimStatusEvent.objects.create(
            claim=claim, status=status, at=dt.datetime(2026, 10, at, tzinfo=dt.UTC)
        )
    return claim


def test_the_search_lists_the_offices_claims_only(world: World) -> None:
    page = world.client_for(world.bill).get("/claims/").content.decode()
    assert world.bluebonnet.claim.claim_number in page
    assert world.prairie.claim.claim_number not in page


def test_claims_are_found_by_payer_number_or_patient_account(world: World) -> None:
    claim = world.bluebonnet.claim
    client = world.client_for(world.bill)
    for number in (claim.claim_number, claim.patient_account_number):
        page = client.get("/claims/", {"number": number}).content.decode()
        assert "1 claim." in page
    page = client.get("/claims/", {"number": world.prairie.claim.claim_number}).content.decode()
    assert "0 claims." in page


def test_a_member_id_search_needs_the_date_of_birth(world: World) -> None:
    member = world.bluebonnet.member
    client = world.client_for(world.bill)
    response = client.get("/claims/", {"member_id": member.member_id})
    assert response.status_code == 400
    assert "Give the date of birth" in response.content.decode()
    page = client.get(
        "/claims/", {"member_id": member.member_id, "date_of_birth": "1980-05-17"}
    ).content.decode()
    assert "1 claim." in page


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ({"service_from": "2026-10-01", "service_to": "2026-10-31"}, 1),
        ({"service_from": "2026-11-01"}, 0),
        ({"status": "received"}, 1),
        ({"status": "paid"}, 0),
        ({"amount_min": "100", "amount_max": "250"}, 1),
        ({"amount_min": "300"}, 0),
    ],
)
def test_it_filters_by_dates_status_and_amount(
    world: World, query: dict[str, str], count: int
) -> None:
    page = world.client_for(world.bill).get("/claims/", query).content.decode()
    assert f"{count} claim{'s' if count != 1 else ''}." in page


def test_bad_filters_are_messages_at_the_field(world: World) -> None:
    response = world.client_for(world.bill).get(
        "/claims/", {"service_from": "2026-10-31", "service_to": "2026-10-01", "amount_min": "x"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "before its start" in page
    assert "Enter a number" in page


def test_the_export_is_a_csv_of_the_offices_claims(world: World) -> None:
    response = world.client_for(world.bill).get("/claims/", {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert world.bluebonnet.claim.claim_number in text
    assert world.prairie.claim.claim_number not in text


def test_the_detail_explains_each_adjustment_in_words(world: World, adjudicated: object) -> None:
    claim = world.bluebonnet.claim
    response = world.client_for(world.bill).get(f"/claims/{claim.claim_number}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "CO-45" in page
    assert "exceeds the fee schedule" in page
    assert "PR-3" in page
    assert "Copayment" in page
    assert "Remark N130" in page
    assert "$95.00" in page
    history = page[page.index("Status history") :]
    assert history.index(">Received<") < history.index(">Adjudicated<") < history.index(">Paid<")
    assert AuditEvent.objects.filter(action="claims.viewed", member_pk=claim.member_id).exists()


def test_it_rejects_another_offices_claim(world: World) -> None:
    other = world.prairie.claim
    assert world.client_for(world.bill).get(f"/claims/{other.claim_number}/").status_code == 404


def test_a_claim_rendered_by_the_offices_practitioner_is_visible(world: World) -> None:
    other_org = f.OrganizationFactory(tin="751112223", legal_name="Elsewhere Billing")
    claim = f.ClaimFactory(
        plan=world.sunrise,
        member=world.bluebonnet.member,
        billing_organization=other_org,
        billing_provider=f.ProviderFactory(npi=f.npi_for(3003), organizations=[other_org]),
        rendering_provider=world.bluebonnet.practitioner,
    )
    response = world.client_for(world.bill).get(f"/claims/{claim.claim_number}/")
    assert response.status_code == 200


def test_front_desk_is_told_which_role_grants_claims(world: World) -> None:
    response = world.client_for(world.frank).get("/claims/")
    assert response.status_code == 403
    assert "Billing" in response.content.decode()


def test_a_billing_service_sees_the_claims_of_the_office_it_acts_for(world: World) -> None:
    client = world.client_for(world.bianca)
    client.post("/office/switch/", {"office": world.prairie.office.pk})
    page = client.get("/claims/").content.decode()
    assert world.prairie.claim.claim_number in page
    assert world.bluebonnet.claim.claim_number not in page
