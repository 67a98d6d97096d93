from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from healtheos.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["at", "action", "actor_username", "office_id", "object_type", "object_id"]
    list_filter = ["action", "realm"]
    search_fields = ["actor_username", "object_id", "action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
