"""The office's pages: the request form, drafts, list, detail, answer, withdraw, letter."""

from __future__ import annotations

import io
from typing import Any

from django.test import Client

from healtheos.authorizations.models import (
    AuthorizationDraft,
    AuthorizationStatus,
    PriorAuthorization,
)
from healtheos.authorizations.services import authorization_decide, authorization_request_info
from tests.authorizations.helpers import PDF, submit
from tests.conftest import World


def _form(world: World, **overrides: Any) -> dict[str, Any]:
    office = world.bluebonnet
    values: dict[str, Any] = {
        "member_id": office.member.member_id,
        "date_of_birth": office.member.birth_date.isoformat(),
        "requesting_npi": office.practitioner.npi,
        "servicing_npi": office.practitioner.npi,
        "diagnoses": "G43.909, R51.9",
        "place_of_service": "11",
        "urgency": "standard",
        "services-0-procedure_code": "70551",
        "services-0-units": "1",
        "services-0-service_from": "2026-12-10",
        "services-0-service_to": "2026-12-31",
        "clinical_notes": "Six weeks of headaches.",
        "key": "form-key-1",
    }
    values.update(overrides)
    return values


def test_a_clinician_submits_a_request_from_the_form(world: World) -> None:
    client = world.client_for(world.clara)
    assert client.get("/authorizations/new/").status_code == 200
    data = _form(world)
    data["documents"] = io.BytesIO(PDF)
    data["documents"].name = "note.pdf"
    response = client.post("/authorizations/new/", data)
    assert response.status_code == 302
    created = PriorAuthorization.objects.for_office(world.bluebonnet.office).get(
        idempotency_key="form-key-1"
    )
    assert response["Location"] == f"/authorizations/{created.tracking_number}/"
    assert created.diagnosis_codes == ["G43.909", "R51.9"]
    assert created.attachments.count() == 1
    # The same form sent again (a double click) is the same request.
    again = client.post("/authorizations/new/", _form(world))
    assert again["Location"] == response["Location"]


def test_bad_input_is_shown_next_to_each_field(world: World) -> None:
    client = world.client_for(world.clara)
    response = client.post(
        "/authorizations/new/",
        _form(
            world,
            diagnoses="headache",
            **{"services-0-procedure_code": "MRI1", "servicing_npi": "1234567893"},
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_diagnoses-error"' in body
    assert 'id="id_services-0-procedure_code-error"' in body


def test_a_servicing_npi_not_on_file_is_refused_at_the_field(world: World) -> None:
    client = world.client_for(world.clara)
    response = client.post("/authorizations/new/", _form(world, servicing_npi="1234567893"))
    assert response.status_code == 400
    assert 'id="id_servicing_npi-error"' in response.content.decode()


def test_a_wrong_member_birth_date_is_refused_at_the_field(world: World) -> None:
    client = world.client_for(world.clara)
    response = client.post("/authorizations/new/", _form(world, date_of_birth="1990-01-01"))
    assert response.status_code == 400
    assert 'id="id_member_id-error"' in response.content.decode()


def test_autosave_keeps_a_draft_that_can_be_resumed(world: World) -> None:
    client = world.client_for(world.clara)
    response = client.post(
        "/authorizations/drafts/save/",
        {"member_id": "TM1", "services-0-procedure_code": "70551", "draft_id": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    draft = AuthorizationDraft.objects.for_office(world.bluebonnet.office).get()
    assert response["HX-Replace-Url"] == f"/authorizations/drafts/{draft.pk}/"
    client.post(
        "/authorizations/drafts/save/",
        {"member_id": "TM2", "draft_id": str(draft.pk)},
        HTTP_HX_REQUEST="true",
    )
    assert AuthorizationDraft.objects.for_office(world.bluebonnet.office).count() == 1
    page = client.get(f"/authorizations/drafts/{draft.pk}/")
    assert 'value="TM2"' in page.content.decode()
    listing = client.get("/authorizations/drafts/").content.decode()
    assert f"Resume draft {draft.pk}" in listing


def test_submitting_a_draft_removes_it(world: World) -> None:
    client = world.client_for(world.clara)
    client.post("/authorizations/drafts/save/", {"member_id": "TM1"})
    draft = AuthorizationDraft.objects.for_office(world.bluebonnet.office).get()
    response = client.post(f"/authorizations/drafts/{draft.pk}/", _form(world))
    assert response.status_code == 302
    assert not AuthorizationDraft.objects.for_office(world.bluebonnet.office).exists()


def test_front_desk_cannot_open_the_form(world: World) -> None:
    assert world.client_for(world.frank).get("/authorizations/new/").status_code == 403


def test_read_only_sees_the_list_but_not_the_actions(world: World) -> None:
    request = submit(world)
    client = world.client_for(world.rita)
    assert client.get("/authorizations/").status_code == 200
    page = client.get(f"/authorizations/{request.tracking_number}/").content.decode()
    assert "Withdraw request" not in page


def test_the_office_answers_a_request_for_information(world: World) -> None:
    request = submit(world)
    authorization_request_info(authorization=request, reviewer=world.petra, question="Send MRI.")
    client = world.client_for(world.clara)
    page = client.get(f"/authorizations/{request.tracking_number}/").content.decode()
    assert "The plan needs more information" in page
    assert "Send MRI." in page
    response = client.post(
        f"/authorizations/{request.tracking_number}/answer/", {"answer": "Report attached."}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == AuthorizationStatus.IN_REVIEW


def test_the_office_withdraws_and_sees_the_letter_of_a_decision(world: World) -> None:
    client = world.client_for(world.clara)
    first = submit(world)
    response = client.post(f"/authorizations/{first.tracking_number}/withdraw/", {"reason": "x"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == AuthorizationStatus.WITHDRAWN
    assert client.get(f"/authorizations/{first.tracking_number}/letter.pdf").status_code == 404
    second = submit(world)
    authorization_decide(authorization=second, reviewer=world.petra, decision="approve")
    letter = client.get(f"/authorizations/{second.tracking_number}/letter.pdf")
    assert letter.status_code == 200
    assert letter.content.startswith(b"%PDF")


def test_npi_lookup_names_a_provider_on_file(world: World) -> None:
    client = world.client_for(world.clara)
    npi = world.bluebonnet.practitioner.npi
    body = client.get("/authorizations/npi/", {"servicing_npi": npi}).content.decode()
    assert "On file" in body
    body = client.get("/authorizations/npi/", {"servicing_npi": "1234567893"}).content.decode()
    assert "not on file" in body


def _office_paths(request: PriorAuthorization, draft_id: int) -> list[tuple[str, str]]:
    number = request.tracking_number
    document = request.attachments.get().pk
    return [
        ("get", f"/authorizations/{number}/"),
        ("get", f"/authorizations/{number}/letter.pdf"),
        ("get", f"/authorizations/{number}/documents/{document}/"),
        ("post", f"/authorizations/{number}/answer/"),
        ("post", f"/authorizations/{number}/withdraw/"),
        ("get", f"/authorizations/drafts/{draft_id}/"),
        ("post", f"/authorizations/drafts/{draft_id}/"),
        ("post", f"/authorizations/drafts/{draft_id}/delete/"),
    ]


def test_another_office_reaches_none_of_a_request_or_draft(world: World) -> None:
    request = submit(world)
    authorization_decide(authorization=request, reviewer=world.petra, decision="approve")
    draft = AuthorizationDraft.objects.create(
        office=world.bluebonnet.office,
        author=world.clara,
        fields={"member_id": ["X"]},
        created_at=request.submitted_at,
        updated_at=request.submitted_at,
    )
    olga: Client = world.client_for(world.olga)
    for method, path in _office_paths(request, draft.pk):
        response = getattr(olga, method)(path, {})
        assert response.status_code == 404, path
    # A draft id of another office given to autosave starts a new draft of one's own.
    olga.post("/authorizations/drafts/save/", {"draft_id": str(draft.pk), "member_id": "Y"})
    draft.refresh_from_db()
    assert draft.fields == {"member_id": ["X"]}
    listing = olga.get("/authorizations/").content.decode()
    assert request.tracking_number not in listing


def test_the_list_shows_the_decision_clock(world: World) -> None:
    request = submit(world)
    body = world.client_for(world.clara).get("/authorizations/").content.decode()
    assert request.tracking_number in body
    assert "Decision due by" in body


def test_the_dashboard_links_to_requests_with_the_updates_count(world: World) -> None:
    request = submit(world)
    authorization_request_info(authorization=request, reviewer=world.petra, question="More.")
    body = world.client_for(world.clara).get("/dashboard/").content.decode()
    assert "1 update" in body
    assert "/authorizations/new/" in body
    assert (
        "Prior authorizations"
        not in world.client_for(world.frank)
        .get("/dashboard/")
        .content.decode()
        .split("What you can do here")[0]
    )


def test_the_list_marks_the_requests_the_plan_changed_until_seen(world: World) -> None:
    changed = submit(world)
    submit(world)
    authorization_decide(authorization=changed, reviewer=world.petra, decision="approve")
    client = world.client_for(world.clara)
    first = client.get("/authorizations/").content.decode()
    assert first.count('<span class="usa-tag">Updated</span>') == 1
    assert "1 update" in first
    second = client.get("/authorizations/").content.decode()
    assert "Updated</span>" not in second


def test_drafts_untouched_for_30_days_are_deleted(world: World) -> None:
    import datetime as dt

    from django.utils import timezone

    old = timezone.now() - dt.timedelta(days=31)
    stale = AuthorizationDraft.objects.create(
        office=world.bluebonnet.office,
        author=world.clara,
        fields={"member_id": ["OLD"]},
        created_at=old,
        updated_at=old,
    )
    world.client_for(world.clara).post("/authorizations/drafts/save/", {"member_id": "NEW"})
    drafts = AuthorizationDraft.objects.for_office(world.bluebonnet.office)
    assert not drafts.filter(pk=stale.pk).exists()
    assert drafts.count() == 1
