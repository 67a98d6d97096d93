"""EFT/ERA enrollment: checked routing number, account kept encrypted and shown masked,
the plan approves; another office never sees it."""

from __future__ import annotations

from healtheos.payments.enrollment import (
    account_number,
    eft_enrollment_decide,
    routing_number_valid,
)
from healtheos.payments.models import EftEnrollment
from tests.conftest import World

ROUTING = "011000015"  # a valid ABA check digit (synthetic use only)


def fields(**changes: str) -> dict[str, str]:
    data = {
        "routing_number": ROUTING,
        "account_number": "000123456789",
        "account_type": "checking",
        "era_delivery": "portal",
    }
    data.update(changes)
    return data


def test_routing_numbers_are_checked_by_their_check_digit() -> None:
    assert routing_number_valid(ROUTING)
    assert not routing_number_valid("011000016")
    assert not routing_number_valid("12345")


def test_an_administrator_enrolls_and_sees_the_account_masked(world: World) -> None:
    client = world.client_for(world.alice)
    assert client.post("/payments/enrollment/", fields()).status_code == 302
    enrollment = EftEnrollment.objects.for_office(world.bluebonnet.office).get()
    assert enrollment.account_last4 == "6789"
    assert "000123456789" not in enrollment.account_encrypted
    assert account_number(enrollment) == "000123456789"
    page = client.get("/payments/enrollment/").content.decode()
    assert "ending in 6789" in page
    assert "000123456789" not in page
    eft_enrollment_decide(enrollment=enrollment, approve=True, note="", actor=world.petra)
    assert "Approved" in client.get("/payments/enrollment/").content.decode()


def test_bad_bank_details_are_messages_at_the_field(world: World) -> None:
    client = world.client_for(world.alice)
    response = client.post("/payments/enrollment/", fields(routing_number="011000016"))
    assert response.status_code == 400
    assert "Not a valid routing number" in response.content.decode()
    response = client.post("/payments/enrollment/", fields(era_delivery="clearinghouse"))
    assert "Name the clearinghouse" in response.content.decode()


def test_only_administrators_enroll_and_never_for_another_office(world: World) -> None:
    assert world.client_for(world.bill).get("/payments/enrollment/").status_code == 403
    world.client_for(world.alice).post("/payments/enrollment/", fields())
    page = world.client_for(world.olga).get("/payments/enrollment/").content.decode()
    assert "6789" not in page
