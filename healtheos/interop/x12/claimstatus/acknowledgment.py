"""Writing the 277CA claim acknowledgment (005010X214) for a received 837 batch.

The hierarchy is the guide's: HL 20 the payer (with the batch's receipt trace and the
received and processed dates), HL 21 the submitter (the 837's BHT03 as trace, batch
totals), HL 19 each billing provider (its totals) and one HL PT per claim with the 837's
CLM01 patient control number as TRN*2.

Totals are counted from the claims: QTY*90/AA and AMT*YU/YY (accepted and rejected
counts and amounts) for the submitter, QTY*QA/QC and AMT*YU/YY for each billing provider
(the guide gives the provider level its own quantity qualifiers). A claim is rejected
when any of its statuses has a rejecting category (A3, A4, A6, A7, A8; STC03 U) and
accepted otherwise (STC03 WQ); only accepted claims carry the payer claim number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from healtheos.interop.x12.claimstatus.codes import ACKNOWLEDGMENT_VERSION, REJECTED_CATEGORIES
from healtheos.interop.x12.claimstatus.status import (
    ClaimStatus,
    LineStatus,
    line_segments,
    stc_segments,
)
from healtheos.interop.x12.eligibility.segments import (
    Cleaner,
    DateRange,
    Name,
    dates_segment,
    day_segment,
    name_segment,
    x12_decimal,
)
from healtheos.interop.x12.envelope import Envelope
from healtheos.interop.x12.tokenizer import Delimiters
from healtheos.interop.x12.writer import Interchange, Written, build_interchange, serialize

#: STC01 of the submitter and billing provider levels: receipt acknowledged by the payer.
RECEIVED = ClaimStatus("A1", "19", "PR")


@dataclass(frozen=True)
class ClaimAcknowledgment:
    """What the payer says about one claim of the batch. ``statuses`` are e.g. A1:20
    (received, accepted for processing), A2:20 (accepted into adjudication) or A7:454
    (rejected, procedure code invalid); ``lines`` name rejected service lines only (the
    guide allows STC03 U alone at 2220D). ``patient`` is NM1*QC with its member ID."""

    patient_control_number: str
    billing_provider: Name
    patient: Name
    statuses: tuple[ClaimStatus, ...]
    total_charge: Decimal
    service_dates: DateRange
    payer_claim_number: str = ""
    clearinghouse_trace: str = ""
    bill_type: str = ""
    status_date: dt.date | None = None
    message: str = ""
    lines: tuple[LineStatus, ...] = ()

    @property
    def rejected(self) -> bool:
        return any(status.category in REJECTED_CATEGORIES for status in self.statuses)


def build_277ca(
    *,
    original: Envelope,
    source: Name,
    receiver: Name,
    claims: Sequence[ClaimAcknowledgment],
    batch_reference: str,
    receipt_number: str,
    received: dt.date,
    at: dt.datetime,
    control_number: int,
    reference: str = "",
    delimiters: Delimiters | None = None,
) -> str:
    """The 277CA answering the 837 interchange whose envelope is ``original`` (sender
    and receiver turned around). ``source`` is the payer (NM1*PR), ``receiver`` the
    submitter (NM1*41 with its ETIN), ``batch_reference`` the 837's BHT03 and
    ``receipt_number`` the payer's own receipt trace for the batch (2200A TRN02).
    ``reference`` is BHT03 (default: the control number). For a batch too big to hold
    as objects, add its claims one by one to a :class:`Acknowledgment277CA`."""
    writer = Acknowledgment277CA(delimiters=delimiters or original.delimiters, at=at)
    for claim in claims:
        writer.add(claim)
    return writer.build(
        original=original,
        source=source,
        receiver=receiver,
        batch_reference=batch_reference,
        receipt_number=receipt_number,
        received=received,
        control_number=control_number,
        reference=reference,
    )


@dataclass
class _Tally:
    """Counts and amounts of accepted and rejected claims (QTY and AMT of a level)."""

    accepted: int = 0
    rejected: int = 0
    accepted_amount: Decimal = Decimal(0)
    rejected_amount: Decimal = Decimal(0)

    def add(self, claim: ClaimAcknowledgment) -> None:
        if claim.rejected:
            self.rejected += 1
            self.rejected_amount += claim.total_charge
        else:
            self.accepted += 1
            self.accepted_amount += claim.total_charge


@dataclass
class _ProviderClaims:
    tally: _Tally = field(default_factory=_Tally)
    #: Each claim's segments but its HL (numbered when the 277CA is built), as text.
    claims: list[Written] = field(default_factory=list)


class Acknowledgment277CA:
    """A 277CA built claim by claim: each claim is written at once and kept as text (a
    few hundred bytes) with its billing provider's totals, so that a batch of 100,000
    claims never exists as objects. :meth:`build` writes the interchange."""

    def __init__(self, *, delimiters: Delimiters, at: dt.datetime) -> None:
        self.delimiters = delimiters
        self.at = at
        self.clean = Cleaner(delimiters)
        self.tally = _Tally()
        self.providers: dict[Name, _ProviderClaims] = {}

    def add(self, claim: ClaimAcknowledgment) -> None:
        provider = replace(claim.billing_provider, entity="85")
        group = self.providers.get(provider)
        if group is None:
            group = self.providers[provider] = _ProviderClaims()
        self.tally.add(claim)
        group.tally.add(claim)
        segments = _claim(claim, "", "", self.delimiters, self.clean, self.at.date())[1:]
        group.claims.append(Written(serialize(segments, self.delimiters), len(segments)))

    def __len__(self) -> int:
        return self.tally.accepted + self.tally.rejected

    def build(
        self,
        *,
        original: Envelope,
        source: Name,
        receiver: Name,
        batch_reference: str,
        receipt_number: str,
        received: dt.date,
        control_number: int,
        reference: str = "",
    ) -> str:
        """The interchange (see :func:`build_277ca` for the arguments)."""
        body = self.body(
            source=source,
            receiver=receiver,
            batch_reference=batch_reference,
            receipt_number=receipt_number,
            received=received,
            reference=reference or str(control_number),
        )
        return build_interchange(
            acknowledgment_interchange(original, control_number),
            [("277", body)],
            at=self.at,
            delimiters=self.delimiters,
        )

    def body(
        self,
        *,
        source: Name,
        receiver: Name,
        batch_reference: str,
        receipt_number: str,
        received: dt.date,
        reference: str,
    ) -> list[Sequence[str] | Written]:
        """The set's segments between ST and SE (several sets, one per 837 set, can share
        an interchange: :func:`acknowledgment_interchange`)."""
        if not len(self):
            raise ValueError("A 277CA acknowledges at least one claim.")
        delimiters, clean, at = self.delimiters, self.clean, self.at
        today = at.date()
        payer = replace(source, entity="PR", entity_type="2")
        submitter = replace(receiver, entity="41")
        body: list[Sequence[str] | Written] = [
            [
                "BHT",
                "0085",
                "08",
                clean(reference),
                at.strftime("%Y%m%d"),
                at.strftime("%H%M"),
                "TH",
            ],
            ["HL", "1", "", "20", "1"],
            name_segment(payer, clean),
            ["TRN", "1", clean(receipt_number)],
            day_segment("050", received),
            day_segment("009", today),
            ["HL", "2", "1", "21", "1"],
            name_segment(submitter, clean),
            ["TRN", "2", clean(batch_reference)],
        ]
        body.extend(_totals(self.tally, delimiters, today, ("90", "AA")))
        number = 2
        for provider, group in self.providers.items():
            number += 1
            provider_id = str(number)
            body.append(["HL", provider_id, "2", "19", "1"])
            body.append(name_segment(provider, clean))
            body.append(["TRN", "1", "0"])  # no provider-level trace was sent in the 837
            body.extend(_totals(group.tally, delimiters, None, ("QA", "QC")))
            for written in group.claims:
                number += 1
                body.append(["HL", str(number), provider_id, "PT"])
                body.append(written)
        return body


def acknowledgment_interchange(original: Envelope, control_number: int) -> Interchange:
    """The envelope of 277CAs answering the interchange ``original`` (sender and receiver
    turned around)."""
    group = original.groups[0] if original.groups else None
    return Interchange(
        sender_qualifier=original.receiver_qualifier,
        sender_id=original.receiver_id,
        receiver_qualifier=original.sender_qualifier,
        receiver_id=original.sender_id,
        control_number=control_number,
        functional_id="HN",
        application_sender=group.application_receiver if group else original.receiver_id,
        application_receiver=group.application_sender if group else original.sender_id,
        version=ACKNOWLEDGMENT_VERSION,
        usage=original.usage if original.usage in ("P", "T") else "P",
    )


def _totals(
    tally: _Tally,
    delimiters: Delimiters,
    date: dt.date | None,
    qualifiers: tuple[str, str],
) -> list[list[str]]:
    total = tally.accepted_amount + tally.rejected_amount
    action = "WQ" if tally.accepted else "U"
    out = stc_segments([RECEIVED], delimiters, date=date, action=action, charge=total)
    if tally.accepted:
        out.append(["QTY", qualifiers[0], str(tally.accepted)])
    if tally.rejected:
        out.append(["QTY", qualifiers[1], str(tally.rejected)])
    if tally.accepted:
        out.append(["AMT", "YU", x12_decimal(tally.accepted_amount)])
    if tally.rejected:
        out.append(["AMT", "YY", x12_decimal(tally.rejected_amount)])
    return out


def _claim(
    claim: ClaimAcknowledgment,
    hl_id: str,
    parent_id: str,
    delimiters: Delimiters,
    clean: Cleaner,
    today: dt.date,
) -> list[list[str]]:
    if not claim.statuses:
        raise ValueError(f"Claim {claim.patient_control_number!r} has no status.")
    if not claim.patient.identifier:
        raise ValueError("The patient's member ID (NM109) is required in a 277CA.")
    patient = replace(
        claim.patient,
        entity="QC",
        entity_type="1",
        id_qualifier=claim.patient.id_qualifier if claim.patient.id_qualifier == "II" else "MI",
    )
    date = claim.status_date or today
    out = [
        ["HL", hl_id, parent_id, "PT"],
        name_segment(patient, clean),
        ["TRN", "2", clean(claim.patient_control_number)],
    ]
    out.extend(
        stc_segments(
            claim.statuses,
            delimiters,
            date=date,
            action="U" if claim.rejected else "WQ",
            charge=claim.total_charge,
            message=clean(claim.message)[:264],
        )
    )
    if claim.payer_claim_number and not claim.rejected:
        out.append(["REF", "1K", clean(claim.payer_claim_number)])
    if claim.clearinghouse_trace:
        out.append(["REF", "D9", clean(claim.clearinghouse_trace)])
    if claim.bill_type:
        out.append(["REF", "BLT", clean(claim.bill_type)])
    out.append(dates_segment("472", claim.service_dates))
    for line in claim.lines:
        out.extend(
            line_segments(line, delimiters, clean, date=date, action="U", payment_required=False)
        )
    return out
