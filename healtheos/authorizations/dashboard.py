"""The reviewers' live figures: the open queue against its decision clocks, and the
CMS-0057-F figures of the last 30 days, for the plan's utilization-management staff.

``review_dashboard(plan=…, now=…)`` is the selector; ``authorizations/_review_dashboard.html``
renders it and can be included in any payer page (the review queue includes it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q

from healtheos.authorizations.metrics import Figures, decision_figures
from healtheos.authorizations.models import AuthorizationStatus, PriorAuthorization, Urgency
from healtheos.plans.models import Plan

#: A request is at risk when less than this is left on its clock (the review queue's
#: "due within 24 hours" counts the same requests).
AT_RISK_WITHIN = {
    Urgency.EXPEDITED: dt.timedelta(hours=24),
    Urgency.STANDARD: dt.timedelta(hours=24),
}
OPEN_STATUSES = (
    AuthorizationStatus.SUBMITTED,
    AuthorizationStatus.IN_REVIEW,
    AuthorizationStatus.PENDED,
)
LIVE_WINDOW = dt.timedelta(days=30)


@dataclass(frozen=True)
class ClockCounts:
    urgency: str
    open: int
    pended: int
    overdue: int
    at_risk: int

    @property
    def label(self) -> str:
        return str(Urgency(self.urgency).label)


@dataclass(frozen=True)
class ReviewDashboard:
    now: dt.datetime
    clocks: list[ClockCounts]
    standard: Figures
    expedited: Figures
    window_days: int

    @property
    def rows(self) -> list[tuple[str, Figures]]:
        return [("Expedited", self.expedited), ("Standard", self.standard)]

    @property
    def at_risk(self) -> int:
        return sum(c.at_risk for c in self.clocks)

    @property
    def overdue(self) -> int:
        return sum(c.overdue for c in self.clocks)


def clock_counts(*, plan: Plan, now: dt.datetime) -> list[ClockCounts]:
    """Open requests per urgency: how many wait for the office (pended, clock stopped), how
    many are overdue, and how many are at risk (due within 24 hours). One query."""
    counts = []
    open_requests = PriorAuthorization.objects.payer_wide().filter(
        plan=plan, status__in=OPEN_STATUSES
    )
    aggregates = {}
    for urgency, margin in AT_RISK_WITHIN.items():
        aggregates[f"{urgency}_open"] = Count("pk", filter=Q(urgency=urgency))
        aggregates[f"{urgency}_pended"] = Count(
            "pk", filter=Q(urgency=urgency, status=AuthorizationStatus.PENDED)
        )
        # A pended request's clock stands still until the office answers (its due time is
        # moved on then): it is neither at risk nor overdue while it waits.
        running = Q(urgency=urgency) & ~Q(status=AuthorizationStatus.PENDED)
        aggregates[f"{urgency}_overdue"] = Count("pk", filter=running & Q(due_at__lt=now))
        aggregates[f"{urgency}_at_risk"] = Count(
            "pk", filter=running & Q(due_at__gte=now, due_at__lt=now + margin)
        )
    values = open_requests.aggregate(**aggregates)
    for urgency in (Urgency.EXPEDITED, Urgency.STANDARD):
        counts.append(
            ClockCounts(
                urgency=urgency,
                open=values[f"{urgency}_open"],
                pended=values[f"{urgency}_pended"],
                overdue=values[f"{urgency}_overdue"],
                at_risk=values[f"{urgency}_at_risk"],
            )
        )
    return counts


def review_dashboard(*, plan: Plan, now: dt.datetime, cached: bool = False) -> ReviewDashboard:
    """The clocks (always counted afresh) and the last 30 days' figures (with ``cached``,
    shared by the plan's reviewers for a minute)."""
    key = f"pa-dashboard:v1:{plan.pk}"
    figures = cache.get(key) if cached else None
    if figures is None:
        figures = decision_figures(start=now - LIVE_WINDOW, end=now, plan=plan, per_line=False)
        cache.set(key, figures, 60)
    return ReviewDashboard(
        now=now,
        clocks=clock_counts(plan=plan, now=now),
        standard=figures.get(("all", Urgency.STANDARD), Figures()),
        expedited=figures.get(("all", Urgency.EXPEDITED), Figures()),
        window_days=LIVE_WINDOW.days,
    )
