"""Random damage to a valid 837P: the reader answers with data or X12SyntaxError, never
another exception, and an acknowledgment can always be built."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healtheos.interop.x12 import (
    ClaimBatch,
    X12SyntaxError,
    acknowledge,
    read_837,
    read_999,
    read_ta1,
    receive_837,
)
from tests.interop.x12_837_fixtures import AT, TODAY, build

VALID = build()
SEGMENTS = VALID.split("~")[:-1]
CHARACTERS = st.sampled_from(list("*:~^|>0159AZ.-+ \n\x00é"))


@st.composite
def damaged(draw: st.DrawFn) -> str:
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["replace", "insert", "delete", "segment", "swap"]))
        if kind == "segment":
            segments = text.split("~")
            index = draw(st.integers(0, len(segments) - 1))
            action = draw(st.sampled_from(["drop", "duplicate", "foreign"]))
            if action == "drop":
                del segments[index]
            elif action == "duplicate":
                segments.insert(index, segments[index])
            else:
                segments.insert(index, draw(st.sampled_from(SEGMENTS)))
            text = "~".join(segments)
            continue
        if kind == "swap":
            segments = text.split("~")
            first = draw(st.integers(0, len(segments) - 1))
            second = draw(st.integers(0, len(segments) - 1))
            segments[first], segments[second] = segments[second], segments[first]
            text = "~".join(segments)
            continue
        if not text:
            break
        position = draw(st.integers(0, len(text) - 1))
        if kind == "replace":
            text = text[:position] + draw(CHARACTERS) + text[position + 1 :]
        elif kind == "insert":
            text = text[:position] + draw(st.text(CHARACTERS, max_size=4)) + text[position:]
        else:
            text = text[:position] + text[position + draw(st.integers(1, 12)) :]
    return text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_claims_read_or_fail_with_syntax_errors_and_can_be_acknowledged(
    text: str,
) -> None:
    receipt = receive_837(text, today=TODAY)
    assert all(isinstance(error, X12SyntaxError) for error in receipt.errors)
    try:
        batch = read_837(text, today=TODAY)
    except X12SyntaxError:
        pass
    else:
        assert isinstance(batch, ClaimBatch)
    kind, out = acknowledge(
        text, list(receipt.errors), envelope=receipt.envelope, at=AT, control_number=5
    )
    if kind == "999":
        assert read_999(out)
    else:
        assert read_ta1(out).status in ("A", "E", "R")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_break_the_reader(data: bytes) -> None:
    receipt = receive_837(data, today=TODAY)
    assert receipt.batches == ()
    kind, _ = acknowledge(
        data, list(receipt.errors), envelope=receipt.envelope, at=AT, control_number=5
    )
    assert kind in ("999", "TA1")
