from __future__ import annotations

from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "healtheos.directory"
    label = "directory"
    verbose_name = "Provider directory"
