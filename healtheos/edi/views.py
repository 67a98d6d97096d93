"""``POST /x12/v1/realtime``: real-time X12 for practice-management systems and
clearinghouses, raw (``application/edi-x12``) or in the CAQH CORE HTTP MIME multipart
envelope (answered in the same envelope). OAuth 2.0 bearer tokens; the transaction set
decides the scope needed and the handler."""

from __future__ import annotations

import re
import time

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from healtheos.apiclients.auth import problem, require_bearer
from healtheos.core import rows
from healtheos.edi.handlers import ACK_PAYLOAD_TYPES, HANDLERS, Reply
from healtheos.edi.models import Exchange
from healtheos.interop.x12 import (
    CoreEnvelopeError,
    CoreRequest,
    X12SyntaxError,
    acknowledge,
    build_core_response,
    parse_core_request,
    read_delimiters,
)
from healtheos.interop.x12.envelope import receive, unexpected_set

_COMPLETED = (
    "payload_type",
    "payload_id",
    "transaction_set",
    "response_set",
    "control_numbers",
    "subjects",
    "duration_ms",
    "outcome",
    "error",
)
RAW_TYPES = frozenset({"application/edi-x12", "application/edi", "text/plain"})
MAX_BODY = 5 * 1024 * 1024


def _set_id(payload: bytes) -> str:
    """ST01 of the first set, found without tokenizing the whole payload (the handler reads
    it properly; this only picks the handler)."""
    try:
        delimiters, start = read_delimiters(payload)
    except X12SyntaxError:
        return ""
    text = payload.decode("latin-1")
    element, terminator = re.escape(delimiters.element), re.escape(delimiters.segment)
    found = re.search(rf"{terminator}\s*ST{element}([^{element}{terminator}]*)", text[start:])
    return found.group(1).strip() if found else ""


def _control_number(exchange: Exchange) -> int:
    # ISA13 is nine digits; the log's key is unique and increasing, which is all it needs.
    return exchange.pk % 999_999_999 or 1


@csrf_exempt
@require_POST
@require_bearer(None)
def realtime(request: HttpRequest) -> HttpResponse:
    started = time.perf_counter()
    at = timezone.now()
    office = request.acting_office  # type: ignore[attr-defined]
    client = request.api_client  # type: ignore[attr-defined]
    scopes = set(request.access_token.scopes)  # type: ignore[attr-defined]
    content_type = request.META.get("CONTENT_TYPE", "")
    kind = content_type.split(";")[0].strip().lower()
    # The log row is written before anything is answered (its key gives the answer's
    # control number) and completed at the end; both written out, as this is the hot path.
    exchange = rows.insert(
        Exchange(
            office=office,
            api_client=client,
            received_at=at,
            envelope="core" if kind == "multipart/form-data" else "raw",
        )
    )

    def finish(response: HttpResponse, outcome: str, error: str = "") -> HttpResponse:
        exchange.duration_ms = (time.perf_counter() - started) * 1000
        exchange.outcome = outcome
        exchange.error = error[:200]
        rows.update(exchange, _COMPLETED)
        return response

    if len(request.body) > MAX_BODY:
        return finish(
            problem(413, "Payload Too Large", "Real-time requests are at most 5 MB."),
            "refused",
            "too large",
        )
    core: CoreRequest | None = None
    if kind == "multipart/form-data":
        try:
            core = parse_core_request(content_type, request.body)
        except CoreEnvelopeError as error:
            if not error.error_code:
                return finish(problem(400, "Bad Request", error.message), "refused", error.message)
            ctype, body = build_core_response(
                None,
                payload=b"",
                at=at,
                error_code=error.error_code,
                error_message=error.message,
            )
            return finish(
                HttpResponse(body, content_type=ctype, status=400), "rejected", error.error_code
            )
        payload = core.payload
        exchange.payload_type = core.payload_type[:60]
        exchange.payload_id = core.payload_id[:64]
    elif kind in RAW_TYPES:
        payload = request.body
    else:
        return finish(
            problem(
                415,
                "Unsupported Media Type",
                "Send X12 as application/edi-x12, or in the CAQH CORE multipart/form-data "
                "envelope.",
            ),
            "refused",
            "media type",
        )

    set_id = _set_id(payload)
    exchange.transaction_set = set_id[:3]
    registration = HANDLERS.get(set_id)
    control = _control_number(exchange)
    if registration is None:
        # Not a set this endpoint answers (or not X12 at all): the envelope check names
        # the fault, or each set is refused as unsupported (IK502 1).
        received = receive(payload)
        errors = received.errors + [
            unexpected_set(group, transaction, " or ".join(sorted(HANDLERS)))
            for group, transaction in received.sets
        ]
        kind_of_ack, text = acknowledge(payload, errors or None, at=at, control_number=control)
        reply = Reply(kind_of_ack, text)
    elif registration.scope not in scopes:
        return finish(
            problem(
                403,
                "Forbidden",
                f"A {set_id} needs a token with the scope {registration.scope!r}.",
                WWW_Authenticate=f'Bearer error="insufficient_scope", scope="{registration.scope}"',
            ),
            "refused",
            "scope",
        )
    else:
        reply = registration.handler(
            payload, office=office, api_client=client, control_number=control, at=at
        )
    if reply.refusal:
        if core is not None:
            ctype, body = build_core_response(
                core, payload=b"", at=at, error_code="PayloadIllegal", error_message=reply.refusal
            )
            return finish(
                HttpResponse(body, content_type=ctype, status=400), "rejected", reply.refusal
            )
        return finish(problem(400, "Bad Request", reply.refusal), "refused", reply.refusal)
    exchange.response_set = reply.set_id[:3]
    exchange.control_numbers = reply.control_numbers
    exchange.subjects = reply.subjects
    outcome = "rejected" if reply.set_id in ACK_PAYLOAD_TYPES else "answered"
    if core is not None:
        payload_type = ACK_PAYLOAD_TYPES.get(reply.set_id) or (
            registration.response_payload_type if registration else ""
        )
        ctype, body = build_core_response(
            core, payload=reply.text, at=at, payload_type=payload_type
        )
        return finish(HttpResponse(body, content_type=ctype), outcome)
    return finish(HttpResponse(reply.text, content_type="application/edi-x12"), outcome)
