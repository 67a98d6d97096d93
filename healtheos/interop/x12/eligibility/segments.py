"""The segments a 270 and a 271 share (AAA, NM1, TRN, DTP), as frozen dataclasses, how
they are read from tokenized segments and how they are written back (the claim status
transactions reuse the same parts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from healtheos.interop.x12.eligibility.codes import REJECT_REASONS

# read_date lives with the other X12 data-type checks; the readers import it from here too.
from healtheos.interop.x12.envelope import read_date as read_date
from healtheos.interop.x12.tokenizer import Delimiters, Segment


@dataclass(frozen=True)
class Rejection:
    """An AAA segment: why a level of the request cannot be answered (AAA03, see
    :data:`REJECT_REASONS`), what the sender should do (AAA04, see
    :data:`FOLLOW_UP_ACTIONS`), and whether the request itself was valid (AAA01)."""

    code: str
    follow_up: str = "C"
    valid_request: bool = False
    message: str = ""

    @property
    def reason(self) -> str:
        return REJECT_REASONS.get(self.code, "Unknown reason")


@dataclass(frozen=True)
class Name:
    """An NM1 segment: entity code, person (1) or organization (2), name parts and the
    identifier with its qualifier (XX for an NPI, MI for a member ID, PI for a payer)."""

    entity: str
    entity_type: str = "1"
    last: str = ""
    first: str = ""
    middle: str = ""
    suffix: str = ""
    id_qualifier: str = ""
    identifier: str = ""


@dataclass(frozen=True)
class Trace:
    """A TRN segment: type (1 current, 2 referenced), reference, originator, extra."""

    type_code: str
    reference: str
    originator: str = ""
    supplemental: str = ""


@dataclass(frozen=True)
class DateRange:
    """A date or a date range (D8 gives ``start == end``; RD8 gives both)."""

    start: dt.date
    end: dt.date

    @property
    def is_single_day(self) -> bool:
        return self.start == self.end


def read_name(segment: Segment) -> Name:
    return Name(
        entity=segment.get(1),
        entity_type=segment.get(2),
        last=segment.get(3),
        first=segment.get(4),
        middle=segment.get(5),
        suffix=segment.get(7),
        id_qualifier=segment.get(8),
        identifier=segment.get(9),
    )


def read_date_range(qualifier: str, text: str) -> DateRange | None:
    if qualifier == "D8":
        day = read_date(text)
        return DateRange(day, day) if day else None
    if qualifier == "RD8":
        start, _, end = text.partition("-")
        first, last = read_date(start), read_date(end)
        if first and last and first <= last:
            return DateRange(first, last)
    return None


def read_trace(segment: Segment) -> Trace:
    return Trace(segment.get(1), segment.get(2), segment.get(3), segment.get(4))


class Cleaner:
    """Replaces delimiter characters in free text with spaces, so a name or message can
    never split a segment."""

    def __init__(self, delimiters: Delimiters) -> None:
        chars = delimiters.element + delimiters.component + delimiters.segment
        chars += delimiters.repetition + "\r\n"
        self.table = str.maketrans(dict.fromkeys(chars, " "))

    def __call__(self, text: str) -> str:
        return text.translate(self.table).strip()


def name_segment(name: Name, clean: Cleaner) -> list[str]:
    """The NM1 segment for ``name`` (NM108 only when there is an NM109)."""
    return [
        "NM1",
        name.entity,
        name.entity_type,
        clean(name.last),
        clean(name.first),
        clean(name.middle),
        "",
        clean(name.suffix),
        name.id_qualifier if name.identifier else "",
        clean(name.identifier),
    ]


def day_segment(qualifier: str, day: dt.date) -> list[str]:
    """DTP with a single day (D8)."""
    return ["DTP", qualifier, "D8", day.strftime("%Y%m%d")]


def dates_segment(qualifier: str, dates: DateRange) -> list[str]:
    """DTP with D8 for a single day and RD8 for a range."""
    if dates.is_single_day:
        return day_segment(qualifier, dates.start)
    return ["DTP", qualifier, "RD8", f"{dates.start:%Y%m%d}-{dates.end:%Y%m%d}"]


def x12_decimal(value: Decimal | None) -> str:
    """X12's R type: no exponent, no needless zeros ("10", "12.5", ".2")."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text.startswith(("0.", "-0.")):
        text = text.replace("0.", ".", 1)
    return text or "0"


#: The name the remittance writer uses for :func:`x12_decimal`.
decimal_text = x12_decimal
