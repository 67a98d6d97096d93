"""Prior-authorization metrics (CMS-0057-F), computed from the recorded timeline.

What a plan publishes each year (standards.md, "CMS Interoperability and Prior
Authorization rule"), per plan and per line of business the rule applies to (Medicare
Advantage, Medicaid and CHIP, Marketplace QHPs; commercial coverage is outside it):

- the list of items and services that need authorization (the plan's rules);
- % of standard requests approved, partially approved, denied;
- % of standard requests approved after appeal;
- % of requests approved after an extended review time frame;
- % of expedited requests approved, partially approved, denied;
- average and median time from submission to decision, standard and expedited.

How each figure is counted (also stated on the public page):

- A request counts in the year of its **initial determination**: the first approved,
  partially approved or denied event of its timeline. Drafts, withdrawn and undecided
  requests have none and are not counted.
- Approved / partially approved / denied is that initial determination; the three add up
  to 100 % of the decided requests of an urgency.
- **Approved after appeal**: the initial determination was a denial or a partial approval
  and a later approval is on the timeline, or the request is marked as approved on appeal.
- **Approved after an extended review**: the request's time frame was extended (marked on
  the request) and the initial determination was an approval; over all decided requests.
- **Time to decision** is the elapsed time from the first "submitted" event to the initial
  determination, pends included (the rule measures submission to determination).

Everything is aggregated in SQL, in one statement: one pass over the events of the
requests decided in the period, grouped per request, then per line of business and urgency
(a year of a million requests on PostgreSQL: see docs/benchmarks.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from healtheos.authorizations.models import (
    AuthorizationEvent,
    AuthorizationRule,
    AuthorizationStatus,
    PriorAuthorization,
    Urgency,
)
from healtheos.plans.models import LineOfBusiness, Plan

#: The lines of business CMS-0057-F applies to; commercial coverage is outside the rule.
REPORTED_LINES = (
    LineOfBusiness.MEDICARE_ADVANTAGE,
    LineOfBusiness.MEDICAID,
    LineOfBusiness.MARKETPLACE,
)


@dataclass(frozen=True)
class Figures:
    """One urgency (standard or expedited) in one line of business."""

    decided: int = 0
    approved: int = 0
    partially_approved: int = 0
    denied: int = 0
    approved_after_appeal: int = 0
    approved_after_extension: int = 0
    average_hours: float | None = None
    median_hours: float | None = None

    def percent(self, count: int) -> float | None:
        return round(100.0 * count / self.decided, 1) if self.decided else None

    @property
    def approved_percent(self) -> float | None:
        return self.percent(self.approved)

    @property
    def partially_approved_percent(self) -> float | None:
        return self.percent(self.partially_approved)

    @property
    def denied_percent(self) -> float | None:
        return self.percent(self.denied)

    @property
    def approved_after_appeal_percent(self) -> float | None:
        return self.percent(self.approved_after_appeal)

    def merged(self, other: Figures) -> Figures:
        """Counts added (times are not: they are recomputed from the rows when needed)."""
        return Figures(
            decided=self.decided + other.decided,
            approved=self.approved + other.approved,
            partially_approved=self.partially_approved + other.partially_approved,
            denied=self.denied + other.denied,
            approved_after_appeal=self.approved_after_appeal + other.approved_after_appeal,
            approved_after_extension=self.approved_after_extension + other.approved_after_extension,
        )


@dataclass(frozen=True)
class LineMetrics:
    line_of_business: str
    standard: Figures
    expedited: Figures

    @property
    def label(self) -> str:
        return str(LineOfBusiness(self.line_of_business).label)

    @property
    def decided(self) -> int:
        return self.standard.decided + self.expedited.decided

    @property
    def approved_after_extension_percent(self) -> float | None:
        both = self.standard.merged(self.expedited)
        return both.percent(both.approved_after_extension)


@dataclass(frozen=True)
class ServiceRequiringAuthorization:
    line_of_business: str
    procedure_code: str
    place_of_service: str
    description: str

    @property
    def line_of_business_label(self) -> str:
        return str(LineOfBusiness(self.line_of_business).label)


@dataclass(frozen=True)
class MetricsReport:
    plan: Plan
    year: int
    start: dt.datetime
    end: dt.datetime
    lines: list[LineMetrics]
    services: list[ServiceRequiringAuthorization] = field(default_factory=list)


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """1 January to 1 January in the portal's time zone (HEALTHEOS_TIME_ZONE)."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)


def _seconds_between(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


#: The median where there is no percentile_cont (SQLite): the middle row, or the mean of
#: the two middle rows, of each group ranked by time.
_WINDOW_MEDIAN = """,
ranked AS (
    SELECT lob, urgency, seconds,
           ROW_NUMBER() OVER (PARTITION BY lob, urgency ORDER BY seconds) AS rn,
           COUNT(*) OVER (PARTITION BY lob, urgency) AS n
    FROM decisions WHERE seconds IS NOT NULL
),
medians AS (
    SELECT lob, urgency, AVG(seconds) AS median_seconds FROM ranked
    WHERE rn = (n + 1) / 2 OR rn = (n + 2) / 2
    GROUP BY lob, urgency
)
SELECT t.lob, t.urgency, t.decided, t.approved, t.partial, t.denied, t.appealed,
       t.extended_approved, t.average_seconds, m.median_seconds
FROM totals t LEFT JOIN medians m ON m.lob = t.lob AND m.urgency = t.urgency"""


def _sql(with_plan: bool, lines: int, per_line: bool) -> str:
    events = AuthorizationEvent._meta.db_table
    requests = PriorAuthorization._meta.db_table
    decided = ", ".join(["%s"] * 3)
    plan_filter = "AND a.plan_id = %s" if with_plan else ""
    line_filter = f"AND a.line_of_business IN ({', '.join(['%s'] * lines)})" if lines else ""
    first_decided = f"MIN(CASE WHEN e.status IN ({decided}) THEN e.at END)"
    seconds = _seconds_between("decided_at", "submitted_at")
    lob = "a.line_of_business" if per_line else "'all'"
    if connection.vendor == "postgresql":
        # An ordered-set aggregate: one sort per group, no second pass over the rows.
        median_column = (
            ",\n           percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS median_seconds"
        )
        tail = (
            "SELECT lob, urgency, decided, approved, partial, denied, appealed,\n"
            "       extended_approved, average_seconds, median_seconds FROM totals"
        )
    else:
        median_column = ""
        tail = _WINDOW_MEDIAN
    # The semi-join finds the requests with a decision in the period through the
    # (status, at) index; the grouping then reads only their events.
    # Only table names and placeholders are interpolated; every value is a parameter.
    return f"""
WITH firsts AS (
    SELECT a.id AS id, {lob} AS lob, a.urgency AS urgency,
           a.approved_after_appeal AS appeal_flag, a.extended_review AS extended,
           MIN(CASE WHEN e.status = %s THEN e.at END) AS submitted_at,
           {first_decided} AS decided_at,
           MIN(CASE WHEN e.status = %s THEN e.at END) AS approved_at,
           MIN(CASE WHEN e.status = %s THEN e.at END) AS partial_at,
           MAX(CASE WHEN e.status = %s THEN e.at END) AS last_approved_at
    FROM {events} e JOIN {requests} a ON a.id = e.authorization_id
    WHERE e.authorization_id IN (
        SELECT d.authorization_id FROM {events} d
        WHERE d.status IN ({decided}) AND d.at >= %s AND d.at < %s
    ) {plan_filter} {line_filter}
    GROUP BY a.id, a.line_of_business, a.urgency, a.approved_after_appeal, a.extended_review
    HAVING {first_decided} >= %s AND {first_decided} < %s
),
decisions AS (
    SELECT lob, urgency, appeal_flag, extended, decided_at, last_approved_at,
           CASE WHEN approved_at = decided_at THEN 'A'
                WHEN partial_at = decided_at THEN 'P' ELSE 'D' END AS outcome,
           CASE WHEN submitted_at IS NOT NULL AND submitted_at <= decided_at
                THEN {seconds} END AS seconds
    FROM firsts
),
totals AS (
    SELECT lob, urgency, COUNT(*) AS decided,
           SUM(CASE WHEN outcome = 'A' THEN 1 ELSE 0 END) AS approved,
           SUM(CASE WHEN outcome = 'P' THEN 1 ELSE 0 END) AS partial,
           SUM(CASE WHEN outcome = 'D' THEN 1 ELSE 0 END) AS denied,
           SUM(CASE WHEN outcome <> 'A' AND last_approved_at > decided_at THEN 1
                    WHEN appeal_flag THEN 1 ELSE 0 END) AS appealed,
           SUM(CASE WHEN outcome = 'A' AND extended THEN 1 ELSE 0 END) AS extended_approved,
           AVG(seconds) AS average_seconds{median_column}
    FROM decisions GROUP BY lob, urgency
)
{tail}
"""  # noqa: S608


def _hours(seconds: object) -> float | None:
    if seconds is None:
        return None
    return round(float(seconds) / 3600.0, 1)  # type: ignore[arg-type]


def decision_figures(
    *,
    start: dt.datetime,
    end: dt.datetime,
    plan: Plan | None = None,
    lines: Iterable[str] = (),
    per_line: bool = True,
) -> dict[tuple[str, str], Figures]:
    """Figures per (line of business, urgency) for requests whose initial determination
    fell in ``[start, end)``; one SQL statement. With ``per_line=False`` every line of
    business is counted together, under the key ``("all", urgency)``."""
    line_list = list(lines)
    adapt = connection.ops.adapt_datetimefield_value
    decided = [
        AuthorizationStatus.APPROVED.value,
        AuthorizationStatus.PARTIALLY_APPROVED.value,
        AuthorizationStatus.DENIED.value,
    ]
    # In the order of the placeholders of _sql().
    params: list[str | int | None] = [
        AuthorizationStatus.SUBMITTED.value,
        *decided,
        AuthorizationStatus.APPROVED.value,
        AuthorizationStatus.PARTIALLY_APPROVED.value,
        AuthorizationStatus.APPROVED.value,
        *decided,
        adapt(start),
        adapt(end),
    ]
    if plan is not None:
        params.append(plan.pk)
    params.extend(line_list)
    params.extend([*decided, adapt(start), *decided, adapt(end)])
    figures: dict[tuple[str, str], Figures] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Room for the per-request grouping and the median's sort in memory (this
            # statement only; the server's default spills them to disk).
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(_sql(plan is not None, len(line_list), per_line), params)
        for row in cursor.fetchall():
            lob, urgency, decided_n, approved, partial, denied, appealed, extended, avg, med = row
            figures[(lob, urgency)] = Figures(
                decided=int(decided_n),
                approved=int(approved or 0),
                partially_approved=int(partial or 0),
                denied=int(denied or 0),
                approved_after_appeal=int(appealed or 0),
                approved_after_extension=int(extended or 0),
                average_hours=_hours(avg),
                median_hours=_hours(med),
            )
    return figures


def services_requiring_authorization(
    *, plan: Plan, lines: Iterable[str] = REPORTED_LINES
) -> list[ServiceRequiringAuthorization]:
    rules = AuthorizationRule.objects.filter(
        plan=plan, required=True, line_of_business__in=list(lines)
    ).order_by("line_of_business", "procedure_code", "place_of_service")
    return [
        ServiceRequiringAuthorization(
            r.line_of_business, r.procedure_code, r.place_of_service, r.description
        )
        for r in rules
    ]


#: How long the public pages keep a year's figures: a past year changes only when an
#: appeal is decided, the current one as requests are decided. The command never caches.
CACHE_SECONDS_CURRENT_YEAR = 300
CACHE_SECONDS_PAST_YEAR = 3600


def metrics_report(*, plan: Plan, year: int, cached: bool = False) -> MetricsReport:
    """The public report of ``plan`` for calendar ``year``; with ``cached`` the figures
    may come from the cache (a year of a million requests takes seconds to count)."""
    start, end = year_bounds(year)
    key = f"pa-metrics:v1:{plan.pk}:{year}"
    figures = cache.get(key) if cached else None
    if figures is None:
        figures = decision_figures(start=start, end=end, plan=plan, lines=REPORTED_LINES)
        current = year >= timezone.localdate().year
        cache.set(key, figures, CACHE_SECONDS_CURRENT_YEAR if current else CACHE_SECONDS_PAST_YEAR)
    empty = Figures()
    lines = [
        LineMetrics(
            line_of_business=line,
            standard=figures.get((line, Urgency.STANDARD), empty),
            expedited=figures.get((line, Urgency.EXPEDITED), empty),
        )
        for line in REPORTED_LINES
    ]
    return MetricsReport(
        plan=plan,
        year=year,
        start=start,
        end=end,
        lines=lines,
        services=services_requiring_authorization(plan=plan),
    )


# -- the CSV (the download and `healtheos pa-metrics` print the same bytes) -------------------

CSV_HEADER = ["plan", "year", "line_of_business", "measure", "value"]


def _value(value: float | int | None) -> str:
    return "" if value is None else str(value)


def metric_rows(line: LineMetrics) -> list[tuple[str, float | int | None]]:
    s, x = line.standard, line.expedited
    return [
        ("standard_decided", s.decided),
        ("standard_approved_percent", s.approved_percent),
        ("standard_partially_approved_percent", s.partially_approved_percent),
        ("standard_denied_percent", s.denied_percent),
        ("standard_approved_after_appeal_percent", s.approved_after_appeal_percent),
        ("approved_after_extended_review_percent", line.approved_after_extension_percent),
        ("expedited_decided", x.decided),
        ("expedited_approved_percent", x.approved_percent),
        ("expedited_partially_approved_percent", x.partially_approved_percent),
        ("expedited_denied_percent", x.denied_percent),
        ("standard_average_hours_to_decision", s.average_hours),
        ("standard_median_hours_to_decision", s.median_hours),
        ("expedited_average_hours_to_decision", x.average_hours),
        ("expedited_median_hours_to_decision", x.median_hours),
    ]


def report_csv(report: MetricsReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    code = report.plan.code
    for line in report.lines:
        for measure, value in metric_rows(line):
            writer.writerow([code, report.year, line.line_of_business, measure, _value(value)])
    for service in report.services:
        place = (
            f" (place of service {service.place_of_service})" if service.place_of_service else ""
        )
        writer.writerow(
            [
                code,
                report.year,
                service.line_of_business,
                "requires_authorization",
                f"{service.procedure_code} {service.description}{place}",
            ]
        )
    return out.getvalue()
