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


@dataclass(frozen=True)
class PaymentSummary:
    by_month: list[tuple[str, Decimal, int]]
    by_line_of_business: list[tuple[str, Decimal, int]]
    by_claim_status: list[tuple[str, Decimal, int]]


def payment_summary(*, office: Office, since: dt.date) -> PaymentSummary:
    """What the office was paid since ``since``: per month, per line of business of the
    claims' coverage, and per claim status on the remittances (paid, denied)."""
    from django.db.models import Count, Sum
    from django.db.models.functions import TruncMonth

    from healtheos.payments.models import ClaimPayment
    from healtheos.plans.models import LineOfBusiness

    payments = Payment.objects.for_office(office).filter(payment_date__gte=since)
    months = (
        payments.annotate(month=TruncMonth("payment_date"))
        .values("month")
        .annotate(total=Sum("total_amount"), n=Count("pk"))
        .order_by("-month")
    )
    claim_payments = ClaimPayment.objects.filter(payment__in=payments.values("pk"))
    labels = dict(LineOfBusiness.choices)
    lobs = (
        claim_payments.values("claim__coverage__line_of_business")
        .annotate(total=Sum("paid_amount"), n=Count("pk"))
        .order_by("-total")
    )
    statuses = {"1": "Paid as primary", "2": "Paid as secondary", "4": "Denied", "22": "Reversal"}
    by_status = (
        claim_payments.values("status_code")
        .annotate(total=Sum("paid_amount"), n=Count("pk"))
        .order_by("status_code")
    )
    return PaymentSummary(
        by_month=[(f"{r['month']:%B %Y}", r["total"] or Decimal(0), r["n"]) for r in months],
        by_line_of_business=[
            (
                labels.get(r["claim__coverage__line_of_business"] or "", "Unknown"),
                r["total"] or Decimal(0),
                r["n"],
            )
            for r in lobs
        ],
        by_claim_status=[
            (
                statuses.get(r["status_code"], f"Status {r['status_code']}"),
                r["total"] or Decimal(0),
                r["n"],
            )
            for r in by_status
        ],
    )
