"""Prior authorizations (with their decision timeline) and referrals, plus the plan's rules
for which services need authorization."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from healtheos.core.models import Leased
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


class Channel(models.TextChoices):
    PORTAL = "portal", "Portal"
    API = "api", "JSON API"
    X12 = "x12", "X12 278"
    FHIR = "fhir", "FHIR (Da Vinci PAS)"


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
    # Database defaults too: the seed writes rows in bulk without naming these columns.
    channel = models.CharField(
        max_length=8, choices=Channel.choices, default=Channel.PORTAL, db_default=Channel.PORTAL
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    api_client = models.ForeignKey(
        "apiclients.ApiClient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: While pended for information the decision clock stands still; this is when it stopped.
    clock_paused_at = models.DateTimeField(null=True, blank=True)

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
    #: What a reader of the timeline needs besides the note: the clock rule applied, the
    #: reason code, the units approved, whether a rule decided it.
    detail = models.JSONField(
        default=dict, blank=True, db_default=models.Value({}, output_field=models.JSONField())
    )

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


class AuthorizationAttachment(models.Model):
    """A document sent with a request or with an answer to a request for information,
    stored outside the web root under a random name (``core.attachments``)."""

    authorization = models.ForeignKey(
        PriorAuthorization, on_delete=models.CASCADE, related_name="attachments"
    )
    event = models.ForeignKey(
        AuthorizationEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=80, unique=True)
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Attachment {self.pk} of {self.authorization_id}"


class DraftQuerySet(OfficeScopedQuerySet["AuthorizationDraft"]):
    def office_q(self, office: Office) -> models.Q:
        return models.Q(office_id=office.pk)


class AuthorizationDraft(models.Model):
    """A request being written: the form's fields as typed, kept in the database so that
    it survives a session timeout and can be resumed from the office's list of drafts."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="authorization_drafts"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    fields = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = DraftQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["office", "updated_at"])]

    def __str__(self) -> str:
        return f"Authorization draft {self.pk}"

    def _first(self, key: str) -> str:
        values = self.fields.get(key) or [""]
        return str(values[0]).strip()

    @property
    def patient_label(self) -> str:
        """What identifies the draft in the office's list: the member ID or the name typed."""
        return self._first("member_id") or " ".join(
            part for part in (self._first("first_name"), self._first("last_name")) if part
        )

    @property
    def procedure_label(self) -> str:
        return self._first("services-0-procedure_code").upper()


class NoticeQuerySet(OfficeScopedQuerySet["AuthorizationNotice"]):
    def office_q(self, office: Office) -> models.Q:
        return models.Q(office_id=office.pk)


class AuthorizationNotice(models.Model):
    """An in-app notification to an office that one of its requests changed status."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    authorization = models.ForeignKey(
        PriorAuthorization, on_delete=models.CASCADE, related_name="notices"
    )
    status = models.CharField(max_length=20, choices=AuthorizationStatus.choices)
    created_at = models.DateTimeField()

    objects = NoticeQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["office", "created_at"])]

    def __str__(self) -> str:
        return f"Notice {self.pk}"


class NoticeReadMarker(models.Model):
    """When a person last looked at their office's authorization notifications."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "office"], name="notice_read_marker_unique")
        ]

    def __str__(self) -> str:
        return f"Read marker {self.pk}"


class WebhookQuerySet(OfficeScopedQuerySet["OfficeWebhook"]):
    def office_q(self, office: Office) -> models.Q:
        return models.Q(office_id=office.pk)


class OfficeWebhook(models.Model):
    """Where an office wants status changes posted, and the secret that signs them."""

    office = models.OneToOneField(
        "offices.Office", on_delete=models.CASCADE, related_name="authorization_webhook"
    )
    url = models.URLField(max_length=300)
    #: The HMAC-SHA256 key; shown to the administrator once, when it is made.
    secret = models.CharField(max_length=64)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = WebhookQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Webhook {self.pk}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(Leased):
    """One status change posted to an office's webhook, with its attempts so far. The next
    attempt's time is stored, so a retry pending when the server restarts is still made
    (by the recovery sweep), and the lease makes each attempt once."""

    webhook = models.ForeignKey(OfficeWebhook, on_delete=models.CASCADE, related_name="deliveries")
    authorization = models.ForeignKey(
        PriorAuthorization, on_delete=models.CASCADE, related_name="+"
    )
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    #: When the next attempt is due, while the delivery is pending.
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"Delivery {self.pk}"
