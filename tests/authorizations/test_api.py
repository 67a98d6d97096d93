"""``/api/v1/authorizations``: submission with an Idempotency-Key, and status."""

from __future__ import annotations

import base64
import json
from typing import Any

from django.test import Client

from healtheos.apiclients.services import apiclient_create, token_issue
from healtheos.authorizations.models import Channel, PriorAuthorization
from healtheos.offices.models import Office
from tests.authorizations.helpers import PDF
from tests.conftest import World


def _bearer(office: Office, scopes: list[str] | None = None) -> dict[str, str]:
    client, _ = apiclient_create(
        office=office, actor=None, name="PMS", scopes=scopes or ["authorizations"]
    )
    token, _ = token_issue(client=client, scopes=scopes or ["authorizations"])
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _body(world: World, **overrides: Any) -> dict[str, Any]:
    office = world.bluebonnet
    body: dict[str, Any] = {
        "member": {
            "member_id": office.member.member_id,
            "birth_date": office.member.birth_date.isoformat(),
        },
        "requesting_npi": office.practitioner.npi,
        "servicing_npi": office.practitioner.npi,
        "urgency": "standard",
        "place_of_service": "11",
        "diagnosis_codes": ["M17.11"],
        "services": [
            {
                "procedure_code": "27447",
                "units": 1,
                "service_from": "2026-12-15",
                "service_to": "2026-12-15",
            }
        ],
        "clinical_notes": "Failed conservative care.",
        "attachments": [{"name": "xray.pdf", "data": base64.b64encode(PDF).decode()}],
    }
    body.update(overrides)
    return body


def _post(body: dict[str, Any], headers: dict[str, str], key: str = "api-key-1") -> Any:
    return Client().post(
        "/api/v1/authorizations",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **headers,
    )


def test_a_client_submits_and_a_retry_returns_the_same_request(world: World) -> None:
    headers = _bearer(world.bluebonnet.office)
    first = _post(_body(world), headers)
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["status"] == "submitted"
    assert data["decision_due_at"]
    again = _post(_body(world), headers)
    assert again.status_code == 200
    assert again.json()["tracking_number"] == data["tracking_number"]
    stored = PriorAuthorization.objects.for_office(world.bluebonnet.office).get(
        tracking_number=data["tracking_number"]
    )
    assert stored.channel == Channel.API
    assert stored.attachments.count() == 1
    status = Client().get(first["Location"], **headers)
    assert status.status_code == 200
    assert status.json()["timeline"][0]["status"] == "submitted"


def test_field_errors_come_back_keyed_by_field(world: World) -> None:
    headers = _bearer(world.bluebonnet.office)
    body = _body(world, diagnosis_codes=["knee"], place_of_service="A")
    body["services"][0]["procedure_code"] = "KNEE1"
    response = _post(body, headers)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert {"diagnosis_codes", "place_of_service", "services.0.procedure_code"} <= set(errors)


def test_a_request_without_an_idempotency_key_is_refused(world: World) -> None:
    headers = _bearer(world.bluebonnet.office)
    response = _post(_body(world), headers, key="")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]


def test_an_unknown_member_is_named_at_the_member_field(world: World) -> None:
    headers = _bearer(world.bluebonnet.office)
    body = _body(world, member={"member_id": "ZZ999", "birth_date": "1990-01-01"})
    response = _post(body, headers)
    assert response.status_code == 400
    assert "member" in response.json()["errors"]


def test_a_token_without_the_scope_is_refused(world: World) -> None:
    headers = _bearer(world.bluebonnet.office, ["eligibility"])
    assert _post(_body(world), headers).status_code == 403


def test_another_offices_client_cannot_see_the_request(world: World) -> None:
    created = _post(_body(world), _bearer(world.bluebonnet.office)).json()
    other = _bearer(world.prairie.office)
    response = Client().get(f"/api/v1/authorizations/{created['tracking_number']}", **other)
    assert response.status_code == 404
    # The same key from another office is another office's own (invalid) request.
    replay = _post(_body(world), other)
    assert replay.status_code == 400
