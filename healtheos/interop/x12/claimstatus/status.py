"""What a 277 or 277CA says about a claim or a service line (STC, SVC and their REF and DTP
segments), as frozen dataclasses, and how those segments are written and read.

One STC segment carries up to three status composites (STC01, STC10, STC11); a claim
with more statuses gets further STC segments, each with the status date and only the
composites, so amounts and dates are never repeated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from healtheos.interop.x12.claimstatus.codes import STATUS_CATEGORIES, STATUS_CODES
from healtheos.interop.x12.eligibility.segments import (
    Cleaner,
    DateRange,
    dates_segment,
    read_date,
    x12_decimal,
)
from healtheos.interop.x12.tokenizer import Delimiters, Segment, X12SyntaxError


@dataclass(frozen=True)
class ClaimStatus:
    """One status composite: category (STC01-1, see :data:`STATUS_CATEGORIES`), status
    code (STC01-2, see :data:`STATUS_CODES`), the entity it concerns (STC01-3, e.g. IL
    subscriber, QC patient, 1P provider) and the code list qualifier (STC01-4, RX when the
    code is an NCPDP reject code)."""

    category: str
    code: str
    entity: str = ""
    code_list: str = ""

    @property
    def category_words(self) -> str:
        return STATUS_CATEGORIES.get(self.category, "Unknown category")

    @property
    def code_words(self) -> str:
        return STATUS_CODES.get(self.code, "Unknown status")


#: How a claim the payer does not know is answered: D0 (data search unsuccessful) with
#: 35 (claim/encounter not found). A4 "not found" is an acknowledgment category, for the
#: 277CA answering an 837, not for a status request.
NOT_FOUND = ClaimStatus("D0", "35")

#: How a claim the portal gave no answer for is answered: E1 (response not possible,
#: system status) with 0 (cannot provide further status electronically), the 277's
#: counterpart of the 271's AAA 42.
NO_ANSWER = ClaimStatus("E1", "0")


@dataclass(frozen=True)
class LineStatus:
    """A service line (2220D/E): SVC (procedure composite, charge, payment, revenue code,
    units), its STC statuses, REF*FJ line item control number and DTP*472 dates."""

    statuses: tuple[ClaimStatus, ...]
    procedure_code: str
    procedure_qualifier: str = "HC"
    modifiers: tuple[str, ...] = ()
    charge: Decimal | None = None
    payment: Decimal | None = None
    revenue_code: str = ""
    units: Decimal | None = None
    control_number: str = ""
    service_dates: DateRange | None = None
    status_date: dt.date | None = None


@dataclass(frozen=True)
class ClaimStatusAnswer:
    """The payer's answer about one claim (2200D/E). Fields left ``None`` echo what the
    276 asked with (patient account number, bill type, clearinghouse trace, total charge,
    service dates). ``not_found`` answers D0:35 (see :data:`NOT_FOUND`) before any other
    status and omits the payer claim number. ``status_date`` defaults to the day the 277
    is built."""

    statuses: tuple[ClaimStatus, ...] = ()
    payer_claim_number: str = ""
    patient_account_number: str | None = None
    bill_type: str | None = None
    clearinghouse_trace: str | None = None
    service_dates: DateRange | None = None
    lines: tuple[LineStatus, ...] = ()
    not_found: bool = False
    status_date: dt.date | None = None
    total_charge: Decimal | None = None
    payment_amount: Decimal | None = None
    adjudication_date: dt.date | None = None
    check_date: dt.date | None = None
    check_number: str = ""


def _day(day: dt.date | None) -> str:
    return day.strftime("%Y%m%d") if day else ""


def composite(status: ClaimStatus, delimiters: Delimiters) -> str:
    parts = [status.category, status.code, status.entity, status.code_list]
    while parts and not parts[-1]:
        parts.pop()
    return delimiters.component.join(parts)


def stc_segments(
    statuses: Sequence[ClaimStatus],
    delimiters: Delimiters,
    *,
    date: dt.date | None,
    action: str = "",
    charge: Decimal | None = None,
    payment: Decimal | None = None,
    adjudicated: dt.date | None = None,
    check_date: dt.date | None = None,
    check_number: str = "",
    message: str = "",
) -> list[list[str]]:
    """STC segments for ``statuses``: the first carries the amounts and dates."""
    if not statuses:
        raise ValueError("An STC needs at least one status (STC01).")
    out: list[list[str]] = []
    for start in range(0, len(statuses), 3):
        chunk = [composite(s, delimiters) for s in statuses[start : start + 3]]
        chunk += [""] * (3 - len(chunk))
        first = start == 0
        out.append(
            [
                "STC",
                chunk[0],
                _day(date),
                action,
                x12_decimal(charge) if first else "",
                x12_decimal(payment) if first else "",
                _day(adjudicated) if first else "",
                "",
                _day(check_date) if first else "",
                check_number if first else "",
                chunk[1],
                chunk[2],
                message if first else "",
            ]
        )
    return out


def line_segments(
    line: LineStatus,
    delimiters: Delimiters,
    clean: Cleaner,
    *,
    date: dt.date,
    action: str = "",
    payment_required: bool = True,
) -> list[list[str]]:
    """The 2220 loop: SVC, STC, REF*FJ, DTP*472. SVC03 (payment) is required in a 277
    and not used in a 277CA; units (SVC07) are required in a 277."""
    if line.charge is None:
        raise ValueError("SVC02 (the line's charge) is required.")
    if payment_required and line.units is None:
        raise ValueError("SVC07 (the line's units of service) is required in a 277.")
    procedure = [line.procedure_qualifier, clean(line.procedure_code)]
    procedure += [clean(m) for m in line.modifiers[:4]]
    payment = (line.payment or Decimal(0)) if payment_required else None
    out = [
        [
            "SVC",
            delimiters.component.join(procedure),
            x12_decimal(line.charge),
            x12_decimal(payment),
            line.revenue_code,
            "",
            "",
            x12_decimal(line.units),
        ]
    ]
    out += stc_segments(line.statuses, delimiters, date=line.status_date or date, action=action)
    if line.control_number:
        out.append(["REF", "FJ", clean(line.control_number)])
    if line.service_dates:
        out.append(dates_segment("472", line.service_dates))
    return out


def read_number(segment: Segment, element: int, position: int) -> Decimal | None:
    """An R-type element as a Decimal ('' gives None); anything else that is not a finite
    number is an element fault (IK403 6, invalid numeric)."""
    text = segment.get(element)
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or "e" in text.lower():
        raise X12SyntaxError(
            f"{segment.id}{element:02d} {text[:20]!r} is not a number.",
            segment_position=position,
            segment_id=segment.id,
            element_position=element,
            code="6",
            bad_value=text[:99],
        )
    return value


def read_statuses(segment: Segment, delimiters: Delimiters) -> list[ClaimStatus]:
    """The status composites of an STC (STC01, STC10, STC11)."""
    out = []
    for element in (1, 10, 11):
        if segment.get(element):
            parts = [*segment.components(element, delimiters), "", "", "", ""]
            out.append(ClaimStatus(parts[0], parts[1], parts[2], parts[3]))
    return out


def read_stc_day(segment: Segment, element: int, position: int) -> dt.date | None:
    text = segment.get(element)
    if not text:
        return None
    day = read_date(text)
    if day is None:
        raise X12SyntaxError(
            f"{segment.id}{element:02d} {text[:20]!r} is not a date.",
            segment_position=position,
            segment_id=segment.id,
            element_position=element,
            code="8",
            bad_value=text[:99],
        )
    return day
