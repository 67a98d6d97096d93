"""The pa-metrics benchmark's generated year is sound: every request is counted once in
the year, and the figures come out as its generator intends (a smoke run, small)."""

from __future__ import annotations

import pytest

from healtheos.authorizations.metrics import metrics_report
from healtheos.benchmarks.pa_metrics import PLAN_CODE, YEAR, pa_metrics
from healtheos.benchmarks.suites import BenchSettings
from healtheos.plans.models import Plan


@pytest.mark.django_db
def test_the_benchmark_runs_on_a_small_year() -> None:
    said: list[str] = []
    settings = BenchSettings(seconds=1, connections=1, workers=1, record=False, say=said.append)
    body = pa_metrics(settings, requests=400)
    assert "ratio to count(*)" in body
    report = metrics_report(plan=Plan.objects.get(code=PLAN_CODE), year=YEAR)
    decided = sum(line.decided for line in report.lines)
    # A quarter of the requests are commercial (not reported) and about 5 % are withdrawn.
    assert 250 <= decided <= 300
    for line in report.lines:
        standard = line.standard
        assert standard.approved + standard.partially_approved + standard.denied == standard.decided
        assert standard.median_hours is not None
        assert standard.median_hours <= 7 * 24 * 1.5
