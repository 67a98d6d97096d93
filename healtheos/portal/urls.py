from __future__ import annotations

from django.urls import path

from healtheos.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("office/switch/", views.switch_office, name="switch_office"),
]
