"""``healtheos bench eligibility``: real-time X12 270→271 and the JSON eligibility API on
the production server, side by side with the trivial endpoint in the same run; a
10,000-row batch schedule end to end; and the X12 reader against the pure-Python floor.

The load rotates through a few hundred members of one office's plan so that caches are not
flattering. The data set is whatever the configured database holds (the demo scale on
SQLite, the 1m scale on PostgreSQL); its size is printed with the figures.
"""

from __future__ import annotations

import io
import json
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from healtheos.benchmarks.suites import BenchSettings
    from healtheos.members.models import Member
    from healtheos.offices.models import Office

MEMBERS = 300
BATCH_ROWS = 10_000
READER_SUBJECTS = 20_000


def _lua(bodies: list[str], headers: dict[str, str]) -> str:
    quoted = ",\n".join(f"[==[{body}]==]" for body in bodies)
    header_lines = "\n".join(f'headers["{k}"] = "{v}"' for k, v in headers.items())
    return (
        f"local bodies = {{\n{quoted}\n}}\n"
        "local headers = {}\n"
        f"{header_lines}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i + 1\n"
        '  return wrk.format("POST", nil, headers, bodies[(i % #bodies) + 1])\n'
        "end\n"
    )


def _office_and_members() -> tuple[Office, list[Member]]:
    from django.core.management import call_command
    from django.db.models import Q
    from django.utils import timezone

    from healtheos.members.models import Member
    from healtheos.offices.models import Office
    from healtheos.plans.models import Plan

    call_command("migrate", interactive=False, verbosity=0)
    if not Plan.objects.exists():
        call_command("seed", verbosity=0)
    today = timezone.localdate()
    office = (
        Office.objects.filter(status="approved", organization__providers__isnull=False)
        .select_related("plan", "organization")
        .order_by("pk")
        .first()
    )
    if office is None:
        raise RuntimeError("no approved office with providers: seed the database first")
    members = list(
        Member.objects.filter(plan=office.plan, subscriber__isnull=True)
        .filter(
            Q(coverages__start_date__lte=today)
            & (Q(coverages__end_date__isnull=True) | Q(coverages__end_date__gte=today))
        )
        .order_by("pk")
        .distinct()[:MEMBERS]
    )
    return office, members


def _x12_bodies(office: Office, members: list[Member]) -> list[str]:
    import datetime as dt

    from healtheos.interop.x12 import Interchange, build_interchange

    npi = office.organization.providers.order_by("pk").values_list("npi", flat=True).first()
    envelope = Interchange(
        "ZZ",
        "BENCH",
        "ZZ",
        office.plan.payer_id,
        1,
        "HS",
        "BENCH",
        office.plan.payer_id,
        "005010X279A1",
    )
    at = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)
    bodies = []
    for index, member in enumerate(members):
        body = [
            ["BHT", "0022", "13", f"B{index}", "20261204", "0900"],
            ["HL", "1", "", "20", "1"],
            ["NM1", "PR", "2", "PAYER", "", "", "", "", "PI", office.plan.payer_id],
            ["HL", "2", "1", "21", "1"],
            ["NM1", "1P", "2", "OFFICE", "", "", "", "", "XX", npi or ""],
            ["HL", "3", "2", "22", "0"],
            ["TRN", "1", f"T{index}", "9BENCH0001"],
            ["NM1", "IL", "1", "X", "Y", "", "", "", "MI", member.member_id],
            ["DMG", "D8", member.birth_date.strftime("%Y%m%d")],
            ["EQ", "30"],
        ]
        bodies.append(build_interchange(envelope, [("270", body)], at=at))
    return bodies


def _json_bodies(members: list[Member]) -> list[str]:
    return [
        json.dumps({"member_id": m.member_id, "date_of_birth": m.birth_date.isoformat()})
        for m in members
    ]


def _data_set() -> str:
    from django.db import connection

    from healtheos.members.models import Member

    return f"{connection.vendor}, {Member.objects.count():,} members"


def _batch(office: Office, members: list[Member]) -> tuple[float, int]:
    from django.test import override_settings

    from healtheos.accounts.models import User
    from healtheos.eligibility.batch import batch_run_start
    from healtheos.eligibility.models import BatchRun

    user, _ = User.objects.get_or_create(username="bench.batch", defaults={"realm": "provider"})
    out = io.StringIO()
    out.write("member_id,date_of_birth,patient_account\n")
    for index in range(BATCH_ROWS):
        member = members[index % len(members)]
        out.write(f"{member.member_id},{member.birth_date.isoformat()},B{index}-{time.time()}\n")
    data = out.getvalue().encode()
    started = time.perf_counter()
    with override_settings(TASK_BACKEND="inline"):
        run = batch_run_start(office=office, user=user, file_name="bench.csv", data=data)
    elapsed = time.perf_counter() - started
    run = BatchRun.objects.payer_wide().get(pk=run.pk)
    if run.status != "done":
        raise RuntimeError(f"the benchmark batch ended {run.status}: {run.error}")
    return elapsed, run.total_rows


def _reader() -> tuple[float, float, int, int]:
    from healtheos.interop.x12 import receive_270
    from healtheos.interop.x12.samples import generate_270_batch

    text = generate_270_batch(READER_SUBJECTS, seed=7)
    size = len(text.encode())
    best_read = best_split = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        receipt = receive_270(text)
        best_read = min(best_read, time.perf_counter() - started)
        started = time.perf_counter()
        _floor = [segment.split("*") for segment in text.split("~")]
        best_split = min(best_split, time.perf_counter() - started)
    if receipt.errors:
        raise RuntimeError("the generated 270 batch did not read cleanly")
    return best_read, best_split, size, READER_SUBJECTS


def eligibility(settings: BenchSettings) -> str:
    from healtheos.apiclients.services import apiclient_create, token_issue
    from healtheos.benchmarks.load import run_wrk
    from healtheos.benchmarks.report import load_table, record
    from healtheos.benchmarks.server import running_server
    from healtheos.benchmarks.suites import measure_ceiling

    office, members = _office_and_members()
    client, _ = apiclient_create(
        office=office, actor=None, name="benchmark", scopes=["eligibility"]
    )
    token, _ = token_issue(client=client, scopes=["eligibility"])
    auth = {"Authorization": f"Bearer {token}"}
    x12 = _lua(_x12_bodies(office, members), {**auth, "Content-Type": "application/edi-x12"})
    api = _lua(_json_bodies(members), {**auth, "Content-Type": "application/json"})
    env = {
        "HEALTHEOS_ELIGIBILITY_RATE_PER_CLIENT": "1000000000",
        "HEALTHEOS_ELIGIBILITY_RATE_PER_OFFICE": "1000000000",
    }
    with running_server(workers=settings.workers, env=env) as url:
        settings.say("warming up")
        run_wrk("warm-up", f"{url}/x12/v1/realtime", connections=4, seconds=2, lua=x12)
        settings.say("ceiling")
        baseline = measure_ceiling(url, settings)
        settings.say("X12 270→271")
        realtime = run_wrk(
            "X12 270→271 POST /x12/v1/realtime",
            f"{url}/x12/v1/realtime",
            connections=settings.connections,
            seconds=settings.seconds,
            lua=x12,
        )
        settings.say("JSON eligibility")
        json_api = run_wrk(
            "JSON POST /api/v1/eligibility",
            f"{url}/api/v1/eligibility",
            connections=settings.connections,
            seconds=settings.seconds,
            lua=api,
        )
    client.revoked_at = client.created_at
    client.save(update_fields=["revoked_at"])
    settings.say("batch")
    batch_seconds, batch_rows = _batch(office, members)
    settings.say("X12 reader")
    read_s, split_s, size, subjects = _reader()
    body = (
        f"Data set: {_data_set()}. gunicorn sync workers: {settings.workers}; wrk, "
        f"{settings.connections} connections, {settings.seconds} s per operation; requests "
        f"rotate through {len(members)} members.\n\n"
        + load_table([baseline, realtime, json_api], baseline)
        + "\n\n| measure | value |\n|---|---:|\n"
        f"| batch schedule, {batch_rows:,} rows, upload to done (in-process) | "
        f"{batch_seconds:.1f} s ({batch_rows / batch_seconds:,.0f} rows/s) |\n"
        f"| X12 270 reader, {subjects:,} subjects ({size / 1e6:.1f} MB) | "
        f"{read_s:.3f} s ({subjects / read_s:,.0f} subjects/s, {size / read_s / 1e6:.1f} MB/s) |\n"
        f"| floor: `str.split` on segment and element separators, same file | {split_s:.3f} s |\n"
        f"| reader / floor | {read_s / split_s:.1f}× |\n"
    )
    if settings.record:
        from django.db import connection

        record(f"eligibility-{connection.vendor}", "## Eligibility\n\n" + body)
    return body
