"""Applying adjudication decisions to claims, and paying them in a payment cycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from healtheos.audit.services import audit_record
from healtheos.claims.adjudication import configured_adjudicator
from healtheos.claims.adjudication.interface import (
    Adjudication,
    Adjudicator,
    Decision,
    LineResult,
)
from healtheos.claims.adjudication.interface import Adjustment as AdjustmentDecision
from healtheos.claims.adjudication.interface import Remark as RemarkDecision
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
from healtheos.payments.models import ClaimPayment, Payment, PaymentMethod, ProviderAdjustment
from healtheos.plans.models import Plan

if TYPE_CHECKING:
    from healtheos.accounts.models import User

ZERO = Decimal("0.00")
#: CLP02 of a reversal of a previous payment, and the PLB code of a balance carried forward.
REVERSAL = "22"
FORWARD_BALANCE = "FB"

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


def _event(
    claim: Claim, status: str, at: dt.datetime, note: str = "", actor: User | None = None
) -> None:
    category, code = STATUS_CODES.get(status, ("", ""))
    ClaimStatusEvent.objects.create(
        claim=claim,
        status=status,
        category_code=category,
        status_code=code,
        at=at,
        note=note[:200],
        actor=actor,
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


class ClaimNotPended(ValueError):
    """Only a pended claim can be released or denied by plan staff."""


#: The reasons plan staff may deny a pended claim for: CARC → (RARC, what the office reads).
PENDED_DENIAL_REASONS: dict[str, tuple[str, str]] = {
    "50": ("N115", "Not medically necessary, as the plan reviewed it"),
    "16": ("M127", "The claim lacks information the review needed (records)"),
    "197": ("N54", "No authorization was obtained for the service"),
    "96": ("N130", "The service is not covered by the member's benefits"),
}


def _pended(claim: Claim) -> Claim:
    locked = Claim.objects.payer_wide().select_for_update().get(pk=claim.pk)
    if locked.status != ClaimStatus.PENDED:
        raise ClaimNotPended(f"{locked} is {locked.get_status_display().lower()}, not pended")
    Member.objects.select_for_update().filter(pk=locked.member_id).first()
    return locked


def claim_release(
    *, claim: Claim, actor: User, note: str = "", adjudicator: Adjudicator | None = None
) -> Claim:
    """Plan staff release a pended claim from review: it is decided again by the plan's
    adjudicator, which does not hold it a second time, in one transaction with its
    history (who released it and why) and an audit event."""
    with transaction.atomic():
        claim = _pended(claim)
        now = timezone.now()
        claim.status, claim.released_at = ClaimStatus.IN_PROCESS, now
        claim.save(update_fields=["status", "released_at"])
        reason = f"Released from review by the plan{': ' + note if note else ''}"
        _event(claim, ClaimStatus.IN_PROCESS, now, reason, actor)
        decision = (adjudicator or configured_adjudicator()).adjudicate(claim)
        _apply(claim, decision, now)
        if claim.frequency_code == FrequencyCode.CORRECTED and claim.status != ClaimStatus.PENDED:
            _void_original(claim, now, f"Replaced by corrected claim {claim.claim_number}")
        audit_record(
            action="claims.released",
            actor=actor,
            obj=claim,
            member_pk=claim.member_id,
            detail={"claim_number": claim.claim_number, "status": claim.status},
        )
    return claim


def claim_deny(*, claim: Claim, actor: User, reason_code: str, note: str = "") -> Claim:
    """Plan staff deny a pended claim: every line is adjusted in full as a contractual
    obligation with ``reason_code`` (one of :data:`PENDED_DENIAL_REASONS`) and its remark,
    so the denial is remitted, with its reason, on the next payment cycle's 835."""
    if reason_code not in PENDED_DENIAL_REASONS:
        raise ValueError(f"{reason_code!r} is not a reason a pended claim is denied for")
    remark, words = PENDED_DENIAL_REASONS[reason_code]
    with transaction.atomic():
        claim = _pended(claim)
        now = timezone.now()
        lines = list(claim.lines.order_by("line_number"))
        decision = Adjudication(
            Decision.DENY,
            lines=tuple(LineResult(line.line_number) for line in lines),
            adjustments=tuple(
                AdjustmentDecision(line.line_number, "CO", reason_code, line.charge)
                for line in lines
            ),
            remarks=tuple(RemarkDecision(line.line_number, remark) for line in lines),
            note=f"Denied after review: {words}{': ' + note if note else ''}",
        )
        _apply(claim, decision, now, actor)
        audit_record(
            action="claims.denied_after_review",
            actor=actor,
            obj=claim,
            member_pk=claim.member_id,
            detail={"claim_number": claim.claim_number, "reason": reason_code},
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
    notes = {
        "voided": "Void processed",
        "reversed": "Void processed: the original's payment is reversed on the next remittance",
        "": "Void received: the original claim was not found or is already voided",
    }
    _event(claim, ClaimStatus.VOIDED, now, notes[voided])


def _void_original(claim: Claim, now: dt.datetime, note: str) -> str:
    """Void the claim ``claim`` voids or replaces: "voided", "reversed" when it had been
    paid (its payment is taken back by the next payment cycle, see :data:`REVERSIBLE`),
    or "" when there is no such claim to void."""
    if claim.original_claim_id is None:
        return ""
    original = (
        Claim.objects.payer_wide()
        .select_for_update()
        .filter(
            pk=claim.original_claim_id,
            plan_id=claim.plan_id,
            member_id=claim.member_id,
            status__in=(*VOIDABLE, ClaimStatus.PAID),
        )
        .first()
    )
    if original is None:
        return ""
    paid = original.status == ClaimStatus.PAID
    original.status = ClaimStatus.VOIDED
    original.save(update_fields=["status"])
    if paid:
        note += "; its payment is reversed on the next remittance"
    _event(original, ClaimStatus.VOIDED, now, note)
    return "reversed" if paid else "voided"


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


def _apply(
    claim: Claim, decision: Adjudication, now: dt.datetime, actor: User | None = None
) -> None:
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
    _event(claim, claim.status, now, decision.note, actor)


# --- the payment cycle ------------------------------------------------------------------


#: Claims the next cycle remits: decided and on no remittance yet (an anti-join probing
#: the payments' claim index, not an outer join over every claim payment of the plan).
PAYABLE = Q(status__in=(ClaimStatus.ADJUDICATED, ClaimStatus.DENIED)) & ~Exists(
    ClaimPayment.objects.filter(claim=OuterRef("pk"))
)
#: Claims the next cycle reverses (CLP02 22): paid, then voided or replaced, and not yet
#: reversed.
REVERSIBLE = (
    Q(status=ClaimStatus.VOIDED)
    & Exists(ClaimPayment.objects.filter(claim=OuterRef("pk"), status_code="1"))
    & ~Exists(ClaimPayment.objects.filter(claim=OuterRef("pk"), status_code=REVERSAL))
)


def payment_cycle_run(
    *, plan: Plan, on: dt.date, payees: Iterable[int] | None = None
) -> list[Payment]:
    """Pay every adjudicated claim of ``plan`` not yet remitted, one payment per payee
    (billing organization), and put its denied claims on the same remittance, with the
    reversal (CLP02 22, amounts negated) of every paid claim voided or replaced since.
    Adjudicated claims become paid; denied claims stay denied. A payment the reversals
    make negative is paid as zero, the payee's debt carried forward (PLB FB) and taken
    from its next payments. Each payee's payment is one transaction;
    running the cycle again finds nothing left and creates nothing. ``payees`` limits the
    cycle to those billing organizations (the payees of one submission, say), which spares
    looking through the whole plan's claims."""
    candidates = Claim.objects.payer_wide().filter(PAYABLE | REVERSIBLE, plan=plan)
    if payees is not None:
        candidates = candidates.filter(billing_organization_id__in=list(payees))
    payments = []
    for payee_id in sorted(set(candidates.values_list("billing_organization_id", flat=True))):
        payment = _pay_payee(plan=plan, payee_id=payee_id, on=on)
        if payment is not None:
            payments.append(payment)
    return payments


def claims_mark_paid(*, claims: list[Claim], at: dt.datetime, trace_number: str) -> None:
    """Adjudicated claims paid by a payment: status paid with the time, and a history event
    naming the payment. Shared by the payment cycle and 835 ingest; call it inside their
    transaction."""
    claims_mark_paid_by_key(paid={claim.pk: trace_number for claim in claims}, at=at)
    for claim in claims:
        claim.status, claim.paid_at = ClaimStatus.PAID, at


def claims_mark_paid_by_key(*, paid: dict[int, str], at: dt.datetime) -> list[int]:
    """The set-based form of :func:`claims_mark_paid` for many payments at once: ``paid``
    maps a claim's key to the trace number that paid it. Claims that are no longer
    adjudicated when the update runs are left as they are; the keys marked paid are
    returned. One locking read, one update and one bulk insert of history events."""
    if not paid:
        return []
    from healtheos.synthetic.writer import TableWriter

    claims = Claim.objects.payer_wide()
    marked: list[int] = []
    keys = list(paid)
    for start in range(0, len(keys), 5000):
        chunk = keys[start : start + 5000]
        locked = list(
            claims.select_for_update()
            .filter(pk__in=chunk, status=ClaimStatus.ADJUDICATED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        claims.filter(pk__in=locked).update(status=ClaimStatus.PAID, paid_at=at)
        marked += locked
    category, code = STATUS_CODES[ClaimStatus.PAID]
    events = TableWriter(
        ClaimStatusEvent, ["claim_id", "status", "category_code", "status_code", "at", "note"]
    )
    for pk in marked:
        events.add(pk, ClaimStatus.PAID, category, code, at, f"Paid on {paid[pk]}"[:200])
    events.flush()
    return marked


def _trace_number(plan: Plan, on: dt.date, *, skip: int = 0) -> str:
    prefix = f"EFT{plan.pk:02d}{on:%y%m%d}"
    taken = Payment.objects.payer_wide().filter(plan=plan, trace_number__startswith=prefix)
    return f"{prefix}{taken.count() + 1 + skip:05d}"


#: How many trace numbers a payment tries before giving up.
TRACE_ATTEMPTS = 20


def _payment_create(*, plan: Plan, on: dt.date, **fields: Any) -> Payment:
    """A payment with the plan's next trace number of the day. Cycles for different payees
    of one plan may run at once and pick the same number; the one that comes second
    waits for the first to commit, is refused by the unique constraint, and takes the next
    free number (inside a savepoint, so its transaction goes on)."""
    for attempt in range(TRACE_ATTEMPTS):
        try:
            with transaction.atomic():
                return Payment.objects.create(
                    plan=plan, trace_number=_trace_number(plan, on, skip=attempt), **fields
                )
        except IntegrityError:
            if attempt == TRACE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _forward_balance(plan: Plan, payee_id: int) -> Decimal:
    """What the payee still owes from reversals (PLB FB: negative carried, positive taken)."""
    carried = ProviderAdjustment.objects.filter(
        payment__plan=plan,
        payment__payee_organization_id=payee_id,
        reason_code=FORWARD_BALANCE,
    ).aggregate(total=Sum("amount"))["total"]
    return -(carried or ZERO)


def _pay_payee(*, plan: Plan, payee_id: int, on: dt.date) -> Payment | None:
    with transaction.atomic():
        claims = list(
            Claim.objects.payer_wide()
            # Only the claims are locked, not the payments the conditions look at.
            .select_for_update(of=("self",))
            .filter(PAYABLE | REVERSIBLE, plan=plan, billing_organization_id=payee_id)
            .order_by("claim_number")
        )
        if not claims:
            return None
        reversed_ = [c for c in claims if c.status == ClaimStatus.VOIDED]
        paid = sum((c.paid_amount for c in claims if c.status == ClaimStatus.ADJUDICATED), ZERO)
        owed = _forward_balance(plan, payee_id)
        net = paid - sum((c.paid_amount for c in reversed_), ZERO)
        # PLB FB: a negative net is carried forward (the payment is zero); a positive one
        # first pays back what is owed.
        forward = net if net < 0 else min(owed, net)
        total = net - forward
        payment = _payment_create(
            plan=plan,
            on=on,
            payee_organization_id=payee_id,
            # X12 BPR04: a remittance of denials alone moves no money.
            method=PaymentMethod.ACH if total > 0 else PaymentMethod.NONE,
            payment_date=on,
            total_amount=total,
        )
        if forward:
            ProviderAdjustment.objects.create(
                payment=payment,
                reason_code=FORWARD_BALANCE,
                reference=payment.trace_number,
                amount=forward,
            )
        now = timezone.now()
        rows = []
        for claim in claims:
            if claim.status == ClaimStatus.VOIDED:
                rows.append(
                    ClaimPayment(
                        payment=payment,
                        claim=claim,
                        status_code=REVERSAL,
                        billed_amount=-claim.total_charge,
                        paid_amount=-claim.paid_amount,
                        patient_responsibility=-claim.patient_responsibility,
                    )
                )
                continue
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
        for claim in reversed_:
            _event(claim, ClaimStatus.VOIDED, now, f"Payment reversed on {payment.trace_number}")
        # The 835 the payee's systems receive, written once and kept with the payment.
        remittance_store(payment=payment, at=now)
        audit_record(
            action="payments.cycle_run",
            obj=payment,
            detail={
                "trace_number": payment.trace_number,
                "claims": len(rows),
                "reversals": len(reversed_),
                "total": str(total),
                "payment_date": on.isoformat(),
            },
        )
    return payment
