"""Secure message threads between an office and the plan's departments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from healtheos.core.tenancy import OfficeScopedQuerySet

if TYPE_CHECKING:
    from healtheos.offices.models import Office


class Department(models.TextChoices):
    PROVIDER_SERVICES = "provider_services", "Provider services"
    CLAIMS = "claims", "Claims"
    UTILIZATION_MANAGEMENT = "utilization_management", "Utilization management"
    CREDENTIALING = "credentialing", "Credentialing"


class ThreadStatus(models.TextChoices):
    OPEN = "open", "Open"
    WAITING_ON_OFFICE = "waiting_on_office", "Waiting on office"
    CLOSED = "closed", "Closed"


class ThreadQuerySet(OfficeScopedQuerySet["Thread"]):
    def office_q(self, office: Office) -> models.Q:
        return models.Q(office_id=office.pk)


class Thread(models.Model):
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="threads")
    department = models.CharField(max_length=24, choices=Department.choices)
    category = models.CharField(max_length=60, blank=True)
    subject = models.CharField(max_length=150)
    status = models.CharField(
        max_length=20, choices=ThreadStatus.choices, default=ThreadStatus.OPEN
    )
    claim = models.ForeignKey(
        "claims.Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    authorization = models.ForeignKey(
        "authorizations.PriorAuthorization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = ThreadQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["office", "updated_at"]),
            models.Index(fields=["department", "status"]),
        ]

    def __str__(self) -> str:
        return f"Thread {self.pk}"


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_payer = models.BooleanField(default=False)
    body = models.TextField()
    created_at = models.DateTimeField()
    #: Sent by the browser with the form; a retried send finds the stored message instead of
    #: storing it twice.
    idempotency_key = models.CharField(max_length=64)

    class Meta:
        ordering = ["thread", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "idempotency_key"], name="message_idempotency_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Message {self.pk}"


class Attachment(models.Model):
    """A file sent with a message, stored by ``core.attachments`` outside the web root."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    storage_name = models.CharField(max_length=80, default="", db_index=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.original_name


class ReadMarker(models.Model):
    """When a person last read a thread, for unread counts."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_markers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="read_marker_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id}"
