from __future__ import annotations

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "healtheos.messaging"
    label = "messaging"
    verbose_name = "Message center"
