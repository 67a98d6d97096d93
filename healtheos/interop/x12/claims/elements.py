"""Element-level reading for one 837 set: faults with the positions and IK codes a 999
needs, amounts, dates and the composite elements (CLM05, SV101, SV202, SV107, HI)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from healtheos.interop.x12.claims.codes import (
    DIAGNOSIS_QUALIFIERS,
    OTHER_HI_QUALIFIERS,
    PROCEDURE_QUALIFIERS,
)
from healtheos.interop.x12.claims.model import Address, HealthCode, Procedure
from healtheos.interop.x12.eligibility.segments import DateRange, read_date, read_date_range
from healtheos.interop.x12.tokenizer import Delimiters, Segment, X12SyntaxError

#: X12's R (decimal) type: optional sign, digits with at most one decimal point.
_DECIMAL = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")

#: The most elements the guides give each segment this reader looks at (IK403 3 beyond).
MAX_ELEMENTS = {
    "BHT": 6,
    "NM1": 12,
    "PER": 8,
    "HL": 4,
    "PRV": 3,
    "N3": 2,
    "N4": 7,
    "REF": 4,
    "SBR": 9,
    "PAT": 9,
    "DMG": 3,
    "CLM": 20,
    "DTP": 3,
    "HI": 12,
    "CL1": 4,
    "LX": 1,
    "SV1": 21,
    "SV2": 10,
}


class SetReader:
    """Shared state of one set's reading: where it is, what it found wrong."""

    loop = ""

    def __init__(
        self,
        segments: Sequence[Segment],
        delimiters: Delimiters,
        *,
        start: int,
        stop: int,
        set_position: int,
        group_position: int,
    ) -> None:
        self.segments = segments
        self.delimiters = delimiters
        self.component = delimiters.component
        self.start = start
        self.stop = stop
        self.set_position = set_position
        self.group_position = group_position
        self.errors: list[X12SyntaxError] = []

    def fault(
        self, message: str, index: int, code: str, element: int = 0, segment_id: str = ""
    ) -> X12SyntaxError:
        """A fault at list index ``index``; with ``segment_id`` it names a segment that is
        missing there (IK304 3) rather than the segment found."""
        segment = self.segments[min(index, len(self.segments) - 1)]
        return X12SyntaxError(
            message,
            segment_position=index + 1,
            segment_id=segment_id or segment[0][:3],
            element_position=element,
            code=code,
            set_position=self.set_position,
            group_position=self.group_position,
            position_in_set=index - self.start + 1,
            loop_id=self.loop,
            bad_value=segment.get(element)[:99] if element and not segment_id else "",
        )

    def element_fault(self, message: str, index: int, code: str, element: int) -> None:
        """Record a bad element and read on: the set is rejected, but one 999 names all."""
        self.errors.append(self.fault(message, index, code, element))

    def missing(self, segment_id: str, index: int, where: str) -> X12SyntaxError:
        return self.fault(
            f"Required segment {segment_id} is missing {where}.", index, "3", segment_id=segment_id
        )

    def check_count(self, segment: Segment, index: int) -> None:
        limit = MAX_ELEMENTS.get(segment[0])
        if limit is not None and len(segment) - 1 > limit:
            self.element_fault(
                f"{segment[0]} has {len(segment) - 1} elements; at most {limit} are defined.",
                index,
                "3",
                limit + 1,
            )

    def required(self, segment: Segment, index: int, element: int) -> str:
        value = segment[element] if element < len(segment) else ""
        if not value:
            self.element_fault(f"{segment[0]}{element:02d} is required.", index, "1", element)
        return value

    def code(self, segment: Segment, index: int, element: int, allowed: frozenset[str]) -> str:
        """An element that must be one of ``allowed`` when present."""
        value = segment[element] if element < len(segment) else ""
        if value and value not in allowed:
            self.element_fault(
                f"{segment[0]}{element:02d} {value[:20]!r} is not a valid code.",
                index,
                "7",
                element,
            )
        return value

    def decimal(
        self, segment: Segment, index: int, element: int, *, required: bool = True
    ) -> Decimal | None:
        value = segment[element] if element < len(segment) else ""
        if not value:
            if required:
                self.element_fault(f"{segment[0]}{element:02d} is required.", index, "1", element)
            return None
        if len(value) > 18 or _DECIMAL.fullmatch(value) is None:
            self.element_fault(
                f"{segment[0]}{element:02d} {value[:20]!r} is not a number.", index, "6", element
            )
            return None
        return Decimal(value)

    def date_range(self, segment: Segment, index: int, qualifier: int = 2) -> DateRange | None:
        """DTP02/DTP03 (or DMG01/DMG02): D8, RD8, or DT whose day is kept."""
        size = len(segment)
        kind = segment[qualifier] if qualifier < size else ""
        value = segment[qualifier + 1] if qualifier + 1 < size else ""
        if kind == "DT":
            day = read_date(value[:8]) if len(value) == 12 and value.isdigit() else None
            dates = DateRange(day, day) if day else None
        elif kind in ("D8", "RD8"):
            dates = read_date_range(kind, value)
        else:
            self.element_fault(
                f"{segment[0]}{qualifier:02d} {kind[:20]!r} is not D8, RD8 or DT.",
                index,
                "7",
                qualifier,
            )
            return None
        if dates is None:
            self.element_fault(
                f"{segment[0]}{qualifier + 1:02d} {value[:20]!r} is not a valid {kind} date.",
                index,
                "8",
                qualifier + 1,
            )
        return dates

    def procedure(self, segment: Segment, index: int, element: int) -> Procedure | None:
        value = segment[element] if element < len(segment) else ""
        if not value:
            return None
        parts = value.split(self.component)
        if parts[0] not in PROCEDURE_QUALIFIERS:
            self.element_fault(
                f"{segment[0]}{element:02d}-1 {parts[0][:20]!r} is not a procedure qualifier.",
                index,
                "7",
                element,
            )
        if len(parts) < 2 or not parts[1]:
            self.element_fault(
                f"{segment[0]}{element:02d}-2 (the procedure code) is required.",
                index,
                "1",
                element,
            )
            return None
        if len(parts) > 8:
            self.element_fault(
                f"{segment[0]}{element:02d} has too many components.", index, "13", element
            )
        modifiers = tuple(part for part in parts[2:6] if part)
        return Procedure(parts[0], parts[1], modifiers)

    def pointers(self, segment: Segment, index: int, element: int) -> tuple[int, ...]:
        value = segment[element] if element < len(segment) else ""
        if not value:
            return ()
        parts = value.split(self.component)
        if len(parts) > 4 or not all(part.isdigit() and 1 <= int(part) <= 12 for part in parts):
            self.element_fault(
                f"{segment[0]}{element:02d} {value[:20]!r} is not one to four pointers 1..12.",
                index,
                "7",
                element,
            )
            return ()
        return tuple(int(part) for part in parts)

    def health_codes(self, segment: Segment, index: int) -> list[HealthCode]:
        codes: list[HealthCode] = []
        faulted = False
        for element in range(1, len(segment)):
            value = segment[element]
            if not value:
                continue
            parts = value.split(self.component)
            qualifier = parts[0]
            if qualifier not in DIAGNOSIS_QUALIFIERS and qualifier not in OTHER_HI_QUALIFIERS:
                self.element_fault(
                    f"HI{element:02d}-1 {qualifier[:20]!r} is not a code list qualifier.",
                    index,
                    "7",
                    element,
                )
                faulted = True
                continue
            if len(parts) < 2 or not parts[1]:
                self.element_fault(
                    f"HI{element:02d}-2 (the code) is required.", index, "1", element
                )
                faulted = True
                continue
            extra = tuple(parts[2:])
            while extra and not extra[-1]:
                extra = extra[:-1]
            codes.append(HealthCode(qualifier, parts[1], extra, index + 1, element))
        if not codes and not faulted:
            self.element_fault("HI01 is required.", index, "1", 1)
        return codes


def street(segment: Segment) -> tuple[str, ...]:
    return tuple(line for line in (segment.get(1), segment.get(2)) if line)


def address(lines: tuple[str, ...], n4: Segment | None) -> Address | None:
    if n4 is None:
        return Address(lines, "") if lines else None
    return Address(lines, n4.get(1), n4.get(2), n4.get(3), n4.get(4))
