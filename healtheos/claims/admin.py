from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from healtheos.claims.appeals import appeal_decide
from healtheos.claims.models import (
    Appeal,
    AppealDecision,
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


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin[Appeal]):
    """The plan's review of reconsiderations and appeals; decisions go through
    ``appeal_decide`` (audited), from the list's actions."""

    list_display = ["tracking_number", "kind", "claim", "office", "status", "due_at", "decision"]
    list_filter = ["kind", "status", "decision"]
    search_fields = ["=tracking_number"]
    readonly_fields = [
        "office",
        "claim",
        "tracking_number",
        "kind",
        "reason",
        "explanation",
        "submitted_by",
        "submitted_at",
        "due_at",
        "decided_at",
        "decided_by",
        "idempotency_key",
    ]
    actions = ["overturn", "uphold"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Appeal]:
        return super().get_queryset(request).payer_wide()  # type: ignore[attr-defined, no-any-return]

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[Appeal], decision: AppealDecision
    ) -> None:
        for appeal in queryset:
            appeal_decide(appeal=appeal, decision=decision, note="", actor=request.user)  # type: ignore[arg-type]

    @admin.action(description="Decide: overturned (reprocess the claim)")
    def overturn(self, request: HttpRequest, queryset: QuerySet[Appeal]) -> None:
        self._decide(request, queryset, AppealDecision.OVERTURNED)

    @admin.action(description="Decide: upheld")
    def uphold(self, request: HttpRequest, queryset: QuerySet[Appeal]) -> None:
        self._decide(request, queryset, AppealDecision.UPHELD)
