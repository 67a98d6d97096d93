from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from fhir.resources.R4B.coverage import Coverage
from fhir.resources.R4B.coverageeligibilityresponse import CoverageEligibilityResponse
from fhir.resources.R4B.patient import Patient

from healtheos.interop.fhir.codes import (
    ADJUDICATION_ERROR,
    HEALTHEOS_BENEFIT_TYPE,
    HEALTHEOS_ELIGIBILITY_ERROR,
    IDENTIFIER_TYPE,
    NPI,
    PAYER_TYPE,
    X12_SERVICE_TYPE,
    is_valid_npi,
)
from healtheos.interop.fhir.eligibility import (
    Benefit,
    BenefitItem,
    CoverageData,
    EligibilityAnswer,
    EligibilityError,
    FhirInputError,
    InsuranceAnswer,
    PatientData,
    build_coverage,
    build_eligibility_response,
    build_patient,
    read_eligibility_request,
)
from healtheos.interop.fhir.outcome import operation_outcome

MEMBERS = "https://plan.example.org/fhir/sid/member-id"
PROVIDER_NPI = "1047298314"  # synthetic, Luhn-valid with the 80840 prefix
CREATED = dt.datetime(2025, 3, 1, 14, 30, tzinfo=dt.UTC)


def _request() -> dict[str, Any]:
    """A standalone request: patient, coverage and provider contained, as a clinic sends it."""
    return {
        "resourceType": "CoverageEligibilityRequest",
        "id": "req-1",
        "status": "active",
        "purpose": ["benefits", "validation"],
        "patient": {"reference": "#pat"},
        "servicedDate": "2025-03-03",
        "created": "2025-03-01T09:15:00-05:00",
        "provider": {"reference": "#doc"},
        "insurer": {"reference": "Organization/plan-1"},
        "insurance": [{"focal": True, "coverage": {"reference": "#cov"}}],
        "item": [
            {"category": {"coding": [{"system": X12_SERVICE_TYPE, "code": "98"}]}},
            {"category": {"coding": [{"system": X12_SERVICE_TYPE, "code": "AL"}]}},
        ],
        "contained": [
            {
                "resourceType": "Patient",
                "id": "pat",
                "identifier": [
                    {"system": "urn:oid:2.16.840.1.113883.4.1", "value": "999-00-1234"},
                    {
                        "type": {"coding": [{"system": IDENTIFIER_TYPE, "code": "MB"}]},
                        "system": MEMBERS,
                        "value": "HX4471902",
                    },
                ],
                "name": [
                    {"use": "nickname", "given": ["Wren"]},
                    {"use": "official", "family": "Okonkwo-Lind", "given": ["Marisol", "Wren"]},
                ],
                "birthDate": "1984-07-19",
            },
            {
                "resourceType": "Coverage",
                "id": "cov",
                "status": "active",
                "subscriberId": "HX4471900",
                "beneficiary": {"reference": "#pat"},
                "payor": [{"reference": "Organization/plan-1"}],
            },
            {
                "resourceType": "Practitioner",
                "id": "doc",
                "identifier": [{"system": NPI, "value": PROVIDER_NPI}],
            },
        ],
    }


def _issues(data: Any, **kwargs: Any) -> list[tuple[str, str]]:
    with pytest.raises(FhirInputError) as caught:
        read_eligibility_request(data, **kwargs)
    return [(issue.code, issue.expression) for issue in caught.value.issues]


def test_a_standalone_request_reads_into_a_plain_question() -> None:
    question = read_eligibility_request(json.dumps(_request()).encode())
    assert (question.member_id, question.member_id_system) == ("HX4471902", MEMBERS)
    assert question.member_id_source == "CoverageEligibilityRequest.contained[0].identifier[1]"
    assert question.family_name == "Okonkwo-Lind"
    assert question.given_names == ("Marisol", "Wren")
    assert question.birth_date == dt.date(1984, 7, 19)
    assert question.service_start == question.service_end == dt.date(2025, 3, 3)
    assert question.purposes == ("benefits", "validation")
    assert question.service_type_codes == ("98", "AL")
    assert question.provider_npi == PROVIDER_NPI
    assert question.insurer_reference == "Organization/plan-1"
    assert question.coverage_reference == "#cov"
    assert question.request_id == "req-1"


def test_the_question_carries_no_fhir_objects() -> None:
    question = read_eligibility_request(_request())
    for value in vars(question).values():
        assert not type(value).__module__.startswith("fhir"), value


def test_without_items_the_question_is_about_health_benefit_plan_coverage() -> None:
    request = _request()
    del request["item"]
    assert read_eligibility_request(request).service_type_codes == ("30",)


def test_a_serviced_period_gives_start_and_end() -> None:
    request = _request()
    del request["servicedDate"]
    request["servicedPeriod"] = {"start": "2025-03-01", "end": "2025-03-31"}
    question = read_eligibility_request(request)
    assert (question.service_start, question.service_end) == (
        dt.date(2025, 3, 1),
        dt.date(2025, 3, 31),
    )


def test_the_coverage_subscriber_id_stands_in_when_the_patient_has_no_member_id() -> None:
    request = _request()
    request["contained"][0]["identifier"] = request["contained"][0]["identifier"][:1]
    question = read_eligibility_request(request)
    assert question.member_id == "HX4471900"
    assert question.member_id_source == "CoverageEligibilityRequest.contained[1].subscriberId"


def test_referenced_resources_are_read_through_the_callers_resolver() -> None:
    request = _request()
    contained = {r["id"]: r for r in request.pop("contained")}
    contained["pat"]["id"] = "p-1"
    request["patient"] = {"reference": "Patient/p-1"}
    request["provider"] = {"identifier": {"system": NPI, "value": PROVIDER_NPI}}
    request["insurance"] = [{"coverage": {"reference": "Coverage/c-1"}}]
    question = read_eligibility_request(request, resolve={"Patient/p-1": contained["pat"]}.get)
    assert question.member_id == "HX4471902"
    assert question.patient_reference == "Patient/p-1"
    assert question.provider_npi == PROVIDER_NPI
    assert question.member_id_source.startswith("CoverageEligibilityRequest.patient.resolve()")


def test_a_logical_patient_reference_with_a_member_id_is_enough() -> None:
    request = _request()
    request.pop("contained")
    request.pop("provider")
    request.pop("insurance")
    request["patient"] = {
        "identifier": {
            "type": {"coding": [{"system": IDENTIFIER_TYPE, "code": "MB"}]},
            "system": MEMBERS,
            "value": "HX4471902",
        }
    }
    question = read_eligibility_request(request)
    assert question.member_id == "HX4471902"
    assert question.birth_date is None


@pytest.mark.parametrize(
    "body", [b"\xff\xfe", "{not json", "[1, 2]"], ids=["not-utf8", "not-json", "not-object"]
)
def test_a_body_that_is_not_a_json_object_is_a_structure_issue(body: Any) -> None:
    assert [code for code, _ in _issues(body)] == ["structure"]


def test_a_wrong_resource_type_points_at_the_resource_received() -> None:
    assert _issues({"resourceType": "Patient"}) == [("invalid", "Patient")]


def test_a_schema_violation_points_at_the_element_by_fhirpath() -> None:
    request = _request()
    request["contained"][0]["birthDate"] = "1984-02-30"
    request["contained"][0]["nickname"] = "Wren"
    del request["patient"]
    assert sorted(_issues(request)) == [
        ("invalid", "CoverageEligibilityRequest.contained[0].birthDate"),
        ("required", "CoverageEligibilityRequest.patient"),
        ("structure", "CoverageEligibilityRequest.contained[0].nickname"),
    ]


def test_a_contained_resource_without_a_type_is_a_structure_issue() -> None:
    request = _request()
    request["contained"].append({"id": "mystery"})
    assert _issues(request) == [("structure", "CoverageEligibilityRequest.contained[3]")]


def test_a_request_without_any_member_id_says_where_one_belongs() -> None:
    request = _request()
    request["contained"][0]["identifier"] = request["contained"][0]["identifier"][:1]
    del request["contained"][1]["subscriberId"]
    assert _issues(request) == [("required", "CoverageEligibilityRequest.contained[0]")]


def test_a_dangling_contained_reference_is_a_structure_issue() -> None:
    request = _request()
    request["patient"] = {"reference": "#someone-else"}
    assert ("structure", "CoverageEligibilityRequest.patient") in _issues(request)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"birthDate": "1984-07"},
            ("invalid", "CoverageEligibilityRequest.contained[0].birthDate"),
        ),
        (
            {"birthDate": "2999-01-01"},
            ("invalid", "CoverageEligibilityRequest.contained[0].birthDate"),
        ),
    ],
    ids=["partial-birth-date", "future-birth-date"],
)
def test_birth_dates_that_cannot_identify_a_member_are_refused(
    change: dict[str, str], expected: tuple[str, str]
) -> None:
    request = _request()
    request["contained"][0].update(change)
    assert _issues(request) == [expected]


def test_a_service_period_that_ends_before_it_starts_is_refused() -> None:
    request = _request()
    del request["servicedDate"]
    request["servicedPeriod"] = {"start": "2025-03-31", "end": "2025-03-01"}
    assert _issues(request) == [("invalid", "CoverageEligibilityRequest.servicedPeriod")]


def test_purposes_other_than_benefits_or_validation_are_not_supported() -> None:
    request = _request()
    request["purpose"] = ["discovery"]
    assert _issues(request) == [("not-supported", "CoverageEligibilityRequest.purpose")]


def test_item_categories_must_be_x12_service_type_codes() -> None:
    request = _request()
    request["item"][0]["category"]["coding"][0]["system"] = "http://example.org/categories"
    request["item"][1]["category"]["coding"][0]["code"] = "not-a-code"
    assert _issues(request) == [
        ("not-supported", "CoverageEligibilityRequest.item[0].category"),
        ("invalid", "CoverageEligibilityRequest.item[1].category.coding[0].code"),
    ]


def test_an_npi_failing_its_check_digit_is_refused() -> None:
    request = _request()
    request["contained"][2]["identifier"][0]["value"] = "1047298315"
    assert _issues(request) == [
        ("invalid", "CoverageEligibilityRequest.contained[2].identifier[0].value")
    ]


def test_every_issue_is_reported_at_once_and_becomes_an_operation_outcome() -> None:
    request = _request()
    request["status"] = "draft"
    request["purpose"] = ["auth-requirements"]
    with pytest.raises(FhirInputError) as caught:
        read_eligibility_request(request)
    outcome = caught.value.outcome()
    assert outcome == operation_outcome(*caught.value.issues)
    assert [i["expression"] for i in outcome["issue"]] == [
        ["CoverageEligibilityRequest.status"],
        ["CoverageEligibilityRequest.purpose"],
    ]


def test_the_synthetic_npi_is_luhn_valid() -> None:
    assert is_valid_npi(PROVIDER_NPI)
    assert not is_valid_npi("1047298315")


def test_a_patient_and_coverage_build_from_plain_data_and_validate() -> None:
    patient = build_patient(
        PatientData(
            member_id="HX4471902",
            member_id_system=MEMBERS,
            family_name="Okonkwo-Lind",
            given_names=("Marisol",),
            birth_date=dt.date(1984, 7, 19),
            gender="female",
            id="pat",
        )
    )
    coverage = build_coverage(
        CoverageData(
            status="active",
            beneficiary_reference="Patient/pat",
            subscriber_reference="Patient/pat",
            subscriber_id="HX4471900",
            relationship="spouse",
            payor_reference="Organization/plan-1",
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 12, 31),
            group_id="GRP-0042",
            group_name="Cedar Valley Schools",
            plan_id="PPO-GOLD",
            line_of_business="commercial-ppo",
        )
    )
    Patient.model_validate(copy.deepcopy(patient))
    Coverage.model_validate(copy.deepcopy(coverage))
    assert patient["identifier"][0]["type"]["coding"][0]["code"] == "MB"
    assert coverage["relationship"]["coding"][0]["code"] == "spouse"
    assert [c["type"]["coding"][0]["code"] for c in coverage["class"]] == ["group", "plan"]
    assert coverage["type"]["coding"][0]["system"] == PAYER_TYPE
    assert coverage["period"] == {"start": "2025-01-01", "end": "2025-12-31"}


def _found() -> dict[str, Any]:
    office = BenefitItem(
        "98",
        service_type_display="Professional (Physician) Visit - Office",
        benefits=(
            Benefit("copay", allowed=Decimal("25.00")),
            Benefit("coinsurance", percent=Decimal("20")),
        ),
        authorization_required=False,
    )
    plan = BenefitItem(
        "30",
        unit="family",
        benefits=(
            Benefit("deductible", allowed=Decimal("3000.00"), used=Decimal("1250.50")),
            Benefit("out-of-pocket", allowed=Decimal("8000.00"), used=Decimal("1900.00")),
        ),
    )
    out_of_network = BenefitItem("30", network="out", excluded=True, description="HMO: none")
    return build_eligibility_response(
        EligibilityAnswer(
            patient_reference="Patient/pat",
            insurer_reference="Organization/plan-1",
            created=CREATED,
            request_reference="CoverageEligibilityRequest/req-1",
            purposes=("benefits", "validation"),
            disposition="Member found; coverage active.",
            service_start=dt.date(2025, 3, 3),
            insurance=(
                InsuranceAnswer(
                    "Coverage/cov",
                    inforce=True,
                    benefit_period_start=dt.date(2025, 1, 1),
                    benefit_period_end=dt.date(2025, 12, 31),
                    items=(office, plan, out_of_network),
                ),
            ),
        )
    )


def test_a_found_member_response_validates_with_every_cost_share() -> None:
    data = _found()
    parsed = CoverageEligibilityResponse.model_validate(copy.deepcopy(data))
    assert (parsed.status, parsed.outcome) == ("active", "complete")
    insurance = data["insurance"][0]
    assert insurance["inforce"] is True
    assert insurance["benefitPeriod"]["end"] == "2025-12-31"
    kinds = {
        (b["type"]["coding"][0]["system"], b["type"]["coding"][0]["code"])
        for item in insurance["item"]
        for b in item.get("benefit", [])
    }
    assert kinds == {
        ("http://terminology.hl7.org/CodeSystem/benefit-type", "copay"),
        ("http://terminology.hl7.org/CodeSystem/benefit-type", "deductible"),
        (HEALTHEOS_BENEFIT_TYPE, "coinsurance"),
        (HEALTHEOS_BENEFIT_TYPE, "out-of-pocket"),
    }


def test_benefit_amounts_come_out_as_money_percent_and_flags() -> None:
    office, plan, out_of_network = _found()["insurance"][0]["item"]
    assert office["category"]["coding"][0] == {
        "system": X12_SERVICE_TYPE,
        "code": "98",
        "display": "Professional (Physician) Visit - Office",
    }
    assert office["benefit"][0]["allowedMoney"] == {"value": 25.0, "currency": "USD"}
    assert office["benefit"][1]["allowedUnsignedInt"] == 20
    assert office["authorizationRequired"] is False
    assert plan["unit"]["coding"][0]["code"] == "family"
    assert plan["benefit"][0]["usedMoney"]["value"] == 1250.5
    assert out_of_network["network"]["coding"][0]["code"] == "out"
    assert out_of_network["excluded"] is True


def test_remaining_is_derived_from_allowed_and_used() -> None:
    deductible = Benefit("deductible", allowed=Decimal("3000.00"), used=Decimal("1250.50"))
    assert deductible.remaining == Decimal("1749.50")
    assert Benefit("deductible", allowed=Decimal(100), used=Decimal(150)).remaining == 0
    assert Benefit("coinsurance", percent=Decimal(20)).remaining is None


def test_a_fractional_coinsurance_is_written_as_a_percentage_string() -> None:
    data = build_eligibility_response(
        EligibilityAnswer(
            patient_reference="Patient/pat",
            insurer_reference="Organization/plan-1",
            created=CREATED,
            request_identifier="trace-77",
            insurance=(
                InsuranceAnswer(
                    "Coverage/cov",
                    inforce=True,
                    items=(BenefitItem("30", (Benefit("coinsurance", percent=Decimal("12.5")),)),),
                ),
            ),
        )
    )
    assert data["insurance"][0]["item"][0]["benefit"][0]["allowedString"] == "12.5%"
    assert data["request"] == {"identifier": {"value": "trace-77"}}


def test_a_benefit_with_two_allowed_amounts_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="one allowed amount"):
        Benefit("copay", allowed=Decimal(25), percent=Decimal(20))


def test_a_not_found_response_has_outcome_error_and_a_coded_error() -> None:
    data = build_eligibility_response(
        EligibilityAnswer(
            patient_reference="#pat",
            insurer_reference="Organization/plan-1",
            created=CREATED,
            request_reference="CoverageEligibilityRequest/req-2",
            disposition="No member matches the ID, name and birth date given.",
            errors=(EligibilityError("member-not-found"),),
            contained=(
                build_patient(
                    PatientData(
                        member_id="HX0000000",
                        member_id_system=MEMBERS,
                        family_name="Vantongeren",
                        given_names=("Ilse",),
                        birth_date=dt.date(1990, 1, 5),
                        id="pat",
                    )
                ),
            ),
        )
    )
    parsed = CoverageEligibilityResponse.model_validate(copy.deepcopy(data))
    assert parsed.outcome == "error"
    assert parsed.insurance is None
    coding = data["error"][0]["code"]["coding"][0]
    assert (coding["system"], coding["code"]) == (HEALTHEOS_ELIGIBILITY_ERROR, "member-not-found")
    assert data["contained"][0]["resourceType"] == "Patient"


def test_a_missing_identifier_uses_the_hl7_adjudication_error_code() -> None:
    data = build_eligibility_response(
        EligibilityAnswer(
            patient_reference="Patient/pat",
            insurer_reference="Organization/plan-1",
            created=CREATED,
            request_reference="CoverageEligibilityRequest/req-3",
            errors=(EligibilityError("missing-identifier"),),
        )
    )
    assert data["error"][0]["code"]["coding"][0]["system"] == ADJUDICATION_ERROR
    assert data["error"][0]["code"]["coding"][0]["code"] == "a001"


def test_a_response_with_a_naive_creation_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build_eligibility_response(
            EligibilityAnswer(
                patient_reference="Patient/pat",
                insurer_reference="Organization/plan-1",
                created=dt.datetime(2025, 3, 1, 14, 30),
                request_reference="CoverageEligibilityRequest/req-4",
            )
        )


def test_a_built_response_round_trips_through_the_r4b_model_unchanged() -> None:
    data = _found()
    again = CoverageEligibilityResponse.model_validate(copy.deepcopy(data))
    assert again.model_dump(mode="json", exclude_none=True) == data
