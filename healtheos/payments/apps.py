from __future__ import annotations

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "healtheos.payments"
    label = "payments"
    verbose_name = "Payments and remittances"
