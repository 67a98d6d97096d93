from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "healtheos.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from healtheos.accounts import receivers  # noqa: F401  (connects allauth's signals)
