"""Writing the 277 claim status response (005010X212) that answers a 276."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from healtheos.interop.x12.claimstatus.codes import VERSION
from healtheos.interop.x12.claimstatus.inquiry import ClaimInquiry, Inquiry276, Patient
from healtheos.interop.x12.claimstatus.status import (
    NO_ANSWER,
    NOT_FOUND,
    ClaimStatus,
    ClaimStatusAnswer,
    line_segments,
    stc_segments,
)
from healtheos.interop.x12.eligibility.segments import (
    Cleaner,
    Name,
    dates_segment,
    name_segment,
)
from healtheos.interop.x12.tokenizer import Delimiters
from healtheos.interop.x12.writer import Interchange, build_interchange


def build_277(
    inquiry: Inquiry276,
    answers: Mapping[str, ClaimStatusAnswer],
    *,
    at: dt.datetime,
    control_number: int,
    receiver_statuses: Mapping[str, Sequence[ClaimStatus]] | None = None,
    provider_statuses: Mapping[str, Sequence[ClaimStatus]] | None = None,
    delimiters: Delimiters | None = None,
) -> str:
    """The 277 answering ``inquiry``: BHT*0010*08 with the 276's BHT03, its hierarchy
    and HL numbers echoed, each 276 TRN*1 returned as TRN*2, the envelope turned around
    and ISA13/GS06 taken from ``control_number``.

    ``answers`` are keyed by :attr:`ClaimInquiry.key`. A claim without an answer gets
    E1:0 (see :data:`NO_ANSWER`); a claim with reading problems is answered with them
    (E0 statuses) whatever its answer says, because its request data is in error.

    ``receiver_statuses`` and ``provider_statuses`` (keyed by HL01, e.g. E0:24:41 for a
    submitter not approved) reject a whole level: it is answered with its own TRN and STC
    (2200B, 2200C) and without the levels below it, as are providers with reading
    problems (an invalid NPI).

    STC03 (action code) is left empty: 005010X212 marks it not used; the action codes
    (WQ accept, U reject) belong to the 277CA (:func:`build_277ca`)."""
    delimiters = delimiters or inquiry.delimiters
    receiver_statuses = receiver_statuses or {}
    provider_statuses = provider_statuses or {}
    clean = Cleaner(delimiters)
    today = at.date()
    body: list[list[str]] = [
        [
            "BHT",
            "0010",
            "08",
            clean(inquiry.reference),
            at.strftime("%Y%m%d"),
            at.strftime("%H%M"),
            "DG",
        ]
    ]
    for source in inquiry.sources:
        body.append(["HL", source.hl_id, "", "20", "1"])
        body.append(_name(source.name, clean))
        for receiver in source.receivers:
            refused = tuple(receiver_statuses.get(receiver.hl_id, ()))
            body.append(["HL", receiver.hl_id, source.hl_id, "21", "0" if refused else "1"])
            body.append(_name(receiver.name, clean))
            if refused:
                body.append(["TRN", "2", clean(inquiry.reference)])
                body.extend(stc_segments(refused, delimiters, date=today))
                continue
            for provider in receiver.providers:
                refused = tuple(provider.problems) + tuple(
                    provider_statuses.get(provider.hl_id, ())
                )
                body.append(["HL", provider.hl_id, receiver.hl_id, "19", "0" if refused else "1"])
                body.append(_name(provider.name, clean))
                if refused:
                    # 2200C's TRN01 is 1 in the guide; its trace echoes the 276's BHT03.
                    body.append(["TRN", "1", clean(inquiry.reference)])
                    body.extend(stc_segments(_unique(refused), delimiters, date=today))
                    continue
                for patient in provider.patients:
                    body.extend(_patient(patient, answers, delimiters, clean, today))
    interchange = Interchange(
        sender_qualifier=inquiry.receiver_qualifier,
        sender_id=inquiry.receiver_id,
        receiver_qualifier=inquiry.sender_qualifier,
        receiver_id=inquiry.sender_id,
        control_number=control_number,
        functional_id="HN",
        application_sender=inquiry.application_receiver,
        application_receiver=inquiry.application_sender,
        version=VERSION,
        usage=inquiry.usage,
    )
    return build_interchange(interchange, [("277", body)], at=at, delimiters=delimiters)


def _unique(statuses: Sequence[ClaimStatus]) -> list[ClaimStatus]:
    out: list[ClaimStatus] = []
    for status in statuses:
        if status not in out:
            out.append(status)
    return out


def _name(name: Name, clean: Cleaner) -> list[str]:
    return name_segment(name, clean)


def _patient(
    patient: Patient,
    answers: Mapping[str, ClaimStatusAnswer],
    delimiters: Delimiters,
    clean: Cleaner,
    today: dt.date,
) -> list[list[str]]:
    if patient.is_dependent:
        # 2000E has no HL04 and 2100E no identifier (the dependent is named, not keyed).
        name = patient.name
        out = [
            ["HL", patient.hl_id, patient.parent_id, "23"],
            name_segment(
                Name(name.entity, "1", name.last, name.first, name.middle, name.suffix), clean
            ),
        ]
    else:
        out = [
            ["HL", patient.hl_id, patient.parent_id, "22", "1" if patient.has_children else "0"],
            name_segment(patient.name, clean),
        ]
    for claim in patient.claims:
        out.extend(_claim(claim, answers.get(claim.key), delimiters, clean, today))
    return out


def _claim(
    claim: ClaimInquiry,
    answer: ClaimStatusAnswer | None,
    delimiters: Delimiters,
    clean: Cleaner,
    today: dt.date,
) -> list[list[str]]:
    out = [["TRN", "2", clean(claim.trace.reference)]]
    if claim.problems or answer is None:
        statuses = list(claim.problems) or [NO_ANSWER]
        out.extend(stc_segments(statuses, delimiters, date=today, charge=claim.total_charge))
        out.extend(_references(claim, None, clean))
        if claim.service_dates:
            out.append(dates_segment("472", claim.service_dates))
        return out
    statuses = ([NOT_FOUND] if answer.not_found else []) + list(answer.statuses)
    if not statuses:
        raise ValueError(f"The answer for claim {claim.key} has no status.")
    charge = answer.total_charge if answer.total_charge is not None else claim.total_charge
    out.extend(
        stc_segments(
            _unique(statuses),
            delimiters,
            date=answer.status_date or today,
            charge=charge,
            payment=answer.payment_amount,
            adjudicated=answer.adjudication_date,
            check_date=answer.check_date,
            check_number=clean(answer.check_number),
        )
    )
    out.extend(_references(claim, answer, clean))
    service_dates = answer.service_dates or claim.service_dates
    if service_dates:
        out.append(dates_segment("472", service_dates))
    for line in answer.lines:
        out.extend(line_segments(line, delimiters, clean, date=answer.status_date or today))
    return out


def _references(
    claim: ClaimInquiry, answer: ClaimStatusAnswer | None, clean: Cleaner
) -> list[list[str]]:
    """REF*1K, BLT, EJ, XZ, VV, D9 in the guide's order; the answer's values win, and a
    claim that was not found gets no payer claim number."""

    def pick(mine: str | None, asked: str) -> str:
        return mine if mine is not None else asked

    if answer is None:
        values = {"1K": claim.payer_claim_number}
    elif answer.not_found:
        values = {"1K": ""}
    else:
        values = {"1K": answer.payer_claim_number or claim.payer_claim_number}
    values["BLT"] = pick(answer.bill_type if answer else None, claim.bill_type)
    values["EJ"] = pick(
        answer.patient_account_number if answer else None, claim.patient_account_number
    )
    values["XZ"] = claim.reference("XZ")
    values["VV"] = claim.reference("VV")
    values["D9"] = pick(answer.clearinghouse_trace if answer else None, claim.clearinghouse_trace)
    return [["REF", key, clean(value)] for key, value in values.items() if value]
