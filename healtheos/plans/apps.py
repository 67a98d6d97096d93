from __future__ import annotations

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "healtheos.plans"
    label = "plans"
    verbose_name = "Plans and benefits"
