from __future__ import annotations

from django.apps import AppConfig


class ApiClientsConfig(AppConfig):
    name = "healtheos.apiclients"
    label = "apiclients"
    verbose_name = "API clients"
