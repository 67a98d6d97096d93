"""``healtheos bench pa-metrics``: the CMS-0057-F metrics over a year of one million prior
authorizations (and their timelines) on the configured database, against a plain
``count(*)`` of the same events table measured in the same run.

The requests belong to a plan of their own (code ``bench-pa``), made once with COPY and
reused by later runs; nothing else in the database is touched. On SQLite the year has
20,000 requests (the figure is then a smoke test, not the recorded one).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from healtheos.benchmarks.suites import BenchSettings
    from healtheos.plans.models import Plan

PLAN_CODE = "bench-pa"
YEAR = 2025
POSTGRES_REQUESTS = 1_000_000
OTHER_REQUESTS = 20_000
RUNS = 3
T = TypeVar("T")


def _plan() -> Plan:
    from healtheos.plans.models import Plan

    plan, _ = Plan.objects.get_or_create(
        code=PLAN_CODE,
        defaults={
            "name": "Benchmark Health",
            "brand": "Benchmark",
            "state": "TX",
            "payer_id": "BENCHPA",
        },
    )
    return plan


def generate(plan: Plan, requests: int, *, say: Callable[[str], None], seed: int = 57) -> int:
    """A year of ``requests`` decided (and some withdrawn) requests with their timelines:
    submitted, in review, sometimes pended and back, then the decision; some denials are
    approved on appeal, some reviews extended. Returns the number of events written."""
    from healtheos.authorizations.models import (
        AuthorizationEvent,
        AuthorizationStatus,
        PriorAuthorization,
        Urgency,
    )
    from healtheos.core.identifiers import luhn_digit_for_npi
    from healtheos.directory.models import EntityType, Provider, ProviderOrganization
    from healtheos.members.models import Member
    from healtheos.plans.models import LineOfBusiness
    from healtheos.synthetic.writer import TableWriter, reset_sequences

    rng = random.Random(seed)
    organization, _ = ProviderOrganization.objects.get_or_create(
        tin="990000057", defaults={"legal_name": "Benchmark Clinic"}
    )
    provider, _ = Provider.objects.get_or_create(
        npi="199999997" + str(luhn_digit_for_npi("199999997")),
        defaults={"entity_type": EntityType.INDIVIDUAL, "first_name": "B", "last_name": "Bench"},
    )
    if not Member.objects.filter(plan=plan).exists():
        Member.objects.bulk_create(
            Member(
                plan=plan,
                member_id=f"BP{i:08d}",
                first_name="Bench",
                last_name=f"Member{i}",
                birth_date=dt.date(1970, 1, 1) + dt.timedelta(days=i),
                sex="U",
            )
            for i in range(1000)
        )
    members = list(Member.objects.filter(plan=plan).values_list("pk", flat=True))
    last_request = PriorAuthorization.objects.payer_wide().order_by("-pk").first()
    next_auth = (last_request.pk if last_request else 0) + 1
    last_event = AuthorizationEvent.objects.order_by("-pk").first()
    next_event = (last_event.pk if last_event else 0) + 1
    auths = TableWriter(
        PriorAuthorization,
        [
            "id",
            "plan_id",
            "tracking_number",
            "authorization_number",
            "member_id",
            "line_of_business",
            "requesting_organization_id",
            "requesting_provider_id",
            "servicing_provider_id",
            "urgency",
            "expedited_justification",
            "place_of_service",
            "diagnosis_codes",
            "clinical_notes",
            "status",
            "submitted_at",
            "due_at",
            "decided_at",
            "decision_reason_code",
            "decision_reason_text",
            "auto_decided_by_rule",
            "extended_review",
            "approved_after_appeal",
            "idempotency_key",
        ],
        batch=10**9,  # flushed by hand below: requests always before their events
    )
    events = TableWriter(
        AuthorizationEvent, ["id", "authorization_id", "status", "at", "note"], batch=10**9
    )
    lines = list(LineOfBusiness.values)
    year_start = dt.datetime(YEAR, 1, 1, 5, tzinfo=dt.UTC)
    seconds_in_year = 360 * 86400
    written_events = 0
    s = AuthorizationStatus
    for index in range(requests):
        pk = next_auth + index
        expedited = rng.random() < 0.15
        window = 72 * 3600 if expedited else 7 * 86400
        submitted = year_start + dt.timedelta(seconds=rng.randrange(seconds_in_year))
        roll = rng.random()
        final = (
            s.APPROVED
            if roll < 0.70
            else s.PARTIALLY_APPROVED
            if roll < 0.78
            else s.DENIED
            if roll < 0.95
            else s.WITHDRAWN
        )
        extended = final != s.WITHDRAWN and rng.random() < 0.05
        elapsed = int(window * (1.5 if extended else rng.uniform(0.02, 0.95)))
        decided = submitted + dt.timedelta(seconds=elapsed)
        appealed = final == s.DENIED and rng.random() < 0.2
        timeline = [(s.SUBMITTED, submitted), (s.IN_REVIEW, submitted + (decided - submitted) / 4)]
        if rng.random() < 0.2:
            timeline.append((s.PENDED, submitted + (decided - submitted) / 2))
            timeline.append((s.IN_REVIEW, submitted + (decided - submitted) * 3 / 4))
        timeline.append((final, decided))
        if appealed:
            timeline.append((s.APPROVED, decided + dt.timedelta(days=20)))
        auths.add(
            pk,
            plan.pk,
            f"BPA{pk:012d}",
            "",
            members[index % len(members)],
            lines[index % len(lines)],
            organization.pk,
            provider.pk,
            provider.pk,
            Urgency.EXPEDITED if expedited else Urgency.STANDARD,
            "",
            "11",
            [],
            "",
            s.APPROVED if appealed else final,
            submitted,
            submitted + dt.timedelta(seconds=window),
            None if final == s.WITHDRAWN else decided,
            "",
            "",
            "",
            extended,
            appealed,
            "",
        )
        for status, moment in timeline:
            events.add(next_event + written_events, pk, status, moment, "")
            written_events += 1
        if index % 10_000 == 9_999:
            auths.flush()
            events.flush()
        if index and index % 100_000 == 0:
            say(f"  {index:,} requests")
    auths.flush()
    events.flush()
    reset_sequences([PriorAuthorization, AuthorizationEvent])
    from healtheos.synthetic.generate import refresh_statistics

    refresh_statistics()
    return written_events


def _timed(function: Callable[[], T]) -> tuple[float, T]:
    timings = []
    result = function()  # a warm-up run, not timed
    for _ in range(RUNS):
        started = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), result


def pa_metrics(settings: BenchSettings, *, requests: int | None = None) -> str:
    from django.core.management import call_command
    from django.db import connection

    from healtheos.authorizations.dashboard import review_dashboard
    from healtheos.authorizations.metrics import metrics_report
    from healtheos.authorizations.models import AuthorizationEvent, PriorAuthorization
    from healtheos.benchmarks.report import record

    call_command("migrate", interactive=False, verbosity=0)
    postgres = connection.vendor == "postgresql"
    wanted = requests or (POSTGRES_REQUESTS if postgres else OTHER_REQUESTS)
    plan = _plan()
    have = PriorAuthorization.objects.payer_wide().filter(plan=plan).count()
    if have < wanted:
        settings.say(f"generating {wanted - have:,} requests with their timelines")
        started = time.perf_counter()
        generate(plan, wanted - have, say=settings.say, seed=57 + have)
        settings.say(f"generated in {time.perf_counter() - started:.0f} s")
    requests_in_plan = PriorAuthorization.objects.payer_wide().filter(plan=plan).count()
    table = AuthorizationEvent._meta.db_table

    def count_events() -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    settings.say("count(*) baseline")
    baseline, events = _timed(count_events)
    settings.say("the year's metrics")
    report_seconds, report = _timed(lambda: metrics_report(plan=plan, year=YEAR))
    decided = sum(line.decided for line in report.lines)
    settings.say("the reviewers' live figures (last 30 days of the year)")
    end_of_year = dt.datetime(YEAR, 12, 31, 23, 0, tzinfo=dt.UTC)
    live_seconds, _ = _timed(lambda: review_dashboard(plan=plan, now=end_of_year))
    rows = [
        (f"`count(*)` of the events table ({events:,} rows), the baseline", baseline, 1.0),
        (
            f"public metrics for {YEAR} ({requests_in_plan:,} requests, {decided:,} decided "
            "in the reported lines of business; one SQL statement)",
            report_seconds,
            report_seconds / baseline,
        ),
        (
            "reviewers' live figures: last 30 days and the open queue",
            live_seconds,
            live_seconds / baseline,
        ),
    ]
    body = (
        f"Data set: {connection.vendor}; plan `{PLAN_CODE}`, {requests_in_plan:,} prior "
        f"authorizations submitted in {YEAR} with {events:,} timeline events in the table "
        f"(COPY-generated, seed 57). Median of {RUNS} runs each after a warm-up run.\n\n"
        "| measure | time | ratio to count(*) |\n|---|---:|---:|\n"
        + "".join(f"| {name} | {seconds:.2f} s | {ratio:.1f} |\n" for name, seconds, ratio in rows)
    )
    if settings.record:
        record(f"pa-metrics-{connection.vendor}", "## Prior-authorization metrics\n\n" + body)
    return body
