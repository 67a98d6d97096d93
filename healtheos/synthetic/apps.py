from __future__ import annotations

from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "healtheos.synthetic"
    label = "synthetic"
    verbose_name = "Synthetic data"
