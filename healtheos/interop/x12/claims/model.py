"""The 837 as frozen dataclasses: what :func:`receive_837` reads and :func:`build_837p`
writes. Segment positions (1-based, in the interchange) are kept out of equality, so a
claim read back from a built file equals the claim it was built from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from healtheos.interop.x12.claims.codes import (
    ICD9_DIAGNOSIS_QUALIFIERS,
    PRINCIPAL_QUALIFIERS,
    PROFESSIONAL_VERSIONS,
    dotted_diagnosis,
)
from healtheos.interop.x12.eligibility.segments import DateRange, Name
from healtheos.interop.x12.envelope import Envelope
from healtheos.interop.x12.tokenizer import X12SyntaxError


@dataclass(frozen=True, slots=True)
class Address:
    """N3 (one or two street lines) and N4 (city, state, ZIP, country)."""

    lines: tuple[str, ...]
    city: str
    state: str = ""
    postal_code: str = ""
    country: str = ""


@dataclass(frozen=True, slots=True)
class Contact:
    """A PER segment: the contact's name and (qualifier, number) pairs (TE, EM, FX, EX)."""

    name: str
    numbers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Party:
    """A provider or other entity named in a claim (NM1 with its N3/N4, PRV taxonomy and
    secondary REF identifiers)."""

    name: Name
    address: Address | None = None
    taxonomy: str = ""
    references: tuple[tuple[str, str], ...] = ()
    position: int = field(default=0, compare=False)

    @property
    def npi(self) -> str:
        return self.name.identifier if self.name.id_qualifier == "XX" else ""


@dataclass(frozen=True, slots=True)
class Submitter:
    """Loop 1000A: NM1*41 and its PER contacts."""

    name: Name
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True, slots=True)
class BillingProvider:
    """Loop 2000A/2010AA: the billing provider, its tax ID (REF*EI) and pay-to address
    (2010AB, NM1*87)."""

    name: Name
    address: Address | None
    tin: str = ""
    taxonomy: str = ""
    pay_to: Party | None = None
    hl_id: str = field(default="", compare=False)
    position: int = field(default=0, compare=False)

    @property
    def npi(self) -> str:
        return self.name.identifier if self.name.id_qualifier == "XX" else ""


@dataclass(frozen=True, slots=True)
class Subscriber:
    """Loop 2000B: SBR, the subscriber (2010BA, NM1*IL) and the payer (2010BB, NM1*PR)."""

    payer_responsibility: str
    relationship: str
    group_number: str
    group_name: str
    claim_filing: str
    name: Name
    payer: Name
    address: Address | None = None
    birth_date: dt.date | None = None
    gender: str = ""
    hl_id: str = field(default="", compare=False)
    position: int = field(default=0, compare=False)

    @property
    def member_id(self) -> str:
        return self.name.identifier

    @property
    def is_patient(self) -> bool:
        return self.relationship == "18"


@dataclass(frozen=True, slots=True)
class Patient:
    """Loop 2000C: PAT relationship to the subscriber and the patient (NM1*QC, DMG)."""

    relationship: str
    name: Name
    address: Address | None = None
    birth_date: dt.date | None = None
    gender: str = ""
    hl_id: str = field(default="", compare=False)
    position: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class HealthCode:
    """One HI composite: qualifier, code as sent (no dot) and any further components (a
    date format and date, an amount, a present-on-admission indicator)."""

    qualifier: str
    code: str
    extra: tuple[str, ...] = ()
    position: int = field(default=0, compare=False)
    element: int = field(default=0, compare=False)

    @property
    def dotted(self) -> str:
        return dotted_diagnosis(self.code, self.qualifier)

    @property
    def is_principal(self) -> bool:
        return self.qualifier in PRINCIPAL_QUALIFIERS

    @property
    def is_icd9(self) -> bool:
        return self.qualifier in ICD9_DIAGNOSIS_QUALIFIERS


@dataclass(frozen=True, slots=True)
class Procedure:
    """A procedure composite (SV101, SV202): qualifier (HC), code and up to four modifiers."""

    qualifier: str
    code: str
    modifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """Loop 2400. ``revenue_code`` is set for institutional lines (SV201) and
    ``place_of_service`` and ``diagnosis_pointers`` for professional ones (SV105, SV107)."""

    number: int
    procedure: Procedure | None
    charge: Decimal
    unit_qualifier: str
    units: Decimal | None
    service_dates: DateRange | None = None
    revenue_code: str = ""
    place_of_service: str = ""
    diagnosis_pointers: tuple[int, ...] = ()
    control_number: str = ""
    rendering: Party | None = None
    position: int = field(default=0, compare=False)
    date_position: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class ClaimProblem:
    """A claim-level business fault, answered in a 277CA: ``code`` is the claim status
    code (:data:`CLAIM_STATUS_CODES`), ``entity`` the entity it concerns (STC01-3)."""

    code: str
    message: str
    segment_position: int
    element_position: int = 0
    entity: str = ""


@dataclass(frozen=True, slots=True)
class Claim:
    """Loop 2300 with its lines. CLM05 gives ``facility_code`` (place of service for
    837P, facility type for 837I), ``facility_qualifier`` (B or A) and ``frequency``;
    CLM06..CLM09 the signature, assignment, benefits and release flags. ``patient`` is
    None when the subscriber is the patient. ``providers`` are the 2310 loops in order."""

    patient_control_number: str
    total_charge: Decimal
    facility_code: str
    facility_qualifier: str
    frequency: str
    billing_provider: BillingProvider
    subscriber: Subscriber
    diagnoses: tuple[HealthCode, ...]
    lines: tuple[ServiceLine, ...]
    patient: Patient | None = None
    provider_signature: str = "Y"
    assignment: str = "A"
    benefits_assigned: str = "Y"
    release_of_information: str = "Y"
    dates: tuple[tuple[str, DateRange], ...] = ()
    original_claim_number: str = ""
    prior_authorization: str = ""
    clearinghouse_trace: str = ""
    other_codes: tuple[HealthCode, ...] = ()
    admission_type: str = ""
    admission_source: str = ""
    patient_status: str = ""
    providers: tuple[Party, ...] = ()
    problems: tuple[ClaimProblem, ...] = ()
    position: int = field(default=0, compare=False)

    def date(self, qualifier: str) -> DateRange | None:
        """The first DTP of this qualifier (431 onset, 434 statement, 435 admission,
        472 service)."""
        return next((dates for key, dates in self.dates if key == qualifier), None)

    def provider(self, entity: str) -> Party | None:
        """The 2310 party with this NM101 (DN referring, 82 rendering, 77 facility, 71
        attending)."""
        return next((party for party in self.providers if party.name.entity == entity), None)

    @property
    def referring(self) -> Party | None:
        return self.provider("DN")

    @property
    def rendering(self) -> Party | None:
        return self.provider("82")

    @property
    def facility(self) -> Party | None:
        return self.provider("77")

    @property
    def principal_diagnosis(self) -> HealthCode | None:
        return next((code for code in self.diagnoses if code.is_principal), None)

    @property
    def line_total(self) -> Decimal:
        return sum((line.charge for line in self.lines), Decimal(0))

    @property
    def accepted(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class Controls:
    """The raw envelope facts of a batch as read: ISA13, GS06, ST02, BHT04/05, and the
    interchange position of its ST."""

    interchange: str = ""
    group: str = ""
    transaction_set: str = ""
    created: str = ""
    set_position: int = 0


@dataclass(frozen=True, slots=True)
class ClaimBatch:
    """One 837 transaction set: submitter (1000A), receiver (1000B) and its claims.
    ``reference`` is BHT03, ``purpose`` BHT02 (00 original) and ``claim_type`` BHT06
    (CH chargeable, RP reporting)."""

    submitter: Submitter
    receiver: Name
    claims: tuple[Claim, ...]
    reference: str
    version: str = "005010X222A1"
    purpose: str = "00"
    claim_type: str = "CH"
    controls: Controls = field(default=Controls(), compare=False)

    @property
    def is_professional(self) -> bool:
        return self.version in PROFESSIONAL_VERSIONS

    @property
    def total_charge(self) -> Decimal:
        return sum((claim.total_charge for claim in self.claims), Decimal(0))


@dataclass(frozen=True)
class Receipt837:
    """What :func:`receive_837` found: the envelope (None when no ISA could be read), the
    sound sets as batches and every syntax fault, ready for :func:`acknowledge`."""

    envelope: Envelope | None
    batches: tuple[ClaimBatch, ...]
    errors: tuple[X12SyntaxError, ...]

    @property
    def claims(self) -> tuple[Claim, ...]:
        return tuple(claim for batch in self.batches for claim in batch.claims)
