from __future__ import annotations

from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "healtheos.members"
    label = "members"
    verbose_name = "Members and coverage"
