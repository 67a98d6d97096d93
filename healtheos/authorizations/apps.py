from __future__ import annotations

from django.apps import AppConfig


class AuthorizationsConfig(AppConfig):
    name = "healtheos.authorizations"
    label = "authorizations"
    verbose_name = "Prior authorizations and referrals"
