from __future__ import annotations

from django.urls import path

from healtheos.claims import appeal_views, form_views, submission_views, views

app_name = "claims"

urlpatterns = [
    path("", views.search, name="search"),
    path("submit/", submission_views.upload, name="submit"),
    path("new/", form_views.new_claim, name="new"),
    path("submissions/<int:submission_id>/", submission_views.submission_detail, name="submission"),
    path(
        "submissions/<int:submission_id>/<str:which>/",
        submission_views.submission_ack,
        name="submission_ack",
    ),
    path("appeals/", appeal_views.appeal_list, name="appeals"),
    path("appeals/<int:appeal_id>/", appeal_views.appeal_detail, name="appeal"),
    path(
        "appeals/<int:appeal_id>/documents/<int:attachment_id>/",
        appeal_views.appeal_attachment,
        name="appeal_attachment",
    ),
    path("<str:claim_number>/", views.detail, name="detail"),
    path("<str:claim_number>/appeal/", appeal_views.new_appeal, name="new_appeal"),
]
