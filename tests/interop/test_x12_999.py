"""999 implementation acknowledgments and TA1 interchange acknowledgments."""

from __future__ import annotations

import datetime as dt

import pytest

from healtheos.interop.x12 import (
    X12SyntaxError,
    acknowledge,
    build_999,
    build_ta1,
    read_999,
    read_envelope,
    read_ta1,
    receive_270,
    tokenize,
)
from tests.interop.x12_fixtures import body_270, interchange, replace_segment

AT = dt.datetime(2026, 11, 24, 9, 32)


def ack(text: str, *, accepted: bool = False) -> str:
    receipt = receive_270(text)
    kind, out = acknowledge(text, list(receipt.errors), at=AT, control_number=55, accepted=accepted)
    assert kind == "999"
    return out


def test_a_clean_270_is_accepted() -> None:
    [group] = read_999(ack(interchange(sets=2)))
    assert (group.functional_id, group.control_number, group.version) == (
        "HS",
        "17",
        "005010X279A1",
    )
    assert [(s.set_id, s.control_number, s.status) for s in group.sets] == [
        ("270", "0001", "A"),
        ("270", "0002", "A"),
    ]
    assert (group.status, group.included, group.received, group.accepted) == ("A", 2, 2, 2)


def test_the_999_is_addressed_back_to_the_sender() -> None:
    text = ack(interchange())
    segments, _ = tokenize(text)
    isa, gs = segments[0], segments[1]
    assert (isa.get(6).strip(), isa.get(8).strip(), isa.get(13)) == (
        "SUNTX",
        "CLEARINGHOUSE",
        "000000055",
    )
    assert (gs.get(1), gs.get(8)) == ("FA", "005010X231A1")
    assert [s.id for s in segments][2:5] == ["ST", "AK1", "AK2"]
    assert segments[2].get(3) == "005010X231A1"


def test_a_wrong_se01_is_answered_naming_se01_with_ik502_code_4() -> None:
    text = ack(replace_segment(interchange(), "SE*", "SE*12*0001"))
    assert "IK3*SE*19**8~IK4*1**7*12~IK5*R*4~" in text
    [group] = read_999(text)
    [transaction] = group.sets
    assert transaction.codes == ("4",)
    [note] = transaction.segments
    assert (note.segment_id, note.position, note.code) == ("SE", 19, "8")
    assert [(e.position, e.code, e.value) for e in note.elements] == [("1", "7", "12")]
    assert (group.status, group.accepted) == ("R", 0)


def test_only_the_faulty_set_is_rejected_and_the_group_is_partly_accepted() -> None:
    text = interchange(sets=2)
    first_se = text.index("SE*")
    text = text[:first_se] + text[first_se:].replace("*0001~", "*0009~", 1)
    [group] = read_999(ack(text))
    assert [(s.status, s.codes) for s in group.sets] == [("R", ("3",)), ("A", ())]
    assert (group.status, group.accepted) == ("P", 1)


def test_a_content_fault_names_the_segment_and_element() -> None:
    body = body_270()
    body[5] = ["HL", "3", "9", "22", "1"]
    [group] = read_999(ack(interchange(body)))
    [transaction] = group.sets
    assert transaction.codes == ("5",)
    [note] = transaction.segments
    assert (note.segment_id, note.position) == ("HL", 7)
    assert [(e.position, e.code, e.value) for e in note.elements] == [("2", "7", "9")]


def test_a_too_long_element_is_ik403_code_5_with_its_value_copied() -> None:
    body = body_270()
    body[6] = ["TRN", "1", "T" * 60, "9877281234"]
    [group] = read_999(ack(interchange(body)))
    [note] = group.sets[0].segments
    assert (note.segment_id, note.position, note.code) == ("TRN", 8, "8")
    assert [(e.position, e.code, e.value) for e in note.elements] == [("2", "5", "T" * 60)]


def test_every_acknowledgment_is_itself_a_sound_interchange() -> None:
    for text in (
        interchange(),
        replace_segment(interchange(), "SE*", "SE*12*0001"),
        replace_segment(interchange(), "IEA*", "IEA*1*000000099"),
    ):
        _, out = acknowledge(text, at=AT, control_number=60)
        segments, delimiters = tokenize(out)
        assert read_envelope(segments, delimiters)[1] == []


def test_a_missing_segment_is_ik304_code_3() -> None:
    [group] = read_999(ack(interchange(body_270()[1:])))
    [note] = group.sets[0].segments
    assert (note.segment_id, note.code, note.elements) == ("BHT", "3", ())


def test_accepted_with_errors_is_ik5_e() -> None:
    text = ack(replace_segment(interchange(), "SE*", "SE*12*0001"), accepted=True)
    [group] = read_999(text)
    assert group.sets[0].status == "E"
    assert group.status == "E"


def test_group_faults_are_ak905_codes() -> None:
    [group] = read_999(ack(replace_segment(interchange(sets=2), "GE*", "GE*1*18")))
    assert (group.status, group.included, group.received) == ("R", 1, 2)
    assert group.codes == ("5", "4")


def test_a_long_or_delimiter_bearing_bad_value_is_not_copied() -> None:
    segments, delimiters = tokenize(interchange())
    envelope, _ = read_envelope(segments, delimiters)
    errors = [
        X12SyntaxError(
            "too long",
            segment_id="NM1",
            element_position=3,
            code="5",
            set_position=3,
            group_position=2,
            position_in_set=8,
            bad_value="X" * 100,
        ),
        X12SyntaxError(
            "odd",
            segment_id="NM1",
            element_position=4,
            code="6",
            set_position=3,
            group_position=2,
            position_in_set=8,
            bad_value="A*B",
        ),
    ]
    text = build_999(original=envelope, errors=errors, at=AT, control_number=1)
    assert "IK4*3**5~" in text
    assert "IK4*4**6~" in text


def test_an_iea_fault_is_answered_with_a_ta1() -> None:
    text = replace_segment(interchange(), "IEA*", "IEA*1*000000099")
    kind, out = acknowledge(text, at=AT, control_number=56)
    assert kind == "TA1"
    ta1 = read_ta1(out)
    assert (ta1.control_number, ta1.status, ta1.note_code) == ("000000017", "R", "001")
    assert "TA1*000000017*261124*0930*R*001~" in out


def test_an_unreadable_isa_is_still_answered_with_a_ta1() -> None:
    kind, out = acknowledge(b"\x00junk", at=AT, control_number=57)
    assert kind == "TA1"
    assert read_ta1(out).note_code == "022"
    short = acknowledge("ISA*00*", at=AT, control_number=58)[1]
    assert read_ta1(short).note_code == "023"


def test_a_ta1_can_accept() -> None:
    segments, delimiters = tokenize(interchange())
    envelope, _ = read_envelope(segments, delimiters)
    out = build_ta1(original=envelope, note_code="000", at=AT, control_number=3, accepted=True)
    assert read_ta1(out).status == "A"
    segments, _ = tokenize(out)
    assert [s.id for s in segments] == ["ISA", "TA1", "IEA"]


def test_a_999_needs_a_group_to_acknowledge() -> None:
    segments, delimiters = tokenize(interchange())
    envelope, _ = read_envelope(segments, delimiters)
    empty = type(envelope)(**{**envelope.__dict__, "groups": ()})
    with pytest.raises(ValueError, match="TA1"):
        build_999(original=empty, errors=[], at=AT, control_number=1)
