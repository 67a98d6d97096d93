"""Writing an 837P (005010X222A1) or 837I (005010X223A2) from the model's dataclasses: the
claim a web form collects becomes the claim an 837P would carry, and reading it back gives
equal data.

Consecutive claims with an equal billing provider share one HL 20, and with an equal
subscriber one HL 22; a claim with a ``patient`` gets an HL 23. The 2310 providers are
written in each guide's order (837P: DN, 82, 77, DQ; 837I: 71, 72, ZZ, 82, 77, DN; then
any others). An 837I claim carries its statement dates (DTP*434) and CL1 from the claim,
its principal, admitting and other diagnoses in HI segments of their own, and SV2 lines
with revenue codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal

from healtheos.interop.x12.claims.codes import INSTITUTIONAL_VERSION, PROFESSIONAL_VERSION
from healtheos.interop.x12.claims.model import (
    Address,
    BillingProvider,
    Claim,
    ClaimBatch,
    HealthCode,
    Party,
    Patient,
    ServiceLine,
    Subscriber,
)
from healtheos.interop.x12.eligibility.segments import DateRange, Name
from healtheos.interop.x12.tokenizer import Delimiters
from healtheos.interop.x12.writer import DEFAULT, Interchange, build_interchange

Row = list[str]
Join = Callable[[Iterable[str]], str]
_PROVIDER_ORDER = {"DN": 0, "P3": 0, "82": 1, "77": 2, "DQ": 3, "PW": 4, "45": 5}
_INSTITUTIONAL_ORDER = {"71": 0, "72": 1, "ZZ": 2, "82": 3, "77": 4, "DN": 5}
#: PRV01 of a 2310 provider's taxonomy in an 837I (attending, operating, other).
_INSTITUTIONAL_PRV = {"71": "AT", "72": "OP", "ZZ": "OT"}
#: 837I HI segments, in the guide's order: each qualifier group is a segment of its own.
_HI_ORDER = ("ABK", "BK", "ABJ", "BJ", "APR", "PR", "ABN", "BN", "DR", "ABF", "BF")
_OTHER_HI_ORDER = ("BBR", "BR", "CAH", "BBQ", "BQ", "BI", "BH", "BE", "BG", "TC")


def build_837p(
    batch: ClaimBatch,
    *,
    at: dt.datetime,
    control_number: int,
    delimiters: Delimiters = DEFAULT,
    usage: str = "P",
    newline: bool = False,
) -> str:
    """The batch as one 837P interchange (ISA/GS addressed from the submitter's and the
    receiver's identifiers; BHT04/05 and the envelope dated ``at``)."""
    return build_837p_sets(
        [batch],
        at=at,
        control_number=control_number,
        delimiters=delimiters,
        usage=usage,
        newline=newline,
    )


def build_837p_sets(
    batches: Sequence[ClaimBatch],
    *,
    at: dt.datetime,
    control_number: int,
    delimiters: Delimiters = DEFAULT,
    usage: str = "P",
    newline: bool = False,
) -> str:
    """Batches as the sets of one 837P interchange, addressed from the first batch's
    submitter and receiver (the guide advises at most 5,000 claims a set)."""
    return _build(batches, PROFESSIONAL_VERSION, at, control_number, delimiters, usage, newline)


def build_837i(
    batch: ClaimBatch,
    *,
    at: dt.datetime,
    control_number: int,
    delimiters: Delimiters = DEFAULT,
    usage: str = "P",
    newline: bool = False,
) -> str:
    """The batch as one 837I interchange (005010X223A2), addressed like :func:`build_837p`."""
    return _build([batch], INSTITUTIONAL_VERSION, at, control_number, delimiters, usage, newline)


def _build(
    batches: Sequence[ClaimBatch],
    version: str,
    at: dt.datetime,
    control_number: int,
    delimiters: Delimiters,
    usage: str,
    newline: bool,
) -> str:
    if not batches:
        raise ValueError("An 837 holds at least one batch.")
    batch = batches[0]
    professional = version == PROFESSIONAL_VERSION
    interchange = Interchange(
        sender_qualifier="ZZ",
        sender_id=batch.submitter.name.identifier[:15],
        receiver_qualifier="ZZ",
        receiver_id=batch.receiver.identifier[:15],
        control_number=control_number,
        functional_id="HC",
        application_sender=batch.submitter.name.identifier,
        application_receiver=batch.receiver.identifier,
        version=version,
        usage=usage,
    )
    sets = [("837", list(_body(each, at, delimiters, professional))) for each in batches]
    return build_interchange(interchange, sets, at=at, delimiters=delimiters, newline=newline)


def _body(
    batch: ClaimBatch, at: dt.datetime, delimiters: Delimiters, professional: bool
) -> Iterator[Row]:
    yield [
        "BHT",
        "0019",
        batch.purpose,
        batch.reference,
        at.strftime("%Y%m%d"),
        at.strftime("%H%M"),
        batch.claim_type,
    ]
    yield _name(batch.submitter.name)
    for contact in batch.submitter.contacts:
        yield ["PER", "IC", contact.name, *(value for pair in contact.numbers for value in pair)]
    yield _name(batch.receiver)
    hl = 0
    claims = batch.claims
    index = 0
    while index < len(claims):
        provider = claims[index].billing_provider
        hl += 1
        provider_hl = hl
        yield ["HL", str(hl), "", "20", "1"]
        yield from _provider(provider)
        while index < len(claims) and claims[index].billing_provider == provider:
            subscriber = claims[index].subscriber
            run = index
            while (
                run < len(claims)
                and claims[run].billing_provider == provider
                and claims[run].subscriber == subscriber
            ):
                run += 1
            has_patients = any(claim.patient is not None for claim in claims[index:run])
            hl += 1
            subscriber_hl = hl
            yield ["HL", str(hl), str(provider_hl), "22", "1" if has_patients else "0"]
            yield from _subscriber(subscriber)
            patient: Patient | None = None
            for claim in claims[index:run]:
                if claim.patient is not None and claim.patient != patient:
                    patient = claim.patient
                    hl += 1
                    yield ["HL", str(hl), str(subscriber_hl), "23", "0"]
                    yield from _patient(patient)
                if professional:
                    yield from _claim(claim, delimiters)
                else:
                    yield from _institutional_claim(claim, delimiters)
            index = run


def _name(name: Name) -> Row:
    return [
        "NM1",
        name.entity,
        name.entity_type,
        name.last,
        name.first,
        name.middle,
        "",
        name.suffix,
        name.id_qualifier,
        name.identifier,
    ]


def _address(address: Address | None) -> Iterator[Row]:
    if address is None:
        return
    yield ["N3", *address.lines[:2]]
    yield ["N4", address.city, address.state, address.postal_code, address.country]


def _demographics(born: dt.date | None, gender: str) -> Iterator[Row]:
    if born is not None:
        yield ["DMG", "D8", born.strftime("%Y%m%d"), gender]


def _provider(provider: BillingProvider) -> Iterator[Row]:
    if provider.taxonomy:
        yield ["PRV", "BI", "PXC", provider.taxonomy]
    yield _name(provider.name)
    yield from _address(provider.address)
    yield ["REF", "EI", provider.tin]
    if provider.pay_to is not None:
        yield _name(provider.pay_to.name)
        yield from _address(provider.pay_to.address)


def _subscriber(subscriber: Subscriber) -> Iterator[Row]:
    yield [
        "SBR",
        subscriber.payer_responsibility,
        subscriber.relationship,
        subscriber.group_number,
        subscriber.group_name,
        "",
        "",
        "",
        "",
        subscriber.claim_filing,
    ]
    yield _name(subscriber.name)
    yield from _address(subscriber.address)
    yield from _demographics(subscriber.birth_date, subscriber.gender)
    yield _name(subscriber.payer)


def _patient(patient: Patient) -> Iterator[Row]:
    yield ["PAT", patient.relationship]
    yield _name(patient.name)
    yield from _address(patient.address)
    yield from _demographics(patient.birth_date, patient.gender)


def _amount(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def _dates(qualifier: str, dates: DateRange) -> Row:
    if dates.is_single_day:
        return ["DTP", qualifier, "D8", dates.start.strftime("%Y%m%d")]
    span = f"{dates.start:%Y%m%d}-{dates.end:%Y%m%d}"
    return ["DTP", qualifier, "RD8", span]


def _party(party: Party, prv: str = "PE") -> Iterator[Row]:
    yield _name(party.name)
    if party.taxonomy:
        yield ["PRV", prv, "PXC", party.taxonomy]
    yield from _address(party.address)
    for qualifier, value in party.references:
        yield ["REF", qualifier, value]


def _claim(claim: Claim, delimiters: Delimiters) -> Iterator[Row]:
    join = delimiters.component.join
    yield [
        "CLM",
        claim.patient_control_number,
        _amount(claim.total_charge),
        "",
        "",
        join((claim.facility_code, claim.facility_qualifier, claim.frequency)),
        claim.provider_signature,
        claim.assignment,
        claim.benefits_assigned,
        claim.release_of_information,
    ]
    for qualifier, dates in claim.dates:
        yield _dates(qualifier, dates)
    for qualifier, value in (
        ("G1", claim.prior_authorization),
        ("F8", claim.original_claim_number),
        ("D9", claim.clearinghouse_trace),
    ):
        if value:
            yield ["REF", qualifier, value]
    if claim.diagnoses:
        yield ["HI", *(join((code.qualifier, code.code, *code.extra)) for code in claim.diagnoses)]
    for party in sorted(claim.providers, key=lambda p: _PROVIDER_ORDER.get(p.name.entity, 9)):
        yield from _party(party)
    for line in claim.lines:
        yield from _line(line, delimiters)


def _line(line: ServiceLine, delimiters: Delimiters) -> Iterator[Row]:
    join = delimiters.component.join
    procedure = line.procedure
    composite = (
        join((procedure.qualifier, procedure.code, *procedure.modifiers)) if procedure else ""
    )
    yield ["LX", str(line.number)]
    yield [
        "SV1",
        composite,
        _amount(line.charge),
        line.unit_qualifier,
        _amount(line.units),
        line.place_of_service,
        "",
        join(str(pointer) for pointer in line.diagnosis_pointers),
    ]
    if line.service_dates is not None:
        yield _dates("472", line.service_dates)
    if line.control_number:
        yield ["REF", "6R", line.control_number]
    if line.rendering is not None:
        yield from _party(line.rendering)


def _health_codes(codes: Sequence[HealthCode], order: Sequence[str], join: Join) -> Iterator[Row]:
    groups: dict[str, list[HealthCode]] = {}
    for code in codes:
        groups.setdefault(code.qualifier, []).append(code)
    rank = {qualifier: place for place, qualifier in enumerate(order)}
    for qualifier in sorted(groups, key=lambda q: rank.get(q, len(order))):
        group = groups[qualifier]
        # One composite per principal / admitting / reason HI; at most 12 in any HI.
        size = 1 if qualifier in ("ABK", "BK", "ABJ", "BJ") else 12
        for start in range(0, len(group), size):
            yield [
                "HI",
                *(join((c.qualifier, c.code, *c.extra)) for c in group[start : start + size]),
            ]


def _institutional_claim(claim: Claim, delimiters: Delimiters) -> Iterator[Row]:
    join = delimiters.component.join
    yield [
        "CLM",
        claim.patient_control_number,
        _amount(claim.total_charge),
        "",
        "",
        join((claim.facility_code, claim.facility_qualifier or "A", claim.frequency)),
        "",
        claim.assignment,
        claim.benefits_assigned,
        claim.release_of_information,
    ]
    for qualifier, dates in claim.dates:
        if qualifier == "435":
            # The admission is a DT (date and hour); the model keeps the day only.
            yield ["DTP", "435", "DT", f"{dates.start:%Y%m%d}0000"]
        elif qualifier == "434":  # the statement period is always a range (RD8)
            yield ["DTP", "434", "RD8", f"{dates.start:%Y%m%d}-{dates.end:%Y%m%d}"]
        else:
            yield _dates(qualifier, dates)
    if claim.admission_type or claim.admission_source or claim.patient_status:
        yield ["CL1", claim.admission_type, claim.admission_source, claim.patient_status]
    for qualifier, value in (
        ("F8", claim.original_claim_number),
        ("G1", claim.prior_authorization),
        ("D9", claim.clearinghouse_trace),
    ):
        if value:
            yield ["REF", qualifier, value]
    yield from _health_codes(claim.diagnoses, _HI_ORDER, join)
    yield from _health_codes(claim.other_codes, _OTHER_HI_ORDER, join)
    for party in sorted(claim.providers, key=lambda p: _INSTITUTIONAL_ORDER.get(p.name.entity, 9)):
        yield from _party(party, _INSTITUTIONAL_PRV.get(party.name.entity, "PE"))
    for line in claim.lines:
        procedure = line.procedure
        composite = (
            join((procedure.qualifier, procedure.code, *procedure.modifiers)) if procedure else ""
        )
        yield ["LX", str(line.number)]
        yield [
            "SV2",
            line.revenue_code,
            composite,
            _amount(line.charge),
            line.unit_qualifier,
            _amount(line.units),
        ]
        if line.service_dates is not None:
            yield _dates("472", line.service_dates)
        if line.control_number:
            yield ["REF", "6R", line.control_number]
        if line.rendering is not None:
            yield from _party(line.rendering)
