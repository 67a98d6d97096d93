"""Writing and verifying the audit trail."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from healtheos.accounts.network import client_address
from healtheos.audit.models import AuditChainHead, AuditEvent
from healtheos.core import rows

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
    return client_address(request)


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
    event and the change it describes commit together.

    The event links into the lane of this process (its id modulo ``AUDIT_LANES``): the
    lane's head row is locked until the transaction ends, so writers in other processes
    do not queue behind it."""
    lane = os.getpid() % settings.AUDIT_LANES
    # No savepoint: a failure here fails the caller's whole change, as it must.
    with transaction.atomic(savepoint=False):
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
            lane=lane,
            previous_hash=_lock_lane(lane),
        )
        event.hash = event_hash(event)
        # Written out rather than through save(): every eligibility answer records an
        # event, and the ORM's statement building cost more than the statements.
        rows.insert(event)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {AuditChainHead._meta.db_table} SET last_hash = %s, last_event_id = %s "  # noqa: S608 (names from the models; values bound)
                "WHERE id = %s",
                [event.hash, event.pk, lane + 1],
            )
    return event


def _lock_lane(lane: int) -> str:
    """Lock the lane's head row until the transaction ends; its last hash."""
    table = AuditChainHead._meta.db_table
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    select = f"SELECT last_hash FROM {table} WHERE id = %s{lock}"  # noqa: S608 (names from the models; values bound)
    found = rows.fetch(select, [lane + 1])
    if not found:
        # Another process may open the same lane at the same moment: one insert wins.
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (id, last_hash, last_event_id) VALUES (%s, %s, 0) "  # noqa: S608 (names from the models; values bound)
                "ON CONFLICT (id) DO NOTHING",
                [lane + 1, GENESIS],
            )
        found = rows.fetch(select, [lane + 1])
    return str(found[0][0])


def audit_record_many(*, action: str, objects: list[tuple[Model, dict[str, Any]]]) -> None:
    """Append one event per (object, detail), in order, into this process's lane under one
    hold of its head: what :func:`audit_record` does for each, for a service that changes
    many objects in one transaction (835 ingest). Call it inside the service's
    transaction."""
    if not objects:
        return
    lane = os.getpid() % settings.AUDIT_LANES
    with transaction.atomic():
        previous = _lock_lane(lane)
        at = timezone.now()
        events = []
        for obj, detail in objects:
            event = AuditEvent(
                at=at,
                action=action,
                object_type=obj._meta.label,
                object_id=str(obj.pk),
                detail=detail,
                lane=lane,
                previous_hash=previous,
            )
            event.hash = previous = event_hash(event)
            events.append(event)
        AuditEvent.objects.bulk_create(events)
        last = events[-1].pk
        if last is None:  # pragma: no cover - a backend that returns no keys from bulk inserts
            last = AuditEvent.objects.get(hash=previous).pk
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {AuditChainHead._meta.db_table} SET last_hash = %s, last_event_id = %s "  # noqa: S608 (names from the models; values bound)
                "WHERE id = %s",
                [previous, last, lane + 1],
            )


@dataclass(frozen=True)
class ChainVerdict:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_verify(*, chunk_size: int = 5000) -> ChainVerdict:
    """Verify the chain as of one moment: the events and the lane heads are read in one
    snapshot, so events committed while the walk goes on (a live system) do not look like
    a truncated tail."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return _verify(chunk_size)


def _verify(chunk_size: int) -> ChainVerdict:
    """Walk every lane from its first event, in one pass in id order; report the first
    event whose content or link does not match, a lane whose head no longer finds its last
    event (a truncated tail, or a head removed or rewritten), and events added after a
    lane's head outside the application (the application moves the head with every event).

    The heads are read before the walk and again after it, so events written while it runs
    (the portal keeps serving) are neither missing nor foreign."""
    heads_before = _lane_heads()
    previous: dict[int, str] = {}
    hash_at: dict[tuple[int, int], str] = {}
    last_ids: dict[int, int] = {}
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.previous_hash != previous.get(event.lane, GENESIS):
            return ChainVerdict(checked, event.pk, "links to a different predecessor")
        if event_hash(event) != event.hash:
            return ChainVerdict(checked, event.pk, "content does not match its hash")
        previous[event.lane] = event.hash
        last_ids[event.lane] = event.pk
        head = heads_before.get(event.lane)
        if head is not None and event.pk == head[0]:
            hash_at[(event.lane, event.pk)] = event.hash
        checked += 1
    for lane, (last_id, last_hash) in sorted(heads_before.items()):
        if last_id == 0 and last_hash == GENESIS:
            continue
        if (lane, last_id) not in hash_at:
            return ChainVerdict(checked, last_id, "events after this one are missing")
        if hash_at[(lane, last_id)] != last_hash:
            return ChainVerdict(checked, last_id, "its lane's head was altered")
    heads_after = _lane_heads()
    for lane, last_id in sorted(last_ids.items()):
        after = heads_after.get(lane, (0, GENESIS))[0]
        if last_id > after:
            first = (
                AuditEvent.objects.filter(lane=lane, pk__gt=after)
                .order_by("pk")
                .values_list("pk", flat=True)
                .first()
            )
            reason = (
                "added after its lane's head, outside the application"
                if lane in heads_after
                else "its lane has no head"
            )
            return ChainVerdict(checked, first or last_id, reason)
    return ChainVerdict(checked)


def _lane_heads() -> dict[int, tuple[int, str]]:
    return {
        pk - 1: (last_event_id, last_hash)
        for pk, last_event_id, last_hash in AuditChainHead.objects.values_list(
            "pk", "last_event_id", "last_hash"
        )
    }
