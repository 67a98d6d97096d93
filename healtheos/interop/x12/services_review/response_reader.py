"""Reading a 278 response (005010X217): what an office's system learns from it — the
decision on the patient event and on each service, the plan's tracking number, the
validity dates, the traces echoed and the AAA rejections by loop. The tests read the
project's own responses with it, and a client of the portal can too."""

from __future__ import annotations

from dataclasses import dataclass, field

from healtheos.interop.x12.eligibility.segments import (
    DateRange,
    Rejection,
    read_date,
    read_date_range,
)
from healtheos.interop.x12.services_review.codes import (
    EFFECTIVE_DATE,
    EXPIRATION_DATE,
    TRACKING_REFERENCE,
)
from healtheos.interop.x12.tokenizer import X12SyntaxError, tokenize


@dataclass
class Answer:
    """The HCR of one level (2000E or 2000F) with what goes with it."""

    hl_id: str
    action: str = ""
    authorization_number: str = ""
    reason: str = ""
    tracking_number: str = ""
    valid: DateRange | None = None
    approved_units: str = ""
    echoed_traces: list[str] = field(default_factory=list)
    plan_traces: list[str] = field(default_factory=list)
    procedure_code: str = ""
    message: str = ""


@dataclass
class Response278:
    """One 278 response set as read."""

    reference: str = ""
    purpose: str = ""
    levels: list[tuple[str, str, str]] = field(default_factory=list)
    rejections: dict[str, list[Rejection]] = field(default_factory=dict)
    event: Answer | None = None
    services: list[Answer] = field(default_factory=list)

    @property
    def action(self) -> str:
        return self.event.action if self.event else ""


_LOOP_OF_LEVEL = {"20": "2000A", "21": "2010B", "22": "2010C", "23": "2010D", "EV": "2000E"}


def read_278_response(data: str | bytes) -> Response278:
    """The first 278 set of an interchange, read as a response."""
    segments, delimiters = tokenize(data)
    response = Response278()
    current: Answer | None = None
    loop = ""
    seen_set = False
    for segment in segments:
        segment_id = segment.id
        if segment_id == "ST":
            if seen_set:
                break
            seen_set = segment.get(1) == "278"
        elif segment_id == "BHT":
            response.purpose = segment.get(2)
            response.reference = segment.get(3)
        elif segment_id == "HL":
            code = segment.get(3)
            response.levels.append((segment.get(1), segment.get(2), code))
            loop = _LOOP_OF_LEVEL.get(code, f"2000F:{segment.get(1)}")
            current = None
            if code == "EV":
                current = response.event = Answer(segment.get(1))
            elif code == "SS":
                current = Answer(segment.get(1))
                response.services.append(current)
        elif segment_id == "NM1" and loop == "2000A":
            loop = "2010A"
        elif segment_id == "NM1" and current is not None:
            # A provider named at the event (2010EA) or at a service (2010F).
            level = "2010EA" if current is response.event else f"2000F:{current.hl_id}"
            loop = f"{level}:{segment.get(1)}"
        elif segment_id == "AAA":
            response.rejections.setdefault(loop, []).append(
                Rejection(segment.get(3), segment.get(4), segment.get(1) == "Y")
            )
        elif current is None:
            continue
        elif segment_id == "TRN":
            target = current.echoed_traces if segment.get(1) == "2" else current.plan_traces
            target.append(segment.get(2))
        elif segment_id == "HCR":
            current.action = segment.get(1)
            current.authorization_number = segment.get(2)
            current.reason = segment.get(3)
        elif segment_id == "REF" and segment.get(1) == TRACKING_REFERENCE:
            current.tracking_number = segment.get(2)
        elif segment_id == "DTP" and segment.get(1) in (EFFECTIVE_DATE, EXPIRATION_DATE):
            day = read_date(segment.get(3)) if segment.get(2) == "D8" else None
            if day is None:
                found = read_date_range(segment.get(2), segment.get(3))
                if found is None:
                    raise X12SyntaxError(f"DTP {segment.get(3)!r} is not a date.")
                day = found.start
            start = current.valid.start if current.valid else day
            end = current.valid.end if current.valid else day
            if segment.get(1) == EFFECTIVE_DATE:
                start = day
            else:
                end = day
            current.valid = DateRange(start, end)
        elif segment_id == "HSD":
            current.approved_units = segment.get(2)
        elif segment_id in ("SV1", "SV2"):
            element = 1 if segment_id == "SV1" else 2
            parts = segment.components(element, delimiters)
            current.procedure_code = parts[1] if len(parts) > 1 else ""
        elif segment_id == "MSG":
            current.message = segment.get(1)
    if not seen_set:
        raise X12SyntaxError("The interchange holds no 278 set.", segment_position=1)
    return response
