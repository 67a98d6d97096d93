"""The X12 tokenizer and writer on their own (no Django)."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healtheos.interop.x12 import (
    Delimiters,
    Interchange,
    X12SyntaxError,
    build_interchange,
    read_delimiters,
    tokenize,
)

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "x12"
AT = dt.datetime(2026, 11, 24, 9, 30)
ENVELOPE = Interchange(
    "ZZ", "CLEARINGHOUSE", "ZZ", "SUNTX", 17, "HS", "CLEARINGHOUSE", "SUNTX", "005010X279A1"
)
BODY = [
    ["BHT", "0022", "13", "TRACE1", "20261124", "0930"],
    ["HL", "1", "", "20", "1"],
    ["NM1", "PR", "2", "SUNRISE HEALTH", "", "", "", "", "PI", "SUNTX"],
    ["HL", "2", "1", "21", "1"],
    ["NM1", "1P", "2", "BLUEBONNET FAMILY MEDICINE", "", "", "", "", "XX", "1234567893"],
    ["HL", "3", "2", "22", "0"],
    ["TRN", "1", "93175-012547", "9877281234"],
    ["NM1", "IL", "1", "DOE", "JANE", "", "", "", "MI", "SUN000000001"],
    ["DMG", "D8", "19800517"],
    ["DTP", "291", "D8", "20261124"],
    ["EQ", "30{rep}98"],
]


STANDARD = Delimiters()


def interchange(delimiters: Delimiters = STANDARD, newline: bool = False) -> str:
    body = [[e.replace("{rep}", delimiters.repetition) for e in seg] for seg in BODY]
    return build_interchange(
        ENVELOPE, [("270", body)], at=AT, delimiters=delimiters, newline=newline
    )


def test_the_envelope_counts_and_control_numbers_are_right() -> None:
    segments, _ = tokenize(interchange())
    ids = [s.id for s in segments]
    assert ids[:3] == ["ISA", "GS", "ST"]
    assert ids[-3:] == ["SE", "GE", "IEA"]
    st_index, se = ids.index("ST"), segments[ids.index("SE")]
    assert int(se[1]) == ids.index("SE") - st_index + 1
    assert se[2] == segments[st_index][2]
    assert segments[-2][1:] == ("1", segments[1][6])
    assert segments[-1][1:] == ("1", segments[0][13])
    assert len(interchange().split("~")[0]) + 1 == 106  # ISA is fixed width


def test_delimiters_are_read_from_isa_whatever_they_are() -> None:
    odd = Delimiters(element="|", repetition="!", component=">", segment="\n")
    text = interchange(odd)
    assert read_delimiters(text)[0] == odd
    segments, delimiters = tokenize(text)
    eq = next(s for s in segments if s.id == "EQ")
    assert eq.repetitions(1, delimiters) == ["30", "98"]
    assert [s.id for s in segments] == [s.id for s in tokenize(interchange())[0]]


def test_line_breaks_and_spaces_between_segments_are_ignored() -> None:
    wrapped = interchange(newline=True).replace("~\n", "~\r\n  ")
    assert [tuple(s) for s in tokenize(wrapped)[0]] == [
        tuple(s) for s in tokenize(interchange())[0]
    ]


def test_bytes_are_accepted() -> None:
    assert tokenize(interchange().encode())[0][2].id == "ST"


def test_missing_elements_read_as_empty() -> None:
    segments, _ = tokenize(interchange())
    dmg = next(s for s in segments if s.id == "DMG")
    assert dmg.get(3) == ""


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("GS*HS*A*B~", "does not begin with an ISA"),
        ("ISA*00*   ~", "shorter than its fixed 106"),
        (interchange().replace("*00*          *00*", "*00*        *00*", 1), "fixed widths"),
        (interchange().replace("TRN*", "T@N*"), "unreadable segment ID"),
    ],
)
def test_non_x12_is_refused_with_a_located_reason(text: str, fragment: str) -> None:
    with pytest.raises(X12SyntaxError, match=fragment) as info:
        tokenize(text)
    assert info.value.segment_position >= 1


@settings(max_examples=300, deadline=500)
@given(st.binary(max_size=400))
def test_random_bytes_raise_only_x12_syntax_errors(data: bytes) -> None:
    with contextlib.suppress(X12SyntaxError):
        tokenize(data)


@settings(max_examples=300, deadline=500)
@given(st.integers(min_value=0, max_value=400), st.characters())
def test_a_mutated_interchange_never_crashes_the_tokenizer(position: int, char: str) -> None:
    text = interchange()
    mutated = text[:position] + char + text[position + 1 :]
    with contextlib.suppress(X12SyntaxError):
        tokenize(mutated)


def _sample_files(kind: str) -> list[Path]:
    folder = SAMPLES / kind
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.mark.skipif(
    not SAMPLES.exists(), reason="the public sample folder is not beside this checkout"
)
@pytest.mark.parametrize(
    "kind", ["270_005010X279A1", "271_005010X279A1", "835_005010X221A1", "837_005010X222A2"]
)
def test_the_public_samples_tokenize(kind: str) -> None:
    files = _sample_files(kind)
    assert files
    for path in files:
        try:
            segments, _ = tokenize(path.read_bytes())
        except X12SyntaxError:
            continue  # some samples are deliberately defective; a located error is the answer
        assert segments[0].id == "ISA"
