from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "healtheos.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from healtheos.core import checks  # noqa: F401  (registers deployment checks)
