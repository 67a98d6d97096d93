"""Patient and Coverage resources for a plan member, from plain data the portal maps to.

The portal's models change with its features; these dataclasses change only with FHIR. Each
builder validates through ``fhir.resources`` so a resource that would be rejected downstream
fails here, in a test, instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final, Literal

from fhir.resources.R4B.coverage import Coverage
from fhir.resources.R4B.patient import Patient

from healtheos.interop.fhir.codes import (
    COVERAGE_CLASS,
    IDENTIFIER_TYPE,
    MEMBER_ID_TYPE,
    PAYER_TYPE,
    SUBSCRIBER_RELATIONSHIP,
)

Gender = Literal["male", "female", "other", "unknown"]
Relationship = Literal["self", "spouse", "child", "other"]
LineOfBusiness = Literal[
    "medicare",
    "medicare-advantage",
    "medicaid",
    "medicaid-managed-care",
    "commercial",
    "commercial-hmo",
    "commercial-ppo",
    "commercial-pos",
]

# Line of business → Source of Payment Typology (https://nahdo.org/sopt) code and display.
# See codes.PAYER_TYPE for why this system and not v3-ActCode.
PAYER_TYPES: Final[dict[str, tuple[str, str]]] = {
    "medicare": ("1", "Medicare"),
    "medicare-advantage": ("11", "Medicare (Managed Care)"),
    "medicaid": ("2", "Medicaid"),
    "medicaid-managed-care": ("21", "Medicaid (Managed Care)"),
    "commercial": ("5", "Private Health Insurance"),
    "commercial-hmo": ("511", "Commercial Managed Care - HMO"),
    "commercial-ppo": ("512", "Commercial Managed Care - PPO"),
    "commercial-pos": ("513", "Commercial Managed Care - POS"),
}

_RELATIONSHIP_DISPLAY: Final = {
    "self": "Self",
    "spouse": "Spouse",
    "child": "Child",
    "other": "Other",
}


@dataclass(frozen=True)
class PatientData:
    """A member as a Patient: who the card names, identified by the plan's member ID."""

    member_id: str
    member_id_system: str  # the plan's namespace for member IDs, a URI it controls
    family_name: str
    given_names: tuple[str, ...]
    birth_date: dt.date
    gender: Gender | None = None
    id: str | None = None


@dataclass(frozen=True)
class CoverageData:
    """One member's enrollment in one plan, as a Coverage."""

    status: Literal["active", "cancelled"]
    beneficiary_reference: str  # e.g. "Patient/abc" or "#patient" when contained
    payor_reference: str  # the plan's Organization
    relationship: Relationship = "self"
    subscriber_reference: str | None = None
    subscriber_id: str | None = None
    member_id: str | None = None
    member_id_system: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    payor_display: str | None = None
    group_id: str | None = None
    group_name: str | None = None
    plan_id: str | None = None
    plan_name: str | None = None
    line_of_business: LineOfBusiness | None = None
    id: str | None = None


def member_identifier(value: str, system: str | None) -> dict[str, Any]:
    """An identifier typed MB (member number), the type readers look for first."""
    return {
        "use": "usual",
        "type": {"coding": [{"system": IDENTIFIER_TYPE, "code": MEMBER_ID_TYPE}]},
        **({"system": system} if system else {}),
        "value": value,
    }


def build_patient(patient: PatientData) -> dict[str, Any]:
    """A validated Patient as JSON-ready data."""
    data: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [member_identifier(patient.member_id, patient.member_id_system)],
        "name": [
            {"use": "official", "family": patient.family_name, "given": list(patient.given_names)}
        ],
        "birthDate": patient.birth_date.isoformat(),
    }
    if patient.id:
        data["id"] = patient.id
    if patient.gender:
        data["gender"] = patient.gender
    return _dump(Patient.model_validate(data))


def build_coverage(coverage: CoverageData) -> dict[str, Any]:
    """A validated Coverage as JSON-ready data."""
    data: dict[str, Any] = {
        "resourceType": "Coverage",
        "status": coverage.status,
        "beneficiary": {"reference": coverage.beneficiary_reference},
        "relationship": {
            "coding": [
                {
                    "system": SUBSCRIBER_RELATIONSHIP,
                    "code": coverage.relationship,
                    "display": _RELATIONSHIP_DISPLAY[coverage.relationship],
                }
            ]
        },
        "payor": [
            {
                "reference": coverage.payor_reference,
                **({"display": coverage.payor_display} if coverage.payor_display else {}),
            }
        ],
    }
    if coverage.id:
        data["id"] = coverage.id
    if coverage.member_id:
        data["identifier"] = [member_identifier(coverage.member_id, coverage.member_id_system)]
    if coverage.line_of_business:
        code, display = PAYER_TYPES[coverage.line_of_business]
        data["type"] = {"coding": [{"system": PAYER_TYPE, "code": code, "display": display}]}
    if coverage.subscriber_reference:
        data["subscriber"] = {"reference": coverage.subscriber_reference}
    if coverage.subscriber_id:
        data["subscriberId"] = coverage.subscriber_id
    period = _period(coverage.period_start, coverage.period_end)
    if period:
        data["period"] = period
    classes = [
        _coverage_class("group", "Group", value, name)
        for value, name in [(coverage.group_id, coverage.group_name)]
        if value
    ] + [
        _coverage_class("plan", "Plan", value, name)
        for value, name in [(coverage.plan_id, coverage.plan_name)]
        if value
    ]
    if classes:
        data["class"] = classes
    return _dump(Coverage.model_validate(data))


def _coverage_class(code: str, display: str, value: str, name: str | None) -> dict[str, Any]:
    return {
        "type": {"coding": [{"system": COVERAGE_CLASS, "code": code, "display": display}]},
        "value": value,
        **({"name": name} if name else {}),
    }


def _period(start: dt.date | None, end: dt.date | None) -> dict[str, str]:
    return {
        key: day.isoformat() for key, day in (("start", start), ("end", end)) if day is not None
    }


def _dump(resource: Patient | Coverage) -> dict[str, Any]:
    data: dict[str, Any] = resource.model_dump(mode="json", exclude_none=True)
    return data
