"""Reading a 277 claim status response (005010X212) or a 277CA claim acknowledgment
(005010X214), for round-trip tests and the portal's own clients. Both share one shape:
HL levels with a name, and per TRN a reported claim (or, at the payer, receiver and
provider levels, a reported batch) with its STC statuses, references, dates and lines."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from healtheos.interop.x12.claimstatus.codes import ACKNOWLEDGMENT_VERSION, VERSION
from healtheos.interop.x12.claimstatus.status import (
    ClaimStatus,
    ClaimStatusAnswer,
    LineStatus,
    read_number,
    read_statuses,
    read_stc_day,
)
from healtheos.interop.x12.eligibility.segments import (
    DateRange,
    Name,
    Trace,
    read_date_range,
    read_name,
    read_trace,
)
from healtheos.interop.x12.envelope import read_envelope
from healtheos.interop.x12.tokenizer import Delimiters, Segment, X12SyntaxError, tokenize


@dataclass(frozen=True)
class ReportedClaim:
    """One TRN loop as read: its trace, what the STCs said (as a
    :class:`ClaimStatusAnswer`), the 277CA's STC03 action code and STC12 message, every
    REF and the dates other than service dates (DTP*050 received, DTP*009 processed)."""

    trace: Trace
    answer: ClaimStatusAnswer
    action: str = ""
    message: str = ""
    references: tuple[tuple[str, str], ...] = ()
    dates: tuple[tuple[str, DateRange], ...] = ()

    @property
    def statuses(self) -> tuple[ClaimStatus, ...]:
        return self.answer.statuses

    def reference(self, qualifier: str) -> str:
        return next((value for key, value in self.references if key == qualifier), "")

    def date(self, qualifier: str) -> DateRange | None:
        return next((value for key, value in self.dates if key == qualifier), None)


@dataclass(frozen=True)
class StatusLevel:
    """One HL level with its name, its TRN loops and its QTY and AMT totals (277CA)."""

    hl_id: str
    parent_id: str
    level: str
    has_children: str
    name: Name | None
    claims: tuple[ReportedClaim, ...]
    quantities: tuple[tuple[str, Decimal], ...] = ()
    amounts: tuple[tuple[str, Decimal], ...] = ()

    def quantity(self, qualifier: str) -> Decimal | None:
        return next((value for key, value in self.quantities if key == qualifier), None)

    def amount(self, qualifier: str) -> Decimal | None:
        return next((value for key, value in self.amounts if key == qualifier), None)


@dataclass(frozen=True)
class Response277:
    """A 277 or 277CA as read: envelope facts, BHT (03 the reference, 06 the type: DG
    response, TH acknowledgment) and its levels."""

    sender_id: str
    receiver_id: str
    interchange_control_number: str
    group_control_number: str
    set_control_number: str
    version: str
    reference: str
    transaction_type: str
    levels: tuple[StatusLevel, ...]

    def level(self, hl_id: str) -> StatusLevel:
        return next(level for level in self.levels if level.hl_id == hl_id)

    def claims(self) -> list[ReportedClaim]:
        return [claim for level in self.levels for claim in level.claims]


def read_277(data: str | bytes) -> Response277:
    """The first 277 (005010X212) set of an interchange; faults raise X12SyntaxError."""
    return _read(data, VERSION)


def read_277ca(data: str | bytes) -> Response277:
    """The first 277CA (005010X214) set of an interchange; faults raise X12SyntaxError."""
    return _read(data, ACKNOWLEDGMENT_VERSION)


class _ClaimDraft:
    __slots__ = ("action", "answer", "dates", "lines", "message", "refs", "stc", "trace")

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.answer = ClaimStatusAnswer()
        self.stc = False
        self.action = ""
        self.message = ""
        self.refs: list[tuple[str, str]] = []
        self.dates: list[tuple[str, DateRange]] = []
        self.lines: list[LineStatus] = []

    def freeze(self) -> ReportedClaim:
        refs = dict(self.refs)
        answer = replace(
            self.answer,
            payer_claim_number=refs.get("1K", ""),
            patient_account_number=refs.get("EJ", ""),
            bill_type=refs.get("BLT", ""),
            clearinghouse_trace=refs.get("D9", ""),
            lines=tuple(self.lines),
        )
        refs_t, dates = tuple(self.refs), tuple(self.dates)
        return ReportedClaim(self.trace, answer, self.action, self.message, refs_t, dates)


def _read(data: str | bytes, version: str) -> Response277:
    segments, delimiters = tokenize(data)
    envelope, errors = read_envelope(segments, delimiters)
    if errors:
        raise errors[0]
    group = next((g for g in envelope.groups if g.sets), None)
    if group is None or group.sets[0].set_id != "277" or group.version != version:
        raise X12SyntaxError(f"The interchange holds no {version} 277.", segment_position=1)
    transaction = group.sets[0]
    body = transaction.body(segments)
    if not body or body[0].id != "BHT":
        raise X12SyntaxError(
            "The 277 has no BHT.",
            segment_position=transaction.position + 1,
            segment_id="BHT",
            code="3",
        )
    levels: list[tuple[Segment, list[_ClaimDraft], dict[str, Name], list[Segment]]] = []
    claims: list[_ClaimDraft] = []
    totals: list[Segment] = []
    names: dict[str, Name] = {}
    for position, segment in enumerate(body[1:], start=transaction.position + 2):
        segment_id = segment.id
        if segment_id == "HL":
            claims, names, totals = [], {}, []
            levels.append((segment, claims, names, totals))
        elif not levels:
            raise X12SyntaxError(
                f"{segment_id} before any HL.", segment_position=position, segment_id=segment_id
            )
        elif segment_id == "NM1":
            names.setdefault("name", read_name(segment))
        elif segment_id == "TRN":
            claims.append(_ClaimDraft(read_trace(segment)))
        elif segment_id in ("QTY", "AMT"):
            read_number(segment, 2, position)
            totals.append(segment)
        elif claims:
            _read_claim_segment(claims[-1], segment, delimiters, position)
    return Response277(
        sender_id=envelope.sender_id,
        receiver_id=envelope.receiver_id,
        interchange_control_number=envelope.control_number,
        group_control_number=group.control_number,
        set_control_number=transaction.control_number,
        version=group.version,
        reference=body[0].get(3),
        transaction_type=body[0].get(6),
        levels=tuple(
            StatusLevel(
                hl_id=hl.get(1),
                parent_id=hl.get(2),
                level=hl.get(3),
                has_children=hl.get(4),
                name=names.get("name"),
                claims=tuple(claim.freeze() for claim in drafts),
                quantities=tuple(
                    (s.get(1), read_number(s, 2, 0) or Decimal(0)) for s in sums if s.id == "QTY"
                ),
                amounts=tuple(
                    (s.get(1), read_number(s, 2, 0) or Decimal(0)) for s in sums if s.id == "AMT"
                ),
            )
            for hl, drafts, names, sums in levels
        ),
    )


def _dates(segment: Segment, position: int) -> DateRange:
    dates = read_date_range(segment.get(2), segment.get(3))
    if dates is None:
        raise X12SyntaxError(
            f"DTP03 {segment.get(3)[:20]!r} is not a date.",
            segment_position=position,
            segment_id="DTP",
            element_position=3,
            code="8",
        )
    return dates


def _read_claim_segment(
    claim: _ClaimDraft, segment: Segment, delimiters: Delimiters, position: int
) -> None:
    segment_id = segment.id
    if segment_id == "SVC":
        parts = [*segment.components(1, delimiters), "", ""]
        claim.lines.append(
            LineStatus(
                statuses=(),
                procedure_qualifier=parts[0],
                procedure_code=parts[1],
                modifiers=tuple(p for p in parts[2:6] if p),
                charge=read_number(segment, 2, position),
                payment=read_number(segment, 3, position),
                revenue_code=segment.get(4),
                units=read_number(segment, 7, position),
            )
        )
    elif segment_id == "STC":
        statuses = tuple(read_statuses(segment, delimiters))
        day = read_stc_day(segment, 2, position)
        if claim.lines:
            line = claim.lines[-1]
            claim.lines[-1] = replace(
                line, statuses=line.statuses + statuses, status_date=line.status_date or day
            )
        elif claim.stc:
            claim.answer = replace(claim.answer, statuses=claim.answer.statuses + statuses)
        else:
            claim.stc = True
            claim.action = segment.get(3)
            claim.message = segment.get(12)
            claim.answer = replace(
                claim.answer,
                statuses=statuses,
                status_date=day,
                total_charge=read_number(segment, 4, position),
                payment_amount=read_number(segment, 5, position),
                adjudication_date=read_stc_day(segment, 6, position),
                check_date=read_stc_day(segment, 8, position),
                check_number=segment.get(9),
            )
    elif segment_id == "REF":
        if claim.lines:
            if segment.get(1) == "FJ":
                claim.lines[-1] = replace(claim.lines[-1], control_number=segment.get(2))
        else:
            claim.refs.append((segment.get(1), segment.get(2)))
    elif segment_id == "DTP":
        dates = _dates(segment, position)
        if claim.lines:
            claim.lines[-1] = replace(claim.lines[-1], service_dates=dates)
        elif segment.get(1) == "472":
            claim.answer = replace(claim.answer, service_dates=dates)
        else:
            claim.dates.append((segment.get(1), dates))
