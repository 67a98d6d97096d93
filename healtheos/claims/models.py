"""Claims as the plan adjudicates them: lines, adjustments with CARC/RARC codes, and the
status history an office follows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from healtheos.core.models import Leased
from healtheos.core.tenancy import OfficeScopedQuerySet

if TYPE_CHECKING:
    from healtheos.offices.models import Office


class ClaimType(models.TextChoices):
    PROFESSIONAL = "professional", "Professional (837P / CMS-1500)"
    INSTITUTIONAL = "institutional", "Institutional (837I / UB-04)"


class ClaimStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    IN_PROCESS = "in_process", "In process"
    PENDED = "pended", "Pended"
    ADJUDICATED = "adjudicated", "Adjudicated"
    PAID = "paid", "Paid"
    DENIED = "denied", "Denied"
    REJECTED = "rejected", "Rejected"
    VOIDED = "voided", "Voided"


class FrequencyCode(models.TextChoices):
    ORIGINAL = "1", "Original"
    CORRECTED = "7", "Replacement (corrected claim)"
    VOID = "8", "Void"


class ClaimQuerySet(OfficeScopedQuerySet["Claim"]):
    def office_q(self, office: Office) -> models.Q:
        # The office's claims are those it billed at this plan under its TIN.
        return models.Q(plan_id=office.plan_id, billing_organization_id=office.organization_id)


class Claim(models.Model):
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="+")
    #: The payer's claim number (internal control number), unique across the deployment.
    claim_number = models.CharField(max_length=20, unique=True)
    #: The office's own patient account number (CLM01).
    patient_account_number = models.CharField(max_length=38)
    claim_type = models.CharField(max_length=16, choices=ClaimType.choices)
    frequency_code = models.CharField(
        max_length=1, choices=FrequencyCode.choices, default=FrequencyCode.ORIGINAL
    )
    original_claim = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replacements"
    )
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="claims")
    coverage = models.ForeignKey(
        "members.Coverage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    billing_organization = models.ForeignKey(
        "directory.ProviderOrganization", on_delete=models.PROTECT, related_name="claims"
    )
    billing_provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="billed_claims"
    )
    rendering_provider = models.ForeignKey(
        "directory.Provider",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rendered_claims",
    )
    authorization = models.ForeignKey(
        "authorizations.PriorAuthorization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims",
    )
    place_of_service = models.CharField(max_length=2, blank=True)
    diagnosis_codes = models.JSONField(default=list)
    service_from = models.DateField()
    service_to = models.DateField()
    total_charge = models.DecimalField(max_digits=11, decimal_places=2)
    allowed_amount = models.DecimalField(max_digits=11, decimal_places=2, default=0)
    paid_amount = models.DecimalField(max_digits=11, decimal_places=2, default=0)
    patient_responsibility = models.DecimalField(max_digits=11, decimal_places=2, default=0)
    status = models.CharField(
        max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.RECEIVED
    )
    received_at = models.DateTimeField()
    adjudicated_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    #: Where the claim came from (portal form, 837 file, API) and its submission file, if any.
    source = models.CharField(max_length=16, default="edi")
    submission = models.ForeignKey(
        "Submission", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: When plan staff released the claim from a review hold (the adjudicator then decides
    #: it without holding it again).
    released_at = models.DateTimeField(null=True, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["billing_organization", "plan", "service_from"]),
            # Account number first: a search by number looks among all of an office's
            # claims (billed or rendered), not only those under its TIN.
            models.Index(fields=["patient_account_number", "billing_organization"]),
            models.Index(fields=["member", "service_from"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return f"Claim {self.claim_number}"


class ClaimLine(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveSmallIntegerField()
    procedure_code = models.CharField(max_length=5)
    modifiers = models.JSONField(default=list, blank=True)
    revenue_code = models.CharField(max_length=4, blank=True)
    units = models.DecimalField(max_digits=7, decimal_places=2, default=1)
    service_date = models.DateField()
    place_of_service = models.CharField(max_length=2, blank=True)
    diagnosis_pointers = models.JSONField(default=list, blank=True)
    charge = models.DecimalField(max_digits=11, decimal_places=2)
    allowed_amount = models.DecimalField(max_digits=11, decimal_places=2, default=0)
    paid_amount = models.DecimalField(max_digits=11, decimal_places=2, default=0)
    patient_responsibility = models.DecimalField(max_digits=11, decimal_places=2, default=0)

    class Meta:
        ordering = ["claim", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "line_number"], name="claim_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.claim} line {self.line_number}"


class AdjustmentGroup(models.TextChoices):
    """X12 claim adjustment group codes (CAS01)."""

    CONTRACTUAL = "CO", "Contractual obligation"
    PATIENT = "PR", "Patient responsibility"
    OTHER = "OA", "Other adjustment"
    PAYER_INITIATED = "PI", "Payer-initiated reduction"
    CORRECTION = "CR", "Correction and reversal"


class ClaimAdjustment(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="adjustments")
    line = models.ForeignKey(
        ClaimLine, null=True, blank=True, on_delete=models.CASCADE, related_name="adjustments"
    )
    group_code = models.CharField(max_length=2, choices=AdjustmentGroup.choices)
    reason_code = models.CharField(max_length=5, help_text="CARC")
    amount = models.DecimalField(max_digits=11, decimal_places=2)
    quantity = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.group_code}-{self.reason_code} {self.amount}"


class ClaimRemark(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="remarks")
    line = models.ForeignKey(
        ClaimLine, null=True, blank=True, on_delete=models.CASCADE, related_name="remarks"
    )
    code = models.CharField(max_length=6, help_text="RARC")

    def __str__(self) -> str:
        return self.code


class ClaimStatusEvent(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=12, choices=ClaimStatus.choices)
    #: X12 277 claim status category and status codes (e.g. F1 / 65).
    category_code = models.CharField(max_length=3, blank=True)
    status_code = models.CharField(max_length=5, blank=True)
    at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["claim", "at", "id"]

    def __str__(self) -> str:
        return f"{self.claim} {self.status} at {self.at:%Y-%m-%d}"


class SubmissionChannel(models.TextChoices):
    PORTAL = "portal", "Portal upload"
    FORM = "form", "Portal claim form"
    API = "api", "API"
    FILE = "file", "File drop (healtheos ingest)"


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    PROCESSING = "processing", "Processing"
    DONE = "done", "Acknowledged"
    FAILED = "failed", "Failed"


class SubmissionQuerySet(OfficeScopedQuerySet["Submission"]):
    def office_q(self, office: Office) -> models.Q:
        return models.Q(office=office)


class Submission(Leased):
    """An 837 file (or a claim from the portal's form, written as one) as received. The
    bytes are stored before anything is acknowledged; the same file from the same office
    is one submission, however often it is sent."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    api_client = models.ForeignKey(
        "apiclients.ApiClient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=SubmissionChannel.choices)
    file_name = models.CharField(max_length=200)
    digest = models.CharField(max_length=64)
    raw = models.TextField()
    received_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED
    )
    claims_total = models.PositiveIntegerField(default=0)
    claims_accepted = models.PositiveIntegerField(default=0)
    claims_rejected = models.PositiveIntegerField(default=0)
    #: The 999 (or TA1) and the 277CA this submission was answered with.
    ack_kind = models.CharField(max_length=3, blank=True)
    ack = models.TextField(blank=True)
    ack_277ca = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: Acknowledged, and its accepted claims not yet all handed to the adjudicator: the
    #: recovery sweep finishes that too if a restart cut it off.
    adjudication_pending = models.BooleanField(default=False)
    #: Progress while it is processed: the file is read twice (acknowledged once the
    #: first reading ends, its claims stored during the second); ``read_chars`` is how
    #: far the current reading has got, of ``size``.
    #: (Database defaults, so that rows written by code that predates them still insert.)
    size = models.PositiveIntegerField(db_default=0)
    read_chars = models.PositiveIntegerField(db_default=0)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["office", "digest"], name="submission_digest_unique")
        ]
        # The recovery sweep looks for unfinished submissions every minute.
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"Submission {self.pk} ({self.file_name})"

    @property
    def percent(self) -> int:
        """How far processing has got: the first reading counts for a fifth."""
        if self.status == SubmissionStatus.DONE:
            return 100
        share = min(1.0, self.read_chars / self.size) if self.size else 0.0
        return int(80 * share + 20) if self.ack_kind else int(20 * share)


class SubmittedClaim(models.Model):
    """One claim of a submission and what became of it: accepted into adjudication (with
    the payer claim number) or rejected with the reason the 277CA gave."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="claims")
    sequence = models.PositiveIntegerField()
    patient_control_number = models.CharField(max_length=38)
    total_charge = models.DecimalField(max_digits=11, decimal_places=2)
    accepted = models.BooleanField()
    status_category = models.CharField(max_length=3)
    status_code = models.CharField(max_length=5)
    reason = models.CharField(max_length=300, blank=True)
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["submission", "sequence"]

    def __str__(self) -> str:
        return f"Claim {self.sequence} of submission {self.submission_id}"


class AppealKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", "Reconsideration (first level)"
    APPEAL = "appeal", "Appeal (after a reconsideration)"


class AppealReason(models.TextChoices):
    PAYMENT_AMOUNT = "payment_amount", "The payment amount is wrong"
    DENIAL = "denial", "The denial is wrong (records attached)"
    AUTHORIZATION = "authorization", "An authorization was on file"
    ELIGIBILITY = "eligibility", "The patient was covered on the date of service"
    TIMELY_FILING = "timely_filing", "The claim was filed in time (proof attached)"
    CODING = "coding", "Coding or bundling"
    OTHER = "other", "Something else"


class AppealStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AppealDecision(models.TextChoices):
    OVERTURNED = "overturned", "Overturned: the claim will be reprocessed"
    PARTIALLY_OVERTURNED = "partially_overturned", "Partially overturned"
    UPHELD = "upheld", "Upheld: the original decision stands"


class AppealQuerySet(OfficeScopedQuerySet["Appeal"]):
    def office_q(self, office: Office) -> models.Q:
        return models.Q(office=office)


class Appeal(models.Model):
    """A reconsideration or appeal of a claim decision, with its tracking number, status,
    decision and the deadline the plan answers by."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="appeals")
    tracking_number = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=16, choices=AppealKind.choices)
    reason = models.CharField(max_length=16, choices=AppealReason.choices)
    explanation = models.TextField()
    status = models.CharField(
        max_length=10, choices=AppealStatus.choices, default=AppealStatus.SUBMITTED
    )
    decision = models.CharField(max_length=24, choices=AppealDecision.choices, blank=True)
    decision_note = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    #: The plan answers by then (30 days for a reconsideration, 60 for an appeal).
    due_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: The form's one-time key: a double click or a retry is the same appeal.
    idempotency_key = models.CharField(max_length=64)

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "idempotency_key"], name="appeal_idempotency_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.tracking_number}"


class AppealAttachment(models.Model):
    """A document sent with an appeal, stored outside the web root (``var/attachments``)
    under a random name; only its office can download it."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=80, unique=True)
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Attachment {self.pk} of {self.appeal_id}"
