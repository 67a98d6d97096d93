from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from healtheos.payments.enrollment import eft_enrollment_decide
from healtheos.payments.models import ClaimPayment, EftEnrollment, Payment, ProviderAdjustment


class ClaimPaymentInline(admin.TabularInline[ClaimPayment, Payment]):
    model = ClaimPayment
    extra = 0
    raw_id_fields = ["claim"]


class ProviderAdjustmentInline(admin.TabularInline[ProviderAdjustment, Payment]):
    model = ProviderAdjustment
    extra = 0


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin[Payment]):
    list_display = [
        "trace_number",
        "plan",
        "payee_organization",
        "method",
        "payment_date",
        "total_amount",
    ]
    list_filter = ["plan", "method"]
    search_fields = ["=trace_number"]
    raw_id_fields = ["payee_organization"]
    inlines = [ClaimPaymentInline, ProviderAdjustmentInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Payment]:
        return super().get_queryset(request).payer_wide()  # type: ignore[attr-defined, no-any-return]


@admin.register(EftEnrollment)
class EftEnrollmentAdmin(admin.ModelAdmin[EftEnrollment]):
    """The plan approves an office's EFT/ERA enrollment; the account shows only its last
    four digits here too."""

    list_display = ["office", "status", "routing_number", "account_last4", "submitted_at"]
    list_filter = ["status"]
    exclude = ["account_encrypted"]
    readonly_fields = [
        "office",
        "routing_number",
        "account_type",
        "account_last4",
        "era_delivery",
        "clearinghouse",
        "submitted_by",
        "submitted_at",
        "decided_at",
    ]
    actions = ["approve", "reject"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[EftEnrollment]:
        return super().get_queryset(request).payer_wide()  # type: ignore[attr-defined, no-any-return]

    @admin.action(description="Approve the enrollment")
    def approve(self, request: HttpRequest, queryset: QuerySet[EftEnrollment]) -> None:
        for enrollment in queryset:
            eft_enrollment_decide(enrollment=enrollment, approve=True, note="", actor=request.user)  # type: ignore[arg-type]

    @admin.action(description="Reject the enrollment")
    def reject(self, request: HttpRequest, queryset: QuerySet[EftEnrollment]) -> None:
        for enrollment in queryset:
            eft_enrollment_decide(enrollment=enrollment, approve=False, note="", actor=request.user)  # type: ignore[arg-type]
