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
