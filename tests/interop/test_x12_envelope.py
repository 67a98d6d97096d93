"""Envelope checks: ISA/IEA, GS/GE and ST/SE, with the codes an acknowledgment needs."""

from __future__ import annotations

import pytest

from healtheos.interop.x12 import (
    Delimiters,
    X12SyntaxError,
    read_envelope,
    tokenize,
    validate_envelope,
)
from tests.interop.x12_fixtures import interchange, replace_segment


def errors_of(text: str) -> list[X12SyntaxError]:
    segments, delimiters = tokenize(text, check_ids=False)
    return read_envelope(segments, delimiters)[1]


def test_a_well_formed_interchange_has_no_envelope_faults() -> None:
    segments, delimiters = tokenize(interchange())
    envelope = validate_envelope(segments, delimiters)
    group = envelope.groups[0]
    assert (group.functional_id, group.control_number, group.version) == (
        "HS",
        "17",
        "005010X279A1",
    )
    assert [(s.set_id, s.control_number, s.position) for s in group.sets] == [("270", "0001", 3)]
    assert envelope.control_number == "000000017"
    assert (envelope.sender_id, envelope.receiver_id) == ("CLEARINGHOUSE", "SUNTX")


def test_it_counts_segments_st_through_se() -> None:
    text = interchange()
    segments, delimiters = tokenize(text)
    transaction = validate_envelope(segments, delimiters).groups[0].sets[0]
    se = segments[transaction.stop]
    assert se.id == "SE"
    assert int(se.get(1)) == transaction.stop - transaction.start + 1
    assert len(transaction.body(segments)) == int(se.get(1)) - 2


def test_a_wrong_se01_is_named_with_ik502_code_4() -> None:
    text = replace_segment(interchange(), "SE*", "SE*99*0001")
    [error] = errors_of(text)
    assert (error.segment_id, error.element_position, error.set_code) == ("SE", 1, "4")
    assert error.bad_value == "99"
    assert error.position_in_set == 19
    assert error.set_position == 3


def test_se02_that_differs_from_st02_is_ik502_code_3() -> None:
    text = replace_segment(interchange(), "SE*", "SE*19*0002")
    [error] = errors_of(text)
    assert (error.segment_id, error.element_position, error.set_code) == ("SE", 2, "3")


def test_a_ge01_that_miscounts_the_sets_is_ak905_code_5() -> None:
    text = replace_segment(interchange(sets=2), "GE*", "GE*3*17")
    [error] = errors_of(text)
    assert (error.segment_id, error.group_code, error.element_position) == ("GE", "5", 1)


def test_ge02_that_differs_from_gs06_is_ak905_code_4() -> None:
    [error] = errors_of(replace_segment(interchange(), "GE*", "GE*1*18"))
    assert (error.segment_id, error.group_code) == ("GE", "4")


def test_iea_count_and_control_mismatches_are_interchange_faults() -> None:
    errors = errors_of(replace_segment(interchange(), "IEA*", "IEA*2*000000018"))
    assert [(e.element_position, e.interchange_code) for e in errors] == [(1, "021"), (2, "001")]


def test_an_isa12_other_than_00501_is_refused() -> None:
    text = interchange().replace("*00501*", "*00401*", 1)
    [error] = errors_of(text)
    assert (error.segment_id, error.element_position, error.interchange_code) == (
        "ISA",
        12,
        "003",
    )


def test_an_unknown_gs08_version_is_ak905_code_2() -> None:
    text = interchange().replace("*X*005010X279A1~", "*X*004010X092A1~", 1)
    errors = errors_of(text)
    assert ("GS", 8, "2") in [(e.segment_id, e.element_position, e.group_code) for e in errors]
    # ST03 no longer matching GS08 is reported against the set as well.
    assert "19" in [e.set_code for e in errors]


def test_a_missing_se_is_ik502_code_2() -> None:
    text = interchange()
    start = text.index("~SE*") + 1
    text = text[:start] + text[text.index("~", start) + 1 :]
    codes = [(e.set_code, e.group_code) for e in errors_of(text)]
    assert ("2", "") in codes


def test_a_missing_ge_and_iea_are_reported() -> None:
    text = interchange()
    text = text[: text.index("GE*")]
    errors = errors_of(text)
    assert "3" in [e.group_code for e in errors]
    assert "023" in [e.interchange_code for e in errors]


def test_segments_outside_a_set_are_unexpected() -> None:
    text = interchange().replace("~ST*", "~REF*XX*1~ST*", 1)
    [error] = errors_of(text)
    assert (error.segment_id, error.code) == ("REF", "2")


def test_an_unreadable_segment_id_inside_a_set_is_ik304_code_1() -> None:
    text = interchange().replace("~TRN*", "~T@N*", 1)
    [error] = errors_of(text)
    assert (error.code, error.set_position, error.position_in_set) == ("1", 3, 8)


def test_duplicate_set_control_numbers_are_ik502_code_23() -> None:
    text = interchange(sets=2).replace("0002", "0001")
    assert "23" in [e.set_code for e in errors_of(text)]


def test_a_270_in_an_hb_group_is_the_wrong_set_for_the_group() -> None:
    text = interchange().replace("GS*HS*", "GS*HB*", 1)
    assert [e.set_code for e in errors_of(text)] == ["6"]


@pytest.mark.parametrize(
    "delimiters",
    [
        Delimiters("|", "}", ">", "!"),
        Delimiters("^", "~", ":", "\n"),
        Delimiters("*", "^", ":", "~"),
    ],
)
def test_other_delimiters_give_the_same_envelope(delimiters: Delimiters) -> None:
    segments, found = tokenize(interchange(delimiters=delimiters))
    assert found == delimiters
    assert validate_envelope(segments, found).groups[0].sets[0].control_number == "0001"


def test_line_breaks_between_segments_do_not_change_the_counts() -> None:
    text = interchange(newline=True).replace("~\n", "~\r\n   ")
    segments, delimiters = tokenize(text)
    validate_envelope(segments, delimiters)


def test_validate_envelope_raises_the_first_fault() -> None:
    segments, delimiters = tokenize(replace_segment(interchange(), "SE*", "SE*2*0001"))
    with pytest.raises(X12SyntaxError, match="SE01") as info:
        validate_envelope(segments, delimiters)
    assert info.value.set_code == "4"
