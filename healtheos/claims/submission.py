"""Claim submission: an 837 file (or the portal's claim form, written as one) in; a 999
for the file and a 277CA for its claims out.

Order of work, so that nothing is lost or counted twice:

1. The bytes are stored as a :class:`Submission` before anything is acknowledged; the same
   file from the same office is the same submission (its acknowledgments are returned
   again, nothing is re-read).
2. The file is read by the project's X12 code. Sets with syntax faults are rejected in the
   999; the claims of sound sets are checked against the plan's records (member on file,
   billing provider is this office, no duplicate of a claim already received, a corrected
   or void claim names an original of this office).
3. Each accepted claim is stored in its own transaction (a fault in one never leaves half
   of another); each claim's outcome, accepted with its payer claim number or rejected with
   the reason, is kept and written into the 277CA.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from healtheos.audit.services import audit_record
from healtheos.claims.adjudication.services import claim_adjudicate, payment_cycle_run
from healtheos.claims.models import (
    Claim,
    ClaimLine,
    ClaimStatus,
    ClaimStatusEvent,
    ClaimType,
    Submission,
    SubmissionChannel,
    SubmissionStatus,
    SubmittedClaim,
)
from healtheos.claims.selectors import office_claims
from healtheos.core.tasks import run_after_commit
from healtheos.directory.models import Provider
from healtheos.eligibility.lookup import normalize_member_id
from healtheos.eligibility.providers import provider_on_file
from healtheos.interop.x12 import (
    ClaimAcknowledgment,
    acknowledge,
    build_277ca,
    receive_837,
)
from healtheos.interop.x12 import (
    ClaimStatus as StatusComposite,
)
from healtheos.interop.x12.claims import Claim as Claim837
from healtheos.interop.x12.claims import ClaimBatch, ClaimProblem
from healtheos.interop.x12.eligibility.segments import DateRange, Name
from healtheos.members.models import Member

if TYPE_CHECKING:
    from healtheos.accounts.models import User
    from healtheos.apiclients.models import ApiClient
    from healtheos.offices.models import Office

MAX_BYTES = 64 * 1024 * 1024


class SubmissionRefused(ValueError):
    """The upload is not something that can be stored as a submission at all."""


@dataclass(frozen=True)
class Outcome:
    accepted: bool
    category: str
    code: str
    reason: str
    entity: str = ""
    claim: Claim | None = None


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
    if background:
        run_after_commit(
            "healtheos.claims.submission.submission_process", submission_id=submission.pk
        )
        submission.refresh_from_db()  # the inline backend has already finished it
    else:
        submission_process(submission_id=submission.pk, adjudicate=adjudicate)
        submission.refresh_from_db()
    return submission


def _member(office: Office, claim: Claim837) -> Member | None:
    subscriber = (
        Member.objects.filter(
            plan_id=office.plan_id, member_id=normalize_member_id(claim.subscriber.member_id)
        )
        .select_related("subscriber")
        .first()
    )
    if subscriber is None or claim.patient is None:
        return subscriber
    patient = claim.patient
    if patient.birth_date is None:
        return None
    candidates = Member.objects.filter(
        plan_id=office.plan_id, subscriber=subscriber, birth_date=patient.birth_date
    )
    first = patient.name.first.casefold()
    return next(
        (m for m in candidates if m.first_name.casefold() == first),
        None,
    )


def _billing_is_office(office: Office, claim: Claim837) -> bool:
    billing = claim.billing_provider
    organization = office.organization
    if billing.tin and billing.tin.replace("-", "") == organization.tin:
        return True
    return provider_on_file(office=office, npi=billing.npi)


def _service_dates(claim: Claim837) -> DateRange:
    dates = [line.service_dates for line in claim.lines if line.service_dates is not None]
    header = claim.date("472") or claim.date("434")
    if header is not None:
        dates.append(header)
    if not dates:
        today = timezone.localdate()
        return DateRange(today, today)
    return DateRange(min(d.start for d in dates), max(d.end for d in dates))


def _reject(problem: ClaimProblem) -> Outcome:
    return Outcome(
        False, "A7" if problem.code != "54" else "A3", problem.code, problem.message, problem.entity
    )


def _check(office: Office, claim: Claim837, member: Member | None) -> ClaimProblem | None:
    if claim.problems:
        return claim.problems[0]
    if not _billing_is_office(office, claim):
        return ClaimProblem(
            "562",
            "The billing provider's TIN or NPI is not this office's.",
            claim.billing_provider.position,
            entity="85",
        )
    if member is None:
        return ClaimProblem(
            "33",
            "No member of this plan has this member ID (and, for a dependent, this name and "
            "date of birth).",
            claim.subscriber.position,
            entity="IL",
        )
    dates = _service_dates(claim)
    claims = office_claims(office=office)
    if claim.frequency in ("7", "8"):
        if not claims.filter(claim_number=claim.original_claim_number.upper()).exists():
            return ClaimProblem(
                "21",
                f"The original claim {claim.original_claim_number!r} (REF*F8) is not one of "
                "this office's claims.",
                claim.position,
            )
        return None
    duplicate = (
        claims.filter(
            patient_account_number=claim.patient_control_number,
            member=member,
            service_from=dates.start,
            total_charge=claim.total_charge,
        )
        .exclude(status__in=[ClaimStatus.REJECTED, ClaimStatus.VOIDED])
        .exists()
    )
    if duplicate:
        return ClaimProblem(
            "54",
            "Duplicate of a claim already received (same patient account, patient, service "
            "date and total).",
            claim.position,
        )
    return None


def _store(
    office: Office, submission: Submission, claim: Claim837, member: Member, professional: bool
) -> Claim:
    dates = _service_dates(claim)
    billing = (
        Provider.objects.filter(npi=claim.billing_provider.npi).first()
        or Provider.objects.filter(organizations=office.organization).order_by("pk").first()
    )
    if billing is None:
        raise ValueError("the office has no provider on file to bill under")
    rendering = claim.rendering
    rendering_provider = (
        Provider.objects.filter(npi=rendering.npi).first() if rendering and rendering.npi else None
    )
    original = None
    if claim.frequency in ("7", "8"):
        original = office_claims(office=office).get(
            claim_number=claim.original_claim_number.upper()
        )
    coverage = (
        member.coverages.filter(start_date__lte=dates.start)
        .exclude(end_date__lt=dates.start)
        .order_by("-start_date")
        .first()
    )
    authorization = None
    if claim.prior_authorization:
        from healtheos.authorizations.models import PriorAuthorization

        authorization = (
            PriorAuthorization.objects.payer_wide()
            .filter(member=member, authorization_number=claim.prior_authorization)
            .first()
        )
    now = timezone.now()
    stored = Claim.objects.create(
        plan_id=office.plan_id,
        claim_number=uuid.uuid4().hex[:20],
        patient_account_number=claim.patient_control_number[:38],
        claim_type=ClaimType.PROFESSIONAL if professional else ClaimType.INSTITUTIONAL,
        frequency_code=claim.frequency if claim.frequency in ("1", "7", "8") else "1",
        original_claim=original,
        member=member,
        coverage=coverage,
        billing_organization_id=office.organization_id,
        billing_provider=billing,
        rendering_provider=rendering_provider,
        authorization=authorization,
        place_of_service=claim.facility_code[:2] if professional else "",
        diagnosis_codes=[code.dotted for code in claim.diagnoses],
        service_from=dates.start,
        service_to=dates.end,
        total_charge=claim.total_charge,
        received_at=now,
        source=submission.channel,
        submission=submission,
    )
    # The payer claim number: a prefix for the plan, the day, and the row's own key.
    stored.claim_number = f"{office.plan.payer_id[:3]}{now:%y%m%d}{stored.pk:08d}"
    stored.save(update_fields=["claim_number"])
    ClaimLine.objects.bulk_create(
        ClaimLine(
            claim=stored,
            line_number=line.number,
            procedure_code=line.procedure.code if line.procedure else "",
            modifiers=list(line.procedure.modifiers) if line.procedure else [],
            revenue_code=line.revenue_code,
            units=line.units if line.units is not None else Decimal(1),
            service_date=(line.service_dates or dates).start,
            place_of_service=line.place_of_service
            or (claim.facility_code[:2] if professional else ""),
            diagnosis_pointers=list(line.diagnosis_pointers),
            charge=line.charge,
        )
        for line in claim.lines
    )
    ClaimStatusEvent.objects.create(
        claim=stored,
        status=ClaimStatus.RECEIVED,
        category_code="A2",
        status_code="20",
        at=now,
        note=f"Received in submission {submission.pk}",
    )
    return stored


def _outcome_for(
    office: Office, submission: Submission, claim: Claim837, professional: bool
) -> Outcome:
    member = _member(office, claim)
    problem = _check(office, claim, member)
    if problem is not None:
        return _reject(problem)
    assert member is not None
    try:
        with transaction.atomic():
            stored = _store(office, submission, claim, member, professional)
    except ValueError as error:
        return Outcome(False, "A3", "21", str(error))
    return Outcome(True, "A2", "20", "Accepted into adjudication", claim=stored)


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
        service_dates=_service_dates(claim),
        payer_claim_number=outcome.claim.claim_number if outcome.claim else "",
        clearinghouse_trace=claim.clearinghouse_trace,
        message=outcome.reason[:264] if not outcome.accepted else "",
    )


def _batch_277ca(
    submission: Submission, batch: ClaimBatch, acks: list[ClaimAcknowledgment], envelope: object
) -> str:
    plan = submission.office.plan
    payer = Name("PR", "2", plan.name.upper(), id_qualifier="PI", identifier=plan.payer_id)
    return build_277ca(
        original=envelope,  # type: ignore[arg-type]
        source=payer,
        receiver=batch.submitter.name,
        claims=acks,
        batch_reference=batch.reference,
        receipt_number=f"S{submission.pk}",
        received=timezone.localtime(submission.received_at).date(),
        at=timezone.now(),
        control_number=(submission.pk * 2 + 1) % 999_999_999,
    )


def submission_process(*, submission_id: int, adjudicate: bool = True) -> None:
    """Read, check, store and acknowledge one submission (idempotent: a finished one is
    left alone; an interrupted one is finished without storing a claim twice)."""
    submission = (
        Submission.objects.payer_wide()
        .select_related("office__plan", "office__organization")
        .get(pk=submission_id)
    )
    if submission.status == SubmissionStatus.DONE:
        return
    Submission.objects.payer_wide().filter(pk=submission.pk).update(
        status=SubmissionStatus.PROCESSING
    )
    office = submission.office
    at = timezone.now()
    receipt = receive_837(submission.raw, today=timezone.localdate())
    kind, ack = acknowledge(
        submission.raw,
        list(receipt.errors) or None,
        at=at,
        control_number=(submission.pk * 2) % 999_999_999 or 1,
        envelope=receipt.envelope,
    )
    done = {c.sequence: c for c in SubmittedClaim.objects.filter(submission=submission)}
    sequence = 0
    acknowledgments: list[str] = []
    accepted = rejected = 0
    for batch in receipt.batches:
        acks: list[ClaimAcknowledgment] = []
        for claim in batch.claims:
            sequence += 1
            previous = done.get(sequence)
            if previous is not None:
                outcome = Outcome(
                    previous.accepted,
                    previous.status_category,
                    previous.status_code,
                    previous.reason,
                    claim=previous.claim,
                )
            else:
                outcome = _outcome_for(office, submission, claim, batch.is_professional)
                SubmittedClaim.objects.create(
                    submission=submission,
                    sequence=sequence,
                    patient_control_number=claim.patient_control_number[:38],
                    total_charge=claim.total_charge,
                    accepted=outcome.accepted,
                    status_category=outcome.category,
                    status_code=outcome.code,
                    reason=outcome.reason[:300],
                    claim=outcome.claim,
                )
            accepted += outcome.accepted
            rejected += not outcome.accepted
            acks.append(_acknowledgment(claim, outcome))
        if acks and receipt.envelope is not None:
            acknowledgments.append(_batch_277ca(submission, batch, acks, receipt.envelope))
    Submission.objects.payer_wide().filter(pk=submission.pk).update(
        status=SubmissionStatus.DONE,
        ack_kind=kind,
        ack=ack,
        ack_277ca="\n".join(acknowledgments),
        claims_total=accepted + rejected,
        claims_accepted=accepted,
        claims_rejected=rejected,
        finished_at=timezone.now(),
    )
    audit_record(
        action="claims.submission_acknowledged",
        office=office,
        obj=submission,
        detail={"ack": kind, "accepted": accepted, "rejected": rejected},
    )
    if adjudicate:
        run_after_commit(
            "healtheos.claims.submission.submission_adjudicate", submission_id=submission.pk
        )


def submission_adjudicate(*, submission_id: int) -> None:
    """Hand the submission's accepted claims to the plan's adjudicator; with
    ``HEALTHEOS_PAY_AFTER_ADJUDICATION`` (the demo's default) the plan's payment cycle
    runs right after, so a claim goes from submission to paid in one sitting."""
    claims = list(
        Claim.objects.payer_wide()
        .filter(submission_id=submission_id, status=ClaimStatus.RECEIVED)
        .order_by("pk")
    )
    for claim in claims:
        claim_adjudicate(claim=claim)
    if claims and settings.PAY_AFTER_ADJUDICATION:
        submission = (
            Submission.objects.payer_wide().select_related("office__plan").get(pk=submission_id)
        )
        payment_cycle_run(plan=submission.office.plan, on=timezone.localdate())
