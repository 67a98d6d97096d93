"""835 ingest: remittance files from the plan's payment system, stored per payment.

Each transaction set (one payment) is balanced before anything of it is stored (payment
total = Σ claim payments − provider-level adjustments; each claim: billed − adjustments =
paid; each line likewise) and stored in one transaction with its claim payments, provider
adjustments and the 835 itself; a set that does not balance, or names a payee or claim
that is not on file, is rejected with the exact reason and location and leaves nothing
behind. The same file ingested again changes nothing (its SHA-256 is kept), and so does a
payment whose trace number is already on file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from healtheos.audit.services import audit_record
from healtheos.claims.adjudication.services import claims_mark_paid
from healtheos.claims.models import Claim, ClaimStatus
from healtheos.directory.models import ProviderOrganization
from healtheos.interop.x12 import X12SyntaxError, build_835, check_balance, iter_835
from healtheos.interop.x12.remittance import Remittance as Remittance835
from healtheos.payments.models import (
    ClaimPayment,
    Payment,
    PaymentMethod,
    ProviderAdjustment,
    Remittance,
)
from healtheos.plans.models import Plan


@dataclass
class IngestReport:
    file_name: str
    already_ingested: bool = False
    payments: int = 0
    claim_payments: int = 0
    total: Decimal = Decimal("0")
    rejected: list[str] = field(default_factory=list)
    fault: str = ""

    def line(self) -> str:
        if self.already_ingested:
            return f"{self.file_name}: 835 already ingested; nothing changed"
        text = (
            f"{self.file_name}: 835 · {self.payments} payments, {self.claim_payments} claim "
            f"payments, ${self.total:,.2f} stored"
        )
        if self.rejected:
            text += f" · {len(self.rejected)} rejected: " + "; ".join(self.rejected)
        if self.fault:
            text += f" · stopped: {self.fault}"
        return text


class SetRejected(ValueError):
    pass


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def _plan(remittance: Remittance835) -> Plan:
    candidates = {remittance.payer.identifier, remittance.trace.originator}
    plan = Plan.objects.filter(payer_id__in=[c for c in candidates if c]).first()
    if plan is None:
        if Plan.objects.count() == 1:
            return Plan.objects.get()
        raise SetRejected(
            f"the payer {remittance.payer.identifier or remittance.payer.name!r} (N1*PR) is "
            "not a plan of this deployment"
        )
    return plan


def _payee(remittance: Remittance835) -> ProviderOrganization:
    payee = remittance.payee
    if payee.tin:
        organization = ProviderOrganization.objects.filter(tin=payee.tin.replace("-", "")).first()
        if organization is not None:
            return organization
    if payee.npi:
        organization = ProviderOrganization.objects.filter(npi=payee.npi).first() or (
            ProviderOrganization.objects.filter(providers__npi=payee.npi).first()
        )
        if organization is not None:
            return organization
    raise SetRejected(f"the payee {payee.name!r} (N1*PE) has no TIN or NPI on file")


def _store(remittance: Remittance835, digest: str, at: dt.datetime) -> Payment:
    problems = check_balance(remittance)
    if problems:
        raise SetRejected(problems[0].message)
    plan = _plan(remittance)
    payee = _payee(remittance)
    trace = remittance.trace.reference
    if Payment.objects.payer_wide().filter(plan=plan, trace_number=trace).exists():
        raise SetRejected(f"a payment with trace number {trace} (TRN02) is already on file")
    claims = Claim.objects.payer_wide().filter(plan=plan, billing_organization=payee)
    found = {
        c.claim_number: c
        for c in claims.filter(claim_number__in=[p.payer_claim_number for p in remittance.claims])
    }
    missing = [p for p in remittance.claims if p.payer_claim_number not in found]
    if missing:
        raise SetRejected(
            f"claim {missing[0].payer_claim_number or '(no CLP07)'} at segment "
            f"{missing[0].position} is not one of the payee's claims on file"
        )
    with transaction.atomic():
        payment = Payment.objects.create(
            plan=plan,
            payee_organization=payee,
            trace_number=trace,
            method=remittance.method if remittance.method in PaymentMethod.values else "NON",
            payment_date=remittance.payment_date,
            total_amount=remittance.total_paid,
        )
        Remittance.objects.create(
            payment=payment,
            interchange_control_number=(
                remittance.origin.interchange_control_number if remittance.origin else ""
            )[:9],
            transaction_control_number=(
                remittance.origin.set_control_number if remittance.origin else ""
            )[:9],
            file_sha256=digest,
            raw_x12=build_835(
                remittance,
                at=at,
                control_number=payment.pk % 999_999_999 or 1,
                sender_id=plan.payer_id,
                receiver_id=payee.tin,
            ),
        )
        ClaimPayment.objects.bulk_create(
            ClaimPayment(
                payment=payment,
                claim=found[p.payer_claim_number],
                status_code=p.status[:2],
                billed_amount=p.charge,
                paid_amount=p.paid,
                patient_responsibility=p.patient_responsibility or Decimal("0"),
            )
            for p in remittance.claims
        )
        ProviderAdjustment.objects.bulk_create(
            ProviderAdjustment(
                payment=payment,
                reason_code=a.reason[:2],
                reference=a.reference[:50],
                amount=a.amount,
            )
            for a in remittance.provider_adjustments
        )
        claims_mark_paid(
            claims=[
                found[p.payer_claim_number]
                for p in remittance.claims
                if found[p.payer_claim_number].status == ClaimStatus.ADJUDICATED and p.paid >= 0
            ],
            at=at,
            trace_number=trace,
        )
        audit_record(
            action="payments.remittance_ingested",
            obj=payment,
            detail={"claims": len(remittance.claims), "total": str(remittance.total_paid)},
        )
    return payment


def remittance_ingest(*, path: Path, progress: Callable[[int], None] | None = None) -> IngestReport:
    """Ingest one 835 file, set by set (see the module's docstring)."""
    report = IngestReport(path.name)
    digest = _digest(path)
    if Remittance.objects.filter(file_sha256=digest).exists():
        report.already_ingested = True
        return report
    at = timezone.now()
    with open(path, "rb") as source:
        try:
            for remittance in iter_835(source, progress=progress):
                try:
                    payment = _store(remittance, digest, at)
                except SetRejected as error:
                    report.rejected.append(f"payment {remittance.trace.reference}: {error}")
                    continue
                report.payments += 1
                report.claim_payments += len(remittance.claims)
                report.total += payment.total_amount
        except X12SyntaxError as error:
            where = f"segment {error.segment_position}" if error.segment_position else "the file"
            report.fault = (
                f"{error} (at {where}{f' {error.segment_id}' if error.segment_id else ''})"
            )
    return report
