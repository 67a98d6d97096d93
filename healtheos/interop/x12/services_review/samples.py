"""Writing 278 requests (005010X217): what an office's system sends. The portal never
sends one; the tests, the golden files and the benchmark build theirs with
:func:`build_278_request`, from made-up people and Luhn-valid NPIs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from healtheos.interop.x12.eligibility.segments import (
    Cleaner,
    DateRange,
    Name,
    dates_segment,
    name_segment,
    x12_decimal,
)
from healtheos.interop.x12.services_review.codes import (
    EVENT_DATE,
    REQUEST_PURPOSE,
    SERVICE_DATE,
    STRUCTURE,
    TRACKING_REFERENCE,
    VERSION,
)
from healtheos.interop.x12.tokenizer import Delimiters
from healtheos.interop.x12.writer import Interchange, build_interchange


@dataclass(frozen=True)
class RequestedService:
    procedure_code: str
    units: Decimal = Decimal(1)
    service_dates: DateRange | None = None
    modifiers: tuple[str, ...] = ()
    charge: Decimal | None = None
    revenue_code: str = ""
    trace: str = ""


@dataclass(frozen=True)
class RequestSpec:
    """What a 278 request says, in the fewest words the guide allows."""

    reference: str
    trace: str
    member_id: str
    subscriber_last: str
    subscriber_first: str
    birth_date: dt.date | None
    requester_npi: str
    requester_name: str
    diagnoses: tuple[str, ...] = ()
    services: tuple[RequestedService, ...] = ()
    servicing_npi: str = ""
    servicing_name: str = ""
    category: str = "HS"
    certification_type: str = "I"
    service_type: str = "3"
    place_of_service: str = "11"
    level_of_service: str = "E"
    event_dates: DateRange | None = None
    dependent: tuple[str, str, dt.date] | None = None
    tracking_number: str = ""
    gender: str = "F"
    umo_name: str = "SUNRISE HEALTH PLAN"
    umo_id: str = "SUNTX"
    trace_originator: str = "9CLEARHSE1"
    extra_event_segments: tuple[tuple[str, ...], ...] = field(default_factory=tuple)


def request_body(spec: RequestSpec, delimiters: Delimiters | None = None) -> list[list[str]]:
    """The segments between ST and SE."""
    delimiters = delimiters or Delimiters()
    clean = Cleaner(delimiters)
    component = delimiters.component
    body: list[list[str]] = [
        ["BHT", STRUCTURE, REQUEST_PURPOSE, spec.reference, "20261124", "0930"],
        ["HL", "1", "", "20", "1"],
        name_segment(
            Name("X3", "2", spec.umo_name, id_qualifier="PI", identifier=spec.umo_id), clean
        ),
        ["HL", "2", "1", "21", "1"],
        name_segment(
            Name("1P", "2", spec.requester_name, id_qualifier="XX", identifier=spec.requester_npi),
            clean,
        ),
        ["PRV", "RF", "PXC", "207Q00000X"],
        ["HL", "3", "2", "22", "1"],
        name_segment(
            Name(
                "IL",
                "1",
                spec.subscriber_last,
                spec.subscriber_first,
                id_qualifier="MI",
                identifier=spec.member_id,
            ),
            clean,
        ),
    ]
    if spec.birth_date is not None and spec.dependent is None:
        body.append(["DMG", "D8", spec.birth_date.strftime("%Y%m%d"), spec.gender])
    event_parent = "3"
    next_hl = 4
    if spec.dependent is not None:
        last, first, born = spec.dependent
        body += [
            ["HL", "4", "3", "23", "1"],
            name_segment(Name("QC", "1", last, first), clean),
            ["DMG", "D8", born.strftime("%Y%m%d"), "M"],
        ]
        event_parent = "4"
        next_hl = 5
    event_hl = str(next_hl)
    body.append(["HL", event_hl, event_parent, "EV", "1" if spec.services else "0"])
    body.append(["TRN", "1", spec.trace, spec.trace_originator])
    place = f"{spec.place_of_service}{component}B" if spec.place_of_service else ""
    body.append(
        [
            "UM",
            spec.category,
            spec.certification_type,
            spec.service_type,
            place,
            "",
            spec.level_of_service,
        ]
    )
    if spec.tracking_number:
        body.append(["REF", TRACKING_REFERENCE, spec.tracking_number])
    if spec.event_dates is not None:
        body.append(dates_segment(EVENT_DATE, spec.event_dates))
    if spec.diagnoses:
        body.append(
            ["HI"]
            + [
                f"{'ABK' if index == 0 else 'ABF'}{component}{code}"
                for index, code in enumerate(spec.diagnoses)
            ]
        )
    body += [list(segment) for segment in spec.extra_event_segments]
    if spec.servicing_npi:
        body.append(
            name_segment(
                Name(
                    "SJ",
                    "1",
                    spec.servicing_name or "PROVIDER",
                    id_qualifier="XX",
                    identifier=spec.servicing_npi,
                ),
                clean,
            )
        )
    for number, service in enumerate(spec.services, start=next_hl + 1):
        body.append(["HL", str(number), event_hl, "SS", "0"])
        if service.trace:
            body.append(["TRN", "1", service.trace, spec.trace_originator])
        body.append(["UM", spec.category, spec.certification_type, spec.service_type, place])
        if service.service_dates is not None:
            body.append(dates_segment(SERVICE_DATE, service.service_dates))
        composite = component.join(["HC", service.procedure_code, *service.modifiers])
        if service.revenue_code:
            body.append(
                [
                    "SV2",
                    service.revenue_code,
                    composite,
                    x12_decimal(service.charge),
                    "UN",
                    x12_decimal(service.units),
                ]
            )
        else:
            body.append(
                ["SV1", composite, x12_decimal(service.charge), "UN", x12_decimal(service.units)]
            )
    return body


def build_278_request(
    spec: RequestSpec,
    *,
    at: dt.datetime,
    control_number: int = 1,
    sender_id: str = "CLEARINGHOUSE",
    receiver_id: str = "SUNTX",
    delimiters: Delimiters | None = None,
    sets: Sequence[RequestSpec] = (),
) -> str:
    """A whole interchange holding ``spec`` (and any further ``sets``) as 278 requests."""
    delimiters = delimiters or Delimiters()
    interchange = Interchange(
        "ZZ",
        sender_id,
        "ZZ",
        receiver_id,
        control_number,
        "HI",
        sender_id,
        receiver_id,
        VERSION,
    )
    bodies = [("278", request_body(s, delimiters)) for s in (spec, *sets)]
    return build_interchange(interchange, bodies, at=at, delimiters=delimiters)
