"""Checking the ISA/IEA, GS/GE and ST/SE envelopes of a tokenized interchange.

The envelope is checked before any transaction is read because its faults are answered at
their own level: a broken interchange with a TA1, a broken group or set with a 999 (AK905,
IK502), and only a sound set is worth reading for its content. The check walks the segment
list once and collects every fault it finds rather than stopping at the first, so that one
999 can name all of them; :func:`validate_envelope` is the strict form that raises.

Faults are :class:`X12SyntaxError` values carrying the positions and codes a 999 or TA1
needs (see that class for the meaning of each field).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from healtheos.interop.x12.tokenizer import (
    Delimiters,
    Segment,
    X12SyntaxError,
    tokenize,
    valid_segment_id,
)

#: GS08 / ST03 implementation guides (005010 and its addenda and errata) this code knows.
KNOWN_VERSIONS = frozenset(
    {
        "005010X279A1",  # 270/271 eligibility
        "005010X231A1",  # 999 implementation acknowledgment
        "005010X212",  # 276/277 claim status
        "005010X214",  # 277CA claim acknowledgment
        "005010X217",  # 278 services review
        "005010X218",  # 820 premium payment
        "005010X220A1",  # 834 enrollment
        "005010X221A1",  # 835 remittance
        "005010X222A1",  # 837 professional
        "005010X222A2",
        "005010X223A2",  # 837 institutional
        "005010X223A3",
        "005010X224A2",  # 837 dental
        "005010X224A3",
    }
)

#: ST01 transaction set → the GS01 functional identifier its group must carry.
FUNCTIONAL_IDS = {
    "270": "HS",
    "271": "HB",
    "276": "HR",
    "277": "HN",
    "278": "HI",
    "820": "RA",
    "834": "BE",
    "835": "HP",
    "837": "HC",
    "997": "FA",
    "999": "FA",
}

#: IK304 implementation segment syntax error codes (X12 element 620).
SEGMENT_CODES = {
    "1": "Unrecognized segment ID",
    "2": "Unexpected segment",
    "3": "Required segment missing",
    "4": "Loop occurs over maximum times",
    "5": "Segment exceeds maximum use",
    "6": "Segment not in defined transaction set",
    "7": "Segment not in proper sequence",
    "8": "Segment has data element errors",
    "I4": "Implementation 'not used' segment present",
    "I6": "Implementation dependent segment missing",
    "I7": "Implementation loop occurs under minimum times",
    "I8": "Implementation segment below minimum use",
    "I9": "Implementation dependent 'not used' segment present",
}

#: IK403 implementation data element syntax error codes (X12 element 621).
ELEMENT_CODES = {
    "1": "Required data element missing",
    "2": "Conditional required data element missing",
    "3": "Too many data elements",
    "4": "Data element too short",
    "5": "Data element too long",
    "6": "Invalid character in data element",
    "7": "Invalid code value",
    "8": "Invalid date",
    "9": "Invalid time",
    "10": "Exclusion condition violated",
    "12": "Too many repetitions",
    "13": "Too many components",
    "I10": "Implementation 'not used' data element present",
    "I11": "Implementation too few repetitions",
    "I12": "Implementation pattern match failure",
    "I13": "Implementation dependent 'not used' data element present",
    "I6": "Code value not used in implementation",
    "I9": "Implementation dependent data element missing",
}

#: IK502 transaction set syntax error codes (X12 element 718).
SET_CODES = {
    "1": "Transaction set not supported",
    "2": "Transaction set trailer missing",
    "3": "Transaction set control number in header and trailer do not match",
    "4": "Number of included segments does not match actual count",
    "5": "One or more segments in error",
    "6": "Missing or invalid transaction set identifier",
    "7": "Missing or invalid transaction set control number",
    "18": "Transaction set not in functional group",
    "19": "Invalid transaction set implementation convention reference",
    "23": "Transaction set control number not unique within the functional group",
    "I5": "Implementation one or more segments in error",
    "I6": "Implementation convention not supported",
}

#: AK905 functional group syntax error codes (X12 element 716).
GROUP_CODES = {
    "1": "Functional group not supported",
    "2": "Functional group version not supported",
    "3": "Functional group trailer missing",
    "4": "Group control number in the functional group header and trailer do not agree",
    "5": "Number of included transaction sets does not match actual count",
    "6": "Group control number violates syntax",
    "23": "Transaction set control number not unique within the functional group",
}

#: TA104 interchange note codes (X12 element I18), answered with a TA1.
INTERCHANGE_CODES = {
    "000": "No error",
    "001": "The interchange control number in the header and trailer do not match",
    "002": "This standard as noted in the control standards identifier is not supported",
    "003": "This version of the controls is not supported",
    "004": "The segment terminator is invalid",
    "005": "Invalid interchange ID qualifier for sender",
    "006": "Invalid interchange sender ID",
    "007": "Invalid interchange ID qualifier for receiver",
    "008": "Invalid interchange receiver ID",
    "009": "Unknown interchange receiver ID",
    "010": "Invalid authorization information qualifier value",
    "011": "Invalid authorization information value",
    "012": "Invalid security information qualifier value",
    "013": "Invalid security information value",
    "014": "Invalid interchange date value",
    "015": "Invalid interchange time value",
    "016": "Invalid interchange standards identifier value",
    "017": "Invalid interchange version ID value",
    "018": "Invalid interchange control number value",
    "019": "Invalid acknowledgment requested value",
    "020": "Invalid test indicator value",
    "021": "Invalid number of included groups value",
    "022": "Invalid control structure",
    "023": "Improper (premature) end-of-file (transmission)",
    "024": "Invalid interchange content (e.g., invalid GS segment)",
    "025": "Duplicate interchange control number",
    "026": "Invalid data element separator",
    "027": "Invalid component element separator",
    "028": "Invalid delivery date in deferred delivery request",
    "029": "Invalid delivery time in deferred delivery request",
    "030": "Invalid delivery time code in deferred delivery request",
    "031": "Invalid grade of service code",
}

ENVELOPE_IDS = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})


@dataclass(frozen=True)
class TransactionSet:
    """One ST..SE set. ``start`` is the list index of its ST and ``stop`` the index of its
    SE (or, when the SE is missing, of the segment where the set was cut off), so the body
    is ``segments[start + 1 : stop]``. ``position`` is ST's 1-based interchange position."""

    set_id: str
    control_number: str
    implementation: str
    position: int
    start: int
    stop: int

    def body(self, segments: Sequence[Segment]) -> Sequence[Segment]:
        return segments[self.start + 1 : self.stop]


@dataclass(frozen=True)
class Group:
    """One GS..GE functional group: what a 999's AK1 echoes, and its sets."""

    functional_id: str
    application_sender: str
    application_receiver: str
    date: str
    time: str
    control_number: str
    version: str
    position: int
    sets: tuple[TransactionSet, ...]
    declared_sets: int


@dataclass(frozen=True)
class Envelope:
    """The interchange header facts an answer needs (whom to answer, which control number
    it acknowledges), and the groups found in it."""

    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    date: str
    time: str
    version: str
    control_number: str
    acknowledgment_requested: str
    usage: str
    delimiters: Delimiters
    groups: tuple[Group, ...]


def valid_date(text: str) -> bool:
    """CCYYMMDD naming a real calendar day."""
    if len(text) != 8 or not text.isdigit():
        return False
    try:
        dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return False
    return True


def read_date(text: str) -> dt.date | None:
    """The day a CCYYMMDD names, or None when it names none."""
    if not valid_date(text):
        return None
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))


def valid_time(text: str) -> bool:
    """HHMM, HHMMSS or HHMMSSd..d (X12's TM type)."""
    if not (4 <= len(text) <= 8) or not text.isdigit() or len(text) == 5:
        return False
    return int(text[:2]) < 24 and int(text[2:4]) < 60 and (len(text) < 6 or int(text[4:6]) < 60)


def read_envelope(
    segments: Sequence[Segment], delimiters: Delimiters
) -> tuple[Envelope, list[X12SyntaxError]]:
    """The envelope of a tokenized interchange and every envelope fault found in it.

    Raises only when there is no ISA to answer at all; everything else is returned so that
    one acknowledgment can report it all."""
    if not segments or segments[0].id != "ISA":
        raise X12SyntaxError(
            "The interchange does not begin with an ISA segment.",
            segment_position=1,
            code="1",
            interchange_code="022",
        )
    errors: list[X12SyntaxError] = []
    isa = segments[0]
    check_isa(isa, errors)
    groups: list[Group] = []
    control_numbers: set[str] = set()
    index, count = 1, len(segments)
    trailer: Segment | None = None
    while index < count:
        segment = segments[index]
        segment_id = segment.id
        if segment_id == "GS":
            group, index = _read_group(segments, index, errors)
            if group.control_number in control_numbers:
                errors.append(
                    X12SyntaxError(
                        f"Group control number {group.control_number} is used twice.",
                        segment_position=group.position,
                        segment_id="GS",
                        element_position=6,
                        group_position=group.position,
                        group_code="6",
                    )
                )
            control_numbers.add(group.control_number)
            groups.append(group)
            continue
        if segment_id == "IEA":
            trailer = segment
            index += 1
            break
        if segment_id == "TA1" and not groups:
            index += 1  # interchange acknowledgments come between ISA and the first GS
            continue
        errors.append(
            X12SyntaxError(
                f"Segment {segment_id[:3]!r} at position {index + 1} is outside any "
                "functional group.",
                segment_position=index + 1,
                segment_id=segment_id[:3],
                code="2",
                interchange_code="024",
            )
        )
        index += 1
    if trailer is None:
        errors.append(
            X12SyntaxError(
                "The interchange ends without an IEA trailer.",
                segment_position=count,
                segment_id="IEA",
                code="3",
                interchange_code="023",
            )
        )
    else:
        position = index
        if trailer.get(1) != str(len(groups)):
            errors.append(
                X12SyntaxError(
                    f"IEA01 says {trailer.get(1)!r} groups but the interchange has {len(groups)}.",
                    segment_position=position,
                    segment_id="IEA",
                    element_position=1,
                    code="7",
                    interchange_code="021",
                    bad_value=trailer.get(1),
                )
            )
        if trailer.get(2) != isa.get(13):
            errors.append(
                X12SyntaxError(
                    f"IEA02 {trailer.get(2)!r} does not match ISA13 {isa.get(13)!r}.",
                    segment_position=position,
                    segment_id="IEA",
                    element_position=2,
                    code="7",
                    interchange_code="001",
                    bad_value=trailer.get(2),
                )
            )
        if index < count:
            errors.append(
                X12SyntaxError(
                    "Segments follow the IEA trailer (one interchange per transmission).",
                    segment_position=index + 1,
                    segment_id=segments[index].id[:3],
                    code="2",
                    interchange_code="022",
                )
            )
    envelope = Envelope(
        sender_qualifier=isa.get(5),
        sender_id=isa.get(6).strip(),
        receiver_qualifier=isa.get(7),
        receiver_id=isa.get(8).strip(),
        date=isa.get(9),
        time=isa.get(10),
        version=isa.get(12),
        control_number=isa.get(13),
        acknowledgment_requested=isa.get(14),
        usage=isa.get(15),
        delimiters=delimiters,
        groups=tuple(groups),
    )
    return envelope, errors


def validate_envelope(segments: Sequence[Segment], delimiters: Delimiters) -> Envelope:
    """The envelope, or the first fault in it raised as :class:`X12SyntaxError`."""
    envelope, errors = read_envelope(segments, delimiters)
    if errors:
        raise errors[0]
    return envelope


#: The fixed width of each ISA element, ISA01 to ISA16.
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
#: TA1 note codes (TA105) for a fault in each ISA element.
ISA_ELEMENT_CODES = {
    1: "010", 2: "011", 3: "012", 4: "013", 5: "005", 6: "006", 7: "007", 8: "008",
    9: "014", 10: "015", 11: "026", 12: "017", 13: "018", 14: "019", 15: "020", 16: "027",
}  # fmt: skip


def check_isa(isa: Segment, errors: list[X12SyntaxError]) -> None:
    """Append the faults of an ISA segment (fixed widths, version, dates) to ``errors``."""

    def fault(element: int, code: str, message: str, ik403: str = "7") -> None:
        errors.append(
            X12SyntaxError(
                message,
                segment_position=1,
                segment_id="ISA",
                element_position=element,
                code=ik403,
                interchange_code=code,
                bad_value=isa.get(element),
            )
        )

    if len(isa) != 17:
        fault(16, "022", f"ISA has {len(isa) - 1} elements instead of 16.", "3")
        return
    for element, width in enumerate(ISA_WIDTHS, start=1):
        # The ISA's place was checked on the raw text; a line break inside an element
        # (dropped when segments are read) leaves it short here.
        if len(isa.get(element)) != width:
            fault(
                element,
                ISA_ELEMENT_CODES[element],
                f"ISA{element:02d} has {len(isa.get(element))} character(s); it must have "
                f"exactly {width}.",
                "5" if len(isa.get(element)) > width else "4",
            )
            return
    if isa.get(12) != "00501":
        code = "003" if isa.get(12).isdigit() and len(isa.get(12)) == 5 else "017"
        fault(12, code, f"ISA12 version {isa.get(12)!r} is not 00501.")
    if len(isa.get(13)) != 9 or not isa.get(13).isdigit():
        fault(13, "018", f"ISA13 {isa.get(13)!r} is not a nine-digit control number.", "6")
    if isa.get(14) not in ("0", "1"):
        fault(14, "019", f"ISA14 {isa.get(14)!r} is not 0 or 1.")
    if isa.get(15) not in ("P", "T"):
        fault(15, "020", f"ISA15 {isa.get(15)!r} is not P or T.")
    if not valid_date("20" + isa.get(9)):
        fault(9, "014", f"ISA09 {isa.get(9)!r} is not a date (YYMMDD).", "8")
    if len(isa.get(10)) != 4 or not valid_time(isa.get(10)):
        fault(10, "015", f"ISA10 {isa.get(10)!r} is not a time (HHMM).", "9")
    if not isa.get(6).strip():
        fault(6, "006", "ISA06 sender ID is blank.", "1")
    if not isa.get(8).strip():
        fault(8, "008", "ISA08 receiver ID is blank.", "1")


def _read_group(
    segments: Sequence[Segment], index: int, errors: list[X12SyntaxError]
) -> tuple[Group, int]:
    gs = segments[index]
    position = index + 1
    functional_id, control, version = gs.get(1), gs.get(6), gs.get(8)

    def group_fault(message: str, code: str, element: int, at: int = position) -> None:
        errors.append(
            X12SyntaxError(
                message,
                segment_position=at,
                segment_id=segments[at - 1].id[:3],
                element_position=element,
                code="7" if element else "",
                group_code=code,
                group_position=position,
                bad_value=segments[at - 1].get(element) if element else "",
            )
        )

    if functional_id not in FUNCTIONAL_IDS.values():
        group_fault(f"GS01 {functional_id!r} is not a supported functional group.", "1", 1)
    if version not in KNOWN_VERSIONS:
        group_fault(f"GS08 version {version!r} is not supported.", "2", 8)
    if not (1 <= len(control) <= 9 and control.isdigit()):
        group_fault(f"GS06 {control!r} is not a group control number.", "6", 6)
    sets: list[TransactionSet] = []
    seen: set[str] = set()
    declared = -1
    index += 1
    count = len(segments)
    closed = False
    while index < count:
        segment_id = segments[index].id
        if segment_id == "ST":
            transaction, index = _read_set(segments, index, gs, position, seen, errors)
            sets.append(transaction)
            continue
        if segment_id == "GE":
            ge = segments[index]
            closed = True
            if ge.get(1).isdigit():
                declared = int(ge.get(1))
            if ge.get(1) != str(len(sets)):
                group_fault(
                    f"GE01 says {ge.get(1)!r} transaction sets but the group has {len(sets)}.",
                    "5",
                    1,
                    index + 1,
                )
            if ge.get(2) != control:
                group_fault(
                    f"GE02 {ge.get(2)!r} does not match GS06 {control!r}.", "4", 2, index + 1
                )
            index += 1
            break
        if segment_id in ("GS", "IEA", "ISA"):
            break
        errors.append(
            X12SyntaxError(
                f"Segment {segment_id[:3]!r} at position {index + 1} is outside any "
                "transaction set.",
                segment_position=index + 1,
                segment_id=segment_id[:3],
                code="2",
                group_position=position,
                interchange_code="024",
            )
        )
        index += 1
    if not closed:
        group_fault("The functional group has no GE trailer.", "3", 0)
    group = Group(
        functional_id=functional_id,
        application_sender=gs.get(2),
        application_receiver=gs.get(3),
        date=gs.get(4),
        time=gs.get(5),
        control_number=control,
        version=version,
        position=position,
        sets=tuple(sets),
        declared_sets=declared if declared >= 0 else len(sets),
    )
    return group, index


def _read_set(
    segments: Sequence[Segment],
    start: int,
    gs: Segment,
    group_position: int,
    seen: set[str],
    errors: list[X12SyntaxError],
) -> tuple[TransactionSet, int]:
    st = segments[start]
    position = start + 1
    set_id, control, implementation = st.get(1), st.get(2), st.get(3)

    def set_fault(message: str, code: str, at: int, element: int, ik403: str = "7") -> None:
        segment = segments[at]
        errors.append(
            X12SyntaxError(
                message,
                segment_position=at + 1,
                segment_id=segment.id[:3],
                element_position=element,
                code=ik403 if element else "",
                set_code=code,
                set_position=position,
                group_position=group_position,
                position_in_set=at - start + 1,
                bad_value=segment.get(element) if element else "",
            )
        )

    if set_id not in FUNCTIONAL_IDS:
        set_fault(f"ST01 {set_id!r} is not a supported transaction set.", "1", start, 1)
    elif FUNCTIONAL_IDS[set_id] != gs.get(1):
        set_fault(f"ST01 {set_id!r} does not belong in a {gs.get(1)!r} group.", "6", start, 1)
    if not (4 <= len(control) <= 9 and control.isdigit()):
        set_fault(f"ST02 {control!r} is not a set control number.", "7", start, 2, "6")
    elif control in seen:
        set_fault(f"ST02 {control!r} is used twice in the group.", "23", start, 2)
    seen.add(control)
    if implementation and implementation != gs.get(8):
        set_fault(f"ST03 {implementation!r} differs from GS08 {gs.get(8)!r}.", "19", start, 3)
    index = start + 1
    count = len(segments)
    while index < count:
        segment = segments[index]
        segment_id = segment.id
        if segment_id in ENVELOPE_IDS:
            if segment_id == "SE":
                counted = str(index - start + 1)
                if segment.get(1) != counted:
                    set_fault(
                        f"SE01 says {segment.get(1)!r} segments but ST..SE has {counted}.",
                        "4",
                        index,
                        1,
                    )
                if segment.get(2) != control:
                    set_fault(
                        f"SE02 {segment.get(2)!r} does not match ST02 {control!r}.",
                        "3",
                        index,
                        2,
                    )
                return _set(set_id, control, implementation, position, start, index), index + 1
            set_fault("The transaction set has no SE trailer.", "2", index - 1, 0)
            return _set(set_id, control, implementation, position, start, index), index
        if not valid_segment_id(segment_id):
            errors.append(
                X12SyntaxError(
                    f"Segment {index + 1} has an unreadable segment ID {segment_id[:10]!r}.",
                    segment_position=index + 1,
                    segment_id=segment_id[:3],
                    code="1",
                    set_position=position,
                    group_position=group_position,
                    position_in_set=index - start + 1,
                )
            )
        index += 1
    set_fault("The transaction set has no SE trailer.", "2", count - 1, 0)
    return _set(set_id, control, implementation, position, start, count), count


def _set(
    set_id: str, control: str, implementation: str, position: int, start: int, stop: int
) -> TransactionSet:
    return TransactionSet(set_id, control, implementation, position, start, stop)


@dataclass(frozen=True)
class Received:
    """An interchange as the transaction readers start from it: its segments, envelope
    (None when not even the ISA could be read), the sets whose envelope is sound, and
    every fault found so far (readers add theirs)."""

    segments: list[Segment]
    envelope: Envelope | None
    sets: list[tuple[Group, TransactionSet]]
    errors: list[X12SyntaxError]


def receive(data: str | bytes) -> Received:
    """Tokenize and check the envelope, collecting faults instead of raising: a set in a
    broken group, or a set whose own envelope is broken, is left out of ``sets``; an
    interchange-level fault leaves no sets at all."""
    try:
        segments, delimiters = tokenize(data, check_ids=False)
        envelope, errors = read_envelope(segments, delimiters)
    except X12SyntaxError as error:
        return Received([], None, [], [error])
    if any(error.interchange_code for error in errors):
        return Received(segments, envelope, [], list(errors))
    broken_groups = {e.group_position for e in errors if e.group_code}
    broken_sets = {e.set_position for e in errors if e.set_position}
    sets = [
        (group, transaction)
        for group in envelope.groups
        if group.position not in broken_groups
        for transaction in group.sets
        if transaction.position not in broken_sets
    ]
    return Received(segments, envelope, sets, list(errors))


def unexpected_set(group: Group, transaction: TransactionSet, expected: str) -> X12SyntaxError:
    """The 999 fault for a set of another kind than the reader answers (IK502 1)."""
    return X12SyntaxError(
        f"A {transaction.set_id} cannot be answered here; send a {expected}.",
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
