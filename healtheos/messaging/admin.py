from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from healtheos.messaging.models import Message, Thread


class MessageInline(admin.StackedInline[Message, Thread]):
    model = Message
    extra = 0
    raw_id_fields = ["author"]


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin[Thread]):
    list_display = ["subject", "office", "department", "status", "updated_at"]
    list_filter = ["department", "status"]
    raw_id_fields = ["office", "claim", "authorization", "member", "assigned_to", "created_by"]
    inlines = [MessageInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Thread]:
        return super().get_queryset(request).payer_wide()  # type: ignore[attr-defined, no-any-return]
