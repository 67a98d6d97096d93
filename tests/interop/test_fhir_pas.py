"""Prior authorization over FHIR, Da Vinci PAS style: reading request and inquiry Bundles
into plain data, building response Bundles valid under fhir.resources."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.claimresponse import ClaimResponse
from fhir.resources.R4B.operationoutcome import OperationOutcome
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healtheos.interop.fhir.pas import (
    TRACKING_NUMBER,
    FhirInputError,
    PasAnswer,
    PasItemAnswer,
    PasParties,
    build_pas_response,
    read_pas_inquiry,
    read_pas_request,
)
from healtheos.interop.fhir.pas_codes import (
    ITEM_AUTHORIZED_DETAIL,
    REVIEW_ACTION,
    REVIEW_ACTION_CODE,
    X12_ACTION,
)
from tests.interop.pas_fixtures import (
    CLAIM_IDS,
    NPI_REQUESTER,
    NPI_SERVICING,
    inquiry_bundle,
    request_bundle,
)

CREATED = dt.datetime(2026, 11, 24, 15, 31, tzinfo=dt.UTC)
PARTIES = PasParties(
    member_id="SUN000000001",
    family_name="DOE",
    given_names=("JANE",),
    birth_date=dt.date(1980, 5, 17),
    insurer_name="SUNRISE HEALTH",
    requester_npi=NPI_REQUESTER,
    requester_name="BLUEBONNET FAMILY MEDICINE",
    request_identifier=(CLAIM_IDS, "PA-REQ-0001"),
)


def issues(data: Any) -> list[tuple[str, str]]:
    with pytest.raises(FhirInputError) as caught:
        read_pas_request(data)
    OperationOutcome.model_validate(caught.value.outcome())
    return [(issue.code, issue.expression) for issue in caught.value.issues]


def claim(bundle: dict[str, Any]) -> dict[str, Any]:
    resource: dict[str, Any] = bundle["entry"][0]["resource"]
    return resource


# -- reading ---------------------------------------------------------------------------------


def test_it_reads_member_providers_diagnoses_and_items() -> None:
    request = read_pas_request(json.dumps(request_bundle()).encode())
    assert request.identifiers == ((CLAIM_IDS, "PA-REQ-0001"),)
    assert request.identifier_key() == f"{CLAIM_IDS}|PA-REQ-0001"
    assert (request.member_id, request.birth_date, request.family_name) == (
        "SUN000000001",
        dt.date(1980, 5, 17),
        "DOE",
    )
    assert (request.requester_npi, request.servicing_npi) == (NPI_REQUESTER, NPI_SERVICING)
    assert request.diagnoses == ("M54.50",)
    assert not request.expedited
    assert request.place_of_service == "11"
    first, second = request.items
    assert (first.code, first.quantity, first.start, first.end) == (
        "72148",
        Decimal(1),
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 31),
    )
    assert (second.code, second.modifiers, second.start, second.end) == (
        "97110",
        ("GP",),
        dt.date(2026, 12, 2),
        dt.date(2026, 12, 2),
    )
    assert request.notes == ("Six weeks of conservative care without relief.",)


def test_stat_priority_is_expedited() -> None:
    assert read_pas_request(request_bundle(priority="stat")).expedited


def test_the_member_id_can_come_from_the_coverage() -> None:
    bundle = request_bundle()
    del bundle["entry"][1]["resource"]["identifier"]
    assert read_pas_request(bundle).member_id == "SUN000000001"


def test_an_item_can_take_its_dates_and_quantity_from_its_service_request() -> None:
    bundle = request_bundle()
    item = claim(bundle)["item"][0]
    del item["servicedPeriod"], item["quantity"]
    item["extension"] = [
        {
            "url": "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-requestedService",
            "valueReference": {"reference": "ServiceRequest/sr1"},
        }
    ]
    bundle["entry"].append(
        {
            "fullUrl": "http://ehr.example.org/fhir/ServiceRequest/sr1",
            "resource": {
                "resourceType": "ServiceRequest",
                "id": "sr1",
                "status": "active",
                "intent": "order",
                "subject": {"reference": "Patient/p1"},
                "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "72148"}]},
                "occurrencePeriod": {"start": "2026-12-03", "end": "2026-12-20"},
                "quantityQuantity": {"value": 2},
            },
        }
    )
    first = read_pas_request(bundle).items[0]
    assert (first.start, first.end, first.quantity) == (
        dt.date(2026, 12, 3),
        dt.date(2026, 12, 20),
        Decimal(2),
    )


def test_a_null_care_team_sequence_or_given_name_is_read_as_absent() -> None:
    bundle = request_bundle()
    claim(bundle)["item"][1]["careTeamSequence"] = [None]
    claim(bundle)["item"][1]["_careTeamSequence"] = [
        {"extension": [{"url": "x", "valueString": "y"}]}
    ]
    bundle["entry"][1]["resource"]["name"][0]["given"] = [None]
    bundle["entry"][1]["resource"]["name"][0]["_given"] = [
        {"extension": [{"url": "x", "valueString": "y"}]}
    ]
    request = read_pas_request(bundle)
    assert request.given_names == ()
    assert request.items[1].servicing_npi == ""


def test_an_inquiry_names_the_request_by_identifier() -> None:
    inquiry = read_pas_inquiry(inquiry_bundle("PA1000000042"))
    assert inquiry.identifiers == ((TRACKING_NUMBER, "PA1000000042"),)
    assert (inquiry.member_id, inquiry.birth_date) == ("SUN000000001", dt.date(1980, 5, 17))


# -- bad input: every problem, pointed at its element --------------------------------------


def test_not_json_and_not_a_bundle_are_refused() -> None:
    assert issues(b"{not json") == [("structure", "")]
    assert issues(b"\xff\xfe") == [("structure", "")]
    assert issues({"resourceType": "Claim"}) == [("invalid", "")]
    assert issues([1, 2]) == [("structure", "")]


def test_a_bundle_fhir_resources_refuses_is_reported_by_element() -> None:
    bundle = request_bundle()
    claim(bundle)["status"] = 42
    found = issues(bundle)
    assert found
    assert all(expression.startswith("Bundle") for _, expression in found)


def test_the_first_entry_must_be_a_preauthorization_claim() -> None:
    bundle = request_bundle()
    bundle["entry"].append(bundle["entry"].pop(0))
    assert ("required", "Bundle.entry[0]") in issues(bundle)
    bundle = request_bundle()
    claim(bundle)["use"] = "claim"
    assert ("invalid", "Claim.use") in issues(bundle)
    bundle = request_bundle()
    bundle["type"] = "transaction"
    assert ("invalid", "Bundle.type") in issues(bundle)


def test_every_problem_of_a_request_is_listed_at_once() -> None:
    bundle = request_bundle(
        diagnoses=(),
        birth_date="1980-05-17",
        requester_npi="1234567890",
        items=[
            {
                "sequence": 1,
                "productOrService": {"coding": [{"system": "http://example.org", "code": "X"}]},
            },
            {
                "sequence": 2,
                "productOrService": {
                    "coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "72148"}]
                },
                "quantity": {"value": 0},
            },
        ],
    )
    del claim(bundle)["identifier"]
    del bundle["entry"][1]["resource"]["birthDate"]
    found = issues(bundle)
    assert ("required", "Claim.identifier") in found
    assert ("required", "Patient.birthDate") in found
    assert ("invalid", "Claim.provider") in found
    assert ("required", "Claim.diagnosis") in found
    assert ("code-invalid", "Claim.item[0].productOrService") in found
    assert ("value", "Claim.item[1].quantity") in found


def test_a_reference_to_nothing_in_the_bundle_is_not_found() -> None:
    bundle = request_bundle()
    claim(bundle)["patient"] = {"reference": "Patient/nobody"}
    assert ("not-found", "Claim.patient") in issues(bundle)


def test_a_diagnosis_in_another_code_system_is_refused() -> None:
    bundle = request_bundle()
    claim(bundle)["diagnosis"][0]["diagnosisCodeableConcept"]["coding"][0]["system"] = (
        "http://snomed.info/sct"
    )
    assert ("code-invalid", "Claim.diagnosis[0].diagnosisCodeableConcept") in issues(bundle)


# -- the response ---------------------------------------------------------------------------


def response(answer: PasAnswer, *, inquiry: bool = False) -> dict[str, Any]:
    bundle = build_pas_response(answer, PARTIES, created=CREATED, inquiry=inquiry)
    Bundle.model_validate(bundle)
    resource: dict[str, Any] = bundle["entry"][0]["resource"]
    ClaimResponse.model_validate(resource)
    return resource


def review_action(item: dict[str, Any]) -> tuple[str, str]:
    [extension] = item["adjudication"][0]["extension"]
    assert extension["url"] == REVIEW_ACTION
    parts = {part["url"]: part for part in extension["extension"]}
    [coding] = parts[REVIEW_ACTION_CODE]["valueCodeableConcept"]["coding"]
    assert coding["system"] == X12_ACTION
    return coding["code"], parts.get("number", {}).get("valueString", "")


def test_an_approval_carries_the_authorization_number_validity_and_tracking_number() -> None:
    answer = PasAnswer(
        "PA1000000001",
        "A1",
        "AUTH-77",
        valid_from=dt.date(2026, 12, 1),
        valid_to=dt.date(2026, 12, 31),
        items=(PasItemAnswer(1, "A1", "AUTH-77"), PasItemAnswer(2, "A1", "AUTH-77")),
    )
    resource = response(answer)
    assert resource["identifier"] == [{"system": TRACKING_NUMBER, "value": "PA1000000001"}]
    assert (resource["outcome"], resource["preAuthRef"]) == ("complete", "AUTH-77")
    assert resource["preAuthPeriod"] == {"start": "2026-12-01", "end": "2026-12-31"}
    assert resource["request"]["identifier"]["value"] == "PA-REQ-0001"
    assert [review_action(item) for item in resource["item"]] == [
        ("A1", "AUTH-77"),
        ("A1", "AUTH-77"),
    ]


def test_a_partial_approval_states_the_units_approved() -> None:
    answer = PasAnswer(
        "PA1000000002",
        "A2",
        "AUTH-78",
        items=(PasItemAnswer(2, "A2", "AUTH-78", approved_quantity=Decimal(6)),),
    )
    [item] = response(answer)["item"]
    [detail] = item["extension"]
    assert detail["url"] == ITEM_AUTHORIZED_DETAIL
    assert detail["extension"][0]["valueQuantity"]["value"] == 6


def test_a_pended_request_is_queued_without_an_authorization_number() -> None:
    resource = response(PasAnswer("PA1000000003", "A4", "AUTH-X"))
    assert resource["outcome"] == "queued"
    assert "preAuthRef" not in resource


def test_a_denial_states_its_reason() -> None:
    answer = PasAnswer(
        "PA1000000004",
        "A3",
        reason_code="MED_NEC",
        reason_text="The request does not meet the plan's medical necessity criteria.",
        items=(PasItemAnswer(1, "A3", reason_code="MED_NEC"),),
    )
    resource = response(answer, inquiry=True)
    assert resource["processNote"][0]["text"].startswith("The request does not meet")
    assert "preAuthRef" not in resource
    assert review_action(resource["item"][0]) == ("A3", "")
    assert resource["meta"]["profile"][0].endswith("profile-claiminquiryresponse")


def test_the_response_bundle_resolves_its_own_references() -> None:
    bundle = build_pas_response(PasAnswer("PA1", "A4"), PARTIES, created=CREATED)
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    resource = bundle["entry"][0]["resource"]
    for field in ("patient", "insurer", "requestor"):
        assert resource[field]["reference"] in urls


def test_an_unknown_action_is_refused() -> None:
    with pytest.raises(ValueError, match="review action"):
        PasAnswer("PA1", "A9")


# -- nothing but OperationOutcomes, whatever comes in --------------------------------------

VALID = request_bundle()


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*prefix, index))
    return out


PATHS = _paths(VALID)[1:]
JUNK = st.one_of(
    st.none(),
    st.integers(-5, 5),
    st.text(max_size=6),
    st.just([]),
    st.just({}),
    st.just({"reference": "Patient/zzz"}),
    st.just("2026-13-45"),
)


@st.composite
def damaged(draw: st.DrawFn) -> dict[str, Any]:
    bundle = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent: Any = bundle
        try:
            for step in path[:-1]:
                parent = parent[step]
            if draw(st.booleans()):
                parent[path[-1]] = draw(JUNK)
            elif isinstance(parent, dict):
                parent.pop(path[-1], None)
            elif isinstance(parent, list) and path[-1] < len(parent):
                del parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue
    return bundle


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_bundles_are_read_or_refused_with_an_operation_outcome(bundle: Any) -> None:
    for reader in (read_pas_request, read_pas_inquiry):
        try:
            reader(bundle)
        except FhirInputError as error:
            OperationOutcome.model_validate(error.outcome())


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_are_refused_with_an_operation_outcome(data: bytes) -> None:
    with pytest.raises(FhirInputError):
        read_pas_request(data)
