from __future__ import annotations

from django.urls import path

from healtheos.authorizations import views

app_name = "authorizations"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.new_request, name="new"),
    path("drafts/", views.draft_list, name="drafts"),
    path("drafts/save/", views.save_draft, name="draft_save"),
    path("drafts/<int:draft_id>/", views.resume_draft, name="draft"),
    path("drafts/<int:draft_id>/delete/", views.draft_delete, name="draft_delete"),
    path("npi/", views.npi_lookup, name="npi_lookup"),
    path("webhook/", views.webhook_settings, name="webhook"),
    path("<str:tracking_number>/", views.request_detail, name="detail"),
    path("<str:tracking_number>/answer/", views.answer, name="answer"),
    path("<str:tracking_number>/appeal/", views.appeal, name="appeal"),
    path("<str:tracking_number>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:tracking_number>/letter.pdf", views.letter, name="letter"),
    path("<str:tracking_number>/documents/<int:attachment_id>/", views.document, name="document"),
]
