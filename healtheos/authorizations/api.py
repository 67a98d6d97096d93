"""``/api/v1/authorizations``: submitting a prior authorization request and following its
status as JSON, for an office's systems (scope ``authorizations``).

``POST`` needs an ``Idempotency-Key`` header: the same key from the same office answers
with the request stored the first time (200 instead of 201), so a client may retry after a
timeout without creating a second request. Bad input is an RFC 9457 problem whose
``errors`` member maps each field (``services.0.procedure_code``) to its messages, the
same messages the portal shows.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from healtheos.apiclients.auth import problem, require_bearer
from healtheos.authorizations import selectors
from healtheos.authorizations.models import Channel, PriorAuthorization
from healtheos.authorizations.services import ServiceLine, Upload, authorization_submit
from healtheos.offices.models import Office

SCOPE = "authorizations"


def _invalid(errors: dict[str, list[str]]) -> JsonResponse:
    response = problem(400, "Bad Request", "The request has invalid fields; see errors.")
    body = json.loads(response.content)
    body["errors"] = errors
    response.content = json.dumps(body).encode()
    return response


def authorization_json(authorization: PriorAuthorization) -> dict[str, Any]:
    def when(value: dt.datetime | dt.date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "tracking_number": authorization.tracking_number,
        "status": authorization.status,
        "urgency": authorization.urgency,
        "submitted_at": when(authorization.submitted_at),
        "decision_due_at": when(authorization.due_at),
        "clock_stopped_since": when(authorization.clock_paused_at),
        "decided_at": when(authorization.decided_at),
        "authorization_number": authorization.authorization_number or None,
        "valid_from": when(authorization.valid_from),
        "valid_to": when(authorization.valid_to),
        "reason_code": authorization.decision_reason_code or None,
        "reason_text": authorization.decision_reason_text or None,
        "decided_by_rule": bool(authorization.auto_decided_by_rule),
        "services": [
            {
                "procedure_code": s.procedure_code,
                "modifiers": s.modifiers,
                "units_requested": s.requested_units,
                "units_approved": s.approved_units,
                "service_from": when(s.service_from),
                "service_to": when(s.service_to),
            }
            for s in authorization.services.order_by("pk")
        ],
        "timeline": [
            {"status": e.status, "at": when(e.at), "note": e.note or None}
            for e in authorization.timeline.order_by("at", "pk")
        ],
    }


def _date(value: Any, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        errors.setdefault(field, []).append("Give a date as YYYY-MM-DD.")
        return None


def _services(raw: Any, errors: dict[str, list[str]]) -> list[ServiceLine]:
    if not isinstance(raw, list):
        errors["services"] = ["Give a list of services."]
        return []
    lines = []
    for index, item in enumerate(raw[:50]):
        prefix = f"services.{index}."
        if not isinstance(item, dict):
            errors[f"services.{index}"] = ["Each service is an object."]
            continue
        start = _date(item.get("service_from"), prefix + "service_from", errors)
        end = _date(item.get("service_to", item.get("service_from")), prefix + "service_to", errors)
        units = item.get("units", 1)
        if not isinstance(units, int) or isinstance(units, bool):
            errors.setdefault(prefix + "units", []).append("Units is a whole number.")
            units = 0
        modifiers = item.get("modifiers") or []
        if not isinstance(modifiers, list):
            errors.setdefault(prefix + "modifiers", []).append("Modifiers is a list.")
            modifiers = []
        if start is not None and end is not None:
            lines.append(
                ServiceLine(
                    procedure_code=str(item.get("procedure_code", "")).strip().upper(),
                    modifiers=tuple(str(m).strip().upper() for m in modifiers),
                    units=units,
                    service_from=start,
                    service_to=end,
                )
            )
    return lines


def _attachments(raw: Any, errors: dict[str, list[str]]) -> list[Upload]:
    if raw in (None, []):
        return []
    if not isinstance(raw, list):
        errors["attachments"] = ["Give a list of attachments."]
        return []
    uploads = []
    for index, item in enumerate(raw):
        data = item.get("data") if isinstance(item, dict) else None
        try:
            content = base64.b64decode(str(data), validate=True)
        except (binascii.Error, ValueError):
            errors.setdefault("attachments", []).append(
                f"Attachment {index + 1}: data must be base64."
            )
            continue
        name = str(item.get("name") or f"attachment-{index + 1}")[:200]
        uploads.append(Upload(name, io.BytesIO(content)))
    return uploads


@require_POST
@require_bearer(SCOPE)
def submit(request: HttpRequest) -> HttpResponse:
    office: Office = request.acting_office  # type: ignore[attr-defined]
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 64:
        return problem(
            400,
            "Bad Request",
            "Send an Idempotency-Key header (up to 64 characters) unique to this request.",
        )
    existing = PriorAuthorization.objects.for_office(office).filter(idempotency_key=key).first()
    if existing is not None:
        return _answer(existing, status=200)
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return problem(400, "Bad Request", "The body must be a JSON object.")
    if not isinstance(body, dict):
        return problem(400, "Bad Request", "The body must be a JSON object.")
    errors: dict[str, list[str]] = {}
    member_data = body.get("member") if isinstance(body.get("member"), dict) else {}
    assert isinstance(member_data, dict)
    born = _date(member_data.get("birth_date"), "member.birth_date", errors)
    services = _services(body.get("services"), errors)
    uploads = _attachments(body.get("attachments"), errors)
    member = None
    if born is not None:
        member, hint = selectors.member_find(
            office=office,
            birth_date=born,
            member_id=str(member_data.get("member_id", "")),
            last_name=str(member_data.get("last_name", "")),
            first_name=str(member_data.get("first_name", "")),
        )
        if member is None:
            errors["member"] = [hint]
    line_of_business = str(body.get("line_of_business") or "")
    if member is not None and not line_of_business:
        on = services[0].service_from if services else timezone.localdate()
        covered = selectors.coverage_lines_of_business(member=member, on=on)
        if len(covered) == 1:
            line_of_business = covered[0]
        elif covered:
            errors["line_of_business"] = [
                "The member has more than one coverage then; give line_of_business."
            ]
        else:
            errors["services.0.service_from"] = ["The member is not covered on this date."]
    diagnoses = body.get("diagnosis_codes")
    if not isinstance(diagnoses, list):
        errors["diagnosis_codes"] = ["Give a list of ICD-10-CM codes."]
        diagnoses = []
    if errors:
        return _invalid(errors)
    try:
        authorization = authorization_submit(
            office=office,
            actor=None,
            member=member,
            line_of_business=line_of_business,
            requesting_provider=str(body.get("requesting_npi", "")),
            servicing_provider=str(body.get("servicing_npi", "")),
            urgency=str(body.get("urgency", "standard")),
            expedited_justification=str(body.get("expedited_justification", "")),
            place_of_service=str(body.get("place_of_service", "")),
            diagnosis_codes=[str(code) for code in diagnoses],
            services=services,
            clinical_notes=str(body.get("clinical_notes", "")),
            attachments=uploads,
            idempotency_key=key,
            channel=Channel.API,
            api_client=request.api_client,  # type: ignore[attr-defined]
        )
    except ValidationError as error:
        return _invalid(error.message_dict)
    return _answer(authorization, status=201)


def _answer(authorization: PriorAuthorization, *, status: int) -> JsonResponse:
    response = JsonResponse(authorization_json(authorization), status=status)
    response["Location"] = f"/api/v1/authorizations/{authorization.tracking_number}"
    return response


@require_GET
@require_bearer(SCOPE)
def status(request: HttpRequest, tracking_number: str) -> HttpResponse:
    office: Office = request.acting_office  # type: ignore[attr-defined]
    authorization = selectors.authorization_get(office=office, tracking_number=tracking_number)
    if authorization is None:
        return problem(404, "Not Found", "No such request for this office.")
    return JsonResponse(authorization_json(authorization))
