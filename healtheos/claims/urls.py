from __future__ import annotations

from django.urls import path

from healtheos.claims import views

app_name = "claims"

urlpatterns = [
    path("", views.search, name="search"),
    path("<str:claim_number>/", views.detail, name="detail"),
]
