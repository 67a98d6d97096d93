from __future__ import annotations

from django.urls import path

from healtheos.offices import views

app_name = "offices"

urlpatterns = [
    path("users/", views.users, name="users"),
    path("users/<int:membership_id>/sign-ins/", views.user_sign_ins, name="user_sign_ins"),
]
