from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from healtheos.accounts.models import User


@admin.register(User)
class HealtheosUserAdmin(UserAdmin):  # type: ignore[type-arg]
    list_display = ["username", "email", "realm", "payer_role", "is_active", "last_login"]
    list_filter = ["realm", "payer_role", "is_active"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Portal", {"fields": ("realm", "payer_role", "plan", "member")}),
    )
    raw_id_fields = ["member"]
