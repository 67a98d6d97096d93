from __future__ import annotations

from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "healtheos.eligibility"
    label = "eligibility"
    verbose_name = "Eligibility and benefits"
