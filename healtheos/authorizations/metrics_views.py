"""The public prior-authorization metrics page and CSV (no sign-in: CMS-0057-F has plans
publish them), and the reviewers' clock dashboard."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from healtheos.accounts.models import PayerRole
from healtheos.accounts.permissions import payer_role_required, signed_in_user
from healtheos.authorizations.dashboard import review_dashboard
from healtheos.authorizations.metrics import metrics_report, report_csv
from healtheos.plans.models import Plan

#: Years a visitor can choose: the rule's reporting starts with 2025's figures.
FIRST_YEAR = 2025


def _choices(request: HttpRequest) -> tuple[Plan, int, list[Plan], list[int]]:
    plans = list(Plan.objects.order_by("name"))
    if not plans:
        raise Http404("no plans")
    code = request.GET.get("plan", "")
    chosen = next((p for p in plans if p.code == code), None)
    if chosen is None and code:
        raise Http404("no such plan")
    if chosen is None:
        routed = getattr(request, "plan", None)
        chosen = routed if isinstance(routed, Plan) else plans[0]
    this_year = timezone.localdate().year
    years = list(range(this_year, FIRST_YEAR - 1, -1))
    try:
        year = int(request.GET.get("year", this_year - 1))
    except ValueError:
        raise Http404("no such year") from None
    if year not in years:
        raise Http404("no such year")
    return chosen, year, plans, years


@require_GET
def public_metrics(request: HttpRequest) -> HttpResponse:
    plan, year, plans, years = _choices(request)
    report = metrics_report(plan=plan, year=year, cached=True)
    if "year" not in request.GET and not any(line.decided for line in report.lines):
        # Nothing decided last year (a new plan, a fresh demo): show this year so far.
        year = years[0]
        report = metrics_report(plan=plan, year=year, cached=True)
    # No shared caching of the page: it carries the CSRF cookie like every page.
    return render(
        request,
        "authorizations/public_metrics.html",
        {
            "report": report,
            "plans": plans,
            "years": years,
            "partial_year": year == timezone.localdate().year,
        },
    )


@require_GET
def public_metrics_csv(request: HttpRequest) -> HttpResponse:
    plan, year, _plans, _years = _choices(request)
    body = report_csv(metrics_report(plan=plan, year=year, cached=True))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="prior-authorization-metrics-{plan.code}-{year}.csv"'
    )
    # Aggregates only, the same for everyone: shared caches may keep them briefly.
    response["Cache-Control"] = "public, max-age=300"
    return response


REVIEW_STAFF = (PayerRole.UM_REVIEWER, PayerRole.ANALYST)


@payer_role_required(*REVIEW_STAFF)
@require_GET
def review_clock(request: HttpRequest) -> HttpResponse:
    """The plan's open requests against their clocks, and the last 30 days' figures."""
    plan = signed_in_user(request).plan
    if plan is None:
        raise Http404("no plan")
    dashboard = review_dashboard(plan=plan, now=timezone.now(), cached=True)
    template = (
        "authorizations/_review_dashboard.html"
        if getattr(request, "htmx", False)
        else "authorizations/review_clock.html"
    )
    return render(request, template, {"dashboard": dashboard, "plan": plan})
