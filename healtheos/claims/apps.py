from __future__ import annotations

from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "healtheos.claims"
    label = "claims"
    verbose_name = "Claims"
