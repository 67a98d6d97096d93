"""CoverageEligibilityResponse: the portal's answer, from plain data, as validated FHIR.

Benefit types: HL7's benefit-type system has copay, deductible, visit and a few service
kinds, but no coinsurance or out-of-pocket maximum, which every provider asks about. Those
two use the Healtheos system ``codes.HEALTHEOS_BENEFIT_TYPE``; everything HL7 does code
uses HL7's system, so a generic client understands as much as it can.

Errors: HL7's adjudication-error system has only "missing identifier" (a001) and "missing
creation date" (a002). The rest (member not found, birth date or name mismatch, unable to
respond) use ``codes.HEALTHEOS_ELIGIBILITY_ERROR``; each display names the X12 271 AAA03
reject reason it corresponds to, so an X12-minded reader can map it back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Literal

from fhir.resources.R4B.coverageeligibilityresponse import CoverageEligibilityResponse

from healtheos.interop.fhir.codes import (
    ADJUDICATION_ERROR,
    BENEFIT_NETWORK,
    BENEFIT_TERM,
    BENEFIT_TYPE,
    BENEFIT_UNIT,
    HEALTHEOS_BENEFIT_TYPE,
    HEALTHEOS_ELIGIBILITY_ERROR,
    X12_SERVICE_TYPE,
)

BenefitType = Literal[
    "benefit",
    "deductible",
    "visit",
    "room",
    "copay",
    "vision-exam",
    "vision-glasses",
    "vision-contacts",
    "medical-primarycare",
    "pharmacy-dispense",
    "coinsurance",
    "out-of-pocket",
]
ErrorKind = Literal[
    "missing-identifier",
    "missing-creation-date",
    "member-not-found",
    "birth-date-mismatch",
    "name-mismatch",
    "unable-to-respond",
]

# code → (system, display); HL7's own displays are left to HL7's code system.
BENEFIT_TYPES: Final[dict[str, tuple[str, str | None]]] = {
    **dict.fromkeys(
        (
            "benefit",
            "deductible",
            "visit",
            "room",
            "copay",
            "vision-exam",
            "vision-glasses",
            "vision-contacts",
            "medical-primarycare",
            "pharmacy-dispense",
        ),
        (BENEFIT_TYPE, None),
    ),
    "coinsurance": (HEALTHEOS_BENEFIT_TYPE, "Coinsurance"),
    "out-of-pocket": (HEALTHEOS_BENEFIT_TYPE, "Out-of-pocket maximum"),
}
ERRORS: Final[dict[str, tuple[str, str, str]]] = {
    "missing-identifier": (ADJUDICATION_ERROR, "a001", "Missing Identifier"),
    "missing-creation-date": (ADJUDICATION_ERROR, "a002", "Missing Creation Date"),
    "member-not-found": (
        HEALTHEOS_ELIGIBILITY_ERROR,
        "member-not-found",
        "Member not found (X12 AAA 75)",
    ),
    "birth-date-mismatch": (
        HEALTHEOS_ELIGIBILITY_ERROR,
        "birth-date-mismatch",
        "Birth date does not match (X12 AAA 71)",
    ),
    "name-mismatch": (
        HEALTHEOS_ELIGIBILITY_ERROR,
        "name-mismatch",
        "Name does not match (X12 AAA 73)",
    ),
    "unable-to-respond": (
        HEALTHEOS_ELIGIBILITY_ERROR,
        "unable-to-respond",
        "Unable to respond now (X12 AAA 42)",
    ),
}


@dataclass(frozen=True)
class Benefit:
    """One amount of a benefit: what the plan allows and what the member has used.

    Money goes in ``allowed``/``used``; coinsurance as ``percent`` (20 means the member pays
    20%: whole percentages become allowedUnsignedInt, fractional ones allowedString "12.5%");
    visit limits as ``allowed_count``/``used_count``. FHIR allows one allowed[x] and one
    used[x], so giving two kinds of either is a programming error.
    """

    type: BenefitType
    allowed: Decimal | None = None
    used: Decimal | None = None
    percent: Decimal | None = None
    allowed_count: int | None = None
    used_count: int | None = None

    def __post_init__(self) -> None:
        given = [v is not None for v in (self.allowed, self.percent, self.allowed_count)]
        if sum(given) > 1:
            raise ValueError("a benefit has one allowed amount: money, percent or count")
        if self.used is not None and self.used_count is not None:
            raise ValueError("a benefit has one used amount: money or count")

    @property
    def remaining(self) -> Decimal | None:
        """What is left of a money limit, e.g. of the deductible; never below zero."""
        if self.allowed is None:
            return None
        return max(self.allowed - (self.used or Decimal(0)), Decimal(0))


@dataclass(frozen=True)
class BenefitItem:
    """Benefits for one X12 service type, network, unit and term."""

    service_type: str  # X12 service type code, e.g. "30", "98"
    benefits: tuple[Benefit, ...] = ()
    network: Literal["in", "out"] | None = "in"
    unit: Literal["individual", "family"] | None = "individual"
    term: Literal["annual", "day", "lifetime"] | None = "annual"
    service_type_display: str | None = None
    excluded: bool = False
    authorization_required: bool | None = None
    name: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class InsuranceAnswer:
    """One coverage the member holds, whether it is in force, and its benefits."""

    coverage_reference: str
    inforce: bool
    benefit_period_start: dt.date | None = None
    benefit_period_end: dt.date | None = None
    items: tuple[BenefitItem, ...] = ()


@dataclass(frozen=True)
class EligibilityError:
    kind: ErrorKind


@dataclass(frozen=True)
class EligibilityAnswer:
    """Everything a CoverageEligibilityResponse says; ``outcome`` follows from ``errors``."""

    patient_reference: str
    insurer_reference: str
    created: dt.datetime  # timezone-aware; FHIR dateTimes with a time need an offset
    request_reference: str | None = None  # e.g. "CoverageEligibilityRequest/abc"
    request_identifier: str | None = None  # when the request was not stored, its identifier
    purposes: tuple[str, ...] = ("benefits",)
    insurance: tuple[InsuranceAnswer, ...] = ()
    errors: tuple[EligibilityError, ...] = ()
    disposition: str | None = None
    requestor_reference: str | None = None
    service_start: dt.date | None = None
    service_end: dt.date | None = None
    contained: tuple[dict[str, Any], ...] = field(default=())  # from build_patient etc.
    id: str | None = None


def build_eligibility_response(answer: EligibilityAnswer) -> dict[str, Any]:
    """A validated CoverageEligibilityResponse as JSON-ready data."""
    if answer.created.tzinfo is None:
        raise ValueError("created must be timezone-aware")
    if not (answer.request_reference or answer.request_identifier):
        raise ValueError("a response names its request by reference or identifier")
    request: dict[str, Any] = (
        {"reference": answer.request_reference}
        if answer.request_reference
        else {"identifier": {"value": answer.request_identifier}}
    )
    data: dict[str, Any] = {
        "resourceType": "CoverageEligibilityResponse",
        "status": "active",
        "purpose": list(answer.purposes),
        "patient": {"reference": answer.patient_reference},
        "created": answer.created.isoformat(),
        "request": request,
        "outcome": "error" if answer.errors else "complete",
        "insurer": {"reference": answer.insurer_reference},
    }
    optional: dict[str, Any] = {
        "id": answer.id,
        "contained": list(answer.contained) or None,
        "disposition": answer.disposition,
        "requestor": {"reference": answer.requestor_reference}
        if answer.requestor_reference
        else None,
        "insurance": [_insurance(i) for i in answer.insurance] or None,
        "error": [{"code": _error_code(e)} for e in answer.errors] or None,
    }
    if answer.service_start and answer.service_end not in (None, answer.service_start):
        optional["servicedPeriod"] = _period(answer.service_start, answer.service_end)
    elif answer.service_start:
        optional["servicedDate"] = answer.service_start.isoformat()
    data.update({key: value for key, value in optional.items() if value is not None})
    resource = CoverageEligibilityResponse.model_validate(data)
    dumped: dict[str, Any] = resource.model_dump(mode="json", exclude_none=True)
    return dumped


def _insurance(insurance: InsuranceAnswer) -> dict[str, Any]:
    data: dict[str, Any] = {
        "coverage": {"reference": insurance.coverage_reference},
        "inforce": insurance.inforce,
    }
    period = _period(insurance.benefit_period_start, insurance.benefit_period_end)
    if period:
        data["benefitPeriod"] = period
    if insurance.items:
        data["item"] = [_item(item) for item in insurance.items]
    return data


def _item(item: BenefitItem) -> dict[str, Any]:
    category: dict[str, Any] = {"system": X12_SERVICE_TYPE, "code": item.service_type}
    if item.service_type_display:
        category["display"] = item.service_type_display
    data: dict[str, Any] = {"category": {"coding": [category]}, "excluded": item.excluded}
    for key, system, code in (
        ("network", BENEFIT_NETWORK, item.network),
        ("unit", BENEFIT_UNIT, item.unit),
        ("term", BENEFIT_TERM, item.term),
    ):
        if code:
            data[key] = {"coding": [{"system": system, "code": code}]}
    for key, value in (
        ("authorizationRequired", item.authorization_required),
        ("name", item.name),
        ("description", item.description),
    ):
        if value is not None:
            data[key] = value
    if item.benefits:
        data["benefit"] = [_benefit(b) for b in item.benefits]
    return data


def _benefit(benefit: Benefit) -> dict[str, Any]:
    system, display = BENEFIT_TYPES[benefit.type]
    coding = {"system": system, "code": benefit.type, **({"display": display} if display else {})}
    data: dict[str, Any] = {"type": {"coding": [coding]}}
    if benefit.allowed is not None:
        data["allowedMoney"] = _money(benefit.allowed)
    elif benefit.percent is not None:
        if benefit.percent == benefit.percent.to_integral_value():
            data["allowedUnsignedInt"] = int(benefit.percent)
        else:
            data["allowedString"] = f"{benefit.percent.normalize()}%"
    elif benefit.allowed_count is not None:
        data["allowedUnsignedInt"] = benefit.allowed_count
    if benefit.used is not None:
        data["usedMoney"] = _money(benefit.used)
    elif benefit.used_count is not None:
        data["usedUnsignedInt"] = benefit.used_count
    return data


def _money(amount: Decimal) -> dict[str, Any]:
    # A JSON number, not a string: FHIR decimals are numbers, and float loses nothing at
    # cents for the amounts a plan quotes.
    return {"value": float(amount), "currency": "USD"}


def _error_code(error: EligibilityError) -> dict[str, Any]:
    system, code, display = ERRORS[error.kind]
    return {"coding": [{"system": system, "code": code, "display": display}]}


def _period(start: dt.date | None, end: dt.date | None) -> dict[str, str]:
    return {
        key: day.isoformat() for key, day in (("start", start), ("end", end)) if day is not None
    }
