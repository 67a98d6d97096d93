"""Prior authorization over X12: a 278 request read, submitted through
:func:`~healtheos.authorizations.services.authorization_submit` (the same state change as
the portal's form), and answered with a 278 response; a 278 quoting the plan's tracking
number (REF*NT) is answered with that request's decision, read with
:func:`~healtheos.authorizations.selectors.authorization_get`, so another office's
number is simply not found; with UM02 3 (cancel) it withdraws the request through
:func:`~healtheos.authorizations.services.authorization_withdraw` if it is still open.

A resend of the same 278 (the same TRN from the same API client) returns the request
stored the first time. Anything the services refuse is answered with AAA segments on the
loop it concerns; a 278 that cannot be read at all gets a 999 (or a TA1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
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
from healtheos.authorizations.services import (
    AuthorizationConflict,
    ServiceLine,
    authorization_submit,
    authorization_withdraw,
)
from healtheos.edi.handlers import Reply, unanswerable
from healtheos.eligibility.result import Problem
from healtheos.interop.x12.claims.codes import dotted_diagnosis
from healtheos.interop.x12.eligibility.segments import DateRange, Rejection
from healtheos.interop.x12.services_review import (
    Decision,
    Request278,
    ServiceDecision,
    build_278_response,
    receive_278,
)
from healtheos.interop.x12.services_review.codes import SERVICING_ENTITIES

if TYPE_CHECKING:
    from healtheos.apiclients.models import ApiClient
    from healtheos.offices.models import Office

#: Why no member was matched → (AAA03 for a subscriber, for a dependent), as in the 271.
_MEMBER_REJECTIONS: dict[Problem, tuple[str, str]] = {
    Problem.NO_MATCH: ("75", "67"),
    Problem.ID_FORMAT: ("72", "64"),
    Problem.BIRTH_DATE_MISMATCH: ("71", "71"),
    Problem.SUBSCRIBER_BIRTH_DATE: ("71", "71"),
    Problem.DAY_MONTH_SWAPPED: ("71", "71"),
    Problem.NAMES_SWAPPED: ("73", "65"),
    Problem.FIRST_NAME_DIFFERS: ("73", "65"),
    Problem.SEVERAL_MATCHES: ("76", "68"),
}
_EXPEDITED_NOTE = "The office's system asked for an expedited decision (UM06 {level})."

Rejections = dict[str, list[Rejection]]


def decision_for(authorization: PriorAuthorization, request: Request278 | None = None) -> Decision:
    """The 278 decision that states a stored request: its action, authorization number,
    reason, tracking number and validity, and per requested service (matched in order,
    by procedure code) the action and the units approved."""
    valid = None
    if authorization.valid_from and authorization.valid_to:
        valid = DateRange(authorization.valid_from, authorization.valid_to)
    action = request_action(authorization)
    services: dict[str, ServiceDecision] = {}
    if request is not None:
        remaining = line_decisions(authorization)
        for asked in request.event.services:
            found = next(
                (d for d in remaining if d.line.procedure_code == asked.procedure_code), None
            )
            if found is None:
                continue
            remaining.remove(found)
            units = found.approved_units
            services[asked.hl_id] = ServiceDecision(
                found.action,
                authorization.authorization_number if found.action in ("A1", "A2") else "",
                authorization.decision_reason_code if found.action in ("A2", "A3") else "",
                approved_units=Decimal(units) if units is not None else None,
                valid=valid,
            )
    return Decision(
        action,
        authorization.authorization_number if action in ("A1", "A2") else "",
        authorization.decision_reason_code if action in ("A2", "A3") else "",
        tracking_number=authorization.tracking_number,
        valid=valid,
        issued=authorization.decided_at.date() if authorization.decided_at else None,
        message=authorization.decision_reason_text if action in ("A2", "A3") else "",
        services=services,
    )


def _patient_loop(request: Request278) -> str:
    return "2010D" if request.dependent is not None else "2010C"


def _servicing_key(request: Request278) -> str:
    """The loop naming the servicing provider, for a rejection of it."""
    for entity in SERVICING_ENTITIES:
        if any(p.entity == entity for p in request.event.providers):
            return f"2010EA:{entity}"
        for service in request.event.services:
            if any(p.entity == entity for p in service.providers):
                return f"2000F:{service.hl_id}:{entity}"
    return "2000E"


def _field_rejections(request: Request278, error: ValidationError) -> Rejections:
    """The services' field-keyed refusals as AAA segments on the loops they concern."""
    out: Rejections = {}

    def add(key: str, code: str) -> None:
        if all(r.code != code for r in out.get(key, [])):
            out.setdefault(key, []).append(Rejection(code, "C"))

    services = request.event.services
    for field in error.message_dict:
        head, _, rest = field.partition(".")
        if head == "member":
            add(_patient_loop(request), "75" if request.dependent is None else "67")
        elif head == "line_of_business":
            add(_patient_loop(request), "95")
        elif head == "requesting_provider":
            add("2010B", "51")
        elif head == "servicing_provider":
            add(_servicing_key(request), "51")
        elif head == "diagnosis_codes":
            add("2000E", "AF")
        elif head == "services" and rest:
            index, _, name = rest.partition(".")
            key = "2000E"
            if index.isdigit() and int(index) < len(services):
                key = f"2000F:{services[int(index)].hl_id}"
            code = {"procedure_code": "AG", "modifiers": "AG", "units": "33"}.get(name, "57")
            add(key, code)
        else:
            add("2000E", "15")
    return out


def _submit(
    request: Request278, *, office: Office, api_client: ApiClient
) -> tuple[PriorAuthorization | None, Rejections]:
    patient = request.patient
    subscriber = request.subscriber
    if request.dependent is not None and not patient.member_id:
        member, problem = member_for(
            office=office,
            birth_date=patient.birth_date,
            last_name=patient.name.last,
            first_name=patient.name.first,
        )
    else:
        member, problem = member_for(
            office=office,
            birth_date=patient.birth_date,
            member_id=patient.member_id or subscriber.member_id,
        )
    if member is None:
        codes = _MEMBER_REJECTIONS.get(problem or Problem.NO_MATCH, ("75", "67"))
        code = codes[1] if request.dependent is not None else codes[0]
        if patient.birth_date is None:
            code = "58"
        return None, {_patient_loop(request): [Rejection(code, "C")]}
    event = request.event
    lines: list[ServiceLine] = []
    rejections: Rejections = {}
    for service in event.services:
        dates = service.service_dates or event.event_dates
        units = service.units if service.units is not None else Decimal(1)
        if dates is None:
            rejections.setdefault(f"2000F:{service.hl_id}", []).append(Rejection("57", "C"))
            continue
        if units != units.to_integral_value() or units > 999:
            rejections.setdefault(f"2000F:{service.hl_id}", []).append(Rejection("33", "C"))
            continue
        lines.append(
            ServiceLine(
                procedure_code=service.procedure_code,
                modifiers=service.modifiers,
                units=int(units),
                service_from=dates.start,
                service_to=dates.end,
            )
        )
    if rejections:
        return None, rejections
    servicing = event.servicing_provider()
    expedited = event.expedited
    notes = " ".join(event.messages)
    trace = event.traces[0] if event.traces else None
    key = resend_key(
        "x12",
        api_client.client_id,
        trace.reference if trace else request.reference,
        trace.originator if trace else request.sender_id,
    )
    first_day = min((line.service_from for line in lines), default=None)
    try:
        authorization = authorization_submit(
            office=office,
            actor=None,
            member=member,
            line_of_business=line_of_business_for(member, first_day),
            requesting_provider=request.requester.npi,
            servicing_provider=servicing.npi if servicing else request.requester.npi,
            urgency=Urgency.EXPEDITED if expedited else Urgency.STANDARD,
            expedited_justification=(
                (notes or _EXPEDITED_NOTE.format(level=event.review.level_of_service))
                if expedited
                else ""
            ),
            place_of_service=event.review.place_of_service
            if event.review.place_qualifier in ("", "B")
            else "",
            diagnosis_codes=[dotted_diagnosis(d.code) for d in event.diagnoses],
            services=lines,
            clinical_notes=notes,
            attachments=(),
            idempotency_key=key,
            channel=Channel.X12,
            api_client=api_client,
        )
    except ValidationError as error:
        return None, _field_rejections(request, error)
    return authorization, {}


def _cancel(
    authorization: PriorAuthorization, *, office: Office, request: Request278
) -> PriorAuthorization:
    """A cancellation (UM02 3) quoting the tracking number withdraws a request still
    waiting for a decision; a decided one is answered as it stands (its HCR says so)."""
    try:
        return authorization_withdraw(
            office=office,
            authorization=authorization,
            actor=None,
            reason=" ".join(request.event.messages)
            or "Cancelled by the office's system (X12 278).",
        )
    except AuthorizationConflict:
        return authorization


def _answer(
    request: Request278, *, office: Office, api_client: ApiClient
) -> tuple[Decision | None, Rejections]:
    plan = office.plan
    umo = request.umo.name.identifier
    if umo and umo != plan.payer_id:
        return None, {"2010A": [Rejection("79", "C", True)]}
    if (
        request.problems
        or request.event.problems
        or any(s.problems for s in request.event.services)
    ):
        return None, {}  # the reader's own AAA segments answer
    if request.is_inquiry:
        authorization = authorization_get(
            office=office, tracking_number=request.event.tracking_number
        )
        if authorization is None:
            return None, {"2000E": [Rejection("AA", "C")]}
        from healtheos.audit.services import audit_record

        audit_record(
            action="authorizations.status_answered",
            office=office,
            obj=authorization,
            member_pk=authorization.member_id,
            detail={"channel": "x12", "client": api_client.client_id},
        )
        if request.event.review.certification_type == "3":
            authorization = _cancel(authorization, office=office, request=request)
        return decision_for(authorization, request), {}
    authorization, rejections = _submit(request, office=office, api_client=api_client)
    if authorization is None:
        return None, rejections
    return decision_for(authorization, request), {}


def handle_278(
    payload: bytes, *, office: Office, api_client: ApiClient, control_number: int, at: dt.datetime
) -> Reply:
    """The real-time endpoint's 278 handler: a 278 response, or a 999/TA1 naming the
    fault."""
    receipt = receive_278(payload)
    refused = unanswerable(
        payload,
        set_id="278",
        errors=receipt.errors,
        envelope=receipt.envelope,
        sets=receipt.requests,
        control_number=control_number,
        at=at,
    )
    if refused is not None:
        return refused
    request = receipt.requests[0]
    decision, rejections = _answer(request, office=office, api_client=api_client)
    text = build_278_response(
        request,
        decision,
        at=at,
        control_number=control_number,
        rejections=_merge(rejections),
    )
    numbers = {
        "ISA13": request.interchange_control_number,
        "GS06": request.group_control_number,
        "ST02": request.set_control_number,
        "BHT03": request.reference,
        "TRN02": ",".join(t.reference for t in request.traces())[:500],
    }
    if decision is not None:
        numbers["tracking"] = decision.tracking_number
    return Reply("278", text, numbers, subjects=1)


def _merge(rejections: Mapping[str, Sequence[Rejection]]) -> dict[str, Sequence[Rejection]]:
    return {key: list(value) for key, value in rejections.items() if value}
