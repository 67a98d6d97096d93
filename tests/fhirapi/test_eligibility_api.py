"""FHIR R4 eligibility: CapabilityStatement, CoverageEligibilityRequest → Response, Patient
and Coverage reads scoped to what the office may see."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.coverage import Coverage as FhirCoverage
from fhir.resources.R4B.coverageeligibilityresponse import CoverageEligibilityResponse
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient

from healtheos.eligibility.models import Inquiry
from tests.conftest import World
from tests.eligibility.conftest import Family
from tests.factories import api_token


@pytest.fixture
def token(world: World) -> str:
    return api_token(
        office=world.bluebonnet.office, actor=world.alice, scopes=["eligibility"], name="EHR"
    )


def request_body(
    member_id: str, birth_date: str, *, categories: tuple[str, ...] = ()
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "resourceType": "CoverageEligibilityRequest",
        "id": "req-1",
        "status": "active",
        "purpose": ["benefits"],
        "created": "2026-12-04",
        "patient": {"reference": "#pat"},
        "insurer": {"display": "Sunrise Health"},
        "servicedDate": "2026-12-04",
        "contained": [
            {
                "resourceType": "Patient",
                "id": "pat",
                "identifier": [
                    {
                        "type": {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                                    "code": "MB",
                                }
                            ]
                        },
                        "value": member_id,
                    }
                ],
                "birthDate": birth_date,
            }
        ],
    }
    if categories:
        body["item"] = [
            {
                "category": {
                    "coding": [{"system": "https://x12.org/codes/service-type-codes", "code": c}]
                }
            }
            for c in categories
        ]
    return body


def post(token: str, body: dict[str, Any] | str) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return Client().post(
        "/fhir/r4/CoverageEligibilityRequest",
        data=data,
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def get(token: str, path: str) -> Any:
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_capability_statement_is_valid_and_public(db: None) -> None:
    response = Client().get("/fhir/r4/metadata")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    statement = CapabilityStatement.model_validate(response.json())
    assert statement.fhirVersion == "4.0.1"
    types = {r.type for r in statement.rest[0].resource}
    assert {"Patient", "Coverage", "CoverageEligibilityRequest"} <= types


def test_a_request_is_answered_with_the_same_facts_as_the_portal(
    world: World, family: Family, token: str
) -> None:
    response = post(token, request_body(family.subscriber.member_id, "1980-05-17"))
    assert response.status_code == 200
    answer = CoverageEligibilityResponse.model_validate(response.json())
    assert answer.outcome == "complete"
    assert answer.patient.reference == f"Patient/{family.subscriber.pk}"
    (insurance,) = answer.insurance
    assert insurance.inforce is True
    deductible = next(
        b
        for item in insurance.item
        if item.category.coding[0].code == "30"
        and item.network.coding[0].code == "in"
        and item.unit.coding[0].code == "individual"
        for b in item.benefit
        if b.type.coding[0].code == "deductible"
    )
    assert Decimal(str(deductible.allowedMoney.value)) == Decimal("1000")
    assert Decimal(str(deductible.usedMoney.value)) == Decimal("400")
    visit = next(
        item
        for item in insurance.item
        if item.category.coding[0].code == "98" and item.network.coding[0].code == "in"
    )
    copay = next(b for b in visit.benefit if b.type.coding[0].code == "copay")
    assert Decimal(str(copay.allowedMoney.value)) == Decimal("25")
    inpatient = next(i for i in insurance.item if i.category.coding[0].code == "48")
    assert inpatient.authorizationRequired is True
    assert Inquiry.objects.for_office(world.bluebonnet.office).get().channel == "fhir"


def test_an_unknown_member_is_an_error_in_the_response(
    world: World, family: Family, token: str
) -> None:
    answer = CoverageEligibilityResponse.model_validate(
        post(token, request_body("TM999999999", "1980-05-17")).json()
    )
    assert answer.outcome == "error"
    assert answer.error[0].code.coding[0].code == "member-not-found"
    assert not answer.insurance


def test_a_dependent_with_the_subscribers_birth_date_is_a_birth_date_error(
    world: World, family: Family, token: str
) -> None:
    answer = post(token, request_body(family.child.member_id, "1980-05-17")).json()
    assert answer["error"][0]["code"]["coding"][0]["code"] == "birth-date-mismatch"
    assert "subscriber" in answer["disposition"]


@pytest.mark.parametrize(
    "body",
    [
        "not json at all",
        json.dumps({"resourceType": "Patient"}),
        json.dumps({"resourceType": "CoverageEligibilityRequest", "status": "bogus"}),
    ],
)
def test_unreadable_requests_get_an_operation_outcome(world: World, token: str, body: str) -> None:
    response = post(token, body)
    assert response.status_code == 400
    outcome = OperationOutcome.model_validate(response.json())
    assert outcome.issue[0].severity == "error"


def test_a_request_without_a_birth_date_is_refused(
    world: World, family: Family, token: str
) -> None:
    body = request_body(family.subscriber.member_id, "1980-05-17")
    del body["contained"][0]["birthDate"]
    response = post(token, body)
    assert response.status_code == 400
    assert "birthDate" in response.json()["issue"][0]["expression"][0]


def test_patient_and_coverage_reads_follow_a_found_member(
    world: World, family: Family, token: str
) -> None:
    """The child has no claim or attribution at Bluebonnet: only a search reaches them."""
    pk = family.child.pk
    child_coverage = family.child.coverages.get()
    assert get(token, f"/fhir/r4/Patient/{pk}").status_code == 404
    assert get(token, f"/fhir/r4/Coverage/{child_coverage.pk}").status_code == 404
    post(token, request_body(family.child.member_id, "2015-03-02"))
    patient = Patient.model_validate(get(token, f"/fhir/r4/Patient/{pk}").json())
    assert patient.birthDate.isoformat() == "2015-03-02"
    coverage = FhirCoverage.model_validate(
        get(token, f"/fhir/r4/Coverage/{child_coverage.pk}").json()
    )
    assert coverage.status == "active"
    assert coverage.relationship.coding[0].code == "child"
    bundle = Bundle.model_validate(get(token, f"/fhir/r4/Coverage?patient=Patient/{pk}").json())
    assert bundle.total == 1


def test_it_rejects_another_offices_member_by_id_and_by_search(
    world: World, family: Family, token: str
) -> None:
    other = world.prairie.member
    assert get(token, f"/fhir/r4/Patient/{other.pk}").status_code == 404
    other_coverage = other.coverages.get()
    assert get(token, f"/fhir/r4/Coverage/{other_coverage.pk}").status_code == 404
    bundle = get(token, f"/fhir/r4/Coverage?patient={other.pk}").json()
    assert bundle["total"] == 0
    answer = post(token, request_body(other.member_id, other.birth_date.isoformat())).json()
    assert answer["outcome"] == "error"


def test_an_attributed_patient_can_be_read_without_a_search(
    world: World, family: Family, token: str
) -> None:
    # The family fixture attributes the subscriber to Bluebonnet's practitioner.
    assert get(token, f"/fhir/r4/Patient/{family.subscriber.pk}").status_code == 200


def test_it_needs_a_token_and_answers_refusals_as_operation_outcomes(world: World) -> None:
    response = Client().get("/fhir/r4/Patient/1")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/fhir+json"
    assert "WWW-Authenticate" in response
    OperationOutcome.model_validate(response.json())


def test_unknown_paths_and_search_parameters_are_operation_outcomes(
    token: str, world: World
) -> None:
    assert get(token, "/fhir/r4/Claim").status_code == 404
    response = get(token, "/fhir/r4/Coverage?name=doe")
    assert response.status_code == 400
    assert response.json()["issue"][0]["code"] == "not-supported"
