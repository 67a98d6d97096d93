"""Applying adjudication decisions to claims, and paying them in a payment cycle."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from healtheos.audit.services import audit_record
from healtheos.claims.adjudication import configured_adjudicator
from healtheos.claims.adjudication.interface import Adjudication, Adjudicator, Decision
from healtheos.claims.codes import STATUS_277
from healtheos.claims.models import (
    Claim,
    ClaimAdjustment,
    ClaimLine,
    ClaimRemark,
    ClaimStatus,
    ClaimStatusEvent,
    FrequencyCode,
)
from healtheos.members.models import Accumulator, Member
from healtheos.payments.generate import remittance_store
from healtheos.payments.models import ClaimPayment, Payment, PaymentMethod
from healtheos.plans.models import Plan

ZERO = Decimal("0.00")

#: X12 277 claim status (category, status) for each status this module sets.
#: The statuses whose history events carry their 277 codes (voids carry none).
STATUS_CODES: dict[str, tuple[str, str]] = {
    status: STATUS_277[status]
    for status in (
        ClaimStatus.IN_PROCESS,
        ClaimStatus.ADJUDICATED,
        ClaimStatus.DENIED,
        ClaimStatus.PENDED,
        ClaimStatus.PAID,
    )
}
STATUS_BY_DECISION = {
    Decision.PAY: ClaimStatus.ADJUDICATED,
    Decision.DENY: ClaimStatus.DENIED,
    Decision.PEND: ClaimStatus.PENDED,
}
#: Statuses a claim can be voided (or replaced) from; paid claims need a reversal instead.
VOIDABLE = (
    ClaimStatus.RECEIVED,
    ClaimStatus.IN_PROCESS,
    ClaimStatus.PENDED,
    ClaimStatus.ADJUDICATED,
    ClaimStatus.DENIED,
)


class AdjudicationError(ValueError):
    """The adjudicator's decision does not fit the claim or does not balance."""


def _event(claim: Claim, status: str, at: dt.datetime, note: str = "") -> None:
    category, code = STATUS_CODES.get(status, ("", ""))
    ClaimStatusEvent.objects.create(
        claim=claim, status=status, category_code=category, status_code=code, at=at, note=note
    )


def claim_adjudicate(*, claim: Claim, adjudicator: Adjudicator | None = None) -> Claim:
    """Decide a received claim and store the decision: received → in process → adjudicated,
    denied or pended, with line amounts, adjustments, remarks, accumulators, status history
    and an audit event, in one transaction. A claim that is no longer received is returned
    as it is. A void (frequency 8) is not priced: it voids the claim it names. A corrected
    claim (frequency 7) is adjudicated and voids the claim it replaces."""
    with transaction.atomic():
        claim = Claim.objects.payer_wide().select_for_update().get(pk=claim.pk)
        if claim.status != ClaimStatus.RECEIVED:
            return claim
        # One member's claims are decided one at a time: each reads the accumulators the
        # previous one raised (the deductible must not be spent twice). FOR NO KEY UPDATE:
        # it still queues adjudications of the member, but not the foreign-key checks of
        # rows that merely refer to the member (an eligibility inquiry committing while it
        # holds its audit lane), which deadlocked under load (make proof).
        Member.objects.select_for_update(no_key=True).filter(pk=claim.member_id).first()
        now = timezone.now()
        claim.status = ClaimStatus.IN_PROCESS
        claim.save(update_fields=["status"])
        _event(claim, ClaimStatus.IN_PROCESS, now)
        detail: dict[str, str] = {"claim_number": claim.claim_number}
        if claim.frequency_code == FrequencyCode.VOID:
            _finalize_void(claim, now)
        else:
            decision = (adjudicator or configured_adjudicator()).adjudicate(claim)
            _apply(claim, decision, now)
            if claim.frequency_code == FrequencyCode.CORRECTED:
                _void_original(claim, now, f"Replaced by corrected claim {claim.claim_number}")
            detail["decision"] = decision.decision.value
        detail.update(status=claim.status, paid=str(claim.paid_amount))
        audit_record(
            action="claims.adjudicated", obj=claim, member_pk=claim.member_id, detail=detail
        )
    return claim


def _finalize_void(claim: Claim, now: dt.datetime) -> None:
    voided = _void_original(claim, now, f"Voided by claim {claim.claim_number}")
    claim.status = ClaimStatus.VOIDED
    claim.adjudicated_at = now
    claim.allowed_amount = claim.paid_amount = claim.patient_responsibility = ZERO
    claim.save(
        update_fields=[
            "status",
            "adjudicated_at",
            "allowed_amount",
            "paid_amount",
            "patient_responsibility",
        ]
    )
    note = (
        "Void processed"
        if voided
        else "Void received: the original claim was not found or is already paid (a paid "
        "claim is reversed, not voided)"
    )
    _event(claim, ClaimStatus.VOIDED, now, note)


def _void_original(claim: Claim, now: dt.datetime, note: str) -> bool:
    if claim.original_claim_id is None:
        return False
    original = (
        Claim.objects.payer_wide()
        .select_for_update()
        .filter(
            pk=claim.original_claim_id,
            plan_id=claim.plan_id,
            member_id=claim.member_id,
            status__in=VOIDABLE,
        )
        .first()
    )
    if original is None:
        return False
    original.status = ClaimStatus.VOIDED
    original.save(update_fields=["status"])
    _event(original, ClaimStatus.VOIDED, now, note)
    return True


def _check(claim: Claim, lines: dict[int, ClaimLine], decision: Adjudication) -> None:
    for result in decision.lines:
        line = lines.get(result.line_number)
        if line is None:
            raise AdjudicationError(f"{claim}: no line {result.line_number}")
        if result.allowed != result.paid + result.patient_responsibility:
            raise AdjudicationError(f"{line}: allowed is not paid + patient responsibility")
        adjusted = sum(
            (a.amount for a in decision.adjustments if a.line_number == result.line_number), ZERO
        )
        if adjusted != line.charge - result.paid:
            raise AdjudicationError(f"{line}: adjustments do not add up to charge - paid")
    named = [a.line_number for a in decision.adjustments]
    named += [r.line_number for r in decision.remarks]
    for number in named:
        if number is not None and number not in lines:
            raise AdjudicationError(f"{claim}: no line {number}")


def _apply(claim: Claim, decision: Adjudication, now: dt.datetime) -> None:
    lines = {line.line_number: line for line in claim.lines.all()}
    _check(claim, lines, decision)
    for result in decision.lines:
        line = lines[result.line_number]
        line.allowed_amount = result.allowed
        line.paid_amount = result.paid
        line.patient_responsibility = result.patient_responsibility
    ClaimLine.objects.bulk_update(
        [lines[r.line_number] for r in decision.lines],
        ["allowed_amount", "paid_amount", "patient_responsibility"],
    )
    ClaimAdjustment.objects.bulk_create(
        ClaimAdjustment(
            claim=claim,
            line=lines[a.line_number] if a.line_number is not None else None,
            group_code=a.group,
            reason_code=a.reason,
            amount=a.amount,
        )
        for a in decision.adjustments
    )
    ClaimRemark.objects.bulk_create(
        ClaimRemark(
            claim=claim,
            line=lines[r.line_number] if r.line_number is not None else None,
            code=r.code,
        )
        for r in decision.remarks
    )
    for increment in decision.accumulators:
        accumulator, _ = Accumulator.objects.get_or_create(
            coverage_id=increment.coverage_id,
            year=increment.year,
            kind=increment.kind,
            network=increment.network,
            level=increment.level,
        )
        # F() so that two claims of one member adjudicated at once both count.
        Accumulator.objects.filter(pk=accumulator.pk).update(met=F("met") + increment.amount)
    claim.status = STATUS_BY_DECISION[decision.decision]
    claim.allowed_amount = decision.allowed
    claim.paid_amount = decision.paid
    claim.patient_responsibility = decision.patient_responsibility
    claim.adjudicated_at = now
    fields = ["status", "allowed_amount", "paid_amount", "patient_responsibility", "adjudicated_at"]
    if claim.coverage_id is None and decision.coverage_id is not None:
        claim.coverage_id = decision.coverage_id
        fields.append("coverage")
    claim.save(update_fields=fields)
    _event(claim, claim.status, now, decision.note)


# --- the payment cycle ------------------------------------------------------------------


#: Claims the next cycle remits: decided and on no remittance yet.
PAYABLE = Q(status__in=(ClaimStatus.ADJUDICATED, ClaimStatus.DENIED), payments__isnull=True)


def payment_cycle_run(*, plan: Plan, on: dt.date) -> list[Payment]:
    """Pay every adjudicated claim of ``plan`` not yet remitted, one payment per payee
    (billing organization), and put its denied claims on the same remittance. Adjudicated
    claims become paid; denied claims stay denied. Each payee's payment is one transaction;
    running the cycle again finds nothing left and creates nothing."""
    payees = sorted(
        set(
            Claim.objects.payer_wide()
            .filter(PAYABLE, plan=plan)
            .values_list("billing_organization_id", flat=True)
        )
    )
    payments = []
    for payee_id in payees:
        payment = _pay_payee(plan=plan, payee_id=payee_id, on=on)
        if payment is not None:
            payments.append(payment)
    return payments


def claims_mark_paid(*, claims: list[Claim], at: dt.datetime, trace_number: str) -> None:
    """Adjudicated claims paid by a payment: status paid with the time, and a history event
    naming the payment. Shared by the payment cycle and 835 ingest; call it inside their
    transaction."""
    for claim in claims:
        claim.status, claim.paid_at = ClaimStatus.PAID, at
    Claim.objects.payer_wide().bulk_update(claims, ["status", "paid_at"], batch_size=1000)
    category, code = STATUS_CODES[ClaimStatus.PAID]
    ClaimStatusEvent.objects.bulk_create(
        ClaimStatusEvent(
            claim=claim,
            status=ClaimStatus.PAID,
            category_code=category,
            status_code=code,
            at=at,
            note=f"Paid on {trace_number}",
        )
        for claim in claims
    )


def _trace_number(plan: Plan, on: dt.date) -> str:
    prefix = f"EFT{plan.pk:02d}{on:%y%m%d}"
    taken = Payment.objects.payer_wide().filter(plan=plan, trace_number__startswith=prefix)
    return f"{prefix}{taken.count() + 1:05d}"


def _pay_payee(*, plan: Plan, payee_id: int, on: dt.date) -> Payment | None:
    with transaction.atomic():
        claims = list(
            Claim.objects.payer_wide()
            # Only the claims are locked: PAYABLE's outer join to payments has no row to lock.
            .select_for_update(of=("self",))
            .filter(PAYABLE, plan=plan, billing_organization_id=payee_id)
            .order_by("claim_number")
        )
        if not claims:
            return None
        total = sum((c.paid_amount for c in claims if c.status == ClaimStatus.ADJUDICATED), ZERO)
        payment = Payment.objects.create(
            plan=plan,
            payee_organization_id=payee_id,
            trace_number=_trace_number(plan, on),
            # X12 BPR04: a remittance of denials alone moves no money.
            method=PaymentMethod.ACH if total > 0 else PaymentMethod.NONE,
            payment_date=on,
            total_amount=total,
        )
        now = timezone.now()
        rows = []
        for claim in claims:
            adjudicated = claim.status == ClaimStatus.ADJUDICATED
            rows.append(
                ClaimPayment(
                    payment=payment,
                    claim=claim,
                    status_code="1" if adjudicated else "4",
                    billed_amount=claim.total_charge,
                    paid_amount=claim.paid_amount if adjudicated else ZERO,
                    patient_responsibility=claim.patient_responsibility,
                )
            )
        ClaimPayment.objects.bulk_create(rows)
        claims_mark_paid(
            claims=[c for c in claims if c.status == ClaimStatus.ADJUDICATED],
            at=now,
            trace_number=payment.trace_number,
        )
        # The 835 the payee's systems receive, written once and kept with the payment.
        remittance_store(payment=payment, at=now)
        audit_record(
            action="payments.cycle_run",
            obj=payment,
            detail={
                "trace_number": payment.trace_number,
                "claims": len(rows),
                "total": str(total),
                "payment_date": on.isoformat(),
            },
        )
    return payment
