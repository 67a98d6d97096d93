"""Claim submission: an 837 file (or the portal's claim form, written as one) in; a 999
for the file and a 277CA for its claims out.

Order of work, so that nothing is lost or counted twice:

1. The bytes are stored as a :class:`Submission` before anything is acknowledged; the same
   file from the same office is the same submission (its acknowledgments are returned
   again, nothing is re-read).
2. The file is read as it streams (:class:`~healtheos.interop.x12.claims.ClaimStream`),
   twice: first to acknowledge it (sets with syntax faults are rejected in the 999, which
   is stored at once), then to store the claims of the sound sets.
3. The claims are checked against the plan's records (member on file, billing provider is
   this office, no duplicate of a claim already received, a corrected or void claim names
   an original of this office) and stored a chunk at a time (:mod:`.intake`): a claim is
   stored whole or not at all, and each claim's outcome, accepted with its payer claim
   number or rejected with the reason, is kept and written into the 277CA.

Progress (the bytes read in each pass and the claims done) is kept on the submission, so
the portal can show a progress bar and ``healtheos ingest`` a progress line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeAlias

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from healtheos.audit.services import audit_record
from healtheos.claims.adjudication.services import claim_adjudicate, payment_cycle_run
from healtheos.claims.intake import CHUNK, ChunkIntake, Outcome, Received, service_dates
from healtheos.claims.models import (
    Claim,
    ClaimStatus,
    Submission,
    SubmissionChannel,
    SubmissionStatus,
)
from healtheos.core.recovery import Resumer, lease_take, lease_update
from healtheos.core.tasks import run_after_commit
from healtheos.interop.x12 import (
    ClaimAcknowledgment,
    acknowledge,
)
from healtheos.interop.x12 import (
    ClaimStatus as StatusComposite,
)
from healtheos.interop.x12.claims import Claim as Claim837
from healtheos.interop.x12.claims import ClaimBatch, ClaimStream
from healtheos.interop.x12.claimstatus import Acknowledgment277CA
from healtheos.interop.x12.claimstatus.acknowledgment import acknowledgment_interchange
from healtheos.interop.x12.eligibility.segments import Name
from healtheos.interop.x12.envelope import Envelope
from healtheos.interop.x12.writer import build_interchange

if TYPE_CHECKING:
    from healtheos.accounts.models import User
    from healtheos.apiclients.models import ApiClient
    from healtheos.offices.models import Office

MAX_BYTES = 64 * 1024 * 1024
#: The stored file is read this many characters at a time (what is split into segments
#: at once: memory beyond the file's own text is a few times this).
READ_CHUNK = 1 << 20

#: Told the submission after each step of its processing (``healtheos ingest`` prints it).
Progress: TypeAlias = Callable[[Submission], None]


class SubmissionRefused(ValueError):
    """The upload is not something that can be stored as a submission at all."""


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def submission_receive(
    *,
    office: Office,
    data: bytes,
    file_name: str,
    channel: SubmissionChannel,
    user: User | None = None,
    api_client: ApiClient | None = None,
    background: bool = True,
    adjudicate: bool = True,
    progress: Progress | None = None,
) -> Submission:
    """Store an 837 as a submission and have it read and acknowledged (in the background,
    or at once with ``background=False``). Sending the same file again returns the first
    submission."""
    if not data.strip():
        raise SubmissionRefused("The file is empty.")
    if len(data) > MAX_BYTES:
        raise SubmissionRefused("The file is larger than 64 MB; split it into several.")
    if b"\0" in data[:4096]:
        raise SubmissionRefused("The file is not text; an 837 is a text file.")
    digest = hashlib.sha256(data).hexdigest()
    existing = Submission.objects.for_office(office).filter(digest=digest).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                office=office,
                user=user,
                api_client=api_client,
                channel=channel,
                file_name=file_name[:200] or "claims.837",
                digest=digest,
                raw=_text(data),
                received_at=timezone.now(),
                size=len(data),
                read_chars=0,
            )
            audit_record(
                action="claims.submission_received",
                actor=user,
                office=office,
                obj=submission,
                detail={"channel": str(channel), "bytes": len(data)},
            )
    except IntegrityError:
        # The same file sent twice at once: the other request stored it.
        return Submission.objects.for_office(office).get(digest=digest)
    pk = submission.pk
    del submission  # its copy of the text: a big file is held once at a time
    if background:
        run_after_commit("healtheos.claims.submission.submission_process", submission_id=pk)
    else:
        submission_process(submission_id=pk, adjudicate=adjudicate, progress=progress)
    # As it is now (the inline backend has already finished it); the text loads if asked.
    return Submission.objects.for_office(office).defer("raw").get(pk=pk)


def _acknowledgment(claim: Claim837, outcome: Outcome) -> ClaimAcknowledgment:
    patient_name = claim.patient.name if claim.patient else claim.subscriber.name
    return ClaimAcknowledgment(
        patient_control_number=claim.patient_control_number,
        billing_provider=claim.billing_provider.name,
        patient=replace(
            patient_name,
            entity="QC",
            id_qualifier="MI",
            identifier=claim.subscriber.member_id,
        ),
        statuses=(StatusComposite(outcome.category, outcome.code, outcome.entity),),
        total_charge=claim.total_charge,
        service_dates=service_dates(claim),
        payer_claim_number=outcome.claim.claim_number if outcome.claim else "",
        clearinghouse_trace=claim.clearinghouse_trace,
        message=outcome.reason[:264] if not outcome.accepted else "",
    )


def _277ca(
    submission: Submission,
    parts: list[tuple[ClaimBatch, Acknowledgment277CA]],
    envelope: Envelope,
    at: dt.datetime,
) -> str:
    """One 277CA interchange for the file, a set for each of its 837 sets."""
    plan = submission.office.plan
    payer = Name("PR", "2", plan.name.upper(), id_qualifier="PI", identifier=plan.payer_id)
    control_number = (submission.pk * 2 + 1) % 999_999_999
    received = timezone.localtime(submission.received_at).date()
    sets = [
        (
            "277",
            acks.body(
                source=payer,
                receiver=batch.submitter.name,
                batch_reference=batch.reference,
                receipt_number=f"S{submission.pk}",
                received=received,
                reference=f"{control_number}-{number}" if len(parts) > 1 else str(control_number),
            ),
        )
        for number, (batch, acks) in enumerate(parts, start=1)
    ]
    return build_interchange(
        acknowledgment_interchange(envelope, control_number),
        sets,
        at=at,
        delimiters=envelope.delimiters,
    )


#: Submissions whose processing has not ended.
UNFINISHED = Q(status__in=[SubmissionStatus.RECEIVED, SubmissionStatus.PROCESSING]) | Q(
    status=SubmissionStatus.DONE, adjudication_pending=True
)
#: Claims adjudicated between two heartbeats of the run.
ADJUDICATION_STEP = 50


def submission_process(
    *,
    submission_id: int,
    adjudicate: bool = True,
    progress: Progress | None = None,
    lease: str = "",
) -> None:
    """Read, check, store and acknowledge one submission (idempotent: a finished one is
    left alone; an interrupted one is finished without storing a claim twice).
    ``progress`` is called with the submission after each chunk of work. The run holds the
    submission's lease (``lease`` is the token the recovery sweep took for it): while
    another run is making progress on it, this one does nothing."""
    submission = (
        Submission.objects.payer_wide()
        .select_related("office__plan", "office__organization")
        .defer("raw")
        .get(pk=submission_id)
    )
    if submission.status == SubmissionStatus.DONE and not submission.adjudication_pending:
        return
    token = lease_take(
        Submission.objects.payer_wide(), submission.pk, unfinished=UNFINISHED, token=lease
    )
    if not token:
        return
    if submission.status == SubmissionStatus.DONE:
        # Acknowledged before a restart cut its adjudication off: finish that.
        submission_adjudicate(submission_id=submission.pk, lease=token)
        return
    office = submission.office
    raw: str = (
        Submission.objects.payer_wide().filter(pk=submission.pk).values_list("raw", flat=True)[0]
    )
    today = timezone.localdate()
    at = timezone.now()
    tracker = _Tracker(submission, progress, token)
    tracker.update(status=SubmissionStatus.PROCESSING, size=len(raw), read_chars=0)
    check = ClaimStream(raw, today=today, chunk_size=READ_CHUNK, progress=tracker.reading)
    for _ in check:  # the first pass only acknowledges: claims are passed over
        pass
    assert check.result is not None
    receipt = check.result.receipt
    kind, ack = acknowledge(
        raw,
        list(receipt.errors) or None,
        at=at,
        control_number=(submission.pk * 2) % 999_999_999 or 1,
        envelope=receipt.envelope,
    )
    tracker.update(ack_kind=kind, ack=ack, read_chars=0)
    batches = {batch.controls.set_position: batch for batch in receipt.batches}
    intake = ChunkIntake(office=office, submission=submission)
    # Each claim's 277CA loop is written as soon as its outcome is known and kept as text.
    envelope = receipt.envelope
    answered_at = timezone.now()
    acks = {
        position: Acknowledgment277CA(delimiters=envelope.delimiters, at=answered_at)
        for position in batches
        if envelope is not None
    }
    accepted = rejected = 0
    chunk: list[Received] = []

    def take(chunk: list[Received]) -> None:
        nonlocal accepted, rejected
        for received, outcome in zip(chunk, intake.run(chunk), strict=True):
            accepted += outcome.accepted
            rejected += not outcome.accepted
            acks[received.position].add(_acknowledgment(received.claim, outcome))
        tracker.update(
            claims_total=accepted + rejected,
            claims_accepted=accepted,
            claims_rejected=rejected,
        )

    if batches:
        store = ClaimStream(
            raw,
            today=today,
            sets=frozenset(batches),
            chunk_size=READ_CHUNK,
            progress=tracker.reading,
        )
        for sequence, (position, claim) in enumerate(store, start=1):
            chunk.append(Received(sequence, claim, batches[position].is_professional, position))
            if len(chunk) >= CHUNK:
                take(chunk)
                chunk = []
        if chunk:
            take(chunk)
    parts = [(batches[position], claims) for position, claims in acks.items() if len(claims)]
    claim_acknowledgment = (
        _277ca(submission, parts, envelope, answered_at) if parts and envelope is not None else ""
    )
    tracker.update(
        status=SubmissionStatus.DONE,
        ack_277ca=claim_acknowledgment,
        claims_total=accepted + rejected,
        claims_accepted=accepted,
        claims_rejected=rejected,
        read_chars=len(raw),
        finished_at=timezone.now(),
        adjudication_pending=adjudicate and accepted > 0,
    )
    audit_record(
        action="claims.submission_acknowledged",
        office=office,
        obj=submission,
        detail={"ack": kind, "accepted": accepted, "rejected": rejected},
    )
    if adjudicate and accepted:
        run_after_commit(
            "healtheos.claims.submission.submission_adjudicate",
            submission_id=submission.pk,
            lease=token,
        )


class _Tracker:
    """Keeps the submission's progress columns current, writing at most every few
    hundred kilobytes read, and tells ``progress`` each time."""

    STEP = 256 * 1024

    def __init__(self, submission: Submission, progress: Progress | None, lease: str) -> None:
        self.submission = submission
        self.progress = progress
        self.lease = lease
        self._written = 0

    def update(self, **fields: object) -> None:
        for name, value in fields.items():
            setattr(self.submission, name, value)
        # Each write is also the run's heartbeat, and stops the run if its lease was lost.
        lease_update(Submission.objects.payer_wide(), self.submission.pk, self.lease, **fields)
        if self.progress is not None:
            self.progress(self.submission)

    def reading(self, done: int) -> None:
        if done - self._written >= self.STEP or done < self._written:
            self._written = done
            self.update(read_chars=done)


def submission_adjudicate(*, submission_id: int, lease: str = "") -> None:
    """Hand the submission's accepted claims to the plan's adjudicator; with
    ``HEALTHEOS_PAY_AFTER_ADJUDICATION`` (the demo's default) the plan's payment cycle
    runs right after, so a claim goes from submission to paid in one sitting. Run again
    after an interruption, it decides only the claims still received (each claim is
    decided once, under its row lock). With ``lease`` (the submission's) the run keeps the
    lease's heartbeat fresh, so the recovery sweep leaves a long run alone."""
    rows = Submission.objects.payer_wide()
    claims = list(
        Claim.objects.payer_wide()
        .filter(submission_id=submission_id, status=ClaimStatus.RECEIVED)
        .order_by("pk")
    )
    for done, claim in enumerate(claims, start=1):
        claim_adjudicate(claim=claim)
        if lease and done % ADJUDICATION_STEP == 0:
            lease_update(rows, submission_id, lease)
    rows.filter(pk=submission_id).update(adjudication_pending=False)
    if claims and settings.PAY_AFTER_ADJUDICATION:
        submission = (
            Submission.objects.payer_wide().select_related("office__plan").get(pk=submission_id)
        )
        payment_cycle_run(
            plan=submission.office.plan,
            on=timezone.localdate(),
            payees={claim.billing_organization_id for claim in claims},
        )


def submission_give_up(submission_id: int) -> None:
    """Processing stopped again and again without finishing (a file that brings its worker
    down, most likely): stop resuming it and say so on the submission's page."""
    rows = Submission.objects.payer_wide().filter(pk=submission_id)
    # Acknowledged already: the claims stay received for the plan's staff to decide.
    rows.filter(status=SubmissionStatus.DONE).update(adjudication_pending=False)
    rows.filter(UNFINISHED).exclude(status=SubmissionStatus.DONE).update(
        status=SubmissionStatus.FAILED,
        error=(
            "Processing stopped repeatedly before it finished. Send the claims in a new "
            "file, or contact the plan."
        ),
        finished_at=timezone.now(),
    )


RESUMER = Resumer(
    name="claims.submission",
    rows=lambda: Submission.objects.payer_wide().defer("raw"),
    unfinished=UNFINISHED,
    started="received_at",
    task="healtheos.claims.submission.submission_process",
    argument="submission_id",
    give_up=submission_give_up,
)
