"""Offices: the tenants of the portal. An office is a provider organization (one TIN) that
has registered at one plan's portal; people act for it through memberships with a role."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from healtheos.offices.roles import OfficeRole


class OfficeStatus(models.TextChoices):
    PENDING = "pending", "Pending approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SUSPENDED = "suspended", "Suspended"


class Office(models.Model):
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="offices")
    organization = models.ForeignKey(
        "directory.ProviderOrganization", on_delete=models.PROTECT, related_name="offices"
    )
    name = models.CharField(max_length=120)
    status = models.CharField(
        max_length=12, choices=OfficeStatus.choices, default=OfficeStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "organization"], name="office_plan_org_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} (TIN {self.tin})"

    @property
    def tin(self) -> str:
        return self.organization.tin

    @property
    def tin_display(self) -> str:
        tin = self.organization.tin
        return f"{tin[:2]}-{tin[2:]}"


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DEACTIVATED = "deactivated", "Deactivated"


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=OfficeRole.choices)
    status = models.CharField(
        max_length=12, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "office"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} at {self.office} as {self.get_role_display()}"


class AccessReview(models.Model):
    """An office administrator confirmed, person by person, who still needs access (the
    plan's ``access_review_days`` says how often). Those not kept were removed."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="access_reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField()
    kept = models.PositiveIntegerField()
    removed = models.PositiveIntegerField()

    class Meta:
        ordering = ["-completed_at", "-id"]

    def __str__(self) -> str:
        return f"Access review of {self.office} on {self.completed_at:%Y-%m-%d}"


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the plan's decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Not approved"


class OfficeRegistration(models.Model):
    """What a registrant submitted, and what the plan decided about it."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="+")
    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="registration")
    registrant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organization_name = models.CharField(max_length=120)
    tin = models.CharField(max_length=9)
    npis = models.JSONField(default=list)
    address_line = models.CharField(max_length=120)
    city = models.CharField(max_length=60)
    state = models.CharField(max_length=2)
    postal_code = models.CharField(max_length=10)
    registrant_role = models.CharField(max_length=60)
    status = models.CharField(
        max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.PENDING
    )
    submitted_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    auto_approved = models.BooleanField(default=False)

    class Meta:
        ordering = ["submitted_at"]
        indexes = [models.Index(fields=["plan", "status", "submitted_at"])]

    def __str__(self) -> str:
        return f"Registration {self.pk} ({self.get_status_display()})"


class Invitation(models.Model):
    """An administrator's invitation to join the office with a role. The link carries a
    random token; only its SHA-256 is stored. It works once and expires."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=OfficeRole.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation {self.pk} ({self.get_role_display()})"
