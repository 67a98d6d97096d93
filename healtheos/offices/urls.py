from __future__ import annotations

from django.urls import path

from healtheos.offices import views

app_name = "offices"

urlpatterns = [
    path("users/", views.users, name="users"),
    path("users/<int:membership_id>/sign-ins/", views.user_sign_ins, name="user_sign_ins"),
    path("users/<int:membership_id>/revoke-devices/", views.revoke_devices, name="revoke_devices"),
    path("users/review/", views.access_review, name="access_review"),
    path("users/invite/", views.invite, name="invite"),
    path("users/<int:membership_id>/role/", views.change_role, name="change_role"),
    path("users/<int:membership_id>/deactivate/", views.deactivate, name="deactivate"),
    path("users/<int:membership_id>/reactivate/", views.reactivate, name="reactivate"),
    path(
        "users/<int:membership_id>/reset-second-factor/",
        views.reset_second_factor,
        name="reset_second_factor",
    ),
]
