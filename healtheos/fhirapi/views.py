"""``/fhir/r4/``: the CapabilityStatement and the eligibility resources, for an office's
systems holding an OAuth 2.0 bearer token (client credentials). Every read is scoped to
what the token's office may see: a member reached by search, attribution, claim or
authorization; anything else is a 404 OperationOutcome."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

import healtheos
from healtheos.eligibility.fhir import (
    coverage_resource,
    eligibility_response,
    patient_resource,
    query_from,
)
from healtheos.eligibility.result import Channel
from healtheos.eligibility.services import RateLimited, eligibility_check
from healtheos.fhirapi.responses import fhir_bearer, fhir_error, fhir_response
from healtheos.interop.fhir.capability import (
    OperationCapability,
    ResourceCapability,
    SearchParam,
    build_capability_statement,
)
from healtheos.interop.fhir.eligibility import FhirInputError, read_eligibility_request
from healtheos.members.models import Coverage
from healtheos.members.selectors import member_for_office
from healtheos.offices.models import Office

MAX_BODY = 1024 * 1024

RESOURCES = (
    ResourceCapability(
        "Patient",
        ("read",),
        documentation="A plan member the office may see (found by an eligibility request, "
        "attributed to its practitioners, or on its claims and authorizations).",
    ),
    ResourceCapability(
        "Coverage",
        ("read", "search-type"),
        (SearchParam("patient", "reference", "The member whose coverage to list."),),
        documentation="A member's enrollment spans at the plan.",
    ),
    ResourceCapability(
        "CoverageEligibilityRequest",
        ("create",),
        documentation=(
            "POST a request (purpose benefits or validation) with the member's identifier or "
            "names and the date of birth; the answer is the CoverageEligibilityResponse in "
            "the body (200), or an OperationOutcome for input that cannot be read (400)."
        ),
    ),
    ResourceCapability(
        "Claim",
        (),
        documentation=(
            "Prior authorization, Da Vinci PAS style (scope authorizations): POST a "
            "request Bundle (Claim use=preauthorization first) to $submit, or a Bundle naming "
            "the tracking number to $inquire; the answer is a Bundle holding the "
            "ClaimResponse (tracking number as identifier, preAuthRef, review action per "
            "item), or an OperationOutcome (400 unreadable, 422 refused, 404 not found)."
        ),
        operations=(
            OperationCapability(
                "submit",
                "http://hl7.org/fhir/us/davinci-pas/OperationDefinition/Claim-submit",
            ),
            OperationCapability(
                "inquire",
                "http://hl7.org/fhir/us/davinci-pas/OperationDefinition/Claim-inquiry",
            ),
        ),
    ),
)


def _office(request: HttpRequest) -> Office:
    office: Office = request.acting_office  # type: ignore[attr-defined]
    return office


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    statement = build_capability_statement(
        base_url=request.build_absolute_uri("/fhir/r4"),
        software_version=healtheos.__version__,
        resources=RESOURCES,
    )
    return fhir_response(statement)


@require_GET
@fhir_bearer("eligibility")
def patient_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    member = member_for_office(office=_office(request), member_pk=_pk(resource_id))
    if member is None:
        return fhir_error(404, "not-found", f"Patient/{resource_id[:40]} is not known here.")
    return fhir_response(patient_resource(member))


def _pk(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 12 else 0


@require_GET
@fhir_bearer("eligibility")
def coverage_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    office = _office(request)
    coverage = (
        Coverage.objects.filter(pk=_pk(resource_id))
        .select_related("member__subscriber", "benefit_plan")
        .first()
    )
    if coverage is None or member_for_office(office=office, member_pk=coverage.member_id) is None:
        return fhir_error(404, "not-found", f"Coverage/{resource_id[:40]} is not known here.")
    return fhir_response(coverage_resource(coverage, office.plan, day=timezone.localdate()))


@require_GET
@fhir_bearer("eligibility")
def coverage_search(request: HttpRequest) -> HttpResponse:
    office = _office(request)
    patient = request.GET.get("patient", "")
    unknown = sorted(set(request.GET) - {"patient", "_format"})
    if unknown:
        return fhir_error(
            400, "not-supported", f"Unsupported search parameter {unknown[0]!r}.", unknown[0]
        )
    if not patient:
        return fhir_error(400, "required", "Search Coverage by patient.", "patient")
    member = member_for_office(office=office, member_pk=_pk(patient.removeprefix("Patient/")))
    entries: list[dict[str, Any]] = []
    if member is not None:
        today = timezone.localdate()
        base = request.build_absolute_uri("/fhir/r4/")
        for coverage in member.coverages.select_related("member__subscriber", "benefit_plan"):
            entries.append(
                {
                    "fullUrl": f"{base}Coverage/{coverage.pk}",
                    "resource": coverage_resource(coverage, office.plan, day=today),
                    "search": {"mode": "match"},
                }
            )
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(entries),
        "entry": entries,
    }
    return fhir_response(bundle)


@require_http_methods(["POST"])
@fhir_bearer("eligibility")
def eligibility_request_create(request: HttpRequest) -> HttpResponse:
    office = _office(request)
    if len(request.body) > MAX_BODY:
        return fhir_error(413, "too-costly", "A request is at most 1 MB.")
    try:
        question = read_eligibility_request(request.body)
    except FhirInputError as error:
        return fhir_response(error.outcome(), 400)
    query = query_from(question)
    if query is None:
        return fhir_error(
            400,
            "required",
            "Give the patient's birthDate: a member is found by two identifiers.",
            "CoverageEligibilityRequest.patient.birthDate",
        )
    try:
        result = eligibility_check(
            office=office,
            query=query,
            channel=Channel.FHIR,
            api_client=request.api_client,  # type: ignore[attr-defined]
            control_numbers={"request_id": question.request_id or ""},
        )
    except RateLimited as limited:
        response = fhir_error(429, "throttled", str(limited))
        response["Retry-After"] = str(limited.retry_after)
        return response
    return fhir_response(eligibility_response(result, question=question, plan=office.plan))


def not_found(request: HttpRequest, path: str) -> HttpResponse:
    return fhir_error(404, "not-supported", f"/fhir/r4/{path[:60]} is not served here.")
