"""Referral pages, under /referrals/."""

from __future__ import annotations

from django.urls import path

from healtheos.authorizations import referral_views

app_name = "referrals"

urlpatterns = [
    path("", referral_views.referral_list, name="list"),
    path("new/", referral_views.referral_new, name="new"),
    path("<str:referral_number>/", referral_views.referral_detail, name="detail"),
    path("<str:referral_number>/action/", referral_views.referral_action, name="action"),
]
