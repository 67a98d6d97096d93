from __future__ import annotations

from pathlib import Path

from healtheos.benchmarks.load import parse_wrk
from healtheos.benchmarks.report import record

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8000/healthz
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     9.32ms    1.25ms  30.10ms   90.00%
  Latency Distribution
     50%    9.10ms
     75%    9.80ms
     90%   10.40ms
     99%   13.40ms
  17205 requests in 5.01s, 3.10MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   3432.12
Transfer/sec:    633.00KB
"""


def test_wrk_output_is_read_into_figures() -> None:
    result = parse_wrk("trivial", WRK_OUTPUT)
    assert result.requests == 17205
    assert result.requests_per_second == 3432.12
    assert (result.p50_ms, result.p90_ms, result.p99_ms) == (9.1, 10.4, 13.4)
    assert result.errors == 3


def test_recording_replaces_only_its_own_section(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nIntro stays.\n")
    record("one", "first", doc=doc)
    record("two", "second", doc=doc)
    record("one", "replaced", doc=doc)
    text = doc.read_text()
    assert "Intro stays." in text
    assert "replaced" in text
    assert "first" not in text
    assert "second" in text


def test_wrk_latencies_of_a_second_or_more_are_read() -> None:
    # wrk pads values in seconds with a trailing space ("1.02s ").
    slow = WRK_OUTPUT.replace("10.40ms", "1.02s ").replace("13.40ms", "1.15s ")
    result = parse_wrk("slow", slow)
    assert (result.p90_ms, result.p99_ms) == (1020.0, 1150.0)
