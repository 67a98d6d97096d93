"""Acknowledging what was received: the 999 implementation acknowledgment (005010X231A1)
and the TA1 interchange acknowledgment.

Which one answers depends on where the fault is. A fault in the ISA/IEA envelope (or no
readable ISA at all) leaves no functional group to acknowledge, so the answer is a TA1;
everything at the group, set, segment or element level goes into a 999, one 999 set per
received functional group. :func:`acknowledge` makes that choice, so a caller holding any
list of :class:`X12SyntaxError` can always answer something that makes sense.

How an error maps onto the 999: an error with ``set_position`` belongs to that set's AK2
loop; with a ``segment_id`` and a ``code`` it becomes IK3 (and IK4 when it names an
element: IK304 is then 8 and ``code`` is the IK403 value); ``set_code`` goes to IK502 and
``group_code`` to AK905.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from healtheos.interop.x12.envelope import Envelope, Group, read_envelope
from healtheos.interop.x12.tokenizer import Delimiters, X12SyntaxError, tokenize
from healtheos.interop.x12.writer import Interchange, build_interchange, serialize

VERSION = "005010X231A1"
_DEFAULT = Delimiters()


def _safe(value: str, delimiters: Delimiters) -> str:
    """A value copied from the input, or '' when it would break the 999's own syntax."""
    if len(value) > 99:
        return ""
    forbidden = delimiters.element + delimiters.segment + delimiters.component
    forbidden += delimiters.repetition
    if any(char in forbidden or not char.isprintable() for char in value):
        return ""
    return value


def _qualifier(value: str, delimiters: Delimiters) -> str:
    """An ISA ID qualifier copied back, or ZZ (mutually defined) when it would break the
    ISA's fixed width."""
    value = _safe(value, delimiters)
    return value if len(value) == 2 else "ZZ"


def _segment_id(value: str) -> str:
    cleaned = "".join(char for char in value.upper() if char.isascii() and char.isalnum())[:3]
    return cleaned if len(cleaned) >= 2 else "ZZ"


def _set_errors_segments(
    errors: Sequence[X12SyntaxError], delimiters: Delimiters
) -> tuple[list[list[str]], list[str]]:
    """IK3/IK4 segments for one set's errors, and its IK502 codes."""
    out: list[list[str]] = []
    codes: list[str] = []
    segment_errors = False
    for error in errors:
        if error.set_code and error.set_code not in codes:
            codes.append(error.set_code)
        if not (error.segment_id and (error.code or error.element_position)):
            continue
        if not error.set_code:
            segment_errors = True
        position = str(error.position_in_set) if error.position_in_set > 0 else "1"
        loop = _safe(error.loop_id, delimiters)
        if error.element_position:
            out.append(
                [
                    "IK3",
                    _segment_id(error.segment_id),
                    position,
                    loop,
                    "8",
                ]
            )
            out.append(
                [
                    "IK4",
                    str(error.element_position),
                    "",
                    error.code or "7",
                    _safe(error.bad_value, delimiters),
                ]
            )
        else:
            out.append(
                [
                    "IK3",
                    _segment_id(error.segment_id),
                    position,
                    loop,
                    error.code,
                ]
            )
    if segment_errors and "5" not in codes:
        codes.append("5")
    return out, codes[:5]


def _group_body(
    group: Group,
    errors: Sequence[X12SyntaxError],
    *,
    accepted: bool,
    delimiters: Delimiters,
) -> list[list[str]]:
    body: list[list[str]] = [
        [
            "AK1",
            _safe(group.functional_id, delimiters) or "ZZ",
            _safe(group.control_number, delimiters) or "0",
            _safe(group.version, delimiters),
        ]
    ]
    group_codes: list[str] = []
    loose = False
    for error in errors:
        if error.group_position != group.position:
            continue
        if error.group_code and error.group_code not in group_codes:
            group_codes.append(error.group_code)
        if not error.set_position and not error.group_code:
            loose = True  # a segment outside any set: the group's structure is broken
    accepted_sets = 0
    statuses: list[str] = []
    for transaction in group.sets:
        mine = [e for e in errors if e.set_position == transaction.position]
        body.append(
            [
                "AK2",
                _segment_id(transaction.set_id) if transaction.set_id else "ZZ",
                _safe(transaction.control_number, delimiters) or "0000",
                _safe(transaction.implementation, delimiters),
            ]
        )
        segments, codes = _set_errors_segments(mine, delimiters)
        body.extend(segments)
        if not mine:
            status = "A"
        elif accepted:
            status = "E"
        else:
            status = "R"
        if status != "R":
            accepted_sets += 1
        statuses.append(status)
        body.append(["IK5", status, *codes])
    if group_codes or loose or (statuses and accepted_sets == 0):
        verdict = "R"
    elif accepted_sets < len(statuses):
        verdict = "P"
    elif "E" in statuses:
        verdict = "E"
    else:
        verdict = "A"
    body.append(
        [
            "AK9",
            verdict,
            str(group.declared_sets),
            str(len(group.sets)),
            str(accepted_sets if verdict != "R" or not group_codes else 0),
            *group_codes[:5],
        ]
    )
    return body


def build_999(
    *,
    original: Envelope,
    errors: Sequence[X12SyntaxError],
    at: dt.datetime,
    control_number: int,
    accepted: bool = False,
    delimiters: Delimiters = _DEFAULT,
) -> str:
    """A 999 acknowledging every functional group of ``original``, addressed back to its
    sender. Sets named by ``errors`` are rejected (IK5 R), or, with ``accepted``, accepted
    with errors noted (IK5 E); the rest are accepted. Interchange-level errors
    (``interchange_code``) cannot be told in a 999; answer them with :func:`build_ta1`."""
    groups = original.groups
    if not groups:
        raise ValueError("An interchange without functional groups is answered with a TA1.")
    sets = [
        ("999", _group_body(group, errors, accepted=accepted, delimiters=delimiters))
        for group in groups
    ]
    first = groups[0]
    interchange = Interchange(
        sender_qualifier=_qualifier(original.receiver_qualifier, delimiters),
        sender_id=_safe(original.receiver_id, delimiters) or "UNKNOWN",
        receiver_qualifier=_qualifier(original.sender_qualifier, delimiters),
        receiver_id=_safe(original.sender_id, delimiters) or "UNKNOWN",
        control_number=control_number,
        functional_id="FA",
        application_sender=_safe(first.application_receiver, delimiters) or "UNKNOWN",
        application_receiver=_safe(first.application_sender, delimiters) or "UNKNOWN",
        version=VERSION,
        usage=original.usage if original.usage in ("P", "T") else "P",
    )
    return build_interchange(interchange, sets, at=at, delimiters=delimiters)


def build_ta1(
    *,
    original: Envelope | None,
    note_code: str,
    at: dt.datetime,
    control_number: int,
    accepted: bool = False,
    sender: tuple[str, str] = ("ZZ", "HEALTHEOS"),
    delimiters: Delimiters = _DEFAULT,
) -> str:
    """An interchange holding only a TA1 (TA1*ISA13*ISA09*ISA10*A|E|R*note code), for
    faults in the ISA/IEA envelope. ``note_code`` is a TA105 code (see
    :data:`healtheos.interop.x12.envelope.INTERCHANGE_CODES`). Without a readable ISA,
    the TA1 names control number 000000000 and is addressed from ``sender`` to nobody in
    particular, which tells the HTTP caller that nothing was recognised."""
    number = f"{control_number:09d}"
    if original is not None:
        them = (original.sender_qualifier, original.sender_id)
        us = (original.receiver_qualifier, original.receiver_id)
        acknowledged = original.control_number
        date, time, usage = original.date, original.time, original.usage
    else:
        them, us = ("ZZ", "UNKNOWN"), sender
        acknowledged, date, time, usage = "000000000", at.strftime("%y%m%d"), "0000", "P"
    if not (len(acknowledged) == 9 and acknowledged.isdigit()):
        acknowledged = "000000000"
    if not (len(date) == 6 and date.isdigit()):
        date = at.strftime("%y%m%d")
    if not (len(time) == 4 and time.isdigit()):
        time = "0000"

    def padded(value: str) -> str:
        return (_safe(value, delimiters) or "UNKNOWN").ljust(15)[:15]

    isa = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        _qualifier(us[0], delimiters),
        padded(us[1]),
        _qualifier(them[0], delimiters),
        padded(them[1]),
        at.strftime("%y%m%d"),
        at.strftime("%H%M"),
        delimiters.repetition,
        "00501",
        number,
        "0",
        usage if usage in ("P", "T") else "P",
        delimiters.component,
    ]
    status = "A" if accepted else "R"
    segments = [
        isa,
        ["TA1", acknowledged, date, time, status, note_code],
        ["IEA", "0", number],
    ]
    return serialize(segments, delimiters)


def acknowledge(
    data: str | bytes,
    errors: Sequence[X12SyntaxError] | None = None,
    *,
    at: dt.datetime,
    control_number: int,
    envelope: Envelope | None = None,
    accepted: bool = False,
) -> tuple[str, str]:
    """("999" or "TA1", the acknowledgment) for a received interchange and the errors
    found in it (all of them; pass those a transaction reader found too). When ``errors``
    is None the envelope is checked here. Never raises for bad input."""
    if envelope is None:
        try:
            segments, delimiters = tokenize(data, check_ids=False)
            envelope, found = read_envelope(segments, delimiters)
        except X12SyntaxError as error:
            code = error.interchange_code or _ta1_code(error)
            return "TA1", build_ta1(
                original=None, note_code=code, at=at, control_number=control_number
            )
        if errors is None:
            errors = found
    errors = list(errors or ())
    isa_error = next((e for e in errors if e.interchange_code), None)
    if isa_error is not None or not envelope.groups:
        code = isa_error.interchange_code if isa_error else "024"
        return "TA1", build_ta1(
            original=envelope, note_code=code, at=at, control_number=control_number
        )
    return "999", build_999(
        original=envelope,
        errors=errors,
        at=at,
        control_number=control_number,
        accepted=accepted,
    )


def _ta1_code(error: X12SyntaxError) -> str:
    """The TA1 note for a fault the tokenizer found before any envelope was known."""
    if error.segment_id != "ISA":
        return "022"  # no ISA where the interchange should begin
    if error.code == "8" and error.element_position == 0 and "shorter" in error.message:
        return "023"
    if error.element_position == 16:
        return "027" if error.code == "7" else "022"
    if "separator" in error.message:
        return "026"
    return "022"


# ---------------------------------------------------------------------------------------
# Reading a 999 (tests and the portal's own clients)


@dataclass(frozen=True)
class ElementNote:
    """IK4: element position, IK403 code and the copied bad value."""

    position: str
    code: str
    value: str


@dataclass(frozen=True)
class SegmentNote:
    """IK3 and its IK4s: segment ID, position in set, loop ID, IK304 code."""

    segment_id: str
    position: int
    loop_id: str
    code: str
    elements: tuple[ElementNote, ...]


@dataclass(frozen=True)
class SetAcknowledgment:
    """AK2..IK5: which set, its verdict (A, E, R) and IK502 codes."""

    set_id: str
    control_number: str
    implementation: str
    status: str
    codes: tuple[str, ...]
    segments: tuple[SegmentNote, ...]


@dataclass(frozen=True)
class GroupAcknowledgment:
    """AK1..AK9: the group acknowledged, its sets and the group verdict."""

    functional_id: str
    control_number: str
    version: str
    status: str
    included: int
    received: int
    accepted: int
    codes: tuple[str, ...]
    sets: tuple[SetAcknowledgment, ...]


def read_999(data: str | bytes) -> list[GroupAcknowledgment]:
    """The group acknowledgments of a 999 interchange (one per 999 set)."""
    segments, _ = tokenize(data)
    groups: list[GroupAcknowledgment] = []
    ak1: list[str] = []
    sets: list[SetAcknowledgment] = []
    ak2: list[str] = []
    notes: list[SegmentNote] = []
    elements: list[ElementNote] = []
    ik3: list[str] = []

    def close_segment() -> None:
        if ik3:
            notes.append(SegmentNote(ik3[0], int(ik3[1] or 0), ik3[2], ik3[3], tuple(elements)))
        ik3.clear()
        elements.clear()

    for segment in segments:
        segment_id = segment.id
        if segment_id == "AK1":
            ak1 = [segment.get(1), segment.get(2), segment.get(3)]
            sets = []
        elif segment_id == "AK2":
            ak2 = [segment.get(1), segment.get(2), segment.get(3)]
            notes = []
        elif segment_id == "IK3":
            close_segment()
            ik3.extend([segment.get(1), segment.get(2), segment.get(3), segment.get(4)])
        elif segment_id == "IK4":
            elements.append(ElementNote(segment.get(1), segment.get(3), segment.get(4)))
        elif segment_id == "IK5":
            close_segment()
            sets.append(
                SetAcknowledgment(
                    ak2[0] if ak2 else "",
                    ak2[1] if ak2 else "",
                    ak2[2] if ak2 else "",
                    segment.get(1),
                    tuple(code for code in segment[2:] if code),
                    tuple(notes),
                )
            )
        elif segment_id == "AK9":
            groups.append(
                GroupAcknowledgment(
                    ak1[0] if ak1 else "",
                    ak1[1] if ak1 else "",
                    ak1[2] if ak1 else "",
                    segment.get(1),
                    int(segment.get(2) or 0),
                    int(segment.get(3) or 0),
                    int(segment.get(4) or 0),
                    tuple(code for code in segment[5:] if code),
                    tuple(sets),
                )
            )
    return groups


@dataclass(frozen=True)
class InterchangeAcknowledgment:
    """A TA1: the interchange control number acknowledged, A/E/R and the note code."""

    control_number: str
    status: str
    note_code: str


def read_ta1(data: str | bytes) -> InterchangeAcknowledgment:
    """The TA1 of an interchange acknowledgment."""
    segments, _ = tokenize(data)
    ta1 = next((s for s in segments if s.id == "TA1"), None)
    if ta1 is None:
        raise X12SyntaxError("The interchange holds no TA1.", segment_position=2, code="3")
    return InterchangeAcknowledgment(ta1.get(1), ta1.get(4), ta1.get(5))
