from __future__ import annotations

from django.urls import path, re_path

from healtheos.fhirapi import prior_auth, views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("Patient/<str:resource_id>", views.patient_read, name="patient"),
    path("Coverage", views.coverage_search, name="coverage_search"),
    path("Coverage/<str:resource_id>", views.coverage_read, name="coverage"),
    path(
        "CoverageEligibilityRequest",
        views.eligibility_request_create,
        name="eligibility_request",
    ),
    path("Claim/$submit", prior_auth.claim_submit, name="claim_submit"),
    path("Claim/$inquire", prior_auth.claim_inquire, name="claim_inquire"),
    re_path(r"^(?P<path>.*)$", views.not_found),
]
