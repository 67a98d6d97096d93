"""The public prior-authorization metrics (no sign-in) and the reviewers' clock page."""

from __future__ import annotations

from django.urls import path

from healtheos.authorizations import metrics_views

app_name = "pa_metrics"

urlpatterns = [
    path("prior-authorization-metrics/", metrics_views.public_metrics, name="public"),
    path("prior-authorization-metrics.csv", metrics_views.public_metrics_csv, name="public_csv"),
    path("payer/authorizations/clock/", metrics_views.review_clock, name="review_clock"),
]
