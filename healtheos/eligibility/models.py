"""The inquiry log and batch runs.

Every eligibility inquiry, whatever its channel, leaves one :class:`Inquiry` row: who asked
for which office, the outcome and the server time. It never stores the identifiers that
were searched (those are health information); a found member is linked by key only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from healtheos.core.models import Leased
from healtheos.core.tenancy import OfficeScopedQuerySet
from healtheos.eligibility.result import Channel, Outcome


class InquiryQuerySet(OfficeScopedQuerySet["Inquiry"]):
    def office_q(self, office: object) -> models.Q:
        return models.Q(office=office)


class Inquiry(models.Model):
    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="eligibility_inquiries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    api_client = models.ForeignKey(
        "apiclients.ApiClient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=[(c.value, c.value) for c in Channel])
    outcome = models.CharField(max_length=10, choices=[(o.value, o.value) for o in Outcome])
    problem = models.CharField(max_length=24, blank=True)
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    date_of_service = models.DateField(null=True, blank=True)
    service_types = models.CharField(max_length=120, blank=True)
    server_ms = models.FloatField()
    #: For the first portal inquiry of a session: seconds from sign-in to this result
    #: (the office's "time to first eligibility result").
    seconds_after_sign_in = models.FloatField(null=True, blank=True)
    #: X12 control numbers of the exchange (CAQH CORE asks that they be logged).
    control_numbers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["office", "member", "created_at"])]

    def __str__(self) -> str:
        return f"Eligibility inquiry {self.pk} ({self.channel}, {self.outcome})"


class BatchStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class BatchRunQuerySet(OfficeScopedQuerySet["BatchRun"]):
    def office_q(self, office: object) -> models.Q:
        return models.Q(office=office)


class BatchRun(Leased):
    """One uploaded schedule. Rows are checked in the background; progress is stored here
    so the page can poll it."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="eligibility_batches"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    #: SHA-256 of the uploaded bytes: the same file uploaded twice is one run.
    digest = models.CharField(max_length=64)
    #: The schedule as uploaded (deleted with the run): stored before the upload is
    #: acknowledged, so a restart can finish the check.
    upload = models.TextField(default="")
    status = models.CharField(max_length=8, choices=BatchStatus.choices, default="queued")
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = BatchRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["office", "digest"], name="batch_digest_unique")
        ]
        # The recovery sweep looks for unfinished runs every minute.
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"Eligibility batch {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        return int(100 * self.done_rows / self.total_rows) if self.total_rows else 100


class BatchRow(models.Model):
    """One line of the schedule. The identifiers are kept (the office uploaded them and
    reads them back with the results); they are deleted with the run."""

    run = models.ForeignKey(BatchRun, on_delete=models.CASCADE, related_name="rows")
    line_number = models.PositiveIntegerField()
    #: The row as uploaded, column name → value.
    source = models.JSONField()
    #: Why the row could not be checked (a malformed line); empty when it was.
    error = models.CharField(max_length=300, blank=True)
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=10, blank=True)
    #: The facts shown in the results table, and compared with the last check.
    summary = models.JSONField(default=dict)
    #: What changed since the previous check of the same patient by this office.
    changes = models.JSONField(default=list)

    class Meta:
        ordering = ["run", "line_number"]
        indexes = [models.Index(fields=["member", "run"])]

    def __str__(self) -> str:
        return f"Batch row {self.line_number} of run {self.run_id}"


class LastCheckQuerySet(OfficeScopedQuerySet["LastCheck"]):
    def office_q(self, office: object) -> models.Q:
        return models.Q(office=office)


class LastCheck(models.Model):
    """The latest batch result of a patient for an office: what the next schedule's rows
    are compared with to say what changed."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    summary = models.JSONField()
    checked_at = models.DateTimeField()

    objects = LastCheckQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "member"], name="last_check_unique")
        ]

    def __str__(self) -> str:
        return f"Last check of member {self.member_id} by office {self.office_id}"
