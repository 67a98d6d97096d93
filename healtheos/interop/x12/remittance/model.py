"""The 835 as plain frozen dataclasses: what the reader yields and the writer takes.

Amounts are :class:`~decimal.Decimal`. Repeating segments whose order carries no meaning
of its own (REF, AMT) are kept as (qualifier, value) pairs in file order, with properties
for the qualifiers the portal uses. CAS and PLB segments are flattened: one
:class:`Adjustment` per CAS reason triplet and one :class:`ProviderAdjustment` per PLB
reason pair, because balancing and storage both work per reason, not per segment.

``position`` fields hold the 1-based interchange position of the segment an object was
read from (0 when it was built in memory); they take no part in equality, so what the
reader reads back from :func:`build_835` compares equal to what was written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from healtheos.interop.x12.eligibility.segments import Name, Trace
from healtheos.interop.x12.tokenizer import Delimiters

#: CLP02 claim status codes.
CLAIM_STATUSES = {
    "1": "Processed as primary",
    "2": "Processed as secondary",
    "3": "Processed as tertiary",
    "4": "Denied",
    "19": "Processed as primary, forwarded to additional payer(s)",
    "20": "Processed as secondary, forwarded to additional payer(s)",
    "21": "Processed as tertiary, forwarded to additional payer(s)",
    "22": "Reversal of previous payment",
    "23": "Not our claim, forwarded to additional payer(s)",
}

#: CAS01 claim adjustment group codes.
ADJUSTMENT_GROUPS = {
    "CO": "Contractual obligations",
    "CR": "Correction and reversals",
    "OA": "Other adjustments",
    "PI": "Payor initiated reductions",
    "PR": "Patient responsibility",
}

#: BPR01 transaction handling codes.
HANDLING_CODES = {
    "C": "Payment accompanies remittance advice",
    "D": "Make payment only",
    "H": "Notification only",
    "I": "Remittance information only",
    "P": "Prenotification of future transfers",
    "U": "Split payment and remittance",
    "X": "Handling party's option to split payment and remittance",
}

#: BPR04 payment method codes.
PAYMENT_METHODS = {
    "ACH": "Automated clearing house",
    "BOP": "Financial institution option",
    "CHK": "Check",
    "FWT": "Federal reserve funds/wire transfer, nonrepetitive",
    "NON": "Non-payment data",
}


def _first(pairs: tuple[tuple[str, str], ...], qualifier: str) -> str:
    return next((value for key, value in pairs if key == qualifier), "")


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS reason: group code (CAS01), reason code (CARC), amount and quantity."""

    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    """A PER segment: function (CX payer business, BL technical, IC web site), name and
    the (qualifier, number) pairs: TE telephone, EM e-mail, UR web address, FX fax, EX
    extension."""

    function: str
    name: str = ""
    numbers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Party:
    """Loop 1000A (N1*PR payer) or 1000B (N1*PE payee): name, identifier (N103/N104:
    XV plan ID or PI for a payer; XX NPI, FI TIN or XV for a payee), N3/N4 address, REF
    pairs (2U payer ID, TJ TIN, PQ payee ID) and PER contacts."""

    entity: str
    name: str
    id_qualifier: str = ""
    identifier: str = ""
    address_lines: tuple[str, ...] = ()
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    references: tuple[tuple[str, str], ...] = ()
    contacts: tuple[Contact, ...] = ()

    @property
    def npi(self) -> str:
        return self.identifier if self.id_qualifier == "XX" else ""

    @property
    def tin(self) -> str:
        """N104 when it is a TIN (FI), else REF*TJ."""
        if self.id_qualifier == "FI":
            return self.identifier
        return _first(self.references, "TJ")


@dataclass(frozen=True, slots=True)
class BankAccount:
    """BPR06–BPR09 (sender) or BPR12–BPR15 (receiver): DFI ID qualifier (01 ABA routing,
    04 Canadian), DFI number, account qualifier (DA demand deposit, SG savings) and number."""

    dfi_qualifier: str
    dfi_number: str
    account_qualifier: str
    account_number: str


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """Loop 2110: one SVC with its dates, adjustments, references and remarks.

    ``qualifier``, ``code`` and ``modifiers`` are SVC01's composite (HC procedure code, NU
    revenue code, …); ``description`` is SVC01-7, which the guide marks not used (read when
    a sender writes it anyway); ``submitted`` is SVC06's composite when the payer
    adjudicated a different code than was billed."""

    qualifier: str
    code: str
    charge: Decimal
    paid: Decimal
    modifiers: tuple[str, ...] = ()
    description: str = ""
    revenue_code: str = ""
    units: Decimal | None = None
    submitted: tuple[str, ...] = ()
    submitted_units: Decimal | None = None
    service_date: dt.date | None = None
    service_start: dt.date | None = None
    service_end: dt.date | None = None
    adjustments: tuple[Adjustment, ...] = ()
    references: tuple[tuple[str, str], ...] = ()
    amounts: tuple[tuple[str, Decimal], ...] = ()
    remarks: tuple[str, ...] = ()
    position: int = field(default=0, compare=False)

    @property
    def control_number(self) -> str:
        """REF*6R, the provider's line item control number."""
        return _first(self.references, "6R")

    @property
    def allowed(self) -> Decimal | None:
        """AMT*B6, the allowed amount."""
        return next((value for key, value in self.amounts if key == "B6"), None)


@dataclass(frozen=True, slots=True)
class ClaimPayment:
    """Loop 2100: one CLP with its names, adjustments, references, dates and lines.

    ``header`` is the LX01 number of the loop 2000 the claim belongs to."""

    patient_control_number: str
    status: str
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None = None
    filing_indicator: str = ""
    payer_claim_number: str = ""
    facility_code: str = ""
    frequency: str = ""
    drg_code: str = ""
    header: str = "1"
    patient: Name | None = None
    insured: Name | None = None
    rendering: Name | None = None
    adjustments: tuple[Adjustment, ...] = ()
    references: tuple[tuple[str, str], ...] = ()
    statement_start: dt.date | None = None
    statement_end: dt.date | None = None
    received: dt.date | None = None
    amounts: tuple[tuple[str, Decimal], ...] = ()
    lines: tuple[ServiceLine, ...] = ()
    position: int = field(default=0, compare=False)

    @property
    def status_text(self) -> str:
        return CLAIM_STATUSES.get(self.status, "Unknown status")

    def reference(self, qualifier: str) -> str:
        """REF02 for a qualifier: EA medical record, 1K payer's claim number, F8 original
        reference number."""
        return _first(self.references, qualifier)

    @property
    def coverage_amount(self) -> Decimal | None:
        """AMT*AU, the coverage amount."""
        return next((value for key, value in self.amounts if key == "AU"), None)


@dataclass(frozen=True, slots=True)
class ProviderAdjustment:
    """One PLB reason pair: PLB01 provider, PLB02 fiscal period end, PLB03 (or 05, …)
    reason code and reference, and the amount (positive reduces the payment)."""

    provider_id: str
    fiscal_period_end: dt.date
    reason: str
    amount: Decimal
    reference: str = ""
    position: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class SetOrigin:
    """Where a transaction set was read from: its envelope's identifiers and the ST's
    1-based position in the interchange."""

    sender_id: str
    receiver_id: str
    interchange_control_number: str
    group_control_number: str
    set_control_number: str
    position: int
    usage: str = "P"
    #: The delimiters the interchange declared.
    delimiters: Delimiters = field(default_factory=Delimiters)


@dataclass(frozen=True, slots=True)
class Remittance:
    """One 835 transaction set: the payment (BPR, TRN, REF*EV, DTM*405), payer and payee,
    the claim payments and the provider-level adjustments."""

    handling: str
    total_paid: Decimal
    credit_debit: str
    method: str
    payment_date: dt.date
    trace: Trace
    payer: Party
    payee: Party
    payment_format: str = ""
    sender_account: BankAccount | None = None
    originator_id: str = ""
    originator_supplemental: str = ""
    receiver_account: BankAccount | None = None
    receiver_id: str = ""
    production_date: dt.date | None = None
    claims: tuple[ClaimPayment, ...] = ()
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()
    origin: SetOrigin | None = field(default=None, compare=False)
    position: int = field(default=0, compare=False)
    #: The segments between ST and SE as read, when the reader was asked to keep them.
    segments: tuple[tuple[str, ...], ...] = field(default=(), compare=False, repr=False)

    @property
    def headers(self) -> tuple[str, ...]:
        """The LX01 numbers, in order."""
        return tuple(dict.fromkeys(claim.header for claim in self.claims))
