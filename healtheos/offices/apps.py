from __future__ import annotations

from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "healtheos.offices"
    label = "offices"
    verbose_name = "Offices"
