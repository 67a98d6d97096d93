"""Every X12 reader under the same damage: the public sample transactions, mutated and
truncated, and random bytes. Each reader answers with data or an ``X12SyntaxError`` (never
another exception), within a time bound (no hang) and a memory bound; and what the portal
receives (270, 276, 837) always gets a 999 or TA1 back.

The valid inputs are the synthetic builders' (the public samples live outside the
repository). The per-reader tests next to each reader (``test_x12_270``... ``test_x12_837_fuzz``) go
deeper into each transaction; this file holds the bounds common to all of them, so that a
new reader (278) is covered by adding one line to ``READERS``. Through the real-time
endpoint, damaged 270s and 276s are answered with a 271/277, 999 or TA1 and never a server
error: ``tests/edi/test_realtime.py`` and ``tests/edi/test_claim_status.py``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healtheos.interop.x12 import (
    X12SyntaxError,
    acknowledge,
    read_270,
    read_276,
    read_835,
    read_837,
    read_999,
    read_ta1,
    receive_270,
    receive_276,
    receive_837,
)
from healtheos.interop.x12.remittance.samples import generate_835
from tests.interop.x12_837_fixtures import build as build_837
from tests.interop.x12_fixtures import interchange, interchange_276

AT = dt.datetime(2026, 11, 24, 9, 30)

#: A reader that takes longer than this on an input of a few kilobytes is hanging.
SECONDS = 2.0
#: Peak memory while reading: a fixed allowance plus a multiple of the input's size.
MEMORY_BASE = 16 * 1024 * 1024
MEMORY_PER_BYTE = 200


def _270() -> bytes:
    return interchange().encode()


def _own_999() -> bytes:
    _, text = acknowledge(_270(), [], at=AT, control_number=7)
    return text.encode()


def _own_ta1() -> bytes:
    data = b"not x12 at all"
    _, text = acknowledge(data, list(receive_270(data).errors), at=AT, control_number=8)
    return text.encode()


Reader = Callable[[bytes], Any]
#: name -> (reader, a valid input to damage, the receiver whose errors a 999 reports).
READERS: dict[str, tuple[Reader, Callable[[], bytes], Callable[[bytes], Any] | None]] = {
    "270": (read_270, _270, receive_270),
    "276": (read_276, lambda: interchange_276().encode(), receive_276),
    "837P": (read_837, lambda: build_837().encode(), receive_837),
    "835": (read_835, lambda: generate_835(3, seed=8).encode(), None),
    "999": (read_999, _own_999, None),
    "TA1": (read_ta1, _own_ta1, None),
}

DAMAGE_CHARACTERS = st.sampled_from(list(b"*:~^|>0159AZ.-+ \n\x00\xff"))


@st.composite
def damaged(draw: st.DrawFn, valid: bytes) -> bytes:
    data = bytearray(valid)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        kind = draw(st.sampled_from(["replace", "insert", "delete", "truncate", "repeat"]))
        at = draw(st.integers(0, len(data) - 1))
        if kind == "replace":
            data[at] = draw(DAMAGE_CHARACTERS)
        elif kind == "insert":
            data[at:at] = bytes(draw(st.lists(DAMAGE_CHARACTERS, max_size=6)))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif kind == "truncate":
            del data[at:]
        else:
            # A segment repeated many times: loops that count or nest must stay bounded.
            end = data.find(b"~", at)
            if end > at:
                data[end + 1 : end + 1] = bytes(data[at : end + 1]) * draw(st.integers(2, 200))
    return bytes(data)


def _bounded(read: Reader, data: bytes) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        read(data)
    except X12SyntaxError:
        pass
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    # tracemalloc slows Python down several times; the bound allows for it.
    assert elapsed < SECONDS * 5, f"{elapsed:.1f} s on {len(data)} bytes"
    assert peak < MEMORY_BASE + MEMORY_PER_BYTE * len(data), f"{peak} bytes on {len(data)}"


def _acknowledged(receive: Callable[[bytes], Any], data: bytes) -> None:
    receipt = receive(data)
    kind, text = acknowledge(data, list(receipt.errors), at=AT, control_number=9)
    assert kind in ("999", "TA1")
    assert text.startswith("ISA")
    if receipt.errors:
        # A rejection that says what is wrong: IK3/IK4 or a rejected AK9/IK5, or a TA1 code.
        assert "IK5*R" in text or "AK9*R" in text or "IK3" in text or kind == "TA1", text


@pytest.mark.parametrize("name", list(READERS))
def test_each_sample_is_read_as_it_is(name: str) -> None:
    read, valid, _ = READERS[name]
    read(valid())


@pytest.mark.parametrize("name", list(READERS))
def test_damaged_input_is_read_or_refused_within_time_and_memory(name: str) -> None:
    read, valid, receive = READERS[name]

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(damaged(valid()))
    def check(data: bytes) -> None:
        _bounded(read, data)
        if receive is not None:
            _acknowledged(receive, data)

    check()


@pytest.mark.parametrize("name", list(READERS))
def test_random_bytes_are_refused_within_time_and_memory(name: str) -> None:
    read, _, receive = READERS[name]

    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(st.binary(max_size=600))
    def check(data: bytes) -> None:
        _bounded(read, data)
        if receive is not None:
            _acknowledged(receive, data)

    check()


def test_a_large_repetitive_file_is_read_in_bounded_time() -> None:
    # 2 MB of one segment repeated: linear work, no quadratic blow-up.
    data = _270()
    body = b"REF*SY*123456789~" * 120_000
    started = time.perf_counter()
    with contextlib.suppress(X12SyntaxError):
        read_270(data.replace(b"~", b"~" + body, 1)[:2_200_000])
    assert time.perf_counter() - started < 30
