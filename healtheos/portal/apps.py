from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "healtheos.portal"
    label = "portal"
    verbose_name = "Portal shell"
