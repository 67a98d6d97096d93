"""``POST /fhir/r4/Claim/$submit`` and ``$inquire``: prior authorization, Da Vinci PAS
style, through the same services as the portal, for the token's office only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome

from healtheos.apiclients.services import apiclient_create, token_issue
from healtheos.authorizations.models import AuthorizationStatus, PriorAuthorization
from healtheos.authorizations.services import authorization_decide
from healtheos.interop.fhir.pas_codes import TRACKING_NUMBER
from tests.conftest import OfficeWorld, World
from tests.interop.pas_fixtures import inquiry_bundle, request_bundle

SUBMIT = "/fhir/r4/Claim/$submit"
INQUIRE = "/fhir/r4/Claim/$inquire"
SCOPE = "authorizations"


def token_for(world: World, office: OfficeWorld, scopes: list[str] | None = None) -> str:
    client, _ = apiclient_create(
        office=office.office, actor=world.alice, name="EHR", scopes=scopes or [SCOPE]
    )
    raw, _ = token_issue(client=client, scopes=scopes or [SCOPE])
    return raw


@pytest.fixture
def token(world: World) -> str:
    return token_for(world, world.bluebonnet)


def bundle_for(office: OfficeWorld, **changes: Any) -> dict[str, Any]:
    member = office.member
    values: dict[str, Any] = {
        "member_id": member.member_id,
        "birth_date": member.birth_date.isoformat(),
        "family": member.last_name,
        "requester_npi": office.practitioner.npi,
        "servicing_npi": office.practitioner.npi,
        "diagnoses": ("G43.909",),
    }
    values.update(changes)
    bundle = request_bundle(**values)
    for item in bundle["entry"][0]["resource"]["item"]:
        item.pop("servicedDate", None)
        item["servicedPeriod"] = {"start": "2026-12-10", "end": "2026-12-31"}
    return bundle


def post(token: str, url: str, body: Any) -> Any:
    data = body if isinstance(body, bytes) else json.dumps(body)
    return Client().post(
        url, data=data, content_type="application/fhir+json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def claim_response(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/fhir+json"
    bundle = response.json()
    Bundle.model_validate(bundle)
    resource: dict[str, Any] = bundle["entry"][0]["resource"]
    assert resource["resourceType"] == "ClaimResponse"
    return resource


def outcome(response: Any, status: int) -> list[dict[str, Any]]:
    assert response.status_code == status, response.content
    body = response.json()
    OperationOutcome.model_validate(body)
    issues: list[dict[str, Any]] = body["issue"]
    return issues


def stored(office: OfficeWorld) -> list[PriorAuthorization]:
    return list(
        PriorAuthorization.objects.for_office(office.office).filter(channel="fhir").order_by("pk")
    )


def tracking(resource: dict[str, Any]) -> str:
    [identifier] = resource["identifier"]
    assert identifier["system"] == TRACKING_NUMBER
    value: str = identifier["value"]
    return value


def test_a_pas_bundle_is_stored_and_answered_queued_with_its_tracking_number(
    world: World, token: str
) -> None:
    resource = claim_response(post(token, SUBMIT, bundle_for(world.bluebonnet)))
    [request] = stored(world.bluebonnet)
    assert tracking(resource) == request.tracking_number
    assert resource["outcome"] == "queued"
    assert request.status == AuthorizationStatus.SUBMITTED
    assert request.diagnosis_codes == ["G43.909"]
    assert request.clinical_notes == "Six weeks of conservative care without relief."
    assert [(s.procedure_code, s.requested_units) for s in request.services.order_by("pk")] == [
        ("72148", 1),
        ("97110", 12),
    ]


def test_the_same_bundle_sent_twice_is_one_request(world: World, token: str) -> None:
    first = claim_response(post(token, SUBMIT, bundle_for(world.bluebonnet)))
    second = claim_response(post(token, SUBMIT, bundle_for(world.bluebonnet)))
    assert tracking(first) == tracking(second)
    assert len(stored(world.bluebonnet)) == 1
    other = claim_response(post(token, SUBMIT, bundle_for(world.bluebonnet, identifier="B-2")))
    assert tracking(other) != tracking(first)


def test_stat_priority_is_expedited(world: World, token: str) -> None:
    claim_response(post(token, SUBMIT, bundle_for(world.bluebonnet, priority="stat")))
    [request] = stored(world.bluebonnet)
    assert request.urgency == "expedited"


def test_an_inquiry_returns_the_decision_with_the_portals_numbers(world: World, token: str) -> None:
    submitted = claim_response(post(token, SUBMIT, bundle_for(world.bluebonnet)))
    [request] = stored(world.bluebonnet)
    lines = list(request.services.order_by("pk"))
    authorization_decide(
        authorization=request,
        reviewer=world.petra,
        decision="partial",
        approved_units={lines[0].pk: 1, lines[1].pk: 6},
        reason_code="ALT_CARE",
        reason_text="Six visits first, then a review.",
    )
    request.refresh_from_db()
    member = world.bluebonnet.member
    resource = claim_response(
        post(
            token,
            INQUIRE,
            inquiry_bundle(
                tracking(submitted),
                member_id=member.member_id,
                birth_date=member.birth_date.isoformat(),
                requester_npi=world.bluebonnet.practitioner.npi,
                servicing_npi=world.bluebonnet.practitioner.npi,
            ),
        )
    )
    assert resource["outcome"] == "complete"
    assert resource["preAuthRef"] == request.authorization_number
    assert resource["preAuthPeriod"] == {
        "start": request.valid_from.isoformat(),  # type: ignore[union-attr]
        "end": request.valid_to.isoformat(),  # type: ignore[union-attr]
    }
    codes = [
        item["adjudication"][0]["extension"][0]["extension"][0]["valueCodeableConcept"]["coding"][
            0
        ]["code"]
        for item in resource["item"]
    ]
    assert codes == ["A1", "A2"]
    assert resource["processNote"][0]["text"] == "Six visits first, then a review."
    assert len(stored(world.bluebonnet)) == 1


def test_an_inquiry_for_another_offices_request_is_not_found(world: World, token: str) -> None:
    prairie = world.prairie
    theirs = claim_response(post(token_for(world, prairie), SUBMIT, bundle_for(prairie)))
    member = prairie.member
    issues = outcome(
        post(
            token,
            INQUIRE,
            inquiry_bundle(
                tracking(theirs),
                member_id=member.member_id,
                birth_date=member.birth_date.isoformat(),
            ),
        ),
        404,
    )
    assert issues[0]["code"] == "not-found"
    assert tracking(theirs) not in json.dumps(issues)


def test_an_inquiry_naming_another_patient_is_not_found(world: World, token: str) -> None:
    submitted = claim_response(post(token, SUBMIT, bundle_for(world.bluebonnet)))
    issues = outcome(
        post(token, INQUIRE, inquiry_bundle(tracking(submitted), member_id="SUN999999999")), 404
    )
    assert issues[0]["expression"] == ["Claim.identifier"]


def test_an_unknown_member_is_a_422_pointing_at_the_patient(world: World, token: str) -> None:
    unknown = world.bluebonnet.member.member_id[:-4] + "9999"
    issues = outcome(post(token, SUBMIT, bundle_for(world.bluebonnet, member_id=unknown)), 422)
    assert [(i["code"], i["expression"]) for i in issues] == [("not-found", ["Claim.patient"])]
    assert stored(world.bluebonnet) == []


def test_the_services_refusals_point_at_their_elements(world: World, token: str) -> None:
    issues = outcome(
        post(token, SUBMIT, bundle_for(world.bluebonnet, servicing_npi="1245319599")), 422
    )
    assert ["Claim.careTeam"] in [i.get("expression") for i in issues]
    assert stored(world.bluebonnet) == []


def test_a_bad_bundle_is_a_400_operation_outcome(world: World, token: str) -> None:
    assert outcome(post(token, SUBMIT, b"{nope"), 400)[0]["code"] == "structure"
    bundle = bundle_for(world.bluebonnet)
    bundle["entry"][0]["resource"]["use"] = "claim"
    issues = outcome(post(token, SUBMIT, bundle), 400)
    assert ["Claim.use"] in [i.get("expression") for i in issues]
    assert outcome(post(token, INQUIRE, {"resourceType": "Patient"}), 400)
    assert stored(world.bluebonnet) == []


def test_a_token_without_the_scope_is_refused_with_an_operation_outcome(world: World) -> None:
    eligibility_only = token_for(world, world.bluebonnet, ["eligibility"])
    for url in (SUBMIT, INQUIRE):
        issues = outcome(post(eligibility_only, url, bundle_for(world.bluebonnet)), 403)
        assert issues[0]["code"] == "forbidden"


def test_anonymous_and_get_requests_are_refused(world: World) -> None:
    assert Client().post(SUBMIT, data="{}", content_type="application/fhir+json").status_code == 401
    assert Client().get(SUBMIT).status_code == 405


def test_the_capability_statement_announces_submit_and_inquire(db: None) -> None:
    statement = Client().get("/fhir/r4/metadata").json()
    [claim] = [r for r in statement["rest"][0]["resource"] if r["type"] == "Claim"]
    assert [op["name"] for op in claim["operation"]] == ["submit", "inquire"]


def test_the_isolation_matrix_classifies_the_claim_operations_as_guarded() -> None:
    from tests import access_matrix as am

    for name in ("fhir:claim_submit", "fhir:claim_inquire"):
        row = am.row_for(name, am.rows())
        assert row is not None
        assert row.expected["anon"] == "401"
