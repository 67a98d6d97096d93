"""Plan staff review pended claims: released claims are priced without being held again,
denied ones carry the chosen reason to the remittance; only pended claims of the staff
member's own plan can be decided, and only by reviewers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from healtheos.audit.models import AuditEvent
from healtheos.claims.adjudication.services import (
    ClaimNotPended,
    claim_adjudicate,
    claim_deny,
    claim_release,
    payment_cycle_run,
)
from healtheos.claims.models import ClaimStatus
from healtheos.members.models import Coverage
from healtheos.payments.models import ClaimPayment
from tests.claims.test_adjudication import OCT_1, assert_balanced, codes, coverage, new_claim
from tests.conftest import World

__all__ = ["coverage"]  # the fixture, used by name


def pended(world: World):  # type: ignore[no-untyped-def]
    claim = claim_adjudicate(claim=new_claim(world, ("27447", "24500.00", OCT_1)))
    assert claim.status == ClaimStatus.PENDED
    return claim


def test_a_released_claim_is_priced_and_not_held_again(world: World, coverage: Coverage) -> None:
    claim = claim_release(claim=pended(world), actor=world.petra, note="records reviewed")

    assert claim.status == ClaimStatus.ADJUDICATED
    assert claim.released_at is not None
    assert claim.paid_amount > 0
    assert_balanced(claim)
    released = claim.history.get(note__startswith="Released from review")
    assert released.actor == world.petra
    assert "records reviewed" in released.note
    assert AuditEvent.objects.filter(action="claims.released", object_id=str(claim.pk)).exists()


def test_a_denied_claim_carries_its_reason_to_the_remittance(
    world: World, coverage: Coverage
) -> None:
    claim = claim_deny(claim=pended(world), actor=world.petra, reason_code="50")

    assert claim.status == ClaimStatus.DENIED
    assert codes(claim) == [(1, "CO-50", Decimal("24500.00"))]
    assert [r.code for r in claim.remarks.all()] == ["N115"]
    assert_balanced(claim)
    (payment,) = payment_cycle_run(plan=world.sunrise, on=dt.date(2026, 11, 2))
    assert ClaimPayment.objects.get(payment=payment, claim=claim).status_code == "4"
    assert "CAS*CO*50*24500" in payment.remittance.raw_x12


def test_only_a_pended_claim_can_be_released_or_denied(world: World, coverage: Coverage) -> None:
    claim = claim_adjudicate(claim=world.bluebonnet.claim)
    with pytest.raises(ClaimNotPended):
        claim_release(claim=claim, actor=world.petra)
    with pytest.raises(ClaimNotPended):
        claim_deny(claim=claim, actor=world.petra, reason_code="50")
    with pytest.raises(ValueError, match="not a reason"):
        claim_deny(claim=pended(world), actor=world.petra, reason_code="45")


def test_a_reviewer_releases_a_claim_from_the_payer_page(world: World, coverage: Coverage) -> None:
    claim = pended(world)
    client = world.client_for(world.petra)
    page = client.get("/payer/claims/pended/")
    assert page.status_code == 200
    assert claim.claim_number in page.content.decode()
    prefix = claim.claim_number
    missing_reason = client.post(
        f"/payer/claims/pended/{claim.claim_number}/", {f"{prefix}-decision": "deny"}
    )
    assert missing_reason.status_code == 400
    assert "Choose the reason" in missing_reason.content.decode()
    done = client.post(
        f"/payer/claims/pended/{claim.claim_number}/", {f"{prefix}-decision": "release"}
    )
    assert done.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ADJUDICATED


def test_office_users_and_other_plans_cannot_reach_the_review(
    world: World, coverage: Coverage
) -> None:
    claim = pended(world)
    for user in (world.alice, world.bill):
        client = world.client_for(user)
        assert client.get("/payer/claims/pended/").status_code == 404
        response = client.post(
            f"/payer/claims/pended/{claim.claim_number}/",
            {f"{claim.claim_number}-decision": "release"},
        )
        assert response.status_code == 404
    claim.plan = world.lakeshore
    claim.save(update_fields=["plan"])
    client = world.client_for(world.petra)
    assert claim.claim_number not in client.get("/payer/claims/pended/").content.decode()
    response = client.post(
        f"/payer/claims/pended/{claim.claim_number}/",
        {f"{claim.claim_number}-decision": "release"},
    )
    assert response.status_code == 404
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDED
