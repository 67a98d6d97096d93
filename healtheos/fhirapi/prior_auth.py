"""``POST /fhir/r4/Claim/$submit`` and ``POST /fhir/r4/Claim/$inquire``: prior
authorization for an office's systems, Da Vinci PAS style. The request Bundle is read
(``interop.fhir.pas``), submitted or looked up by ``authorizations.fhir`` through the
authorization services and selectors, and answered with a response Bundle holding the
ClaimResponse; input that cannot be used is answered with an OperationOutcome."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from healtheos.authorizations.fhir import (
    Refusal,
    pas_answer,
    pas_find,
    pas_parties,
    pas_submit,
)
from healtheos.fhirapi.responses import fhir_bearer, fhir_error, fhir_response
from healtheos.interop.fhir.outcome import FhirInputError, operation_outcome
from healtheos.interop.fhir.pas import build_pas_response, read_pas_inquiry, read_pas_request
from healtheos.offices.models import Office

SCOPE = "authorizations"
MAX_BODY = 1024 * 1024


def _refused(status: int, error: FhirInputError | Refusal) -> HttpResponse:
    return fhir_response(operation_outcome(*error.issues), status)


@require_http_methods(["POST"])
@fhir_bearer(SCOPE)
def claim_submit(request: HttpRequest) -> HttpResponse:
    office: Office = request.acting_office  # type: ignore[attr-defined]
    if len(request.body) > MAX_BODY:
        return _body_too_large()
    try:
        asked = read_pas_request(request.body)
    except FhirInputError as error:
        return _refused(400, error)
    try:
        authorization = pas_submit(
            asked,
            office=office,
            api_client=request.api_client,  # type: ignore[attr-defined]
        )
    except Refusal as refusal:
        return _refused(refusal.status, refusal)
    bundle = build_pas_response(
        pas_answer(authorization),
        pas_parties(authorization, request_identifier=asked.identifiers[0]),
        created=timezone.now(),
    )
    return fhir_response(bundle)


@require_http_methods(["POST"])
@fhir_bearer(SCOPE)
def claim_inquire(request: HttpRequest) -> HttpResponse:
    office: Office = request.acting_office  # type: ignore[attr-defined]
    if len(request.body) > MAX_BODY:
        return _body_too_large()
    try:
        inquiry = read_pas_inquiry(request.body)
    except FhirInputError as error:
        return _refused(400, error)
    try:
        authorization = pas_find(inquiry, office=office)
    except Refusal as refusal:
        return _refused(refusal.status, refusal)
    from healtheos.audit.services import audit_record

    audit_record(
        action="authorizations.status_answered",
        office=office,
        obj=authorization,
        member_pk=authorization.member_id,
        detail={
            "channel": "fhir",
            "client": request.api_client.client_id,  # type: ignore[attr-defined]
        },
    )
    bundle = build_pas_response(
        pas_answer(authorization),
        pas_parties(authorization, request_identifier=inquiry.identifiers[0]),
        created=timezone.now(),
        inquiry=True,
    )
    return fhir_response(bundle)


def _body_too_large() -> HttpResponse:
    return fhir_error(413, "too-costly", "A request is at most 1 MB.")
