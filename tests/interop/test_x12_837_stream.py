"""The streaming 837 reader: the same claims and faults however the input is chunked,
and memory that does not grow with the number of claims."""

from __future__ import annotations

import datetime as dt
import tracemalloc

from healtheos.interop.x12.claims import ClaimStream, receive_837
from healtheos.interop.x12.claims.samples import generate_837p_batch

TODAY = dt.date(2026, 12, 1)


def _peak(n_claims: int) -> tuple[int, int]:
    data = generate_837p_batch(n_claims, seed=3).encode()
    tracemalloc.start()
    try:
        stream = ClaimStream(data, today=TODAY, chunk_size=1 << 16)
        read = sum(1 for _ in stream)
        return read, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_claims_stream_in_bounded_memory() -> None:
    small_read, small_peak = _peak(1_000)
    large_read, large_peak = _peak(4_000)
    assert (small_read, large_read) == (1_000, 4_000)
    # Holding 3,000 more claims would take tens of megabytes; streaming adds only the
    # hierarchy's IDs (tens of bytes a claim).
    assert large_peak - small_peak < 1_500_000, (small_peak, large_peak)


def test_chunking_does_not_change_the_claims_or_the_faults() -> None:
    text = generate_837p_batch(40, seed=5)
    whole = receive_837(text, today=TODAY)
    for size in (1, 7, 500, 1 << 20):
        chunks = [text[i : i + size].encode() for i in range(0, len(text), size)]
        stream = ClaimStream(chunks, today=TODAY)
        claims = [claim for _, claim in stream]
        assert claims == list(whole.claims)
        assert stream.result is not None
        assert stream.result.receipt.errors == ()
    broken = text.replace("SE*", "SE*9", 1)
    receipt = receive_837(broken, today=TODAY)
    assert receipt.batches == ()
    assert [e.set_code for e in receipt.errors] == ["4"]


def test_only_the_sets_asked_for_are_read_in_a_second_pass() -> None:
    text = generate_837p_batch(6, seed=9)
    first = ClaimStream(text, today=TODAY)
    assert len(list(first)) == 6
    assert first.result is not None
    assert len(list(ClaimStream(text, today=TODAY, sets=first.result.sound_sets))) == 6
    assert list(ClaimStream(text, today=TODAY, sets=frozenset())) == []
