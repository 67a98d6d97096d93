from __future__ import annotations

from django.urls import path

from healtheos.authorizations import review_views

app_name = "pa_review"

urlpatterns = [
    path("", review_views.queue, name="queue"),
    path("<str:tracking_number>/", review_views.case, name="case"),
    path("<str:tracking_number>/start/", review_views.start_review, name="start"),
    path("<str:tracking_number>/request-info/", review_views.request_info, name="request_info"),
    path("<str:tracking_number>/extend/", review_views.extend, name="extend"),
    path("<str:tracking_number>/decide/", review_views.decide, name="decide"),
    path("<str:tracking_number>/letter.pdf", review_views.review_letter, name="letter"),
    path(
        "<str:tracking_number>/documents/<int:attachment_id>/",
        review_views.review_document,
        name="document",
    ),
]
