"""Eligibility and benefit inquiry (270) and response (271), 005010X279A1.

Reading separates two kinds of fault because the guide answers them differently: a broken
structure (counts, missing BHT/HL/NM1, an HL whose parent points nowhere) makes the set
unreadable and is raised as :class:`X12SyntaxError` for a 999, while a readable request
whose data cannot be used (a date of birth that is no date, no member ID and no name) is
recorded on the subject or receiver as a :class:`Rejection` and answered in the 271 with an
AAA segment, so one bad subject does not reject a whole batch.

The reader makes one pass over the tokenized segments and splits composites and
repetitions only where it needs them, so a 10,000-subject batch reads in a fraction of a
second. The answer side is plain frozen dataclasses: the portal maps its own records to
them, and this module never sees a Django object.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from healtheos.interop.x12.envelope import (
    Envelope,
    Group,
    TransactionSet,
    read_envelope,
    valid_date,
    valid_time,
)
from healtheos.interop.x12.tokenizer import Delimiters, Segment, X12SyntaxError, tokenize
from healtheos.interop.x12.writer import Interchange, build_interchange

VERSION = "005010X279A1"

#: AAA03 reject reason codes used by 271 answers, in words.
REJECT_REASONS = {
    "15": "Required application data missing",
    "41": "Authorization/access restrictions",
    "42": "Unable to respond at current time",
    "43": "Invalid/missing provider identification",
    "44": "Invalid/missing provider name",
    "50": "Provider ineligible for inquiries",
    "51": "Provider not on file",
    "52": "Service dates not within provider plan enrollment",
    "56": "Inappropriate date",
    "57": "Invalid/missing date(s) of service",
    "58": "Invalid/missing date of birth",
    "60": "Date of birth follows date(s) of service",
    "61": "Date of death precedes date(s) of service",
    "62": "Date of service not within allowable inquiry period",
    "63": "Date of service in future",
    "64": "Invalid/missing patient ID",
    "65": "Invalid/missing patient name",
    "66": "Invalid/missing patient gender code",
    "67": "Patient not found",
    "68": "Duplicate patient ID number",
    "71": "Patient birth date does not match that for the patient on the database",
    "72": "Invalid/missing subscriber/insured ID",
    "73": "Invalid/missing subscriber/insured name",
    "74": "Invalid/missing subscriber/insured gender code",
    "75": "Subscriber/insured not found",
    "76": "Duplicate subscriber/insured ID number",
    "77": "Subscriber found, patient not found",
    "78": "Subscriber/insured not in group/plan identified",
    "79": "Invalid participant identification",
    "80": "No response received - transaction terminated",
    "97": "Invalid or missing provider address",
    "T4": "Payer name or identifier missing",
}

#: AAA04 follow-up action codes, in words.
FOLLOW_UP_ACTIONS = {
    "C": "Please correct and resubmit",
    "N": "Resubmission not allowed",
    "P": "Please resubmit original transaction",
    "R": "Resubmission allowed",
    "S": "Do not resubmit; inquiry initiated to a third party",
    "W": "Please wait 30 days and resubmit",
    "X": "Please wait 10 days and resubmit",
    "Y": "Do not resubmit; we will hand back",
}

#: EB01 eligibility or benefit information codes most answers use.
BENEFIT_INFORMATION = {
    "1": "Active coverage",
    "2": "Active - full risk capitation",
    "3": "Active - services capitated",
    "5": "Active - pending investigation",
    "6": "Inactive",
    "7": "Inactive - pending eligibility update",
    "8": "Inactive - pending investigation",
    "A": "Co-insurance",
    "B": "Co-payment",
    "C": "Deductible",
    "CB": "Coverage basis",
    "D": "Benefit description",
    "E": "Exclusions",
    "F": "Limitations",
    "G": "Out of pocket (stop loss)",
    "I": "Non-covered",
    "J": "Cost containment",
    "L": "Primary care provider",
    "N": "Services restricted to following provider",
    "R": "Other or additional payor",
    "U": "Contact following entity for eligibility or benefit information",
    "V": "Cannot process",
    "W": "Other source of data",
    "X": "Health care facility",
    "Y": "Spend down",
}

#: EB04 insurance type codes.
INSURANCE_TYPES = {
    "12": "Medicare secondary working aged beneficiary or spouse with employer group health plan",
    "13": "Medicare secondary end-stage renal disease beneficiary",
    "14": "Medicare secondary, no-fault insurance including auto is primary",
    "15": "Medicare secondary worker's compensation",
    "16": "Medicare secondary public health service or other federal agency",
    "41": "Medicare secondary black lung",
    "42": "Medicare secondary veteran's administration",
    "43": "Medicare secondary disabled beneficiary under age 65 with large group health plan",
    "47": "Medicare secondary, other liability insurance is primary",
    "C1": "Commercial",
    "CO": "Consolidated Omnibus Budget Reconciliation Act (COBRA)",
    "CP": "Medicare conditionally primary",
    "D": "Disability",
    "DB": "Disability benefits",
    "EP": "Exclusive provider organization",
    "FF": "Family or friends",
    "GP": "Group policy",
    "HM": "Health maintenance organization (HMO)",
    "HN": "Health maintenance organization (HMO) - Medicare risk",
    "HS": "Special low income Medicare beneficiary",
    "IN": "Indemnity",
    "IP": "Individual policy",
    "LC": "Long term care",
    "LD": "Long term policy",
    "LI": "Life insurance",
    "LT": "Litigation",
    "MA": "Medicare Part A",
    "MB": "Medicare Part B",
    "MC": "Medicaid",
    "MH": "Medigap Part A",
    "MI": "Medigap Part B",
    "MP": "Medicare primary",
    "OT": "Other",
    "PE": "Property insurance - personal",
    "PL": "Personal",
    "PP": "Personal payment (cash - no insurance)",
    "PR": "Preferred provider organization (PPO)",
    "PS": "Point of service (POS)",
    "QM": "Qualified Medicare beneficiary",
    "RP": "Property insurance - real",
    "SP": "Supplemental policy",
    "TF": "Tax Equity Fiscal Responsibility Act (TEFRA)",
    "WC": "Workers compensation",
    "WU": "Wrap up policy",
}

#: Plan product kinds as the portal names them → EB04 insurance type codes.
_PRODUCT_INSURANCE_TYPES = {
    "commercial": "C1",
    "cobra": "CO",
    "epo": "EP",
    "hmo": "HM",
    "indemnity": "IN",
    "medicaid": "MC",
    "medicare_a": "MA",
    "medicare_b": "MB",
    "medicare_advantage": "HN",
    "medicare_primary": "MP",
    "medigap_a": "MH",
    "medigap_b": "MI",
    "pos": "PS",
    "ppo": "PR",
    "qmb": "QM",
    "supplemental": "SP",
}

#: EB03/EQ01 service type codes most often asked about.
SERVICE_TYPES = {
    "1": "Medical care",
    "4": "Diagnostic x-ray",
    "5": "Diagnostic lab",
    "30": "Health benefit plan coverage",
    "33": "Chiropractic",
    "35": "Dental care",
    "47": "Hospital",
    "48": "Hospital - inpatient",
    "50": "Hospital - outpatient",
    "86": "Emergency services",
    "88": "Pharmacy",
    "98": "Professional (physician) visit - office",
    "AL": "Vision (optometry)",
    "BZ": "Physician visit - office: well",
    "MH": "Mental health",
    "UC": "Urgent care",
}

#: EB06 time period qualifiers most answers use.
TIME_PERIODS = {
    "6": "Hour",
    "7": "Day",
    "21": "Years",
    "22": "Service year",
    "23": "Calendar year",
    "24": "Year to date",
    "25": "Contract",
    "26": "Episode",
    "27": "Visit",
    "29": "Remaining",
    "32": "Lifetime",
    "33": "Lifetime remaining",
}


def insurance_type_for(product: str) -> str:
    """The EB04 code for a plan product kind ("hmo", "medicaid", "medicare_a" …), or an
    EB04 code given as is; "OT" (other) for anything unknown, so an answer is never
    blocked by a missing mapping."""
    key = product.strip().lower().replace(" ", "_").replace("-", "_")
    if key in _PRODUCT_INSURANCE_TYPES:
        return _PRODUCT_INSURANCE_TYPES[key]
    return product.upper() if product.upper() in INSURANCE_TYPES else "OT"


def npi_check_digit(first_nine: str) -> str:
    """The NPI's tenth digit: Luhn over the card-issuer prefix 80840 and the first nine."""
    total = 0
    for index, char in enumerate(reversed("80840" + first_nine)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def npi_is_valid(npi: str) -> bool:
    """Ten digits whose last is the Luhn check digit (a typo in an NPI is caught here)."""
    return len(npi) == 10 and npi.isdigit() and npi_check_digit(npi[:9]) == npi[9]


# ---------------------------------------------------------------------------------------
# The inquiry as read


@dataclass(frozen=True)
class Rejection:
    """An AAA segment: why a level of the request cannot be answered (AAA03, see
    :data:`REJECT_REASONS`), what the sender should do (AAA04, see
    :data:`FOLLOW_UP_ACTIONS`), and whether the request itself was valid (AAA01)."""

    code: str
    follow_up: str = "C"
    valid_request: bool = False
    message: str = ""

    @property
    def reason(self) -> str:
        return REJECT_REASONS.get(self.code, "Unknown reason")


@dataclass(frozen=True)
class Name:
    """An NM1 segment: entity code, person (1) or organization (2), name parts and the
    identifier with its qualifier (XX for an NPI, MI for a member ID, PI for a payer)."""

    entity: str
    entity_type: str = "1"
    last: str = ""
    first: str = ""
    middle: str = ""
    suffix: str = ""
    id_qualifier: str = ""
    identifier: str = ""


@dataclass(frozen=True)
class Trace:
    """A TRN segment: type (1 current, 2 referenced), reference, originator, extra."""

    type_code: str
    reference: str
    originator: str = ""
    supplemental: str = ""


@dataclass(frozen=True)
class DateRange:
    """A date or a date range (D8 gives ``start == end``; RD8 gives both)."""

    start: dt.date
    end: dt.date

    @property
    def is_single_day(self) -> bool:
        return self.start == self.end


@dataclass(frozen=True)
class Subject:
    """A subscriber (HL 22) or dependent (HL 23) asked about. ``subscriber`` is the
    dependent's subscriber as read; ``problems`` are the faults to answer with AAA."""

    hl_id: str
    parent_id: str
    level: str
    has_children: bool
    position: int
    traces: tuple[Trace, ...]
    name: Name | None
    member_id: str
    references: tuple[tuple[str, str], ...]
    birth_date: dt.date | None
    gender: str
    service_dates: DateRange | None
    service_types: tuple[str, ...]
    problems: tuple[Rejection, ...]
    subscriber: Subject | None = None

    @property
    def is_dependent(self) -> bool:
        return self.level == "23"

    @property
    def last_name(self) -> str:
        return self.name.last if self.name else ""

    @property
    def first_name(self) -> str:
        return self.name.first if self.name else ""

    def reference(self, qualifier: str) -> str:
        """The first REF02 with this REF01 (e.g. 6P group number, SY social security)."""
        return next((value for key, value in self.references if key == qualifier), "")


@dataclass(frozen=True)
class Receiver:
    """The information receiver (HL 21): the provider or clearinghouse asking."""

    hl_id: str
    parent_id: str
    name: Name
    problems: tuple[Rejection, ...]
    subjects: tuple[Subject, ...]

    @property
    def npi(self) -> str:
        return self.name.identifier if self.name.id_qualifier == "XX" else ""


@dataclass(frozen=True)
class Source:
    """The information source (HL 20): the payer asked."""

    hl_id: str
    name: Name
    receivers: tuple[Receiver, ...]


@dataclass(frozen=True)
class Inquiry270:
    """One 270 transaction set with the envelope facts an answer needs."""

    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    interchange_control_number: str
    usage: str
    application_sender: str
    application_receiver: str
    group_control_number: str
    version: str
    set_control_number: str
    reference: str
    date: dt.date
    time: str
    purpose: str
    sources: tuple[Source, ...]
    delimiters: Delimiters

    def subjects(self) -> Iterator[Subject]:
        for source in self.sources:
            for receiver in source.receivers:
                yield from receiver.subjects


@dataclass(frozen=True)
class Receipt270:
    """Everything read from a received interchange: its envelope (None when there is no
    readable ISA), the 270 sets that could be read, and every fault found, ready for
    :func:`healtheos.interop.x12.ack999.acknowledge`."""

    envelope: Envelope | None
    inquiries: tuple[Inquiry270, ...]
    errors: tuple[X12SyntaxError, ...]


def receive_270(data: str | bytes) -> Receipt270:
    """Read every 270 set of an interchange, collecting faults instead of raising, so the
    sound sets are answered and the rest acknowledged with a 999 (or a TA1)."""
    try:
        segments, delimiters = tokenize(data, check_ids=False)
        envelope, errors = read_envelope(segments, delimiters)
    except X12SyntaxError as error:
        return Receipt270(None, (), (error,))
    if any(error.interchange_code for error in errors):
        return Receipt270(envelope, (), tuple(errors))
    broken_groups = {e.group_position for e in errors if e.group_code}
    broken_sets = {e.set_position for e in errors if e.set_position}
    inquiries: list[Inquiry270] = []
    for group in envelope.groups:
        if group.position in broken_groups:
            continue
        for transaction in group.sets:
            if transaction.position in broken_sets:
                continue
            if transaction.set_id != "270":
                errors.append(
                    X12SyntaxError(
                        f"A {transaction.set_id} cannot be answered here; send a 270.",
                        segment_position=transaction.position,
                        segment_id="ST",
                        element_position=1,
                        code="7",
                        set_code="1",
                        set_position=transaction.position,
                        group_position=group.position,
                        position_in_set=1,
                        bad_value=transaction.set_id,
                    )
                )
                continue
            try:
                inquiries.append(_Reader(segments, envelope, group, transaction).read())
            except X12SyntaxError as error:
                errors.append(error)
    return Receipt270(envelope, tuple(inquiries), tuple(errors))


def read_270(data: str | bytes) -> Inquiry270:
    """The one 270 set of an interchange. Any fault is raised as :class:`X12SyntaxError`
    (the first, when several); use :func:`receive_270` for interchanges with several sets
    or to collect all faults."""
    receipt = receive_270(data)
    if receipt.errors:
        raise receipt.errors[0]
    if len(receipt.inquiries) != 1:
        raise X12SyntaxError(
            f"The interchange holds {len(receipt.inquiries)} 270 sets; read it with receive_270.",
            segment_position=1,
            segment_id="ISA",
        )
    return receipt.inquiries[0]


_SOURCE_ENTITIES = frozenset({"2B", "36", "GP", "P5", "PR"})
_RECEIVER_ENTITIES = frozenset({"1P", "2B", "36", "80", "FA", "GP", "P5", "PR"})
_SUBJECT_ENTITIES = {"22": "IL", "23": "03"}
_PARENT_LEVEL = {"21": "20", "22": "21", "23": "22"}
_SUBJECT_SEGMENTS = frozenset({"REF", "N3", "N4", "PRV", "INS", "HI", "AMT", "III", "MPI"})


class _SubjectDraft:
    __slots__ = (
        "birth_date",
        "gender",
        "has_children",
        "hl_id",
        "level",
        "member_id",
        "name",
        "name_position",
        "parent_id",
        "position",
        "problems",
        "references",
        "service_dates",
        "service_types",
        "subscriber",
        "traces",
    )

    def __init__(
        self, hl_id: str, parent_id: str, level: str, children: bool, position: int
    ) -> None:
        self.hl_id = hl_id
        self.parent_id = parent_id
        self.level = level
        self.has_children = children
        self.position = position
        self.traces: list[Trace] = []
        self.name: Name | None = None
        self.name_position = 0
        self.member_id = ""
        self.references: list[tuple[str, str]] = []
        self.birth_date: dt.date | None = None
        self.gender = ""
        self.service_dates: DateRange | None = None
        self.service_types: list[str] = []
        self.problems: list[Rejection] = []
        self.subscriber: Subject | None = None


class _ReceiverDraft:
    __slots__ = ("hl_id", "name", "parent_id", "position", "problems", "subjects")

    def __init__(self, hl_id: str, parent_id: str, position: int) -> None:
        self.hl_id = hl_id
        self.parent_id = parent_id
        self.position = position
        self.name: Name | None = None
        self.problems: list[Rejection] = []
        self.subjects: list[Subject] = []


class _SourceDraft:
    __slots__ = ("hl_id", "name", "position", "receivers")

    def __init__(self, hl_id: str, position: int) -> None:
        self.hl_id = hl_id
        self.position = position
        self.name: Name | None = None
        self.receivers: list[_ReceiverDraft] = []


def _name(segment: Segment) -> Name:
    return Name(
        entity=segment.get(1),
        entity_type=segment.get(2),
        last=segment.get(3),
        first=segment.get(4),
        middle=segment.get(5),
        suffix=segment.get(7),
        id_qualifier=segment.get(8),
        identifier=segment.get(9),
    )


def _date(text: str) -> dt.date | None:
    if not valid_date(text):
        return None
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))


def _date_range(qualifier: str, text: str) -> DateRange | None:
    if qualifier == "D8":
        day = _date(text)
        return DateRange(day, day) if day else None
    if qualifier == "RD8":
        start, _, end = text.partition("-")
        first, last = _date(start), _date(end)
        if first and last and first <= last:
            return DateRange(first, last)
    return None


class _Reader:
    """One pass over one 270 set's segments."""

    def __init__(
        self,
        segments: Sequence[Segment],
        envelope: Envelope,
        group: Group,
        transaction: TransactionSet,
    ) -> None:
        self.segments = segments
        self.envelope = envelope
        self.group = group
        self.transaction = transaction
        self.delimiters = envelope.delimiters

    def fault(
        self, message: str, index: int, code: str, element: int = 0, segment_id: str = ""
    ) -> X12SyntaxError:
        segment = self.segments[index]
        return X12SyntaxError(
            message,
            segment_position=index + 1,
            segment_id=segment_id or segment.id[:3],
            element_position=element,
            code=code,
            set_position=self.transaction.position,
            group_position=self.group.position,
            position_in_set=index - self.transaction.start + 1,
            bad_value=segment.get(element) if element and not segment_id else "",
        )

    def check_length(
        self, segment: Segment, index: int, element: int, minimum: int, maximum: int
    ) -> None:
        """Element lengths the guide sets (IK403 4 too short, 5 too long); an absent
        element is left to the required-element checks."""
        size = len(segment.get(element))
        if size and size < minimum:
            raise self.fault(
                f"{segment.id}{element:02d} is shorter than {minimum}.", index, "4", element
            )
        if size > maximum:
            raise self.fault(
                f"{segment.id}{element:02d} is longer than {maximum}.", index, "5", element
            )

    def check_name(self, segment: Segment, index: int) -> None:
        self.check_length(segment, index, 3, 1, 60)
        self.check_length(segment, index, 4, 1, 35)
        self.check_length(segment, index, 9, 2, 80)

    def read(self) -> Inquiry270:
        segments = self.segments
        start, stop = self.transaction.start, self.transaction.stop
        index = start + 1
        if index >= stop or segments[index].id != "BHT":
            raise self.fault(
                "The 270 has no BHT segment after ST.", min(index, stop), "3", segment_id="BHT"
            )
        bht = segments[index]
        if bht.get(1) != "0022":
            raise self.fault(f"BHT01 {bht.get(1)!r} is not 0022.", index, "7", 1)
        if bht.get(2) not in ("13", "01"):
            raise self.fault(f"BHT02 {bht.get(2)!r} is not 13 (request).", index, "7", 2)
        if not bht.get(3):
            raise self.fault("BHT03 (the submitter's reference) is missing.", index, "1", 3)
        self.check_length(bht, index, 3, 1, 50)
        bht_date = _date(bht.get(4))
        if bht_date is None:
            raise self.fault(f"BHT04 {bht.get(4)!r} is not a date.", index, "8", 4)
        if not valid_time(bht.get(5)):
            raise self.fault(f"BHT05 {bht.get(5)!r} is not a time.", index, "9", 5)

        sources: list[_SourceDraft] = []
        levels: dict[str, str] = {}
        source_by_id: dict[str, _SourceDraft] = {}
        receiver_by_id: dict[str, _ReceiverDraft] = {}
        subscriber_by_id: dict[str, Subject] = {}
        source: _SourceDraft | None = None
        receiver: _ReceiverDraft | None = None
        subject: _SubjectDraft | None = None
        level = ""
        repetition = self.delimiters.repetition
        for index in range(start + 2, stop):
            segment = segments[index]
            segment_id = segment[0]
            if segment_id == "HL":
                if subject is not None:
                    frozen = self.close_subject(subject, receiver)
                    if frozen.level == "22":
                        subscriber_by_id[frozen.hl_id] = frozen
                    subject = None
                hl_id, parent, level = segment.get(1), segment.get(2), segment.get(3)
                if not hl_id:
                    raise self.fault("HL01 is missing.", index, "1", 1)
                if hl_id in levels:
                    raise self.fault(f"HL01 {hl_id!r} is used twice.", index, "7", 1)
                if segment.get(4) not in ("", "0", "1"):
                    raise self.fault(f"HL04 {segment.get(4)!r} is not 0 or 1.", index, "7", 4)
                if level == "20":
                    if parent:
                        raise self.fault("An HL 20 has no parent.", index, "7", 2)
                    source = _SourceDraft(hl_id, index)
                    sources.append(source)
                    source_by_id[hl_id] = source
                elif level in _PARENT_LEVEL:
                    if levels.get(parent) != _PARENT_LEVEL[level]:
                        raise self.fault(
                            f"HL02 {parent!r} does not point to an HL {_PARENT_LEVEL[level]}.",
                            index,
                            "7",
                            2,
                        )
                    if level == "21":
                        receiver = _ReceiverDraft(hl_id, parent, index)
                        source_by_id[parent].receivers.append(receiver)
                        receiver_by_id[hl_id] = receiver
                    else:
                        subject = _SubjectDraft(hl_id, parent, level, segment.get(4) == "1", index)
                        if level == "22":
                            receiver = receiver_by_id[parent]
                        else:
                            parent_subject = subscriber_by_id[parent]
                            subject.subscriber = parent_subject
                            receiver = receiver_by_id[parent_subject.parent_id]
                else:
                    raise self.fault(f"HL03 {level!r} is not 20, 21, 22 or 23.", index, "7", 3)
                levels[hl_id] = level
            elif segment_id == "NM1":
                self.check_name(segment, index)
                if subject is not None:
                    if subject.name is not None:
                        raise self.fault("A second NM1 in a subject loop.", index, "2")
                    if segment.get(1) != _SUBJECT_ENTITIES[subject.level]:
                        raise self.fault(
                            f"NM101 {segment.get(1)!r} is not {_SUBJECT_ENTITIES[subject.level]}.",
                            index,
                            "7",
                            1,
                        )
                    subject.name = _name(segment)
                    subject.name_position = index
                    if segment.get(8) in ("MI", "II"):
                        subject.member_id = segment.get(9)
                elif receiver is not None and level == "21":
                    if receiver.name is not None:
                        raise self.fault("A second NM1 in the receiver loop.", index, "2")
                    if segment.get(1) not in _RECEIVER_ENTITIES:
                        raise self.fault(
                            f"NM101 {segment.get(1)!r} is not a receiver.", index, "7", 1
                        )
                    receiver.name = _name(segment)
                elif source is not None and level == "20":
                    if source.name is not None:
                        raise self.fault("A second NM1 in the source loop.", index, "2")
                    if segment.get(1) not in _SOURCE_ENTITIES:
                        raise self.fault(
                            f"NM101 {segment.get(1)!r} is not a source.", index, "7", 1
                        )
                    source.name = _name(segment)
                else:
                    raise self.fault("NM1 before any HL.", index, "2")
            elif subject is not None:
                if segment_id == "TRN":
                    if subject.name is not None:
                        raise self.fault("TRN must come before the subject's NM1.", index, "2")
                    if not segment.get(2):
                        raise self.fault("TRN02 (the trace number) is missing.", index, "1", 2)
                    self.check_length(segment, index, 2, 1, 50)
                    self.check_length(segment, index, 3, 10, 10)
                    subject.traces.append(
                        Trace(segment.get(1), segment.get(2), segment.get(3), segment.get(4))
                    )
                elif segment_id == "DMG":
                    if segment.get(2):
                        born = _date(segment.get(2)) if segment.get(1) == "D8" else None
                        if born is None:
                            subject.problems.append(
                                Rejection("58", "C", False, f"DMG02 {segment.get(2)!r}")
                            )
                        else:
                            subject.birth_date = born
                    subject.gender = segment.get(3)
                elif segment_id == "DTP":
                    if segment.get(1) == "291":
                        dates = _date_range(segment.get(2), segment.get(3))
                        if dates is None:
                            subject.problems.append(
                                Rejection("57", "C", False, f"DTP03 {segment.get(3)!r}")
                            )
                        elif subject.service_dates is None:
                            subject.service_dates = dates
                elif segment_id == "EQ":
                    value = segment.get(1)
                    if value:
                        subject.service_types.extend(
                            value.split(repetition) if repetition else [value]
                        )
                elif segment_id == "REF":
                    subject.references.append((segment.get(1), segment.get(2)))
                elif segment_id not in _SUBJECT_SEGMENTS:
                    raise self.fault(f"{segment_id[:3]} is not expected in a 270.", index, "2")
            elif segment_id in ("REF", "N3", "N4", "PRV") and level == "21":
                continue
            else:
                raise self.fault(f"{segment_id[:3]} is not expected here.", index, "2")
        if subject is not None:
            self.close_subject(subject, receiver)
        if not sources:
            raise self.fault(
                "The 270 has no HL 20 (information source).", stop, "3", segment_id="HL"
            )
        return Inquiry270(
            sender_qualifier=self.envelope.sender_qualifier,
            sender_id=self.envelope.sender_id,
            receiver_qualifier=self.envelope.receiver_qualifier,
            receiver_id=self.envelope.receiver_id,
            interchange_control_number=self.envelope.control_number,
            usage=self.envelope.usage,
            application_sender=self.group.application_sender,
            application_receiver=self.group.application_receiver,
            group_control_number=self.group.control_number,
            version=self.group.version,
            set_control_number=self.transaction.control_number,
            reference=bht.get(3),
            date=bht_date,
            time=bht.get(5),
            purpose=bht.get(2),
            sources=tuple(self.close_source(draft) for draft in sources),
            delimiters=self.delimiters,
        )

    def close_subject(self, draft: _SubjectDraft, receiver: _ReceiverDraft | None) -> Subject:
        if draft.name is None:
            raise self.fault(
                f"HL {draft.hl_id} has no NM1 segment.", draft.position, "3", segment_id="NM1"
            )
        problems = draft.problems
        if draft.level == "22":
            if not draft.member_id and not draft.name.last:
                problems.append(Rejection("15", "C", False, "no member ID and no name"))
            elif not draft.member_id and draft.birth_date is None and not problems:
                problems.append(Rejection("58", "C", False, "a name search needs a birth date"))
        elif not draft.name.last:
            problems.append(Rejection("65", "C", False, "the dependent's last name is missing"))
        subject = Subject(
            hl_id=draft.hl_id,
            parent_id=draft.parent_id,
            level=draft.level,
            has_children=draft.has_children,
            position=draft.position + 1,
            traces=tuple(draft.traces),
            name=draft.name,
            member_id=draft.member_id,
            references=tuple(draft.references),
            birth_date=draft.birth_date,
            gender=draft.gender,
            service_dates=draft.service_dates,
            service_types=tuple(draft.service_types) or ("30",),
            problems=tuple(problems),
            subscriber=draft.subscriber,
        )
        if receiver is not None:
            receiver.subjects.append(subject)
        return subject

    def close_receiver(self, draft: _ReceiverDraft) -> Receiver:
        if draft.name is None:
            raise self.fault(
                f"HL {draft.hl_id} has no NM1 segment.", draft.position, "3", segment_id="NM1"
            )
        if not draft.subjects:
            raise self.fault(
                f"HL {draft.hl_id} has no subscriber (HL 22).",
                draft.position,
                "3",
                segment_id="HL",
            )
        problems = draft.problems
        name = draft.name
        if not name.identifier or (name.id_qualifier == "XX" and not npi_is_valid(name.identifier)):
            problems.append(Rejection("43", "C", False, f"NM109 {name.identifier!r}"))
        return Receiver(draft.hl_id, draft.parent_id, name, tuple(problems), tuple(draft.subjects))

    def close_source(self, draft: _SourceDraft) -> Source:
        if draft.name is None:
            raise self.fault(
                f"HL {draft.hl_id} has no NM1 segment.", draft.position, "3", segment_id="NM1"
            )
        if not draft.receivers:
            raise self.fault(
                f"HL {draft.hl_id} has no information receiver (HL 21).",
                draft.position,
                "3",
                segment_id="HL",
            )
        return Source(
            draft.hl_id, draft.name, tuple(self.close_receiver(r) for r in draft.receivers)
        )


# ---------------------------------------------------------------------------------------
# The answer, as the portal gives it


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
    clean = _Cleaner(delimiters)
    body: list[list[str]] = [
        ["BHT", "0022", "11", clean(inquiry.reference), at.strftime("%Y%m%d"), at.strftime("%H%M")]
    ]
    for source in inquiry.sources:
        rejected = tuple(source_rejections.get(source.hl_id, ()))
        body.append(["HL", source.hl_id, "", "20", "0" if rejected else "1"])
        body.append(_nm1(source.name, clean))
        body.extend(_aaa(r) for r in rejected)
        if rejected:
            continue
        for receiver in source.receivers:
            refused = tuple(receiver.problems) + tuple(receiver_rejections.get(receiver.hl_id, ()))
            body.append(["HL", receiver.hl_id, source.hl_id, "21", "0" if refused else "1"])
            body.append(_nm1(receiver.name, clean))
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


class _Cleaner:
    """Replaces delimiter characters in free text with spaces, so a name or message can
    never split a segment."""

    def __init__(self, delimiters: Delimiters) -> None:
        chars = delimiters.element + delimiters.component + delimiters.segment
        chars += delimiters.repetition + "\r\n"
        self.table = str.maketrans(dict.fromkeys(chars, " "))

    def __call__(self, text: str) -> str:
        return text.translate(self.table).strip()


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


def _nm1(name: Name, clean: _Cleaner) -> list[str]:
    return [
        "NM1",
        name.entity,
        name.entity_type,
        clean(name.last),
        clean(name.first),
        clean(name.middle),
        "",
        clean(name.suffix),
        name.id_qualifier if name.identifier else "",
        clean(name.identifier),
    ]


def _d8(qualifier: str, day: dt.date) -> list[str]:
    return ["DTP", qualifier, "D8", day.strftime("%Y%m%d")]


def _dates(qualifier: str, dates: DateRange) -> list[str]:
    if dates.is_single_day:
        return _d8(qualifier, dates.start)
    return ["DTP", qualifier, "RD8", f"{dates.start:%Y%m%d}-{dates.end:%Y%m%d}"]


def _decimal(value: Decimal | None) -> str:
    """X12's R type: no exponent, no needless zeros ("10", "12.5", ".2")."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text.startswith(("0.", "-0.")):
        text = text.replace("0.", ".", 1)
    return text or "0"


def _subject(
    subject: Subject, answer: SubjectAnswer, delimiters: Delimiters, clean: _Cleaner
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
        out.append(_nm1(name, clean))
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


def _benefit(line: BenefitLine, delimiters: Delimiters, clean: _Cleaner) -> list[list[str]]:
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
            _decimal(line.amount),
            _decimal(line.percent),
            line.quantity_qualifier if line.quantity is not None else "",
            _decimal(line.quantity),
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


# ---------------------------------------------------------------------------------------
# Reading a 271 (round-trip tests and the portal's own clients)


@dataclass(frozen=True)
class Level271:
    """One HL level of a 271 with what was said at it."""

    hl_id: str
    parent_id: str
    level: str
    name: Name | None
    traces: tuple[Trace, ...]
    rejections: tuple[Rejection, ...]
    references: tuple[tuple[str, str], ...]
    dates: tuple[tuple[str, DateRange], ...]
    benefits: tuple[BenefitLine, ...]

    def date(self, qualifier: str) -> DateRange | None:
        return next((value for key, value in self.dates if key == qualifier), None)


@dataclass(frozen=True)
class Response271:
    """A 271 as read: envelope facts, BHT03 (the 270's reference) and its levels."""

    sender_id: str
    receiver_id: str
    interchange_control_number: str
    group_control_number: str
    set_control_number: str
    reference: str
    levels: tuple[Level271, ...] = field(default=())

    def level(self, hl_id: str) -> Level271:
        return next(level for level in self.levels if level.hl_id == hl_id)


class _LevelDraft:
    __slots__ = ("benefits", "dates", "hl", "name", "references", "rejections", "traces")

    def __init__(self, hl: Segment) -> None:
        self.hl = hl
        self.name: Name | None = None
        self.traces: list[Trace] = []
        self.rejections: list[Rejection] = []
        self.references: list[tuple[str, str]] = []
        self.dates: list[tuple[str, DateRange]] = []
        self.benefits: list[_BenefitDraft] = []

    def freeze(self) -> Level271:
        return Level271(
            hl_id=self.hl.get(1),
            parent_id=self.hl.get(2),
            level=self.hl.get(3),
            name=self.name,
            traces=tuple(self.traces),
            rejections=tuple(self.rejections),
            references=tuple(self.references),
            dates=tuple(self.dates),
            benefits=tuple(draft.freeze() for draft in self.benefits),
        )


class _BenefitDraft:
    __slots__ = ("line", "messages", "provider")

    def __init__(self, line: BenefitLine) -> None:
        self.line = line
        self.messages: list[str] = []
        self.provider: Provider | None = None

    def freeze(self) -> BenefitLine:
        if not self.messages and self.provider is None:
            return self.line
        return replace(self.line, messages=tuple(self.messages), provider=self.provider)


def read_271(data: str | bytes) -> Response271:
    """The first 271 set of an interchange; faults raise :class:`X12SyntaxError`."""
    segments, delimiters = tokenize(data)
    envelope, errors = read_envelope(segments, delimiters)
    if errors:
        raise errors[0]
    group = next((g for g in envelope.groups if g.sets), None)
    if group is None or group.sets[0].set_id != "271":
        raise X12SyntaxError("The interchange holds no 271.", segment_position=1, code="3")
    transaction = group.sets[0]
    body = transaction.body(segments)
    if not body or body[0].id != "BHT":
        raise X12SyntaxError(
            "The 271 has no BHT.",
            segment_position=transaction.position + 1,
            segment_id="BHT",
            code="3",
        )
    levels: list[_LevelDraft] = []
    current: _LevelDraft | None = None
    in_2120 = False
    for offset, segment in enumerate(body[1:], start=transaction.position + 2):
        segment_id = segment.id
        if segment_id == "HL":
            current = _LevelDraft(segment)
            levels.append(current)
            in_2120 = False
            continue
        if current is None:
            raise X12SyntaxError(
                f"{segment_id} before any HL.", segment_position=offset, segment_id=segment_id
            )
        if segment_id == "LS":
            in_2120 = True
        elif segment_id == "LE":
            in_2120 = False
        elif segment_id == "NM1":
            if in_2120 and current.benefits:
                current.benefits[-1].provider = Provider(
                    last_name=segment.get(3),
                    first_name=segment.get(4),
                    npi=segment.get(9) if segment.get(8) == "XX" else "",
                    organization=segment.get(2) == "2",
                    entity=segment.get(1),
                )
            elif current.name is None:
                current.name = _name(segment)
        elif segment_id == "TRN":
            current.traces.append(
                Trace(segment.get(1), segment.get(2), segment.get(3), segment.get(4))
            )
        elif segment_id == "AAA":
            current.rejections.append(
                Rejection(segment.get(3), segment.get(4), segment.get(1) == "Y")
            )
        elif segment_id == "REF" and not current.benefits:
            current.references.append((segment.get(1), segment.get(2)))
        elif segment_id == "DTP" and not current.benefits:
            dates = _date_range(segment.get(2), segment.get(3))
            if dates is None:
                raise X12SyntaxError(
                    f"DTP03 {segment.get(3)!r} is not a date.",
                    segment_position=offset,
                    segment_id="DTP",
                    element_position=3,
                    code="8",
                )
            current.dates.append((segment.get(1), dates))
        elif segment_id == "EB":
            current.benefits.append(_BenefitDraft(_read_eb(segment, delimiters, offset)))
        elif segment_id == "MSG" and current.benefits:
            current.benefits[-1].messages.append(segment.get(1))
    return Response271(
        sender_id=envelope.sender_id,
        receiver_id=envelope.receiver_id,
        interchange_control_number=envelope.control_number,
        group_control_number=group.control_number,
        set_control_number=transaction.control_number,
        reference=body[0].get(3),
        levels=tuple(level.freeze() for level in levels),
    )


def _read_eb(segment: Segment, delimiters: Delimiters, position: int) -> BenefitLine:
    def number(element: int) -> Decimal | None:
        text = segment.get(element)
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite():
            raise X12SyntaxError(
                f"EB{element:02d} {text!r} is not a number.",
                segment_position=position,
                segment_id="EB",
                element_position=element,
                code="6",
            )
        return value

    service_types = segment.get(3)
    return BenefitLine(
        information=segment.get(1),
        coverage_level=segment.get(2),
        service_types=tuple(service_types.split(delimiters.repetition))
        if service_types and delimiters.repetition
        else ((service_types,) if service_types else ()),
        insurance_type=segment.get(4),
        plan_description=segment.get(5),
        time_period=segment.get(6),
        amount=number(7),
        percent=number(8),
        quantity_qualifier=segment.get(9),
        quantity=number(10),
        authorization_required=segment.get(11),
        in_network=segment.get(12),
    )
