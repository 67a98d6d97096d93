"""Writing and verifying the audit trail."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from healtheos.audit.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from healtheos.accounts.models import User
    from healtheos.offices.models import Office

GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    content = {
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "realm": event.realm,
        "office_id": event.office_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "member_pk": event.member_pk,
        "client_ip": event.client_ip,
        "detail": event.detail,
        "previous_hash": event.previous_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    office: Office | None = None,
    obj: Model | None = None,
    member_pk: int | None = None,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the trail: who, acting for which office, did what, to which
    object and member, when and from where. Call it inside the service's transaction so the
    event and the change it describes commit together."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS}
        )
        event = AuditEvent(
            at=timezone.now(),
            actor_id=actor.pk if actor is not None else None,
            actor_username=actor.get_username() if actor is not None else "",
            realm=getattr(actor, "realm", "") if actor is not None else "",
            office_id=office.pk if office is not None else None,
            action=action,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            member_pk=member_pk,
            client_ip=client_ip(request),
            detail=detail or {},
            previous_hash=head.last_hash,
        )
        event.hash = event_hash(event)
        event.save()
        head.last_hash = event.hash
        head.last_event_id = event.pk
        head.save(update_fields=["last_hash", "last_event_id"])
    return event


def audit_record_many(*, action: str, objects: list[tuple[Model, dict[str, Any]]]) -> None:
    """Append one event per (object, detail), in order, under one hold of the chain's head:
    what :func:`audit_record` does for each, for a service that changes many objects in
    one transaction (835 ingest). Call it inside the service's transaction."""
    if not objects:
        return
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS}
        )
        at = timezone.now()
        events = []
        previous = head.last_hash
        for obj, detail in objects:
            event = AuditEvent(
                at=at,
                action=action,
                object_type=obj._meta.label,
                object_id=str(obj.pk),
                detail=detail,
                previous_hash=previous,
            )
            event.hash = previous = event_hash(event)
            events.append(event)
        AuditEvent.objects.bulk_create(events)
        head.last_hash = previous
        head.last_event_id = events[-1].pk
        if head.last_event_id is None:  # a backend that returns no keys from bulk inserts
            head.last_event_id = AuditEvent.objects.get(hash=previous).pk
        head.save(update_fields=["last_hash", "last_event_id"])


@dataclass(frozen=True)
class ChainVerdict:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_verify(*, chunk_size: int = 5000) -> ChainVerdict:
    """Walk the chain from the first event; report the first event whose content or link
    does not match, and whether the head still points at the last event."""
    previous = GENESIS
    checked = 0
    last_id = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.previous_hash != previous:
            return ChainVerdict(checked, event.pk, "links to a different predecessor")
        if event_hash(event) != event.hash:
            return ChainVerdict(checked, event.pk, "content does not match its hash")
        previous = event.hash
        last_id = event.pk
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_event_id != last_id or head.last_hash != previous):
        return ChainVerdict(checked, head.last_event_id, "events after this one are missing")
    return ChainVerdict(checked)
