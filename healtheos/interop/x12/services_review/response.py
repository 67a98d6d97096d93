"""The 278 response (005010X217) as the plan gives it, and :func:`build_278_response`,
which writes it.

The response turns the request around: the envelope and BHT03 come back, every HL keeps
its number, the names are echoed, each request TRN*1 returns as TRN*2 and the plan adds
its own TRN*1 (its tracking number). A decision is an HCR (action, certification number,
reason) with the plan's tracking number in REF*NT and the validity in DTP*007/036; a level
that cannot be answered carries AAA segments instead, and the levels below it are left
out, as in the 271.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from healtheos.interop.x12.eligibility.segments import (
    Cleaner,
    DateRange,
    Name,
    Rejection,
    Trace,
    dates_segment,
    day_segment,
    name_segment,
    x12_decimal,
)
from healtheos.interop.x12.services_review.codes import (
    ACTION_CODES,
    CERTIFYING_ACTIONS,
    EFFECTIVE_DATE,
    EVENT_DATE,
    EXPIRATION_DATE,
    ISSUE_DATE,
    RESPONSE_PURPOSE,
    SERVICE_DATE,
    STRUCTURE,
    TRACKING_REFERENCE,
    VERSION,
)
from healtheos.interop.x12.services_review.request import (
    Party,
    PatientEvent,
    Person,
    Request278,
    Review,
    ServiceRequest,
)
from healtheos.interop.x12.tokenizer import Delimiters
from healtheos.interop.x12.writer import Interchange, build_interchange


@dataclass(frozen=True)
class ServiceDecision:
    """The plan's decision on one requested service (2000F HCR)."""

    action: str
    authorization_number: str = ""
    reason: str = ""
    approved_units: Decimal | None = None
    valid: DateRange | None = None


@dataclass(frozen=True)
class Decision:
    """The plan's answer about the patient event (2000E HCR), with the decision on each
    service keyed by the request's HL01 (a service without one takes the event's)."""

    action: str
    authorization_number: str = ""
    reason: str = ""
    tracking_number: str = ""
    valid: DateRange | None = None
    issued: dt.date | None = None
    message: str = ""
    services: Mapping[str, ServiceDecision] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.action not in ACTION_CODES:
            raise ValueError(f"{self.action!r} is not an HCR01 action code.")


#: Loops a rejection can be keyed by; services are keyed "2000F:<HL01>".
LOOPS = ("2000A", "2010A", "2010B", "2010C", "2010D", "2000E")


def build_278_response(
    request: Request278,
    decision: Decision | None,
    *,
    at: dt.datetime,
    control_number: int,
    rejections: Mapping[str, Sequence[Rejection]] | None = None,
    delimiters: Delimiters | None = None,
) -> str:
    """The 278 response answering ``request``.

    ``rejections`` (keyed by loop: 2000A, 2010A, 2010B, 2010C, 2010D, 2000E or
    ``2000F:<HL01>``) are added to the data problems found while reading; a level with
    rejections is answered with its AAA segments and without the levels below it. Without
    rejections above the event a ``decision`` is required."""
    delimiters = delimiters or request.delimiters
    clean = Cleaner(delimiters)
    found: dict[str, list[Rejection]] = {
        key: list(value) for key, value in request.problems.items()
    }
    if request.event.problems:
        found.setdefault("2000E", []).extend(request.event.problems)
    for service in request.event.services:
        if service.problems:
            found.setdefault(f"2000F:{service.hl_id}", []).extend(service.problems)
    for key, value in (rejections or {}).items():
        found.setdefault(key, []).extend(value)
    writer = _Writer(request, decision, found, delimiters, clean, at)
    body = writer.body()
    interchange = Interchange(
        sender_qualifier=request.receiver_qualifier,
        sender_id=request.receiver_id,
        receiver_qualifier=request.sender_qualifier,
        receiver_id=request.sender_id,
        control_number=control_number,
        functional_id="HI",
        application_sender=request.application_receiver,
        application_receiver=request.application_sender,
        version=VERSION,
        usage=request.usage,
    )
    return build_interchange(interchange, [("278", body)], at=at, delimiters=delimiters)


class _Writer:
    def __init__(
        self,
        request: Request278,
        decision: Decision | None,
        rejections: dict[str, list[Rejection]],
        delimiters: Delimiters,
        clean: Cleaner,
        at: dt.datetime,
    ) -> None:
        self.request = request
        self.decision = decision
        self.rejections = rejections
        self.delimiters = delimiters
        self.clean = clean
        self.at = at

    def aaa(self, key: str) -> list[list[str]]:
        return [
            ["AAA", "Y" if r.valid_request else "N", "", r.code, r.follow_up]
            for r in _unique(self.rejections.get(key, ()))
        ]

    def stops(self, *keys: str) -> bool:
        return any(self.rejections.get(key) for key in keys)

    def body(self) -> list[list[str]]:
        request = self.request
        decision = self.decision
        bht = ["BHT", STRUCTURE, RESPONSE_PURPOSE, self.clean(request.reference)]
        bht += [self.at.strftime("%Y%m%d"), self.at.strftime("%H%M")]
        if decision is not None and decision.action != "A4":
            bht.append("18")  # a response with no further updates to follow
        out: list[list[str]] = [bht]
        stop = self.stops("2000A", "2010A")
        out.append(["HL", request.umo_hl, "", "20", "0" if stop else "1"])
        out += self.aaa("2000A")
        out.append(name_segment(request.umo.name, self.clean))
        out += self.aaa("2010A")
        if stop:
            return out
        stop = self.stops("2010B")
        out.append(["HL", request.requester_hl, request.umo_hl, "21", "0" if stop else "1"])
        out += self.party(request.requester, "2010B")
        if stop:
            return out
        dependent = request.dependent
        stop = self.stops("2010C")
        out.append(
            ["HL", request.subscriber.hl_id, request.requester_hl, "22", "0" if stop else "1"]
        )
        out += self.person(request.subscriber, "2010C")
        if stop:
            return out
        parent = request.subscriber.hl_id
        if dependent is not None:
            stop = self.stops("2010D")
            out.append(["HL", dependent.hl_id, parent, "23", "0" if stop else "1"])
            out += self.person(dependent, "2010D")
            if stop:
                return out
            parent = dependent.hl_id
        out += self.event(request.event, parent)
        return out

    def party(self, party: Party, key: str) -> list[list[str]]:
        out = [name_segment(party.name, self.clean)]
        out += self.aaa(key)
        if party.taxonomy and party.provider_code:
            code = self.clean(party.provider_code)
            out.append(["PRV", code, "PXC", self.clean(party.taxonomy)])
        return out

    def person(self, person: Person, key: str) -> list[list[str]]:
        name = person.name
        if person.level == "23" and not name.identifier:
            name = Name(name.entity, "1", name.last, name.first, name.middle, name.suffix)
        out = [name_segment(name, self.clean)]
        out += self.aaa(key)
        if person.birth_date is not None:
            dmg = ["DMG", "D8", person.birth_date.strftime("%Y%m%d")]
            if person.gender in ("F", "M", "U"):
                dmg.append(person.gender)
            out.append(dmg)
        return out

    def traces(self, traces: Sequence[Trace]) -> list[list[str]]:
        return [
            [
                "TRN",
                "2",
                self.clean(trace.reference),
                self.clean(trace.originator),
                self.clean(trace.supplemental),
            ]
            for trace in traces
        ]

    def review(self, review: Review) -> list[str]:
        place = ""
        if review.place_of_service:
            place = review.place_of_service
            if review.place_qualifier:
                place += self.delimiters.component + review.place_qualifier
        return [
            "UM",
            review.category,
            review.certification_type,
            review.service_type,
            place,
            "",
            review.level_of_service,
        ]

    def hcr(self, action: str, number: str, reason: str) -> list[str]:
        segment = ["HCR", action]
        if number and (action in CERTIFYING_ACTIONS or action in ("C", "A3")):
            segment.append(self.clean(number))
        else:
            segment.append("")
        segment.append(self.clean(reason)[:30])
        return segment

    def validity(self, valid: DateRange | None) -> list[list[str]]:
        if valid is None:
            return []
        return [
            day_segment(EFFECTIVE_DATE, valid.start),
            day_segment(EXPIRATION_DATE, valid.end),
        ]

    def event(self, event: PatientEvent, parent: str) -> list[list[str]]:
        decision = self.decision
        stop = self.stops("2000E") or decision is None
        # Without a decision, only the services refused with AAA segments are answered.
        services = [
            service
            for service in event.services
            if not self.stops("2000E")
            and (decision is not None or self.stops(f"2000F:{service.hl_id}"))
        ]
        out: list[list[str]] = [["HL", event.hl_id, parent, "EV", "1" if services else "0"]]
        out += self.traces(event.traces)
        if decision is not None and decision.tracking_number and not stop:
            originator = self.request.umo.name.identifier or self.request.receiver_id
            out.append(["TRN", "1", self.clean(decision.tracking_number), _originator(originator)])
        out += self.aaa("2000E")
        out.append(self.review(event.review))
        if decision is not None and not stop:
            out.append(self.hcr(decision.action, decision.authorization_number, decision.reason))
            if decision.tracking_number:
                out.append(["REF", TRACKING_REFERENCE, self.clean(decision.tracking_number)])
        if event.event_dates is not None:
            out.append(dates_segment(EVENT_DATE, event.event_dates))
        if decision is not None and not stop:
            if decision.issued is not None:
                out.append(day_segment(ISSUE_DATE, decision.issued))
            if decision.action in CERTIFYING_ACTIONS:
                out += self.validity(decision.valid)
        if event.diagnoses:
            component = self.delimiters.component
            out.append(
                ["HI"]
                + [f"{d.qualifier}{component}{self.clean(d.code)}" for d in event.diagnoses[:12]]
            )
        if decision is not None and not stop and decision.message:
            out.append(["MSG", self.clean(decision.message)[:264]])
        for provider in event.providers:
            out += self.party(provider, f"2010EA:{provider.entity}")
        for service in services:
            out += self.service(service, event.hl_id)
        return out

    def service(self, service: ServiceRequest, parent: str) -> list[list[str]]:
        key = f"2000F:{service.hl_id}"
        decision = self.decision
        out: list[list[str]] = [["HL", service.hl_id, parent, "SS", "0"]]
        out += self.traces(service.traces)
        out += self.aaa(key)
        out.append(self.review(service.review))
        if decision is not None and not self.stops(key):
            answer = decision.services.get(service.hl_id) or ServiceDecision(
                decision.action,
                decision.authorization_number,
                decision.reason,
                valid=decision.valid,
            )
            out.append(self.hcr(answer.action, answer.authorization_number, answer.reason))
            if service.service_dates is not None:
                out.append(dates_segment(SERVICE_DATE, service.service_dates))
            if answer.action in CERTIFYING_ACTIONS:
                out += self.validity(answer.valid)
            out += self.procedure(service)
            if answer.approved_units is not None and answer.action in CERTIFYING_ACTIONS:
                out.append(["HSD", "FL", x12_decimal(answer.approved_units)])
        else:
            if service.service_dates is not None:
                out.append(dates_segment(SERVICE_DATE, service.service_dates))
            out += self.procedure(service)
        for provider in service.providers:
            out += self.party(provider, f"{key}:{provider.entity}")
        return out

    def procedure(self, service: ServiceRequest) -> list[list[str]]:
        component = self.delimiters.component
        composite = component.join(
            [service.procedure_qualifier, self.clean(service.procedure_code)]
            + [self.clean(m) for m in service.modifiers]
        )
        if service.revenue_code:
            return [
                [
                    "SV2",
                    self.clean(service.revenue_code),
                    composite if service.procedure_code else "",
                    x12_decimal(service.charge),
                    service.unit_basis,
                    x12_decimal(service.units),
                ]
            ]
        if not service.procedure_code:
            return []
        return [
            [
                "SV1",
                composite,
                x12_decimal(service.charge),
                service.unit_basis,
                x12_decimal(service.units),
            ]
        ]


def _originator(identifier: str) -> str:
    """TRN03 is ten characters: '9' and nine of the plan's identifier when it has no EIN."""
    digits = "".join(c for c in identifier if c.isalnum())[:9]
    return ("9" + digits.ljust(9, "0"))[:10]


def _unique(rejections: Sequence[Rejection]) -> list[Rejection]:
    out: list[Rejection] = []
    for rejection in rejections:
        if all(r.code != rejection.code for r in out):
            out.append(rejection)
    return out[:9]
