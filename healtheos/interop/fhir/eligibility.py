"""FHIR eligibility in one import: read the request, build the answer.

The pieces live in ``request`` (CoverageEligibilityRequest → ``EligibilityQuestion``),
``member`` (Patient, Coverage) and ``benefits`` (CoverageEligibilityResponse); the portal
imports them from here so it does not depend on how they are split.
"""

from __future__ import annotations

from healtheos.interop.fhir.benefits import (
    Benefit,
    BenefitItem,
    EligibilityAnswer,
    EligibilityError,
    InsuranceAnswer,
    build_eligibility_response,
)
from healtheos.interop.fhir.member import CoverageData, PatientData, build_coverage, build_patient
from healtheos.interop.fhir.outcome import FhirInputError
from healtheos.interop.fhir.request import (
    ANSWERABLE_PURPOSES,
    DEFAULT_SERVICE_TYPES,
    EligibilityQuestion,
    Resolver,
    read_eligibility_request,
)

__all__ = [
    "ANSWERABLE_PURPOSES",
    "DEFAULT_SERVICE_TYPES",
    "Benefit",
    "BenefitItem",
    "CoverageData",
    "EligibilityAnswer",
    "EligibilityError",
    "EligibilityQuestion",
    "FhirInputError",
    "InsuranceAnswer",
    "PatientData",
    "Resolver",
    "build_coverage",
    "build_eligibility_response",
    "build_patient",
    "read_eligibility_request",
]
