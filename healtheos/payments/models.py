"""Payments to offices and the remittance advice (835) that explains them.

Balancing rules (checked before anything is stored, and by the seed invariants):
each claim payment's billed amount minus its adjustments equals the amount paid, and a
payment's total equals the sum of its claim payments minus provider-level adjustments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from healtheos.offices.models import Office

from healtheos.core.tenancy import OfficeScopedQuerySet


class PaymentMethod(models.TextChoices):
    """X12 BPR04 payment method codes."""

    ACH = "ACH", "Electronic funds transfer"
    CHECK = "CHK", "Check"
    NONE = "NON", "No payment"


class PaymentQuerySet(OfficeScopedQuerySet["Payment"]):
    def office_q(self, office: Office) -> models.Q:
        return models.Q(plan_id=office.plan_id, payee_organization_id=office.organization_id)


class Payment(models.Model):
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="+")
    payee_organization = models.ForeignKey(
        "directory.ProviderOrganization", on_delete=models.PROTECT, related_name="payments"
    )
    #: Check or EFT trace number (TRN02), unique per plan.
    trace_number = models.CharField(max_length=50)
    method = models.CharField(max_length=3, choices=PaymentMethod.choices)
    payment_date = models.DateField()
    total_amount = models.DecimalField(max_digits=13, decimal_places=2)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "trace_number"], name="payment_trace_unique")
        ]
        indexes = [models.Index(fields=["payee_organization", "plan", "payment_date"])]

    def __str__(self) -> str:
        return f"Payment {self.trace_number}"


class Remittance(models.Model):
    """One 835 transaction set as received or generated, kept byte for byte for download."""

    payment = models.OneToOneField(Payment, on_delete=models.CASCADE, related_name="remittance")
    interchange_control_number = models.CharField(max_length=9, blank=True)
    transaction_control_number = models.CharField(max_length=9, blank=True)
    #: SHA-256 of the source file, for idempotent re-ingest.
    file_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    raw_x12 = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Remittance for {self.payment}"


class ClaimPayment(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="claim_payments")
    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="payments")
    #: CLP02 claim status code (1 processed as primary, 4 denied, 22 reversal, ...).
    status_code = models.CharField(max_length=2)
    billed_amount = models.DecimalField(max_digits=11, decimal_places=2)
    paid_amount = models.DecimalField(max_digits=11, decimal_places=2)
    patient_responsibility = models.DecimalField(max_digits=11, decimal_places=2, default=0)

    # No Meta index on ``claim``: the foreign key has its own, and a second identical one
    # only slowed every insert (835 ingest writes these rows by the hundred thousand).

    def __str__(self) -> str:
        return f"{self.payment} / {self.claim}"


class ProviderAdjustment(models.Model):
    """A provider-level adjustment (PLB): a recoupment, interest, or a forward balance."""

    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, related_name="provider_adjustments"
    )
    reason_code = models.CharField(max_length=2)
    reference = models.CharField(max_length=50, blank=True)
    amount = models.DecimalField(max_digits=11, decimal_places=2)

    def __str__(self) -> str:
        return f"{self.reason_code} {self.amount}"


class EnrollmentStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the plan's approval"
    APPROVED = "approved", "Approved: payments go to this account"
    REJECTED = "rejected", "Rejected"


class EftEnrollmentQuerySet(OfficeScopedQuerySet["EftEnrollment"]):
    def office_q(self, office: Office) -> models.Q:
        return models.Q(office=office)


class EftEnrollment(models.Model):
    """An office's request to be paid by EFT (and to receive ERAs): the bank account is
    kept encrypted and shown only by its last four digits."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=10, choices=EnrollmentStatus.choices, default=EnrollmentStatus.PENDING
    )
    routing_number = models.CharField(max_length=9)
    account_type = models.CharField(
        max_length=8, choices=[("checking", "Checking"), ("savings", "Savings")]
    )
    account_last4 = models.CharField(max_length=4)
    account_encrypted = models.TextField()
    era_delivery = models.CharField(
        max_length=16,
        choices=[("portal", "In the portal"), ("clearinghouse", "Through a clearinghouse")],
        default="portal",
    )
    clearinghouse = models.CharField(max_length=80, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    objects = EftEnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"EFT enrollment {self.pk} ({self.status})"
