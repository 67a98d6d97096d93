"""Writing 835s from :class:`Remittance` values: :func:`build_835` for one payment,
:func:`build_835_batch` for one interchange holding many (one ST..SE per payment, as a
payment cycle produces per payee).

Consecutive adjustments with the same group code share a CAS segment (up to six reasons
each) and consecutive provider adjustments with the same provider and period share a PLB
(up to six pairs), which is how the reader flattens them, so reading the output gives back
what was written. Free text has delimiter characters replaced by spaces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from healtheos.interop.x12.eligibility.segments import (
    Cleaner,
    Name,
    decimal_text,
    name_segment,
)
from healtheos.interop.x12.remittance.model import (
    Adjustment,
    BankAccount,
    ClaimPayment,
    Party,
    ProviderAdjustment,
    Remittance,
    ServiceLine,
)
from healtheos.interop.x12.remittance.reader import VERSION
from healtheos.interop.x12.tokenizer import Delimiters
from healtheos.interop.x12.writer import (
    DEFAULT,
    Interchange,
    build_interchange,
    envelope_head,
    serialize,
)


def _money(value: Decimal) -> str:
    return decimal_text(value)


def _day(value: dt.date) -> str:
    return value.strftime("%Y%m%d")


def build_835(
    remittance: Remittance,
    *,
    at: dt.datetime,
    control_number: int,
    sender_id: str,
    receiver_id: str,
    sender_qualifier: str = "ZZ",
    receiver_qualifier: str = "ZZ",
    usage: str = "P",
    delimiters: Delimiters = DEFAULT,
    newline: bool = False,
) -> str:
    """One interchange carrying one 835 for ``remittance``."""
    return build_835_batch(
        [remittance],
        at=at,
        control_number=control_number,
        sender_id=sender_id,
        receiver_id=receiver_id,
        sender_qualifier=sender_qualifier,
        receiver_qualifier=receiver_qualifier,
        usage=usage,
        delimiters=delimiters,
        newline=newline,
    )


def build_835_batch(
    remittances: Sequence[Remittance],
    *,
    at: dt.datetime,
    control_number: int,
    sender_id: str,
    receiver_id: str,
    sender_qualifier: str = "ZZ",
    receiver_qualifier: str = "ZZ",
    usage: str = "P",
    delimiters: Delimiters = DEFAULT,
    newline: bool = False,
) -> str:
    """One interchange (ISA13 ``control_number``) with one HP group and one 835 set per
    remittance, ST02 numbered 0001 upwards."""
    interchange = Interchange(
        sender_qualifier,
        sender_id,
        receiver_qualifier,
        receiver_id,
        control_number,
        "HP",
        sender_id,
        receiver_id,
        VERSION,
        usage=usage,
    )
    writer = _Writer(delimiters)
    sets = [("835", writer.body(remittance)) for remittance in remittances]
    return build_interchange(
        interchange,
        sets,
        at=at,
        delimiters=delimiters,
        newline=newline,
        implementation_reference=False,  # the 835 guide marks ST03 not used
    )


def wrap_835(
    body: Sequence[Sequence[str]],
    *,
    at: dt.datetime,
    control_number: int,
    sender_id: str,
    receiver_id: str,
    usage: str = "P",
    delimiters: Delimiters = DEFAULT,
) -> str:
    """One interchange carrying one 835 whose body (the segments between ST and SE, as a
    reader read them) is kept element for element in the delimiters it was read in: what
    835 ingest stores, without writing the payment again from its model."""
    interchange = Interchange(
        "ZZ",
        sender_id,
        "ZZ",
        receiver_id,
        control_number,
        "HP",
        sender_id,
        receiver_id,
        VERSION,
        usage=usage,
    )
    element, end = delimiters.element, delimiters.segment
    number = f"{control_number:09d}"
    return "".join(
        (
            serialize(envelope_head(interchange, at=at, delimiters=delimiters), delimiters),
            f"ST{element}835{element}0001{end}",
            end.join([element.join(segment) for segment in body]),
            end if body else "",
            f"SE{element}{len(body) + 2}{element}0001{end}",
            f"GE{element}1{element}{control_number}{end}",
            f"IEA{element}1{element}{number}{end}",
        )
    )


class _Writer:
    def __init__(self, delimiters: Delimiters) -> None:
        self.delimiters = delimiters
        self.clean = Cleaner(delimiters)

    def body(self, remittance: Remittance) -> list[list[str]]:
        clean = self.clean
        out: list[list[str]] = [self._bpr(remittance)]
        trace = remittance.trace
        out.append(
            ["TRN", trace.type_code, clean(trace.reference), trace.originator, trace.supplemental]
        )
        if remittance.receiver_id:
            out.append(["REF", "EV", clean(remittance.receiver_id)])
        if remittance.production_date:
            out.append(["DTM", "405", _day(remittance.production_date)])
        self._party(remittance.payer, out)
        self._party(remittance.payee, out)
        header: str | None = None
        for claim in remittance.claims:
            if claim.header != header:
                header = claim.header
                out.append(["LX", claim.header or "1"])
            self._claim(claim, out)
        self._plb(remittance.provider_adjustments, out)
        return out

    def _bpr(self, remittance: Remittance) -> list[str]:
        def account(value: BankAccount | None) -> list[str]:
            if value is None:
                return ["", "", "", ""]
            return [
                value.dfi_qualifier,
                value.dfi_number,
                value.account_qualifier,
                self.clean(value.account_number),
            ]

        return [
            "BPR",
            remittance.handling,
            _money(remittance.total_paid),
            remittance.credit_debit,
            remittance.method,
            remittance.payment_format,
            *account(remittance.sender_account),
            remittance.originator_id,
            remittance.originator_supplemental,
            *account(remittance.receiver_account),
            _day(remittance.payment_date),
        ]

    def _party(self, party: Party, out: list[list[str]]) -> None:
        clean = self.clean
        out.append(
            [
                "N1",
                party.entity,
                clean(party.name),
                party.id_qualifier if party.identifier else "",
                clean(party.identifier),
            ]
        )
        if party.address_lines:
            out.append(["N3", *(clean(line) for line in party.address_lines[:2])])
        if party.city or party.state or party.postal_code:
            out.append(["N4", clean(party.city), party.state, party.postal_code, party.country])
        for qualifier, value in party.references:
            out.append(["REF", qualifier, clean(value)])
        for contact in party.contacts:
            numbers = [part for pair in contact.numbers[:3] for part in pair]
            out.append(["PER", contact.function, clean(contact.name), *map(clean, numbers)])

    def _cas(self, adjustments: Sequence[Adjustment], out: list[list[str]]) -> None:
        segment: list[str] = []
        for adjustment in adjustments:
            if not segment or segment[1] != adjustment.group or len(segment) >= 20:
                segment = ["CAS", adjustment.group]
                out.append(segment)
            quantity = adjustment.quantity
            segment += [
                adjustment.reason,
                _money(adjustment.amount),
                "" if quantity is None else decimal_text(quantity),
            ]

    def _name(self, name: Name | None, out: list[list[str]]) -> None:
        if name is not None:
            out.append(name_segment(name, self.clean))

    def _claim(self, claim: ClaimPayment, out: list[list[str]]) -> None:
        clean = self.clean
        out.append(
            [
                "CLP",
                clean(claim.patient_control_number),
                claim.status,
                _money(claim.charge),
                _money(claim.paid),
                decimal_text(claim.patient_responsibility),
                claim.filing_indicator,
                clean(claim.payer_claim_number),
                claim.facility_code,
                claim.frequency,
                "",
                claim.drg_code,
            ]
        )
        self._cas(claim.adjustments, out)
        self._name(claim.patient, out)
        self._name(claim.insured, out)
        self._name(claim.rendering, out)
        for qualifier, value in claim.references:
            out.append(["REF", qualifier, clean(value)])
        for qualifier, day in (
            ("232", claim.statement_start),
            ("233", claim.statement_end),
            ("050", claim.received),
        ):
            if day is not None:
                out.append(["DTM", qualifier, _day(day)])
        for qualifier, amount in claim.amounts:
            out.append(["AMT", qualifier, _money(amount)])
        for line in claim.lines:
            self._line(line, out)

    def _line(self, line: ServiceLine, out: list[list[str]]) -> None:
        clean, component = self.clean, self.delimiters.component
        procedure = [line.qualifier, clean(line.code), *map(clean, line.modifiers)]
        if line.description:
            procedure += [""] * (6 - len(procedure)) + [clean(line.description)]
        out.append(
            [
                "SVC",
                component.join(procedure),
                _money(line.charge),
                _money(line.paid),
                line.revenue_code,
                decimal_text(line.units),
                component.join(map(clean, line.submitted)),
                decimal_text(line.submitted_units),
            ]
        )
        for qualifier, day in (
            ("472", line.service_date),
            ("150", line.service_start),
            ("151", line.service_end),
        ):
            if day is not None:
                out.append(["DTM", qualifier, _day(day)])
        self._cas(line.adjustments, out)
        for qualifier, value in line.references:
            out.append(["REF", qualifier, clean(value)])
        for qualifier, amount in line.amounts:
            out.append(["AMT", qualifier, _money(amount)])
        for remark in line.remarks:
            out.append(["LQ", "HE", remark])

    def _plb(self, adjustments: Sequence[ProviderAdjustment], out: list[list[str]]) -> None:
        segment: list[str] = []
        key: tuple[str, dt.date] | None = None
        component = self.delimiters.component
        for adjustment in adjustments:
            this = (adjustment.provider_id, adjustment.fiscal_period_end)
            if this != key or len(segment) >= 15:
                key = this
                segment = ["PLB", self.clean(adjustment.provider_id), _day(this[1])]
                out.append(segment)
            reason = adjustment.reason
            if adjustment.reference:
                reason += component + self.clean(adjustment.reference)
            segment += [reason, _money(adjustment.amount)]
