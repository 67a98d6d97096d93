"""The benchmark suites. Each runs its operations and the trivial-endpoint ceiling in the
same run, so every figure comes with its ratio to what this server can do at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from healtheos.benchmarks.hashing import hasher_ceiling
from healtheos.benchmarks.load import LoadResult, run_wrk
from healtheos.benchmarks.report import load_table, record
from healtheos.benchmarks.server import running_server


@dataclass(frozen=True)
class BenchSettings:
    seconds: int
    connections: int
    workers: int
    record: bool
    say: Callable[[str], None]


def ceiling(settings: BenchSettings) -> str:
    """The framework's ceiling: a trivial endpoint (``/healthz``) on the production server."""
    with running_server(workers=settings.workers) as url:
        settings.say("warming up")
        run_wrk("warm-up", f"{url}/healthz", connections=settings.connections, seconds=2)
        result = run_wrk(
            "trivial endpoint /healthz",
            f"{url}/healthz",
            connections=settings.connections,
            seconds=settings.seconds,
        )
    body = (
        f"gunicorn sync workers: {settings.workers}; wrk, {settings.connections} connections, "
        f"{settings.seconds} s.\n\n" + load_table([result], result)
    )
    if settings.record:
        record("ceiling", "## Framework ceiling\n\n" + body)
    return body


def measure_ceiling(url: str, settings: BenchSettings) -> LoadResult:
    return run_wrk(
        "trivial endpoint /healthz (ceiling)",
        f"{url}/healthz",
        connections=settings.connections,
        seconds=settings.seconds,
    )


def hashing(settings: BenchSettings) -> str:
    """argon2id verifications per second on all cores: the bound on sign-in throughput."""
    single, per_second = hasher_ceiling()
    body = (
        "| measure | value |\n|---|---:|\n"
        f"| one argon2id verification, one core | {single * 1000:.1f} ms |\n"
        f"| verifications per second, all cores | {per_second:.1f} |\n"
    )
    if settings.record:
        record("hasher", "## Password hasher ceiling\n\n" + body)
    return body


SUITES: dict[str, Callable[[BenchSettings], str]] = {
    "ceiling": ceiling,
    "hasher": hashing,
}
