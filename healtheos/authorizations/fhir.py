"""Prior authorization over FHIR (Da Vinci PAS style): a request Bundle read into plain
data is submitted through :func:`~healtheos.authorizations.services.authorization_submit`,
the same state change as the portal's form, and a stored request is stated as a
ClaimResponse with the portal's numbers. An inquiry finds the request with
:func:`~healtheos.authorizations.selectors.authorization_get`, so another office's request
is not found.

A resend of the same Bundle (the same Claim identifier from the same API client) returns
the request stored the first time."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from healtheos.authorizations.channels import (
    line_decisions,
    line_of_business_for,
    member_for,
    request_action,
    resend_key,
)
from healtheos.authorizations.models import Channel, PriorAuthorization, Urgency
from healtheos.authorizations.selectors import authorization_get
from healtheos.authorizations.services import ServiceLine, authorization_submit
from healtheos.eligibility.lookup import HINTS, normalize_member_id
from healtheos.eligibility.result import Problem
from healtheos.interop.fhir.outcome import Issue
from healtheos.interop.fhir.pas import (
    PasAnswer,
    PasInquiry,
    PasItemAnswer,
    PasParties,
    PasRequest,
)

if TYPE_CHECKING:
    from healtheos.apiclients.models import ApiClient
    from healtheos.offices.models import Office

_EXPEDITED_NOTE = "The office's system asked for an expedited decision (Claim.priority stat)."
#: The services' field names → the FHIRPath of the element they concern.
_FIELDS = {
    "member": "Claim.patient",
    "line_of_business": "Claim.insurance",
    "requesting_provider": "Claim.provider",
    "servicing_provider": "Claim.careTeam",
    "diagnosis_codes": "Claim.diagnosis",
    "urgency": "Claim.priority",
    "expedited_justification": "Claim.priority",
    "place_of_service": "Claim.item.locationCodeableConcept",
    "services": "Claim.item",
}
_ITEM_FIELDS = {
    "procedure_code": "productOrService",
    "modifiers": "modifier",
    "units": "quantity",
    "service_from": "servicedPeriod",
    "service_to": "servicedPeriod",
}


class Refusal(Exception):
    """A request the plan cannot take, with its OperationOutcome issues and HTTP status."""

    def __init__(self, status: int, issues: tuple[Issue, ...]) -> None:
        super().__init__("; ".join(issue.diagnostics for issue in issues))
        self.status = status
        self.issues = issues


def _issues_from(error: ValidationError, request: PasRequest) -> tuple[Issue, ...]:
    issues = []
    for field, messages in error.message_dict.items():
        head, _, rest = field.partition(".")
        expression = _FIELDS.get(head, "Claim")
        if head == "services" and rest:
            index, _, name = rest.partition(".")
            if index.isdigit() and int(index) < len(request.items):
                expression = f"Claim.item[{index}]"
                if name in _ITEM_FIELDS:
                    expression += f".{_ITEM_FIELDS[name]}"
        code = "not-found" if head == "member" else "business-rule"
        issues += [Issue(code, message, expression=expression) for message in messages]
    return tuple(issues)


def pas_submit(request: PasRequest, *, office: Office, api_client: ApiClient) -> PriorAuthorization:
    """Store the request (or find the one this Bundle already made); raise
    :class:`Refusal` with the issues when the plan cannot take it."""
    member, problem = member_for(
        office=office, birth_date=request.birth_date, member_id=request.member_id
    )
    if member is None:
        hint = HINTS.get(problem or Problem.NO_MATCH, HINTS[Problem.NO_MATCH])
        raise Refusal(422, (Issue("not-found", hint, expression="Claim.patient"),))
    lines: list[ServiceLine] = []
    missing: list[Issue] = []
    for index, item in enumerate(request.items):
        if item.start is None or item.end is None:
            missing.append(
                Issue(
                    "required",
                    "give the date or period of service",
                    expression=f"Claim.item[{index}].servicedDate",
                )
            )
            continue
        lines.append(
            ServiceLine(
                procedure_code=item.code,
                modifiers=item.modifiers,
                units=int(item.quantity) if item.quantity is not None else 1,
                service_from=item.start,
                service_to=item.end,
            )
        )
    if missing:
        raise Refusal(400, tuple(missing))
    notes = " ".join(request.notes)
    first_day = min((line.service_from for line in lines), default=None)
    try:
        return authorization_submit(
            office=office,
            actor=None,
            member=member,
            line_of_business=line_of_business_for(member, first_day),
            requesting_provider=request.requester_npi,
            servicing_provider=request.servicing_npi or request.requester_npi,
            urgency=Urgency.EXPEDITED if request.expedited else Urgency.STANDARD,
            expedited_justification=(notes or _EXPEDITED_NOTE) if request.expedited else "",
            place_of_service=request.place_of_service,
            diagnosis_codes=list(request.diagnoses),
            services=lines,
            clinical_notes=notes,
            attachments=(),
            idempotency_key=resend_key("fhir", api_client.client_id, request.identifier_key()),
            channel=Channel.FHIR,
            api_client=api_client,
        )
    except ValidationError as error:
        raise Refusal(422, _issues_from(error, request)) from None


def pas_find(inquiry: PasInquiry, *, office: Office) -> PriorAuthorization:
    """The office's request an inquiry names by its tracking number, for the member it
    names; raise :class:`Refusal` (404) otherwise, the same for another office's request
    as for none at all."""
    for _, value in inquiry.identifiers:
        authorization = authorization_get(office=office, tracking_number=value)
        if authorization is None:
            continue
        member = authorization.member
        same_member = (
            not inquiry.member_id
            or normalize_member_id(inquiry.member_id) == member.member_id
            or (
                member.subscriber is not None
                and normalize_member_id(inquiry.member_id) == member.subscriber.member_id
            )
        )
        if same_member and inquiry.birth_date in (None, member.birth_date):
            return authorization
    raise Refusal(
        404,
        (
            Issue(
                "not-found",
                "No request of this office has this tracking number for this patient.",
                expression="Claim.identifier",
            ),
        ),
    )


def pas_answer(authorization: PriorAuthorization) -> PasAnswer:
    """The ClaimResponse's facts for a stored request: the same numbers as its page."""
    action = request_action(authorization)
    certified = action in ("A1", "A2")
    items = []
    for sequence, decided in enumerate(line_decisions(authorization), start=1):
        units = decided.approved_units
        items.append(
            PasItemAnswer(
                sequence=sequence,
                action=decided.action,
                authorization_number=authorization.authorization_number
                if decided.action in ("A1", "A2")
                else "",
                reason_code=authorization.decision_reason_code
                if decided.action in ("A2", "A3")
                else "",
                approved_quantity=Decimal(units) if units is not None else None,
            )
        )
    return PasAnswer(
        tracking_number=authorization.tracking_number,
        action=action,
        authorization_number=authorization.authorization_number if certified else "",
        reason_code=authorization.decision_reason_code if action in ("A2", "A3") else "",
        reason_text=authorization.decision_reason_text if action in ("A2", "A3") else "",
        valid_from=authorization.valid_from if certified else None,
        valid_to=authorization.valid_to if certified else None,
        disposition=authorization.get_status_display(),
        items=tuple(items),
    )


def pas_parties(
    authorization: PriorAuthorization, *, request_identifier: tuple[str, str] | None
) -> PasParties:
    member = authorization.member
    requester = authorization.requesting_provider
    return PasParties(
        member_id=member.member_id,
        family_name=member.last_name,
        given_names=(member.first_name,) if member.first_name else (),
        birth_date=member.birth_date,
        insurer_name=authorization.plan.name,
        requester_npi=requester.npi,
        requester_name=requester.display_name,
        request_identifier=request_identifier,
    )
