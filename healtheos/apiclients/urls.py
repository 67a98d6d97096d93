from __future__ import annotations

from django.urls import path

from healtheos.apiclients import views

app_name = "apiclients"

urlpatterns = [
    path("", views.clients, name="clients"),
    path("<str:client_id>/rotate/", views.rotate, name="rotate"),
    path("<str:client_id>/revoke/", views.revoke, name="revoke"),
]
