from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from healtheos.payments.models import ClaimPayment, Payment, ProviderAdjustment


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
