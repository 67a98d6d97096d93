"""Writing results into docs/benchmarks.md, each benchmark in its own marked section so
that re-running one replaces only its own figures."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
from pathlib import Path

from healtheos.benchmarks.load import LoadResult

DOC = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"


def machine_description() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{mem_kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        memory = "unknown memory"
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def load_table(results: list[LoadResult], baseline: LoadResult) -> str:
    rows = [
        "| operation | requests | req/s | ratio to ceiling | p50 ms | p90 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        rows.append(
            f"| {result.name} | {result.requests:,} | {result.requests_per_second:,.0f} | "
            f"{result.ratio_to(baseline):.2f} | {result.p50_ms:.1f} | {result.p90_ms:.1f} | "
            f"{result.p99_ms:.1f} | {result.errors} |"
        )
    return "\n".join(rows)


def record(section: str, body: str, *, doc: Path = DOC) -> None:
    """Replace (or append) the section between ``<!-- bench:NAME -->`` markers."""
    stamp = dt.datetime.now(tz=dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = (
        f"<!-- bench:{section} -->\n_Measured {stamp} on {machine_description()}._\n\n"
        f"{body.strip()}\n<!-- /bench:{section} -->"
    )
    text = doc.read_text() if doc.exists() else "# Benchmarks\n"
    pattern = re.compile(
        rf"<!-- bench:{re.escape(section)} -->.*?<!-- /bench:{re.escape(section)} -->", re.DOTALL
    )
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + f"\n\n{block}\n"
    doc.write_text(text)
