""" "Is authorization required?" for offices and API clients, and the plan's rule editor."""

from __future__ import annotations

from django.urls import path

from healtheos.authorizations import rule_views

app_name = "pa_rules"

urlpatterns = [
    path("authorizations/required/", rule_views.lookup, name="lookup"),
    path(
        "api/v1/authorizations/requirements",
        rule_views.api_requirements,
        name="api_requirements",
    ),
    path("payer/authorization-rules/", rule_views.payer_rules, name="payer_rules"),
    path(
        "payer/authorization-rules/<int:rule_id>/",
        rule_views.payer_rule_edit,
        name="payer_rule_edit",
    ),
    path(
        "payer/authorization-rules/<int:rule_id>/delete/",
        rule_views.payer_rule_delete,
        name="payer_rule_delete",
    ),
]
