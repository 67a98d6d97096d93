"""Reading an office's payments and remittances (the office is the payee at its plan)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from healtheos.eligibility.lookup import normalize_member_id
from healtheos.offices.models import Office
from healtheos.payments.models import Payment


@dataclass(frozen=True)
class PaymentFilter:
    trace_number: str = ""
    paid_from: dt.date | None = None
    paid_to: dt.date | None = None
    amount: Decimal | None = None
    claim_number: str = ""
    member_id: str = ""
    birth_date: dt.date | None = None


def payment_search(*, office: Office, filters: PaymentFilter) -> QuerySet[Payment]:
    payments = Payment.objects.for_office(office)
    if filters.trace_number:
        payments = payments.filter(trace_number=filters.trace_number.strip())
    if filters.paid_from:
        payments = payments.filter(payment_date__gte=filters.paid_from)
    if filters.paid_to:
        payments = payments.filter(payment_date__lte=filters.paid_to)
    if filters.amount is not None:
        payments = payments.filter(total_amount=filters.amount)
    if filters.claim_number:
        payments = payments.filter(
            claim_payments__claim__claim_number=filters.claim_number.strip().upper()
        )
    if filters.member_id:
        if filters.birth_date is None:
            return payments.none()
        payments = payments.filter(
            claim_payments__claim__member__member_id=normalize_member_id(filters.member_id),
            claim_payments__claim__member__birth_date=filters.birth_date,
        )
    return payments.distinct().order_by("-payment_date", "-pk")


def payment_get(*, office: Office, payment_id: int) -> Payment | None:
    return Payment.objects.for_office(office).filter(pk=payment_id).select_related("plan").first()
