"""Driving load with wrk (Debian's package; a C load generator, so the generator's own cost
stays small next to the server's) and reading its latency distribution."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


class LoadToolMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class LoadResult:
    name: str
    requests: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    errors: int

    def ratio_to(self, baseline: LoadResult) -> float:
        return self.requests_per_second / baseline.requests_per_second


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not match:
        raise ValueError(f"unreadable wrk latency {value!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(name: str, output: str) -> LoadResult:
    percentiles = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)\s*$", output, flags=re.MULTILINE))
    requests_match = re.search(r"(\d+) requests in ([\d.]+)(s|m)", output)
    rps_match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not (percentiles and requests_match and rps_match):
        raise ValueError(f"unreadable wrk output:\n{output}")
    seconds = float(requests_match.group(2)) * (60 if requests_match.group(3) == "m" else 1)
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non2xx:
        errors += int(non2xx.group(1))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return LoadResult(
        name=name,
        requests=int(requests_match.group(1)),
        seconds=seconds,
        requests_per_second=float(rps_match.group(1)),
        p50_ms=_ms(percentiles["50"]),
        p90_ms=_ms(percentiles["90"]),
        p99_ms=_ms(percentiles["99"]),
        errors=errors,
    )


def run_wrk(
    name: str,
    url: str,
    *,
    connections: int = 32,
    seconds: int = 10,
    threads: int = 2,
    lua: str | None = None,
) -> LoadResult:
    """Load one URL (loopback only) for a fixed time; ``lua`` shapes the requests (method,
    headers, body) as wrk scripts do."""
    if not url.startswith(("http://127.0.0.1", "http://localhost")):
        raise ValueError("benchmarks only ever send traffic to this machine")
    wrk = shutil.which("wrk")
    if wrk is None:
        raise LoadToolMissing("wrk is not installed (apt-get install wrk; `make bench` does this)")
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    with tempfile.TemporaryDirectory() as folder:
        if lua:
            script = Path(folder) / "request.lua"
            script.write_text(lua)
            command += ["-s", str(script)]
        command.append(url)
        completed = subprocess.run(  # noqa: S603 (fixed tool, loopback URL checked above)
            command, capture_output=True, text=True, check=True, timeout=seconds + 30
        )
    return parse_wrk(name, completed.stdout)
