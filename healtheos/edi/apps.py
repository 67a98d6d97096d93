from __future__ import annotations

from django.apps import AppConfig


class EdiConfig(AppConfig):
    name = "healtheos.edi"
    label = "edi"
    verbose_name = "Real-time X12 exchanges"
