from __future__ import annotations

from django.contrib import admin

from healtheos.members.models import Accumulator, Coverage, Member, PcpAssignment


class CoverageInline(admin.TabularInline[Coverage, Member]):
    model = Coverage
    extra = 0


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin[Member]):
    list_display = ["member_id", "plan", "relationship"]
    list_filter = ["plan", "relationship"]
    search_fields = ["=member_id"]
    raw_id_fields = ["subscriber"]
    inlines = [CoverageInline]


@admin.register(Accumulator)
class AccumulatorAdmin(admin.ModelAdmin[Accumulator]):
    list_display = ["coverage", "year", "kind", "network", "level", "met"]
    raw_id_fields = ["coverage"]


@admin.register(PcpAssignment)
class PcpAssignmentAdmin(admin.ModelAdmin[PcpAssignment]):
    list_display = ["member", "provider", "organization", "source", "start_date", "end_date"]
    raw_id_fields = ["member", "provider", "organization"]
