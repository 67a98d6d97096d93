"""The project's own X12 fixtures, built with its own writer (never copied samples)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from hypothesis import strategies as st

from healtheos.interop.x12 import (
    Delimiters,
    Interchange,
    X12SyntaxError,
    acknowledge,
    build_interchange,
    read_999,
    read_envelope,
    tokenize,
)

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "x12"
AT = dt.datetime(2026, 11, 24, 9, 30)
ENVELOPE = Interchange(
    "ZZ", "CLEARINGHOUSE", "ZZ", "SUNTX", 17, "HS", "CLEARINGHOUSE", "SUNTX", "005010X279A1"
)
NPI = "1234567893"


def body_270(rep: str = "^", *, dob: str = "19800517") -> list[list[str]]:
    return [
        ["BHT", "0022", "13", "TRACE1", "20261124", "0930"],
        ["HL", "1", "", "20", "1"],
        ["NM1", "PR", "2", "SUNRISE HEALTH", "", "", "", "", "PI", "SUNTX"],
        ["HL", "2", "1", "21", "1"],
        ["NM1", "1P", "2", "BLUEBONNET FAMILY MEDICINE", "", "", "", "", "XX", NPI],
        ["HL", "3", "2", "22", "1"],
        ["TRN", "1", "93175-012547", "9877281234"],
        ["NM1", "IL", "1", "DOE", "JANE", "", "", "", "MI", "SUN000000001"],
        ["REF", "6P", "GRP0042"],
        ["DMG", "D8", dob, "F"],
        ["DTP", "291", "D8", "20261124"],
        ["EQ", f"30{rep}98"],
        ["HL", "4", "3", "23", "0"],
        ["TRN", "1", "93175-012548", "9877281234", "DEPT7"],
        ["NM1", "03", "1", "DOE", "JOHNNY"],
        ["DMG", "D8", "20150301", "M"],
        ["DTP", "291", "RD8", "20261101-20261130"],
    ]


def interchange(
    body: Sequence[Sequence[str]] | None = None,
    delimiters: Delimiters | None = None,
    *,
    newline: bool = False,
    sets: int = 1,
) -> str:
    delimiters = delimiters or Delimiters()
    segments = body if body is not None else body_270(delimiters.repetition)
    return build_interchange(
        ENVELOPE, [("270", segments)] * sets, at=AT, delimiters=delimiters, newline=newline
    )


def replace_segment(text: str, old: str, new: str) -> str:
    """``text`` with the one segment starting ``old`` replaced by ``new`` (standard
    delimiters)."""
    start = text.index("~" + old) + 1
    end = text.index("~", start)
    return text[:start] + new + text[end:]


@st.composite
def edited(draw: st.DrawFn, valid: str) -> str:
    """``valid`` with one to four delimiters or characters replaced, inserted or deleted
    (all edits the same way): what the fuzz tests feed the readers."""
    edits = draw(
        st.lists(
            st.tuples(
                st.integers(min_value=0, max_value=len(valid)), st.sampled_from("*~:^|0A \n")
            ),
            min_size=1,
            max_size=4,
        )
    )
    how = draw(st.sampled_from(["replace", "insert", "delete"]))
    text = valid
    for position, char in edits:
        if how == "replace":
            text = text[:position] + char + text[position + 1 :]
        elif how == "insert":
            text = text[:position] + char + text[position:]
        else:
            text = text[:position] + text[position + 1 :]
    return text


def assert_sound_acknowledgment(text: str, errors: Sequence[X12SyntaxError]) -> None:
    """The 999 (or TA1) answering ``text`` with ``errors`` is itself sound X12, and a 999
    reads back."""
    kind, ack = acknowledge(text, list(errors), at=AT, control_number=3)
    segments, delimiters = tokenize(ack)
    assert read_envelope(segments, delimiters)[1] == []
    if kind == "999":
        assert read_999(ack)


ENVELOPE_276 = Interchange(
    "ZZ", "CLEARINGHOUSE", "ZZ", "SUNTX", 27, "HR", "CLEARINGHOUSE", "SUNTX", "005010X212"
)


def body_276(
    component: str = ":", *, service_date: str = "20261101", npi: str = NPI
) -> list[list[str]]:
    """A 276 asking about two subscriber claims (the second with two service lines) and
    one dependent claim."""
    return [
        ["BHT", "0010", "13", "STATUS1", "20261124", "0930"],
        ["HL", "1", "", "20", "1"],
        ["NM1", "PR", "2", "SUNRISE HEALTH", "", "", "", "", "PI", "SUNTX"],
        ["HL", "2", "1", "21", "1"],
        ["NM1", "41", "2", "CLEARINGHOUSE INC", "", "", "", "", "46", "ETIN0042"],
        ["HL", "3", "2", "19", "1"],
        ["NM1", "1P", "2", "BLUEBONNET FAMILY MEDICINE", "", "", "", "", "XX", npi],
        ["HL", "4", "3", "22", "1"],
        ["DMG", "D8", "19800517", "F"],
        ["NM1", "IL", "1", "DOE", "JANE", "", "", "", "MI", "SUN000000001"],
        ["TRN", "1", "CS-0001"],
        ["REF", "1K", "PCN7001"],
        ["REF", "EJ", "ACCT-1"],
        ["AMT", "T3", "250.00"],
        ["DTP", "472", "D8", service_date],
        ["TRN", "1", "CS-0002"],
        ["REF", "BLT", "131"],
        ["REF", "EJ", "ACCT-2"],
        ["AMT", "T3", "1200"],
        ["DTP", "472", "RD8", "20261103-20261105"],
        ["SVC", f"HC{component}99213{component}25", "150", "", "", "", "", "1"],
        ["REF", "FJ", "LINE-1"],
        ["DTP", "472", "D8", "20261103"],
        ["SVC", f"HC{component}80053", "1050", "", "0300", "", "", "2"],
        ["DTP", "472", "D8", "20261104"],
        ["HL", "5", "4", "23"],
        ["DMG", "D8", "20150301", "M"],
        ["NM1", "QC", "1", "DOE", "JOHNNY"],
        ["TRN", "1", "CS-0003"],
        ["REF", "EJ", "ACCT-3"],
        ["AMT", "T3", "80"],
        ["DTP", "472", "D8", "20261110"],
    ]


def interchange_276(
    body: Sequence[Sequence[str]] | None = None,
    delimiters: Delimiters | None = None,
    *,
    sets: int = 1,
    set_id: str = "276",
) -> str:
    delimiters = delimiters or Delimiters()
    segments = body if body is not None else body_276(delimiters.component)
    return build_interchange(
        ENVELOPE_276, [(set_id, segments)] * sets, at=AT, delimiters=delimiters
    )
