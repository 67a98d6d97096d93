"""``healtheos bench payments``: 835 ingest end to end (stream, balance, store) on the
configured database, for a file made from payments already on file (each given a new trace
number, so nothing collides), and the 835 reader against pyx12 on the same claims."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from healtheos.benchmarks.suites import BenchSettings

TARGET_CLAIMS = 100_000
PYX12_CLAIMS = 2_000


def payments(settings: BenchSettings) -> str:
    from django.db import connection

    from healtheos.benchmarks.report import record
    from healtheos.interop.x12 import build_835_batch, read_835
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
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.835"
        path.write_text(text)
        settings.say(f"ingesting {count:,} claim payments")
        started = time.perf_counter()
        report = remittance_ingest(path=path)
        ingest = time.perf_counter() - started
    settings.say("parse only")
    started = time.perf_counter()
    read_835(text)
    parse = time.perf_counter() - started
    small = build_835_batch(
        list(remittances[:3]),
        at=at,
        control_number=2,
        sender_id="BENCH",
        receiver_id="BENCH",
    )
    small_claims = sum(len(r.claims) for r in remittances[:3])
    started = time.perf_counter()
    read_835(small)
    small_parse = time.perf_counter() - started
    import pyx12.params
    import pyx12.x12n_document

    started = time.perf_counter()
    pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(small), None, None, None)
    pyx12_seconds = time.perf_counter() - started
    rate = report.claim_payments / ingest
    rows = [
        (
            f"835 ingest end to end ({report.claim_payments:,} claim payments, "
            f"{len(text) / 1e6:.1f} MB: stream, balance, store)",
            f"{ingest:.1f} s ({rate:,.0f} claim payments/s; {report.payments:,} payments "
            f"stored, {len(report.rejected)} rejected)",
        ),
        (
            "835 reader, parse only, same file",
            f"{parse:.1f} s ({count / parse:,.0f} claim payments/s)",
        ),
        (
            f"pyx12 validating {small_claims:,} of the same claim payments vs the reader",
            f"{pyx12_seconds:.2f} s vs {small_parse:.3f} s "
            f"({pyx12_seconds / small_parse:.0f}× slower)",
        ),
    ]
    body = (
        f"Data set: {connection.vendor}; {len(remittances):,} payments made from payments "
        "on file.\n\n| measure | value |\n|---|---:|\n"
        + "".join(f"| {name} | {value} |\n" for name, value in rows)
        + "\noxedi (a compiled 835 parser, the issue's upper bound) is not measured yet.\n"
    )
    if settings.record:
        record(f"payments-{connection.vendor}", "## 835 ingest\n\n" + body)
    return body
