"""Prior authorizations (with their decision timeline) and referrals, plus the plan's rules
for which services need authorization."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from healtheos.core.tenancy import OfficeScopedQuerySet
from healtheos.plans.models import LineOfBusiness

if TYPE_CHECKING:
    from healtheos.offices.models import Office


class Urgency(models.TextChoices):
    STANDARD = "standard", "Standard"
    EXPEDITED = "expedited", "Expedited"


class AuthorizationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    PENDED = "pended", "Pended for information"
    APPROVED = "approved", "Approved"
    PARTIALLY_APPROVED = "partially_approved", "Partially approved"
    DENIED = "denied", "Denied"
    WITHDRAWN = "withdrawn", "Withdrawn"


DECIDED_STATUSES = frozenset(
    {
        AuthorizationStatus.APPROVED,
        AuthorizationStatus.PARTIALLY_APPROVED,
        AuthorizationStatus.DENIED,
    }
)


class AuthorizationQuerySet(OfficeScopedQuerySet["PriorAuthorization"]):
    def office_q(self, office: Office) -> models.Q:
        return models.Q(plan_id=office.plan_id, requesting_organization_id=office.organization_id)


class PriorAuthorization(models.Model):
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="+")
    tracking_number = models.CharField(max_length=20, unique=True)
    #: Issued on approval; the number the office quotes on the claim.
    authorization_number = models.CharField(max_length=20, blank=True, db_index=True)
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="authorizations"
    )
    line_of_business = models.CharField(max_length=24, choices=LineOfBusiness.choices)
    requesting_organization = models.ForeignKey(
        "directory.ProviderOrganization", on_delete=models.PROTECT, related_name="authorizations"
    )
    requesting_provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="requested_authorizations"
    )
    servicing_provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="serviced_authorizations"
    )
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.STANDARD)
    expedited_justification = models.TextField(blank=True)
    place_of_service = models.CharField(max_length=2, blank=True)
    diagnosis_codes = models.JSONField(default=list)
    clinical_notes = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=AuthorizationStatus.choices, default=AuthorizationStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason_code = models.CharField(max_length=10, blank=True)
    decision_reason_text = models.TextField(blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    #: Set when the decision came from an auto-approval rule rather than a reviewer.
    auto_decided_by_rule = models.CharField(max_length=64, blank=True)
    #: CMS-0057-F metrics: decisions reached after an extension or changed on appeal.
    extended_review = models.BooleanField(default=False)
    approved_after_appeal = models.BooleanField(default=False)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(max_length=64, blank=True)

    objects = AuthorizationQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["requesting_organization", "plan", "status"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["plan", "decided_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["requesting_organization", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="authorization_idempotency_unique",
            )
        ]

    def __str__(self) -> str:
        return f"Authorization {self.tracking_number}"


class AuthorizationService(models.Model):
    authorization = models.ForeignKey(
        PriorAuthorization, on_delete=models.CASCADE, related_name="services"
    )
    procedure_code = models.CharField(max_length=5)
    modifiers = models.JSONField(default=list, blank=True)
    requested_units = models.PositiveIntegerField(default=1)
    approved_units = models.PositiveIntegerField(null=True, blank=True)
    service_from = models.DateField()
    service_to = models.DateField()

    def __str__(self) -> str:
        return f"{self.authorization} {self.procedure_code}"


class AuthorizationEvent(models.Model):
    """The timeline: each status change, request for information and answer, with its time,
    so that decision clocks and the public metrics are computed from what happened."""

    authorization = models.ForeignKey(
        PriorAuthorization, on_delete=models.CASCADE, related_name="timeline"
    )
    status = models.CharField(max_length=20, choices=AuthorizationStatus.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["authorization", "at", "id"]
        # The public metrics find a year's decisions by status and time.
        indexes = [models.Index(fields=["status", "at"], name="auth_event_status_at")]

    def __str__(self) -> str:
        return f"{self.authorization} {self.status}"


class AuthorizationRule(models.Model):
    """Whether a plan requires authorization for a procedure in a line of business, and the
    documentation it expects. Editable by payer staff."""

    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="authorization_rules"
    )
    line_of_business = models.CharField(max_length=24, choices=LineOfBusiness.choices)
    procedure_code = models.CharField(max_length=5)
    place_of_service = models.CharField(max_length=2, blank=True, help_text="Blank: any place")
    required = models.BooleanField(default=True)
    description = models.CharField(max_length=200)
    documentation = models.TextField(blank=True)
    auto_approve = models.BooleanField(default=False)

    class Meta:
        ordering = ["plan", "line_of_business", "procedure_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "line_of_business", "procedure_code", "place_of_service"],
                name="authorization_rule_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} {self.line_of_business} {self.procedure_code}"


class ReferralStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    USED = "used", "Visits used"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"


class ReferralQuerySet(OfficeScopedQuerySet["Referral"]):
    def office_q(self, office: Office) -> models.Q:
        # Both ends of a referral see it: the referring PCP office and the specialist's.
        return models.Q(plan_id=office.plan_id) & (
            models.Q(referring_organization_id=office.organization_id)
            | models.Q(servicing_organization_id=office.organization_id)
        )


class Referral(models.Model):
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="+")
    referral_number = models.CharField(max_length=20, unique=True)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="referrals")
    referring_organization = models.ForeignKey(
        "directory.ProviderOrganization", on_delete=models.PROTECT, related_name="referrals_made"
    )
    referring_provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="referrals_made"
    )
    servicing_organization = models.ForeignKey(
        "directory.ProviderOrganization",
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    servicing_provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="referrals_received"
    )
    reason = models.CharField(max_length=200, blank=True)
    diagnosis_codes = models.JSONField(default=list)
    visits = models.PositiveSmallIntegerField()
    visits_used = models.PositiveSmallIntegerField(default=0)
    valid_from = models.DateField()
    valid_to = models.DateField()
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.ACTIVE
    )
    created_at = models.DateTimeField()

    objects = ReferralQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Referral {self.referral_number}"
