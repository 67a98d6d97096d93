"""The 271 answer as the portal gives it (plain frozen dataclasses, never a Django
object) and :func:`build_271`, which writes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from healtheos.interop.x12.eligibility.codes import VERSION
from healtheos.interop.x12.eligibility.inquiry import Inquiry270, Subject
from healtheos.interop.x12.eligibility.segments import (
    Cleaner,
    DateRange,
    Name,
    Rejection,
    decimal_text,
    name_segment,
)
from healtheos.interop.x12.tokenizer import Delimiters
from healtheos.interop.x12.writer import Interchange, build_interchange


@dataclass(frozen=True)
class Member:
    """The member as the plan has them on file (NM1, REF*6P, N3/N4, DMG in the 271)."""

    last_name: str
    first_name: str = ""
    middle_name: str = ""
    suffix: str = ""
    member_id: str = ""
    group_number: str = ""
    group_name: str = ""
    address_lines: tuple[str, ...] = ()
    city: str = ""
    state: str = ""
    postal_code: str = ""
    birth_date: dt.date | None = None
    gender: str = ""


@dataclass(frozen=True)
class Provider:
    """A provider named with a benefit (NM1*P3 primary care provider in loop 2120C)."""

    last_name: str
    first_name: str = ""
    npi: str = ""
    organization: bool = False
    entity: str = "P3"


@dataclass(frozen=True)
class BenefitLine:
    """One EB loop (2110C/D). ``percent`` is a fraction (0.2 for 20 %), as EB08 wants."""

    information: str
    coverage_level: str = ""
    service_types: tuple[str, ...] = ()
    insurance_type: str = ""
    plan_description: str = ""
    time_period: str = ""
    amount: Decimal | None = None
    percent: Decimal | None = None
    quantity_qualifier: str = ""
    quantity: Decimal | None = None
    authorization_required: str = ""
    in_network: str = ""
    messages: tuple[str, ...] = ()
    provider: Provider | None = None


@dataclass(frozen=True)
class SubjectAnswer:
    """The plan's answer about one subject. Without ``member`` the inquiry's own NM1 is
    echoed (as the guide wants when the subject is not found)."""

    member: Member | None = None
    rejections: tuple[Rejection, ...] = ()
    benefits: tuple[BenefitLine, ...] = ()
    plan_begin: dt.date | None = None
    plan_end: dt.date | None = None
    eligibility_begin: dt.date | None = None
    service_dates: DateRange | None = None


_NO_ANSWER = SubjectAnswer(rejections=(Rejection("42", "R", True, "no answer was given"),))
_ACTIVE_OR_INACTIVE = frozenset({"1", "2", "3", "4", "5", "6", "7", "8"})


def build_271(
    inquiry: Inquiry270,
    answers: Mapping[str, SubjectAnswer],
    *,
    at: dt.datetime,
    control_number: int,
    receiver_rejections: Mapping[str, Sequence[Rejection]] | None = None,
    source_rejections: Mapping[str, Sequence[Rejection]] | None = None,
    delimiters: Delimiters | None = None,
) -> str:
    """The 271 answering ``inquiry``: its hierarchy and HL numbers echoed, each 270 TRN*1
    returned as TRN*2, the envelope turned around (ISA sender/receiver swapped) and
    ISA13/GS06 taken from ``control_number``.

    ``answers`` are keyed by the subject's HL01. A subject without an answer gets
    AAA 42 (unable to respond now, resubmission allowed) unless it only carries
    dependents. Problems found while reading (:attr:`Subject.problems`,
    :attr:`Receiver.problems`) are answered with AAA automatically. A rejected source or
    receiver is answered without the levels below it, as the guide shows."""
    delimiters = delimiters or inquiry.delimiters
    receiver_rejections = receiver_rejections or {}
    source_rejections = source_rejections or {}
    clean = Cleaner(delimiters)
    body: list[list[str]] = [
        ["BHT", "0022", "11", clean(inquiry.reference), at.strftime("%Y%m%d"), at.strftime("%H%M")]
    ]
    for source in inquiry.sources:
        rejected = tuple(source_rejections.get(source.hl_id, ()))
        body.append(["HL", source.hl_id, "", "20", "0" if rejected else "1"])
        body.append(name_segment(source.name, clean))
        body.extend(_aaa(r) for r in rejected)
        if rejected:
            continue
        for receiver in source.receivers:
            refused = tuple(receiver.problems) + tuple(receiver_rejections.get(receiver.hl_id, ()))
            body.append(["HL", receiver.hl_id, source.hl_id, "21", "0" if refused else "1"])
            body.append(name_segment(receiver.name, clean))
            body.extend(_aaa(r) for r in _unique(refused))
            if refused:
                continue
            for subject in receiver.subjects:
                answer = answers.get(subject.hl_id)
                if answer is None:
                    answer = SubjectAnswer() if subject.has_children else _NO_ANSWER
                body.extend(_subject(subject, answer, delimiters, clean))
    interchange = Interchange(
        sender_qualifier=inquiry.receiver_qualifier,
        sender_id=inquiry.receiver_id,
        receiver_qualifier=inquiry.sender_qualifier,
        receiver_id=inquiry.sender_id,
        control_number=control_number,
        functional_id="HB",
        application_sender=inquiry.application_receiver,
        application_receiver=inquiry.application_sender,
        version=VERSION,
        usage=inquiry.usage,
    )
    return build_interchange(interchange, [("271", body)], at=at, delimiters=delimiters)


def _unique(rejections: Sequence[Rejection]) -> list[Rejection]:
    seen: set[str] = set()
    out = []
    for rejection in rejections:
        if rejection.code not in seen:
            seen.add(rejection.code)
            out.append(rejection)
    return out


def _aaa(rejection: Rejection) -> list[str]:
    return ["AAA", "Y" if rejection.valid_request else "N", "", rejection.code, rejection.follow_up]


def _d8(qualifier: str, day: dt.date) -> list[str]:
    return ["DTP", qualifier, "D8", day.strftime("%Y%m%d")]


def _dates(qualifier: str, dates: DateRange) -> list[str]:
    if dates.is_single_day:
        return _d8(qualifier, dates.start)
    return ["DTP", qualifier, "RD8", f"{dates.start:%Y%m%d}-{dates.end:%Y%m%d}"]


def _subject(
    subject: Subject, answer: SubjectAnswer, delimiters: Delimiters, clean: Cleaner
) -> list[list[str]]:
    entity = "IL" if subject.level == "22" else "03"
    out: list[list[str]] = [
        [
            "HL",
            subject.hl_id,
            subject.parent_id,
            subject.level,
            "1" if subject.has_children else "0",
        ]
    ]
    out.extend(["TRN", "2", t.reference, t.originator, t.supplemental] for t in subject.traces)
    member = answer.member
    if member is not None:
        out.append(
            [
                "NM1",
                entity,
                "1",
                clean(member.last_name),
                clean(member.first_name),
                clean(member.middle_name),
                "",
                clean(member.suffix),
                "MI" if member.member_id and entity == "IL" else "",
                clean(member.member_id) if entity == "IL" else "",
            ]
        )
        if member.group_number:
            out.append(["REF", "6P", clean(member.group_number), clean(member.group_name)])
        if member.address_lines:
            out.append(["N3", *(clean(line) for line in member.address_lines[:2])])
        if member.city or member.state or member.postal_code:
            out.append(["N4", clean(member.city), member.state, member.postal_code])
    elif subject.name is not None:
        name = subject.name
        if entity == "03":
            name = Name(name.entity, name.entity_type, name.last, name.first, name.middle)
        out.append(name_segment(name, clean))
    out.extend(_aaa(r) for r in _unique(subject.problems + answer.rejections))
    if member is not None and member.birth_date is not None:
        out.append(["DMG", "D8", member.birth_date.strftime("%Y%m%d"), member.gender])
    if answer.plan_begin:
        out.append(_d8("346", answer.plan_begin))
    if answer.plan_end:
        out.append(_d8("347", answer.plan_end))
    if answer.eligibility_begin:
        out.append(_d8("356", answer.eligibility_begin))
    service_dates = answer.service_dates or subject.service_dates
    if service_dates:
        out.append(_dates("291", service_dates))
    for line in answer.benefits:
        out.extend(_benefit(line, delimiters, clean))
    return out


def _benefit(line: BenefitLine, delimiters: Delimiters, clean: Cleaner) -> list[list[str]]:
    if (
        line.information in _ACTIVE_OR_INACTIVE
        and "30" in line.service_types
        and not line.plan_description
    ):
        raise ValueError("EB05 plan description is required with EB01 coverage and EB03 30.")
    if line.percent is not None and not Decimal(0) <= line.percent <= Decimal(1):
        raise ValueError("EB08 is a fraction between 0 and 1 (0.2 for 20 %).")
    if line.authorization_required not in ("", "Y", "N", "U"):
        raise ValueError("EB11 (authorization required) is Y, N or U.")
    if line.in_network not in ("", "Y", "N", "W"):
        raise ValueError("EB12 (in plan network) is Y, N or W (not applicable).")
    if line.provider is not None and line.information != "L" and line.provider.entity == "P3":
        raise ValueError("A primary care provider (NM1*P3) belongs with EB01 L.")
    out: list[list[str]] = [
        [
            "EB",
            line.information,
            line.coverage_level,
            delimiters.repetition.join(line.service_types),
            line.insurance_type,
            clean(line.plan_description),
            line.time_period,
            decimal_text(line.amount),
            decimal_text(line.percent),
            line.quantity_qualifier if line.quantity is not None else "",
            decimal_text(line.quantity),
            line.authorization_required,
            line.in_network,
        ]
    ]
    out.extend(["MSG", clean(message)[:264]] for message in line.messages)
    provider = line.provider
    if provider is not None:
        out.append(["LS", "2120"])
        out.append(
            [
                "NM1",
                provider.entity,
                "2" if provider.organization else "1",
                clean(provider.last_name),
                clean(provider.first_name),
                "",
                "",
                "",
                "XX" if provider.npi else "",
                provider.npi,
            ]
        )
        out.append(["LE", "2120"])
    return out
