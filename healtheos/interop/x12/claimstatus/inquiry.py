"""The 276 claim status request as read: information source (HL 20, the payer), receiver
(HL 21), service providers (HL 19), subscribers and dependents (HL 22/23) and the claims
asked about (2200D/E) with their service lines (2210D/E)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from healtheos.interop.x12.claimstatus.status import ClaimStatus
from healtheos.interop.x12.eligibility.segments import DateRange, Name, Trace
from healtheos.interop.x12.envelope import Envelope
from healtheos.interop.x12.set_reader import SetHeader
from healtheos.interop.x12.tokenizer import Delimiters, X12SyntaxError


@dataclass(frozen=True)
class LineInquiry:
    """A service line asked about (2210D/E): SVC procedure composite, charge, revenue
    code and units, REF*FJ line item control number and DTP*472 service dates."""

    procedure_qualifier: str
    procedure_code: str
    modifiers: tuple[str, ...]
    charge: Decimal | None
    revenue_code: str
    units: Decimal | None
    control_number: str
    service_dates: DateRange | None


@dataclass(frozen=True)
class ClaimInquiry:
    """One claim status inquiry (2200D/E). ``key`` (HL01 and the inquiry's ordinal under
    that HL) is how :func:`build_277` finds its answer. ``problems`` are the data faults
    that make it unanswerable (including those of its patient and subscriber); they are
    answered with STC E0 statuses."""

    hl_id: str
    sequence: int
    trace: Trace
    payer_claim_number: str
    patient_account_number: str
    bill_type: str
    clearinghouse_trace: str
    total_charge: Decimal | None
    service_dates: DateRange | None
    references: tuple[tuple[str, str], ...]
    lines: tuple[LineInquiry, ...]
    problems: tuple[ClaimStatus, ...]

    @property
    def key(self) -> str:
        return f"{self.hl_id}/{self.sequence}"

    def reference(self, qualifier: str) -> str:
        return next((value for key, value in self.references if key == qualifier), "")


@dataclass(frozen=True)
class Patient:
    """A subscriber (HL 22) or dependent (HL 23) with the claims asked about for them.
    ``subscriber`` is a dependent's subscriber."""

    hl_id: str
    parent_id: str
    level: str
    has_children: bool
    name: Name
    member_id: str
    birth_date: dt.date | None
    gender: str
    claims: tuple[ClaimInquiry, ...]
    problems: tuple[ClaimStatus, ...]
    subscriber: Patient | None = None

    @property
    def is_dependent(self) -> bool:
        return self.level == "23"


@dataclass(frozen=True)
class ServiceProvider:
    """The provider of service (HL 19). ``problems`` (an NPI that fails its check digit)
    are answered at 2200C without the patients below."""

    hl_id: str
    parent_id: str
    name: Name
    problems: tuple[ClaimStatus, ...]
    patients: tuple[Patient, ...]

    @property
    def npi(self) -> str:
        return self.name.identifier if self.name.id_qualifier == "XX" else ""


@dataclass(frozen=True)
class StatusReceiver:
    """The information receiver (HL 21): the submitter asking, NM1*41 with its ETIN."""

    hl_id: str
    parent_id: str
    name: Name
    providers: tuple[ServiceProvider, ...]


@dataclass(frozen=True)
class StatusSource:
    """The information source (HL 20): the payer asked, NM1*PR."""

    hl_id: str
    name: Name
    receivers: tuple[StatusReceiver, ...]


@dataclass(frozen=True)
class Inquiry276(SetHeader):
    """One 276 transaction set with the envelope facts an answer needs."""

    sources: tuple[StatusSource, ...]
    delimiters: Delimiters

    def patients(self) -> Iterator[Patient]:
        for source in self.sources:
            for receiver in source.receivers:
                for provider in receiver.providers:
                    yield from provider.patients

    def claims(self) -> Iterator[ClaimInquiry]:
        for patient in self.patients():
            yield from patient.claims


@dataclass(frozen=True)
class Receipt276:
    """Everything read from a received interchange: its envelope (None without a readable
    ISA), the 276 sets that could be read, and every fault, ready for
    :func:`healtheos.interop.x12.ack999.acknowledge`."""

    envelope: Envelope | None
    inquiries: tuple[Inquiry276, ...]
    errors: tuple[X12SyntaxError, ...]


# ---------------------------------------------------------------------------------------
# The levels while the reader fills them (mutable, one pass, then frozen)


class LineDraft:
    __slots__ = ("charge", "code", "control", "dates", "modifiers", "qualifier", "revenue", "units")

    def __init__(self, qualifier: str, code: str, modifiers: tuple[str, ...]) -> None:
        self.qualifier = qualifier
        self.code = code
        self.modifiers = modifiers
        self.charge: Decimal | None = None
        self.revenue = ""
        self.units: Decimal | None = None
        self.control = ""
        self.dates: DateRange | None = None

    def freeze(self) -> LineInquiry:
        return LineInquiry(
            self.qualifier,
            self.code,
            self.modifiers,
            self.charge,
            self.revenue,
            self.units,
            self.control,
            self.dates,
        )


class ClaimDraft:
    __slots__ = ("charge", "dates", "lines", "problems", "references", "trace")

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.references: list[tuple[str, str]] = []
        self.charge: Decimal | None = None
        self.dates: DateRange | None = None
        self.lines: list[LineDraft] = []
        self.problems: list[ClaimStatus] = []

    def freeze(self, hl_id: str, sequence: int, inherited: list[ClaimStatus]) -> ClaimInquiry:
        def ref(qualifier: str) -> str:
            return next((v for k, v in self.references if k == qualifier), "")

        problems = list(inherited)
        undated = ClaimStatus("E0", "187")  # no service date to search by
        undated_lines = not any(line.dates for line in self.lines)
        if self.dates is None and undated_lines and undated not in self.problems:
            self.problems.append(undated)
        problems += [p for p in self.problems if p not in problems]
        return ClaimInquiry(
            hl_id=hl_id,
            sequence=sequence,
            trace=self.trace,
            payer_claim_number=ref("1K"),
            patient_account_number=ref("EJ"),
            bill_type=ref("BLT"),
            clearinghouse_trace=ref("D9"),
            total_charge=self.charge,
            service_dates=self.dates,
            references=tuple(self.references),
            lines=tuple(line.freeze() for line in self.lines),
            problems=tuple(problems),
        )


class LevelDraft:
    """Any HL level while it is read; the reader freezes it by its level code."""

    __slots__ = (
        "birth_date",
        "children",
        "claims",
        "gender",
        "has_children",
        "hl_id",
        "level",
        "name",
        "parent_id",
        "position",
        "problems",
        "subscriber",
    )

    def __init__(
        self, hl_id: str, parent_id: str, level: str, has_children: bool, position: int
    ) -> None:
        self.hl_id = hl_id
        self.parent_id = parent_id
        self.level = level
        self.has_children = has_children
        self.position = position
        self.name: Name | None = None
        self.birth_date: dt.date | None = None
        self.gender = ""
        self.claims: list[ClaimDraft] = []
        self.problems: list[ClaimStatus] = []
        self.children: list[LevelDraft] = []
        self.subscriber: LevelDraft | None = None
