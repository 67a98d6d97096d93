from __future__ import annotations

from django.contrib import admin

from healtheos.offices.models import Membership, Office


class MembershipInline(admin.TabularInline[Membership, Office]):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin[Office]):
    list_display = ["name", "plan", "organization", "status", "created_at"]
    list_filter = ["plan", "status"]
    search_fields = ["name", "organization__tin"]
    inlines = [MembershipInline]
