"""Reading a 271 (round-trip tests and the portal's own clients)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from healtheos.interop.x12.eligibility.response import BenefitLine, Provider
from healtheos.interop.x12.eligibility.segments import (
    DateRange,
    Name,
    Rejection,
    Trace,
    read_date_range,
    read_name,
    read_trace,
)
from healtheos.interop.x12.envelope import read_envelope
from healtheos.interop.x12.tokenizer import Delimiters, Segment, X12SyntaxError, tokenize


@dataclass(frozen=True)
class Level271:
    """One HL level of a 271 with what was said at it."""

    hl_id: str
    parent_id: str
    level: str
    name: Name | None
    traces: tuple[Trace, ...]
    rejections: tuple[Rejection, ...]
    references: tuple[tuple[str, str], ...]
    dates: tuple[tuple[str, DateRange], ...]
    benefits: tuple[BenefitLine, ...]

    def date(self, qualifier: str) -> DateRange | None:
        return next((value for key, value in self.dates if key == qualifier), None)


@dataclass(frozen=True)
class Response271:
    """A 271 as read: envelope facts, BHT03 (the 270's reference) and its levels."""

    sender_id: str
    receiver_id: str
    interchange_control_number: str
    group_control_number: str
    set_control_number: str
    reference: str
    levels: tuple[Level271, ...] = field(default=())

    def level(self, hl_id: str) -> Level271:
        return next(level for level in self.levels if level.hl_id == hl_id)


class _LevelDraft:
    __slots__ = ("benefits", "dates", "hl", "name", "references", "rejections", "traces")

    def __init__(self, hl: Segment) -> None:
        self.hl = hl
        self.name: Name | None = None
        self.traces: list[Trace] = []
        self.rejections: list[Rejection] = []
        self.references: list[tuple[str, str]] = []
        self.dates: list[tuple[str, DateRange]] = []
        self.benefits: list[_BenefitDraft] = []

    def freeze(self) -> Level271:
        return Level271(
            hl_id=self.hl.get(1),
            parent_id=self.hl.get(2),
            level=self.hl.get(3),
            name=self.name,
            traces=tuple(self.traces),
            rejections=tuple(self.rejections),
            references=tuple(self.references),
            dates=tuple(self.dates),
            benefits=tuple(draft.freeze() for draft in self.benefits),
        )


class _BenefitDraft:
    __slots__ = ("line", "messages", "provider")

    def __init__(self, line: BenefitLine) -> None:
        self.line = line
        self.messages: list[str] = []
        self.provider: Provider | None = None

    def freeze(self) -> BenefitLine:
        if not self.messages and self.provider is None:
            return self.line
        return replace(self.line, messages=tuple(self.messages), provider=self.provider)


def read_271(data: str | bytes) -> Response271:
    """The first 271 set of an interchange; faults raise :class:`X12SyntaxError`."""
    segments, delimiters = tokenize(data)
    envelope, errors = read_envelope(segments, delimiters)
    if errors:
        raise errors[0]
    group = next((g for g in envelope.groups if g.sets), None)
    if group is None or group.sets[0].set_id != "271":
        raise X12SyntaxError("The interchange holds no 271.", segment_position=1, code="3")
    transaction = group.sets[0]
    body = transaction.body(segments)
    if not body or body[0].id != "BHT":
        raise X12SyntaxError(
            "The 271 has no BHT.",
            segment_position=transaction.position + 1,
            segment_id="BHT",
            code="3",
        )
    levels: list[_LevelDraft] = []
    current: _LevelDraft | None = None
    in_2120 = False
    for offset, segment in enumerate(body[1:], start=transaction.position + 2):
        segment_id = segment.id
        if segment_id == "HL":
            current = _LevelDraft(segment)
            levels.append(current)
            in_2120 = False
            continue
        if current is None:
            raise X12SyntaxError(
                f"{segment_id} before any HL.", segment_position=offset, segment_id=segment_id
            )
        if segment_id == "LS":
            in_2120 = True
        elif segment_id == "LE":
            in_2120 = False
        elif segment_id == "NM1":
            if in_2120 and current.benefits:
                current.benefits[-1].provider = Provider(
                    last_name=segment.get(3),
                    first_name=segment.get(4),
                    npi=segment.get(9) if segment.get(8) == "XX" else "",
                    organization=segment.get(2) == "2",
                    entity=segment.get(1),
                )
            elif current.name is None:
                current.name = read_name(segment)
        elif segment_id == "TRN":
            current.traces.append(read_trace(segment))
        elif segment_id == "AAA":
            current.rejections.append(
                Rejection(segment.get(3), segment.get(4), segment.get(1) == "Y")
            )
        elif segment_id == "REF" and not current.benefits:
            current.references.append((segment.get(1), segment.get(2)))
        elif segment_id == "DTP" and not current.benefits:
            dates = read_date_range(segment.get(2), segment.get(3))
            if dates is None:
                raise X12SyntaxError(
                    f"DTP03 {segment.get(3)!r} is not a date.",
                    segment_position=offset,
                    segment_id="DTP",
                    element_position=3,
                    code="8",
                )
            current.dates.append((segment.get(1), dates))
        elif segment_id == "EB":
            current.benefits.append(_BenefitDraft(_read_eb(segment, delimiters, offset)))
        elif segment_id == "MSG" and current.benefits:
            current.benefits[-1].messages.append(segment.get(1))
    return Response271(
        sender_id=envelope.sender_id,
        receiver_id=envelope.receiver_id,
        interchange_control_number=envelope.control_number,
        group_control_number=group.control_number,
        set_control_number=transaction.control_number,
        reference=body[0].get(3),
        levels=tuple(level.freeze() for level in levels),
    )


def _read_eb(segment: Segment, delimiters: Delimiters, position: int) -> BenefitLine:
    def number(element: int) -> Decimal | None:
        text = segment.get(element)
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite():
            raise X12SyntaxError(
                f"EB{element:02d} {text!r} is not a number.",
                segment_position=position,
                segment_id="EB",
                element_position=element,
                code="6",
            )
        return value

    service_types = segment.get(3)
    return BenefitLine(
        information=segment.get(1),
        coverage_level=segment.get(2),
        service_types=tuple(service_types.split(delimiters.repetition))
        if service_types and delimiters.repetition
        else ((service_types,) if service_types else ()),
        insurance_type=segment.get(4),
        plan_description=segment.get(5),
        time_period=segment.get(6),
        amount=number(7),
        percent=number(8),
        quantity_qualifier=segment.get(9),
        quantity=number(10),
        authorization_required=segment.get(11),
        in_network=segment.get(12),
    )
