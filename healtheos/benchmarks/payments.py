"""``healtheos bench payments``: 835 ingest end to end (stream, balance, store) on the
configured database, for a file made from payments already on file (each given a new trace
number, so nothing collides), and parse-only throughput on the same file in the same run:
the project's reader, pyx12 (the baseline) and oxedi (a compiled parser, the upper bound).

Each figure is wall-clock time with the process's CPU time beside it, and the load
average before and after the run, because the machine's cores are shared."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from healtheos.benchmarks.suites import BenchSettings

TARGET_CLAIMS = 100_000
TARGET_RATE = 10_000


@dataclasses.dataclass(frozen=True)
class Timed:
    wall: float
    cpu: float

    def rate(self, count: int) -> str:
        """Per second of wall-clock time, and per second of this process's CPU time (what
        the work costs however busy the shared cores were)."""
        return f"{count / self.wall:,.0f}/s ({count / self.cpu:,.0f} per CPU-second)"


def _timed(work: object) -> Timed:
    assert callable(work)
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return Timed(time.perf_counter() - wall, time.process_time() - cpu)


def _load() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def _pyx12(text: str) -> None:
    import pyx12.params
    import pyx12.x12n_document

    pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(text), None, None, None)


def _oxedi(data: bytes) -> tuple[int, str]:
    """Claims oxedi read and its diagnostics, or why it could not be used."""
    try:
        import oxedi
    except ImportError:
        return 0, "oxedi is not installed (pip install oxedi)"
    result = oxedi.parse(data)
    return int(result.count_claims()), f"{len(result.diagnostics)} diagnostics"


def payments(settings: BenchSettings) -> str:
    from django.db import connection

    from healtheos.benchmarks.report import record
    from healtheos.interop.x12 import build_835_batch, iter_835
    from healtheos.payments.generate import remittance_of
    from healtheos.payments.models import Payment
    from healtheos.payments.remittance_ingest import remittance_ingest

    settings.say("building the 835")
    remittances = []
    count = 0
    stamp = f"{int(time.time()) % 10**6:06d}"
    for payment in (
        Payment.objects.payer_wide()
        .select_related("plan", "payee_organization")
        .filter(claim_payments__isnull=False)
        .distinct()
        .order_by("pk")
        .iterator(chunk_size=200)
    ):
        remittance = remittance_of(payment)
        remittances.append(
            dataclasses.replace(
                remittance,
                trace=dataclasses.replace(
                    remittance.trace, reference=f"B{stamp}-{payment.trace_number}"[:50]
                ),
            )
        )
        count += len(remittance.claims)
        if count >= TARGET_CLAIMS:
            break
    at = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)
    text = build_835_batch(
        remittances, at=at, control_number=int(stamp) or 1, sender_id="BENCH", receiver_id="BENCH"
    )
    data = text.encode()
    del remittances
    load_before = _load()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.835"
        path.write_bytes(data)
        settings.say(f"ingesting {count:,} claim payments")
        reports = []
        ingest = _timed(lambda: reports.append(remittance_ingest(path=path)))
        report = reports[0]
    settings.say("parse only: the reader")
    reader = _timed(lambda: sum(len(r.claims) for r in iter_835(data)))
    settings.say("parse only: oxedi")
    oxedi_result: list[tuple[int, str]] = []
    oxedi = _timed(lambda: oxedi_result.append(_oxedi(data)))
    oxedi_claims, oxedi_note = oxedi_result[0]
    settings.say("parse only: pyx12 (slow)")
    pyx12 = _timed(lambda: _pyx12(text))
    load_after = _load()
    rate = report.claim_payments / ingest.wall
    verdict = "meets" if rate >= TARGET_RATE else "does not meet"
    rows = [
        (
            f"835 ingest end to end ({report.claim_payments:,} claim payments in "
            f"{report.payments:,} payments, {len(data) / 1e6:.1f} MB: stream, balance, store)",
            f"{ingest.wall:.1f} s, CPU {ingest.cpu:.1f} s: **{rate:,.0f} claim payments/s** "
            f"({report.claim_payments / ingest.cpu:,.0f} per CPU-second of this process, "
            f"the database server's not counted; {len(report.rejected)} rejected; {verdict} "
            f"the {TARGET_RATE:,}/s target)",
        ),
        (
            "parse only, the project's reader (streaming, balancing not included)",
            f"{reader.wall:.2f} s, CPU {reader.cpu:.2f} s: {reader.rate(count)}",
        ),
        (
            "parse only, pyx12 4 (baseline: reads and validates against its maps)",
            f"{pyx12.wall:.1f} s, CPU {pyx12.cpu:.1f} s: {pyx12.rate(count)}; the reader is "
            f"**{pyx12.wall / reader.wall:.0f}×** faster ({pyx12.cpu / reader.cpu:.0f}× by CPU)",
        ),
    ]
    if oxedi_claims:
        rows.append(
            (
                "parse only, oxedi 0.6 (upper bound: compiled, whole file into tables)",
                f"{oxedi.wall:.2f} s, CPU {oxedi.cpu:.2f} s: {oxedi.rate(oxedi_claims)} "
                f"({oxedi_claims:,} claims, {oxedi_note}); the reader runs at "
                f"**{oxedi.wall / reader.wall:.2f}×** its speed ({oxedi.cpu / reader.cpu:.2f}× by "
                "CPU)",
            )
        )
    else:
        rows.append(("parse only, oxedi (upper bound)", f"not measured: {oxedi_note}"))
    body = (
        f"Data set: {connection.vendor}; {count:,} claim payments in {report.payments:,} "
        f"payments made from payments on file. Load average (1/5/15 min) before: "
        f"{load_before}; after: {load_after} (two cores, shared).\n\n"
        "| measure | value |\n|---|---:|\n"
        + "".join(f"| {name} | {value} |\n" for name, value in rows)
    )
    if settings.record:
        record(f"payments-{connection.vendor}", "## 835 ingest\n\n" + body)
    return body
