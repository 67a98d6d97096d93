"""Reconsiderations and appeals of claim decisions: services and their rules."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from healtheos.audit.services import audit_record
from healtheos.claims.models import (
    Appeal,
    AppealAttachment,
    AppealDecision,
    AppealKind,
    AppealStatus,
    Claim,
    ClaimStatus,
)
from healtheos.core import attachments

if TYPE_CHECKING:
    from healtheos.accounts.models import User
    from healtheos.offices.models import Office

#: How long after the claim's decision the office may ask (filing limits), and how long
#: the plan takes to answer.
FILING_DAYS = {AppealKind.RECONSIDERATION: 180, AppealKind.APPEAL: 60}
ANSWER_DAYS = {AppealKind.RECONSIDERATION: 30, AppealKind.APPEAL: 60}
DECIDED_CLAIM = frozenset({ClaimStatus.PAID, ClaimStatus.DENIED, ClaimStatus.ADJUDICATED})


class AppealRefused(ValueError):
    """The claim cannot be appealed now, with the reason a biller can act on."""


def filing_deadline(claim: Claim, kind: AppealKind) -> dt.date | None:
    """The last day to file, or None while the claim has no decision to appeal."""
    if kind == AppealKind.APPEAL:
        last = (
            Appeal.objects.payer_wide()
            .filter(claim=claim, kind=AppealKind.RECONSIDERATION, status=AppealStatus.DECIDED)
            .order_by("-decided_at")
            .first()
        )
        if last is None or last.decided_at is None:
            return None
        start = last.decided_at
    else:
        if claim.status not in DECIDED_CLAIM or claim.adjudicated_at is None:
            return None
        start = claim.adjudicated_at
    return timezone.localtime(start).date() + dt.timedelta(days=FILING_DAYS[kind])


def appeal_submit(
    *,
    office: Office,
    claim: Claim,
    kind: AppealKind,
    reason: str,
    explanation: str,
    files: Sequence[IO[bytes]],
    names: Sequence[str],
    user: User,
    idempotency_key: str,
) -> Appeal:
    """File a reconsideration or appeal with its documents. The documents are stored and
    checked before the appeal exists; a retry with the same key returns the first appeal."""
    existing = Appeal.objects.for_office(office).filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    deadline = filing_deadline(claim, kind)
    if deadline is None:
        if kind == AppealKind.APPEAL:
            raise AppealRefused("An appeal follows a decided reconsideration; ask for one first.")
        raise AppealRefused("The claim has no decision yet to reconsider.")
    today = timezone.localdate()
    if today > deadline:
        raise AppealRefused(f"The filing limit passed on {deadline:%m/%d/%Y}.")
    earlier = Appeal.objects.payer_wide().filter(claim=claim, kind=kind)
    if earlier.exclude(status=AppealStatus.WITHDRAWN).exists():
        raise AppealRefused(f"This claim already has a {kind.label.lower()}.")
    stored = [attachments.store(f) for f in files]
    now = timezone.now()
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                office=office,
                claim=claim,
                tracking_number=("RC" if kind == AppealKind.RECONSIDERATION else "AP")
                + f"{now:%y%m%d}{secrets.randbelow(10**8):08d}",
                kind=kind,
                reason=reason,
                explanation=explanation,
                submitted_by=user,
                submitted_at=now,
                due_at=now + dt.timedelta(days=ANSWER_DAYS[kind]),
                idempotency_key=idempotency_key,
            )
            AppealAttachment.objects.bulk_create(
                AppealAttachment(
                    appeal=appeal,
                    file_name=name[:200],
                    content_type=s.content_type,
                    size=s.size,
                    sha256=s.sha256,
                    storage_name=s.storage_name,
                    uploaded_at=now,
                )
                for s, name in zip(stored, names, strict=True)
            )
            audit_record(
                action="claims.appeal_submitted",
                actor=user,
                office=office,
                obj=appeal,
                member_pk=claim.member_id,
                detail={"kind": kind.value, "attachments": len(stored)},
            )
    except IntegrityError:
        for s in stored:
            attachments.remove(s.storage_name)
        return Appeal.objects.for_office(office).get(idempotency_key=idempotency_key)
    return appeal


def appeal_decide(*, appeal: Appeal, decision: AppealDecision, note: str, actor: User) -> Appeal:
    """The plan's decision; an overturned claim goes back to adjudication."""
    with transaction.atomic():
        appeal.status = AppealStatus.DECIDED
        appeal.decision = decision
        appeal.decision_note = note
        appeal.decided_at = timezone.now()
        appeal.decided_by = actor
        appeal.save(
            update_fields=["status", "decision", "decision_note", "decided_at", "decided_by"]
        )
        audit_record(
            action="claims.appeal_decided",
            actor=actor,
            office=appeal.office,
            obj=appeal,
            member_pk=appeal.claim.member_id,
            detail={"decision": decision.value},
        )
    return appeal
