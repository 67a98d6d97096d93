"""The append-only audit trail (HIPAA 164.312(b) audit controls).

Each event carries the SHA-256 of the previous event and of its own content, so deleting,
editing or reordering rows breaks the chain at a point ``healtheos audit_verify`` reports.
Identifiers are stored as plain values, not foreign keys: deleting a user or an office must
never cascade into the trail.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    realm = models.CharField(max_length=16, blank=True)
    office_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    #: Internal key of the member whose data was touched, for access-of-record reports.
    member_pk = models.BigIntegerField(null=True, blank=True, db_index=True)
    client_ip = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    #: Which of the trail's chains this event links into (see :class:`AuditChainHead`).
    #: Not part of the hashed content: moving an event to another lane breaks the links
    #: of both lanes.
    lane = models.PositiveSmallIntegerField(default=0, db_default=0)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["office_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} by {self.actor_username or '-'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")


class AuditChainHead(models.Model):
    """The head of one lane of the trail (lane ``pk - 1``). Each new event locks its
    lane's head, reads the last hash and moves it forward in the same transaction, so two
    writers cannot both chain onto the same predecessor. A process writes to the lane its
    process id picks, so concurrent server processes rarely wait for one another (ADR
    0004); the head also reveals a truncated tail."""

    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit chain head at {self.last_event_id}"
