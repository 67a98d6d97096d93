"""Secure messages between an office and the plan's departments.

A message is stored, attachments and all, before the sender is told it was sent; the
form's one-time key makes a retried send find the stored message instead of storing it
twice; an attachment that cannot be stored fails the whole send, visibly. Notification
mail says only that there is a message, never what it says.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from healtheos.audit.services import audit_record
from healtheos.core import attachments
from healtheos.messaging.models import Attachment, Message, ReadMarker, Thread, ThreadStatus

if TYPE_CHECKING:
    from healtheos.accounts.models import User
    from healtheos.claims.models import Claim
    from healtheos.members.models import Member
    from healtheos.offices.models import Office


def _store_files(message: Message, files: Sequence[IO[bytes]], names: Sequence[str]) -> list[str]:
    stored = [attachments.store(f) for f in files]
    Attachment.objects.bulk_create(
        Attachment(
            message=message,
            storage_name=s.storage_name,
            original_name=name[:200],
            content_type=s.content_type,
            size=s.size,
            sha256=s.sha256,
        )
        for s, name in zip(stored, names, strict=True)
    )
    return [s.storage_name for s in stored]


def _notify_office(thread: Thread) -> None:
    """Mail the office's people that the plan answered: no subject, no health information."""
    recipients = [
        m.user.email
        for m in thread.office.memberships.filter(status="active").select_related("user")
        if m.user.email
    ]
    if recipients:
        send_mail(
            "A new message in the Healtheos provider portal",
            "The plan has answered a message of your office. Sign in to the portal to read "
            "it; for privacy, this email does not include it.",
            settings.DEFAULT_FROM_EMAIL,
            recipients,
            fail_silently=True,
        )


def message_send(
    *,
    thread: Thread,
    author: User,
    body: str,
    idempotency_key: str,
    files: Sequence[IO[bytes]] = (),
    names: Sequence[str] = (),
    from_payer: bool = False,
) -> Message:
    """Store one message (and its attachments) in one step; returns the stored message,
    also when this is a retry of a send that already succeeded."""
    existing = Message.objects.filter(author=author, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    stored: list[str] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            message = Message.objects.create(
                thread=thread,
                author=author,
                from_payer=from_payer,
                body=body,
                created_at=now,
                idempotency_key=idempotency_key,
            )
            stored = _store_files(message, files, names)
            thread.updated_at = now
            if from_payer and thread.status == ThreadStatus.OPEN:
                thread.status = ThreadStatus.WAITING_ON_OFFICE
            elif not from_payer and thread.status == ThreadStatus.WAITING_ON_OFFICE:
                thread.status = ThreadStatus.OPEN
            thread.save(update_fields=["updated_at", "status"])
            ReadMarker.objects.update_or_create(
                thread=thread, user=author, defaults={"read_at": now}
            )
            audit_record(
                action="messages.sent",
                actor=author,
                office=thread.office,
                obj=message,
                member_pk=thread.member_id,
                detail={"attachments": len(stored), "from_payer": from_payer},
            )
    except IntegrityError:
        for name in stored:
            attachments.remove(name)
        return Message.objects.get(author=author, idempotency_key=idempotency_key)
    except Exception:
        for name in stored:
            attachments.remove(name)
        raise
    if from_payer:
        transaction.on_commit(lambda: _notify_office(thread))
    return message


def thread_start(
    *,
    office: Office,
    author: User,
    department: str,
    category: str,
    subject: str,
    body: str,
    idempotency_key: str,
    claim: Claim | None = None,
    member: Member | None = None,
    files: Sequence[IO[bytes]] = (),
    names: Sequence[str] = (),
) -> Thread:
    """A new thread with its first message (a retry returns the first thread)."""
    existing = (
        Message.objects.filter(author=author, idempotency_key=idempotency_key)
        .select_related("thread")
        .first()
    )
    if existing is not None:
        return existing.thread
    with transaction.atomic():
        now = timezone.now()
        thread = Thread.objects.create(
            office=office,
            department=department,
            category=category,
            subject=subject,
            claim=claim,
            member=member,
            created_by=author,
            created_at=now,
            updated_at=now,
        )
        message_send(
            thread=thread,
            author=author,
            body=body,
            idempotency_key=idempotency_key,
            files=files,
            names=names,
        )
    return thread


def thread_mark_read(*, thread: Thread, user: User) -> None:
    ReadMarker.objects.update_or_create(
        thread=thread, user=user, defaults={"read_at": timezone.now()}
    )


def unread_count(*, office: Office, user: User) -> int:
    """Threads of the office with a message from someone else since the user last read
    (one query)."""
    last_read = ReadMarker.objects.filter(thread=OuterRef("pk"), user=user).values("read_at")[:1]
    others = Message.objects.filter(thread=OuterRef("pk")).exclude(author=user)
    return (
        Thread.objects.for_office(office)
        .exclude(status=ThreadStatus.CLOSED)
        .annotate(
            read_at=Subquery(last_read),
            from_others=Exists(others),
            newer=Exists(others.filter(created_at__gt=OuterRef("read_at"))),
        )
        .filter(Q(read_at__isnull=True, from_others=True) | Q(newer=True))
        .count()
    )


def thread_set_status(*, thread: Thread, status: str, actor: User) -> Thread:
    thread.status = status
    thread.save(update_fields=["status"])
    audit_record(
        action="messages.status_changed",
        actor=actor,
        office=thread.office,
        obj=thread,
        detail={"status": status},
    )
    return thread


def thread_assign(*, thread: Thread, assignee: User | None, actor: User) -> Thread:
    thread.assigned_to = assignee
    thread.save(update_fields=["assigned_to"])
    audit_record(
        action="messages.assigned",
        actor=actor,
        office=thread.office,
        obj=thread,
        detail={"assignee": assignee.pk if assignee else None},
    )
    return thread


def thread_search(*, office: Office, text: str) -> Q:
    words = text.strip()
    return Q(subject__icontains=words) | Q(messages__body__icontains=words) if words else Q()


def response_times(*, threads: object, days: int = 30) -> list[tuple[str, int, float | None]]:
    """Per department: threads opened in the last ``days`` days and the median hours to the
    plan's first answer (None when none was answered)."""
    import statistics
    from datetime import timedelta

    from healtheos.messaging.models import Department

    since = timezone.now() - timedelta(days=days)
    rows: list[tuple[str, int, float | None]] = []
    recent = threads.filter(created_at__gte=since)  # type: ignore[attr-defined]
    for value, label in Department.choices:
        hours = []
        opened = 0
        for thread in recent.filter(department=value).prefetch_related("messages"):
            opened += 1
            messages = sorted(thread.messages.all(), key=lambda m: m.created_at)
            answer = next((m for m in messages if m.from_payer), None)
            if answer is not None:
                hours.append((answer.created_at - thread.created_at).total_seconds() / 3600)
        rows.append((label, opened, statistics.median(hours) if hours else None))
    return rows
