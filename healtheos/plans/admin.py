from __future__ import annotations

from django.contrib import admin

from healtheos.plans.models import Benefit, BenefitPlan, CostShareLimit, FeeSchedule, Plan


class BenefitInline(admin.TabularInline[Benefit, BenefitPlan]):
    model = Benefit
    extra = 0


class CostShareLimitInline(admin.TabularInline[CostShareLimit, BenefitPlan]):
    model = CostShareLimit
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin[Plan]):
    list_display = ["code", "name", "brand", "state", "payer_id", "auto_approve_registrations"]


@admin.register(BenefitPlan)
class BenefitPlanAdmin(admin.ModelAdmin[BenefitPlan]):
    list_display = ["code", "name", "plan", "line_of_business", "product_type", "requires_referral"]
    list_filter = ["plan", "line_of_business", "product_type"]
    inlines = [CostShareLimitInline, BenefitInline]


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin[FeeSchedule]):
    list_display = ["plan", "line_of_business", "procedure_code", "allowed_amount"]
    list_filter = ["plan", "line_of_business"]
    search_fields = ["procedure_code"]
