"""Prior authorization over FHIR (Da Vinci PAS style) in one import: read the request or
inquiry Bundle, build the response Bundle. The pieces live in ``pas_request``,
``pas_response`` and ``pas_codes``."""

from __future__ import annotations

from healtheos.interop.fhir.outcome import FhirInputError
from healtheos.interop.fhir.pas_codes import TRACKING_NUMBER
from healtheos.interop.fhir.pas_request import (
    PasInquiry,
    PasItem,
    PasRequest,
    read_pas_inquiry,
    read_pas_request,
)
from healtheos.interop.fhir.pas_response import (
    ACTIONS,
    PasAnswer,
    PasItemAnswer,
    PasParties,
    build_pas_response,
    claim_response,
)

__all__ = [
    "ACTIONS",
    "TRACKING_NUMBER",
    "FhirInputError",
    "PasAnswer",
    "PasInquiry",
    "PasItem",
    "PasItemAnswer",
    "PasParties",
    "PasRequest",
    "build_pas_response",
    "claim_response",
    "read_pas_inquiry",
    "read_pas_request",
]
