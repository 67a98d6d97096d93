from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from healtheos.claims.models import (
    Claim,
    ClaimAdjustment,
    ClaimLine,
    ClaimRemark,
    ClaimStatusEvent,
)


class ClaimLineInline(admin.TabularInline[ClaimLine, Claim]):
    model = ClaimLine
    extra = 0


class ClaimAdjustmentInline(admin.TabularInline[ClaimAdjustment, Claim]):
    model = ClaimAdjustment
    extra = 0
    raw_id_fields = ["line"]


class ClaimRemarkInline(admin.TabularInline[ClaimRemark, Claim]):
    model = ClaimRemark
    extra = 0
    raw_id_fields = ["line"]


class ClaimStatusEventInline(admin.TabularInline[ClaimStatusEvent, Claim]):
    model = ClaimStatusEvent
    extra = 0
    raw_id_fields = ["actor"]


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin[Claim]):
    list_display = [
        "claim_number",
        "plan",
        "billing_organization",
        "status",
        "total_charge",
        "paid_amount",
    ]
    list_filter = ["plan", "status", "claim_type"]
    search_fields = ["=claim_number", "=patient_account_number"]
    raw_id_fields = [
        "member",
        "coverage",
        "billing_organization",
        "billing_provider",
        "rendering_provider",
        "authorization",
        "original_claim",
    ]
    inlines = [ClaimLineInline, ClaimAdjustmentInline, ClaimRemarkInline, ClaimStatusEventInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return super().get_queryset(request).payer_wide()  # type: ignore[attr-defined, no-any-return]
