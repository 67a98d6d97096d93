"""The 278 request for review (005010X217) as read: the utilization management
organization asked (HL 20), the requester (HL 21), the subscriber and dependent (HL 22,
HL 23), the patient event (HL EV) with its diagnoses and providers, and the services
requested (HL SS)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from healtheos.interop.x12.eligibility.segments import DateRange, Name, Rejection, Trace
from healtheos.interop.x12.envelope import Envelope
from healtheos.interop.x12.services_review.codes import (
    EXPEDITED_LEVELS,
    SERVICING_ENTITIES,
    TRACKING_REFERENCE,
)
from healtheos.interop.x12.set_reader import SetHeader
from healtheos.interop.x12.tokenizer import Delimiters, X12SyntaxError


@dataclass(frozen=True)
class Party:
    """A named party (NM1) with what the guide lets a 278 say about it: its taxonomy
    (PRV03, with its PRV01 provider code) and supplemental references (REF qualifier, value)."""

    name: Name
    taxonomy: str = ""
    references: tuple[tuple[str, str], ...] = ()
    provider_code: str = ""

    @property
    def npi(self) -> str:
        return self.name.identifier if self.name.id_qualifier == "XX" else ""

    @property
    def entity(self) -> str:
        return self.name.entity


@dataclass(frozen=True)
class Person:
    """The subscriber (HL 22) or the dependent patient (HL 23)."""

    hl_id: str
    level: str
    name: Name
    birth_date: dt.date | None
    gender: str
    references: tuple[tuple[str, str], ...] = ()

    @property
    def member_id(self) -> str:
        return self.name.identifier if self.name.id_qualifier == "MI" else ""


@dataclass(frozen=True)
class Diagnosis:
    """One HI composite: qualifier (ABK principal, ABF other, …) and code as sent (no dot)."""

    qualifier: str
    code: str


@dataclass(frozen=True)
class Review:
    """A UM segment: what is asked (request category, certification type, service type,
    place of service, level of service) at the event or the service level."""

    category: str
    certification_type: str
    service_type: str = ""
    place_of_service: str = ""
    place_qualifier: str = ""
    level_of_service: str = ""


@dataclass(frozen=True)
class ServiceRequest:
    """A service asked for (2000F): its procedure (SV1 for professional services, SV2 for
    institutional ones with a revenue code), units and dates, and its own providers."""

    hl_id: str
    parent_id: str
    traces: tuple[Trace, ...]
    review: Review
    procedure_qualifier: str
    procedure_code: str
    modifiers: tuple[str, ...]
    revenue_code: str
    charge: Decimal | None
    unit_basis: str
    units: Decimal | None
    service_dates: DateRange | None
    references: tuple[tuple[str, str], ...]
    providers: tuple[Party, ...]
    problems: tuple[Rejection, ...] = ()


@dataclass(frozen=True)
class PatientEvent:
    """The patient event (2000E): what the whole request is about."""

    hl_id: str
    parent_id: str
    traces: tuple[Trace, ...]
    review: Review
    references: tuple[tuple[str, str], ...]
    event_dates: DateRange | None
    admission_date: dt.date | None
    discharge_date: dt.date | None
    diagnoses: tuple[Diagnosis, ...]
    providers: tuple[Party, ...]
    messages: tuple[str, ...]
    services: tuple[ServiceRequest, ...]
    problems: tuple[Rejection, ...] = ()

    def reference(self, qualifier: str) -> str:
        return next((value for key, value in self.references if key == qualifier), "")

    @property
    def tracking_number(self) -> str:
        """The plan's tracking number quoted back (REF*NT): the request is then an
        inquiry about an earlier request rather than a new one."""
        return self.reference(TRACKING_REFERENCE)

    @property
    def expedited(self) -> bool:
        return self.review.level_of_service in EXPEDITED_LEVELS

    def servicing_provider(self) -> Party | None:
        """Who performs the services: the first event provider by the guide's preference
        (service provider, facility, attending, …), else the first service's."""
        candidates = list(self.providers) + [p for s in self.services for p in s.providers]
        for entity in SERVICING_ENTITIES:
            for party in candidates:
                if party.entity == entity:
                    return party
        return None


@dataclass(frozen=True)
class Request278(SetHeader):
    """One 278 request set, with the envelope facts an answer needs and the data
    problems found while reading (answered with AAA segments, keyed by loop: 2010B,
    2010C, 2010D, 2000E; service problems sit on the service)."""

    transaction_type: str
    umo_hl: str
    umo: Party
    requester_hl: str
    requester: Party
    subscriber: Person
    dependent: Person | None
    event: PatientEvent
    delimiters: Delimiters
    problems: dict[str, tuple[Rejection, ...]] = field(default_factory=dict)

    @property
    def patient(self) -> Person:
        return self.dependent or self.subscriber

    @property
    def is_inquiry(self) -> bool:
        return bool(self.event.tracking_number)

    def traces(self) -> Iterator[Trace]:
        yield from self.event.traces
        for service in self.event.services:
            yield from service.traces


@dataclass(frozen=True)
class Receipt278:
    """Everything read from a received interchange: its envelope (None without a readable
    ISA), the 278 sets that could be read, and every structural fault (for a 999)."""

    envelope: Envelope | None
    requests: tuple[Request278, ...]
    errors: tuple[X12SyntaxError, ...]
