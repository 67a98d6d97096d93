from __future__ import annotations

from django.urls import path

from healtheos.eligibility import views

app_name = "eligibility"

urlpatterns = [
    path("", views.search, name="search"),
    path("batch/", views.batch, name="batch"),
    path("batch/template.csv", views.batch_template, name="batch_template"),
    path("batch/<int:run_id>/", views.batch_run, name="batch_run"),
    path("batch/<int:run_id>/results.csv", views.batch_run_csv, name="batch_run_csv"),
    path("patients/", views.patients, name="patients"),
]
