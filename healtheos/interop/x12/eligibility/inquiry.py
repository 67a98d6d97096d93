"""The 270 inquiry as read: information source (HL 20), receiver (HL 21) and the
subscribers and dependents asked about (HL 22/23)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from healtheos.interop.x12.eligibility.segments import DateRange, Name, Rejection, Trace
from healtheos.interop.x12.envelope import Envelope
from healtheos.interop.x12.set_reader import SetHeader
from healtheos.interop.x12.tokenizer import Delimiters, X12SyntaxError


@dataclass(frozen=True)
class Subject:
    """A subscriber (HL 22) or dependent (HL 23) asked about. ``subscriber`` is the
    dependent's subscriber as read; ``problems`` are the faults to answer with AAA."""

    hl_id: str
    parent_id: str
    level: str
    has_children: bool
    position: int
    traces: tuple[Trace, ...]
    name: Name | None
    member_id: str
    references: tuple[tuple[str, str], ...]
    birth_date: dt.date | None
    gender: str
    service_dates: DateRange | None
    service_types: tuple[str, ...]
    problems: tuple[Rejection, ...]
    subscriber: Subject | None = None

    @property
    def is_dependent(self) -> bool:
        return self.level == "23"

    @property
    def last_name(self) -> str:
        return self.name.last if self.name else ""

    @property
    def first_name(self) -> str:
        return self.name.first if self.name else ""

    def reference(self, qualifier: str) -> str:
        """The first REF02 with this REF01 (e.g. 6P group number, SY social security)."""
        return next((value for key, value in self.references if key == qualifier), "")


@dataclass(frozen=True)
class Receiver:
    """The information receiver (HL 21): the provider or clearinghouse asking."""

    hl_id: str
    parent_id: str
    name: Name
    problems: tuple[Rejection, ...]
    subjects: tuple[Subject, ...]

    @property
    def npi(self) -> str:
        return self.name.identifier if self.name.id_qualifier == "XX" else ""


@dataclass(frozen=True)
class Source:
    """The information source (HL 20): the payer asked."""

    hl_id: str
    name: Name
    receivers: tuple[Receiver, ...]


@dataclass(frozen=True)
class Inquiry270(SetHeader):
    """One 270 transaction set with the envelope facts an answer needs."""

    purpose: str
    sources: tuple[Source, ...]
    delimiters: Delimiters

    def subjects(self) -> Iterator[Subject]:
        for source in self.sources:
            for receiver in source.receivers:
                yield from receiver.subjects


@dataclass(frozen=True)
class Receipt270:
    """Everything read from a received interchange: its envelope (None when there is no
    readable ISA), the 270 sets that could be read, and every fault found, ready for
    :func:`healtheos.interop.x12.ack999.acknowledge`."""

    envelope: Envelope | None
    inquiries: tuple[Inquiry270, ...]
    errors: tuple[X12SyntaxError, ...]


# ---------------------------------------------------------------------------------------
# The same levels while the reader fills them (mutable, one pass, then frozen)


class SubjectDraft:
    """A subject loop while it is read; frozen into a :class:`Subject` at its end."""

    __slots__ = (
        "birth_date",
        "gender",
        "has_children",
        "hl_id",
        "level",
        "member_id",
        "name",
        "name_position",
        "parent_id",
        "position",
        "problems",
        "references",
        "service_dates",
        "service_types",
        "subscriber",
        "traces",
    )

    def __init__(
        self, hl_id: str, parent_id: str, level: str, children: bool, position: int
    ) -> None:
        self.hl_id = hl_id
        self.parent_id = parent_id
        self.level = level
        self.has_children = children
        self.position = position
        self.traces: list[Trace] = []
        self.name: Name | None = None
        self.name_position = 0
        self.member_id = ""
        self.references: list[tuple[str, str]] = []
        self.birth_date: dt.date | None = None
        self.gender = ""
        self.service_dates: DateRange | None = None
        self.service_types: list[str] = []
        self.problems: list[Rejection] = []
        self.subscriber: Subject | None = None


class ReceiverDraft:
    """A receiver loop while it is read; frozen into a :class:`Receiver`."""

    __slots__ = ("hl_id", "name", "parent_id", "position", "problems", "subjects")

    def __init__(self, hl_id: str, parent_id: str, position: int) -> None:
        self.hl_id = hl_id
        self.parent_id = parent_id
        self.position = position
        self.name: Name | None = None
        self.problems: list[Rejection] = []
        self.subjects: list[Subject] = []


class SourceDraft:
    """A source loop while it is read; frozen into a :class:`Source`."""

    __slots__ = ("hl_id", "name", "position", "receivers")

    def __init__(self, hl_id: str, position: int) -> None:
        self.hl_id = hl_id
        self.position = position
        self.name: Name | None = None
        self.receivers: list[ReceiverDraft] = []
