"""The 835 a payment is: written from the payment, its claims, their lines and the
adjustments the adjudicator recorded, with the project's own 835 writer, and stored with
the payment so the office downloads exactly what its systems would receive."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from healtheos.interop.x12 import build_835
from healtheos.interop.x12.eligibility.segments import Name, Trace
from healtheos.interop.x12.remittance import (
    Adjustment,
    Contact,
    Party,
    ProviderAdjustment,
    ServiceLine,
)
from healtheos.interop.x12.remittance import (
    ClaimPayment as Claim835,
)
from healtheos.interop.x12.remittance import (
    Remittance as Remittance835,
)
from healtheos.payments.models import Payment, Remittance

ZERO = Decimal("0")


def _adjustments(rows: list[object], sign: int = 1) -> tuple[Adjustment, ...]:
    return tuple(
        Adjustment(a.group_code, a.reason_code, sign * a.amount)  # type: ignore[attr-defined]
        for a in rows
        if a.amount  # type: ignore[attr-defined]
    )


def remittance_of(payment: Payment) -> Remittance835:
    plan = payment.plan
    payee = payment.payee_organization
    claims = []
    for cp in payment.claim_payments.select_related("claim__member").prefetch_related(
        "claim__lines__adjustments", "claim__lines__remarks", "claim__adjustments"
    ):
        claim = cp.claim
        member = claim.member
        # A reversal (CLP02 22) repeats the original payment with every amount negated.
        sign = -1 if cp.status_code == "22" else 1
        lines = tuple(
            ServiceLine(
                qualifier="HC",
                code=line.procedure_code,
                charge=sign * line.charge,
                paid=sign * line.paid_amount if cp.status_code in ("1", "22") else ZERO,
                modifiers=tuple(line.modifiers),
                units=line.units,
                service_date=line.service_date,
                adjustments=_adjustments(list(line.adjustments.all()), sign),
                remarks=tuple(r.code for r in line.remarks.all()),
            )
            for line in claim.lines.all()
        )
        claims.append(
            Claim835(
                patient_control_number=claim.patient_account_number,
                status=cp.status_code,
                charge=cp.billed_amount,
                paid=cp.paid_amount,
                patient_responsibility=cp.patient_responsibility,
                filing_indicator="12",
                payer_claim_number=claim.claim_number,
                facility_code=claim.place_of_service or "11",
                frequency=claim.frequency_code,
                patient=Name(
                    "QC",
                    "1",
                    member.last_name.upper(),
                    member.first_name.upper(),
                    id_qualifier="MI",
                    identifier=member.member_id,
                ),
                adjustments=_adjustments(
                    [a for a in claim.adjustments.all() if a.line_id is None], sign
                ),
                lines=lines,
            )
        )
    return Remittance835(
        handling="I" if payment.total_amount > 0 else "H",
        total_paid=payment.total_amount,
        credit_debit="C",
        method=payment.method,
        payment_date=payment.payment_date,
        # TRN03: "1" and a nine-digit payer tax ID; the plan's own is configuration to come,
        # so the demo's plans use one derived from their key.
        trace=Trace("1", payment.trace_number, f"1{plan.pk:09d}"),
        payer=Party(
            "PR",
            plan.name.upper()[:60],
            "XV",
            plan.payer_id,
            address_lines=("PROVIDER REMITTANCE",),
            city="CAPITAL CITY",
            state=plan.state,
            postal_code="00000",
            contacts=(Contact("BL", "PROVIDER SERVICES", (("TE", "8005550100"),)),),
        ),
        payee=Party("PE", payee.legal_name.upper()[:60], "FI", payee.tin),
        claims=tuple(claims),
        provider_adjustments=tuple(
            ProviderAdjustment(
                provider_id=payee.npi or payee.tin,
                fiscal_period_end=dt.date(payment.payment_date.year, 12, 31),
                reason=adjustment.reason_code,
                amount=adjustment.amount,
                reference=adjustment.reference,
            )
            for adjustment in payment.provider_adjustments.all()
        ),
    )


def remittance_store(*, payment: Payment, at: dt.datetime | None = None) -> Remittance:
    """Write and keep the payment's 835 (once; an existing one is returned as it is)."""
    existing = Remittance.objects.filter(payment=payment).first()
    if existing is not None:
        return existing
    text = build_835(
        remittance_of(payment),
        at=at or timezone.now(),
        control_number=payment.pk % 999_999_999 or 1,
        sender_id=payment.plan.payer_id,
        receiver_id=payment.payee_organization.tin,
    )
    return Remittance.objects.create(payment=payment, raw_x12=text)
