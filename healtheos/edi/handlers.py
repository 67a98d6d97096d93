"""Which transaction sets the real-time endpoint answers, and with what.

Each domain registers a handler for the X12 transaction set it answers (270 eligibility
here; claim status and prior authorization add theirs). A handler gets the payload and the
acting office and returns a :class:`Reply`: the answering set (271, 999 or TA1), its text
and the control numbers to log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from healtheos.interop.x12 import X12SyntaxError, acknowledge
from healtheos.interop.x12.envelope import Envelope


@dataclass(frozen=True)
class Reply:
    set_id: str  # "271", "999", "TA1", …
    text: str
    control_numbers: dict[str, str] = field(default_factory=dict)
    subjects: int = 0
    #: A request that the endpoint refuses outright (HTTP 400), with the reason.
    refusal: str = ""


def unanswerable(
    payload: bytes,
    *,
    set_id: str,
    errors: Sequence[X12SyntaxError],
    envelope: Envelope | None,
    sets: Sequence[object],
    control_number: int,
    at: dt.datetime,
    hint: str = "",
) -> Reply | None:
    """What every handler answers before reading its one set: a 999 or TA1 naming the
    fault when the payload has faults or no readable set, a refusal when it carries more
    than one set, or None when there is exactly one good set to answer."""
    if errors or not sets:
        kind, text = acknowledge(
            payload, list(errors) or None, at=at, control_number=control_number, envelope=envelope
        )
        return Reply(kind, text, {"ISA13": envelope.control_number} if envelope else {})
    if len(sets) > 1:
        return Reply(
            "",
            "",
            refusal=(
                f"A real-time request carries one {set_id} transaction set; this one has "
                f"{len(sets)}.{hint}"
            ),
        )
    return None


#: ``handler(payload: bytes, *, office, api_client, control_number: int, at: datetime)``
#: returns the :class:`Reply`.
Handler = Callable[..., Reply]


@dataclass(frozen=True)
class Registration:
    scope: str
    handler: Handler
    #: CORE PayloadType of the request and of the answering set.
    request_payload_type: str
    response_payload_type: str


#: ST01 → registration; filled by each domain's AppConfig.ready().
HANDLERS: dict[str, Registration] = {}

ACK_PAYLOAD_TYPES = {
    "999": "X12_999_Response_005010X231A1",
    "TA1": "X12_TA1_Response_00501X231A1",
}


def register(set_id: str, registration: Registration) -> None:
    HANDLERS[set_id] = registration
