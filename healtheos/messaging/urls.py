from __future__ import annotations

from django.urls import path

from healtheos.messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.new_thread, name="new"),
    path("<int:thread_id>/", views.thread_view, name="thread"),
    path("<int:thread_id>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    # The plan's departmental inbox.
    path("plan/", views.payer_inbox, name="payer_inbox"),
    path("plan/<int:thread_id>/", views.payer_thread, name="payer_thread"),
    path("plan/<int:thread_id>/update/", views.payer_thread_update, name="payer_thread_update"),
    path(
        "plan/<int:thread_id>/attachments/<int:attachment_id>/",
        views.payer_attachment,
        name="payer_attachment",
    ),
]
