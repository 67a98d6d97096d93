"""ASVS 5.3.3: what people type comes back as text. Markup stored in a message, a claim, a
prior authorization's notes, or typed into a search, is shown escaped on every page that
shows it again: to the office that wrote it and to the plan's staff who read it."""

from __future__ import annotations

import uuid

from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from healtheos.authorizations.models import AuthorizationEvent
from healtheos.messaging.models import Thread
from tests.conftest import World

SCRIPT = "<script>alert('he')</script>"
#: Breaks out of an attribute value if a page ever put it there unescaped.
ATTRIBUTE = '"><img src=x onerror=alert(1)>'


def assert_shown_as_text(page: bytes, *payloads: str) -> None:
    text = page.decode()
    for payload in payloads:
        assert payload not in text, payload
        assert escape(payload) in text, payload
    assert "<img src=x" not in text
    assert "alert('he')</script>" not in text


def _page(client: Client, path: str, data: dict[str, str] | None = None) -> bytes:
    response = client.get(path, data or {})
    assert response.status_code == 200, path
    return response.content


def test_a_message_with_markup_reads_as_text_to_the_office_and_the_plan(world: World) -> None:
    bill = world.client_for(world.bill)
    response = bill.post(
        "/messages/new/",
        {
            "department": "claims",
            "subject": f"Line 2 {SCRIPT}",
            "body": f"Please explain {ATTRIBUTE} and {SCRIPT}",
            "key": uuid.uuid4().hex,
        },
    )
    assert response.status_code == 302
    thread = Thread.objects.for_office(world.bluebonnet.office).get(subject__startswith="Line 2")
    assert thread.subject == f"Line 2 {SCRIPT}"  # stored as typed: escaping is on the way out
    assert_shown_as_text(_page(bill, f"/messages/{thread.pk}/"), SCRIPT, ATTRIBUTE)
    assert_shown_as_text(_page(bill, "/messages/"), SCRIPT)

    plan_staff = world.client_for(world.petra)
    world.petra.payer_role = "provider_services"
    world.petra.save(update_fields=["payer_role"])
    assert_shown_as_text(_page(plan_staff, f"/messages/plan/{thread.pk}/"), SCRIPT, ATTRIBUTE)
    assert_shown_as_text(_page(plan_staff, "/messages/plan/"), SCRIPT)


def test_a_search_is_echoed_back_as_text(world: World) -> None:
    bill = world.client_for(world.bill)
    assert_shown_as_text(_page(bill, "/messages/", {"q": ATTRIBUTE}), ATTRIBUTE)
    response = bill.get("/claims/", {"number": ATTRIBUTE})
    assert response.status_code in (200, 400)
    assert_shown_as_text(response.content, ATTRIBUTE)
    response = world.client_for(world.frank).post(
        "/eligibility/",
        {"last_name": ATTRIBUTE, "first_name": SCRIPT, "date_of_birth": "1980-05-17"},
    )
    assert response.status_code in (200, 400)
    assert_shown_as_text(response.content, ATTRIBUTE, SCRIPT)


def test_a_claims_patient_account_number_with_markup_reads_as_text(world: World) -> None:
    claim = world.bluebonnet.claim
    claim.patient_account_number = ATTRIBUTE  # as an 837 could carry it in CLM01
    claim.save(update_fields=["patient_account_number"])
    bill = world.client_for(world.bill)
    assert_shown_as_text(_page(bill, f"/claims/{claim.claim_number}/"), ATTRIBUTE)
    assert_shown_as_text(_page(bill, "/claims/"), ATTRIBUTE)


def test_prior_authorization_notes_with_markup_read_as_text_to_office_and_reviewer(
    world: World,
) -> None:
    authorization = world.bluebonnet.authorization
    authorization.clinical_notes = f"History: {SCRIPT}"
    authorization.save(update_fields=["clinical_notes"])
    AuthorizationEvent.objects.create(
        authorization=authorization,
        status=authorization.status,
        at=timezone.now(),
        actor=world.clara,
        note=f"Records attached {ATTRIBUTE}",
    )
    number = authorization.tracking_number
    office = _page(world.client_for(world.clara), f"/authorizations/{number}/")
    assert_shown_as_text(office, SCRIPT, ATTRIBUTE)
    reviewer = _page(world.client_for(world.petra), f"/payer/authorizations/{number}/")
    assert_shown_as_text(reviewer, SCRIPT, ATTRIBUTE)
