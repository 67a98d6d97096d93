"""Health plans, their lines of business, benefit plans and the benefits they define."""

from __future__ import annotations

from django.db import models


class LineOfBusiness(models.TextChoices):
    COMMERCIAL = "commercial", "Commercial"
    MEDICARE_ADVANTAGE = "medicare_advantage", "Medicare Advantage"
    MEDICAID = "medicaid", "Medicaid"
    MARKETPLACE = "marketplace", "Marketplace"


class ProductType(models.TextChoices):
    HMO = "HMO", "HMO"
    PPO = "PPO", "PPO"
    EPO = "EPO", "EPO"
    POS = "POS", "POS"


class Network(models.TextChoices):
    IN = "in", "In network"
    OUT = "out", "Out of network"


class CoverageLevel(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    FAMILY = "family", "Family"


class Plan(models.Model):
    """A health plan as its offices know it: a brand in a state, with its own portal."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    brand = models.CharField(max_length=80)
    state = models.CharField(max_length=2)
    #: The payer identifier clearinghouses use in NM1*PR (X12) and the portal host name.
    payer_id = models.CharField(max_length=20, unique=True)
    host = models.CharField(
        max_length=253, blank=True, help_text="Host name that selects this plan's portal"
    )
    auto_approve_registrations = models.BooleanField(default=False)
    trusted_device_days = models.PositiveSmallIntegerField(default=30)
    inactive_account_days = models.PositiveSmallIntegerField(default=90)
    #: How often an office administrator confirms that each user still needs access.
    access_review_days = models.PositiveSmallIntegerField(default=90)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class BenefitPlan(models.Model):
    """A product a member is enrolled in, within one line of business of a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="benefit_plans")
    line_of_business = models.CharField(max_length=24, choices=LineOfBusiness.choices)
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=120)
    product_type = models.CharField(max_length=3, choices=ProductType.choices)
    requires_referral = models.BooleanField(default=False)

    class Meta:
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="benefit_plan_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_line_of_business_display()})"


class Benefit(models.Model):
    """Cost sharing for one service type (X12 service type code) in or out of network."""

    benefit_plan = models.ForeignKey(BenefitPlan, on_delete=models.CASCADE, related_name="benefits")
    service_type = models.CharField(
        max_length=3, help_text="X12 service type code, e.g. 30, 98, UC"
    )
    network = models.CharField(max_length=3, choices=Network.choices)
    covered = models.BooleanField(default=True)
    copay = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    coinsurance_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    deductible_applies = models.BooleanField(default=True)
    prior_auth_required = models.BooleanField(default=False)
    visits_per_year = models.PositiveSmallIntegerField(null=True, blank=True)
    limitation = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["benefit_plan", "service_type", "network"]
        constraints = [
            models.UniqueConstraint(
                fields=["benefit_plan", "service_type", "network"], name="benefit_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.benefit_plan.code} {self.service_type} {self.network}"


class LimitKind(models.TextChoices):
    DEDUCTIBLE = "deductible", "Deductible"
    OUT_OF_POCKET = "out_of_pocket", "Out-of-pocket maximum"


class CostShareLimit(models.Model):
    """A plan-year deductible or out-of-pocket maximum for a network and coverage level."""

    benefit_plan = models.ForeignKey(BenefitPlan, on_delete=models.CASCADE, related_name="limits")
    kind = models.CharField(max_length=16, choices=LimitKind.choices)
    network = models.CharField(max_length=3, choices=Network.choices)
    level = models.CharField(max_length=10, choices=CoverageLevel.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["benefit_plan", "kind", "network", "level"], name="cost_share_limit_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.benefit_plan.code} {self.kind} {self.network} {self.level}"


class FeeSchedule(models.Model):
    """Allowed amounts per procedure code, used by the reference adjudicator."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="fee_schedule")
    line_of_business = models.CharField(max_length=24, choices=LineOfBusiness.choices)
    procedure_code = models.CharField(max_length=5)
    allowed_amount = models.DecimalField(max_digits=9, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "line_of_business", "procedure_code"], name="fee_schedule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} {self.line_of_business} {self.procedure_code}"
