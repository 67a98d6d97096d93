"""The remittance API.

- ``POST /api/v1/remittances`` (a plan's own client, scope ``remittances.ingest``): an 835
  file as the body, ingested as ``healtheos ingest`` does; 202 with what became of each
  payment (stored, or rejected with the reason and the segment's position). The same file
  again changes nothing and answers 200 with the payments it stored.
- ``GET /api/v1/remittances`` (an office's client, scope ``remittances.read``): the
  office's payments, newest first, fifty a page; ``…/{id}`` one of them with its claim
  payments and provider adjustments; ``…/{id}/835`` the 835 as the office's systems take
  it. Another office's payment is a 404.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from pathlib import Path
from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from healtheos.apiclients.auth import problem, require_bearer, unknown_parameters
from healtheos.audit.services import audit_record
from healtheos.payments.models import Payment, Remittance
from healtheos.payments.remittance_ingest import IngestReport, remittance_ingest
from healtheos.payments.selectors import PaymentFilter, payment_get, payment_search

#: The largest 835 accepted in one request (a day's payment run for a large plan).
MAX_BYTES = 512 << 20
PAGE_SIZE = 50


def _payment_summary(payment: Payment) -> dict[str, Any]:
    return {
        "id": payment.pk,
        "trace_number": payment.trace_number,
        "payment_date": payment.payment_date.isoformat(),
        "method": payment.method,
        "total_amount": str(payment.total_amount),
        "url": f"/api/v1/remittances/{payment.pk}",
        "x12_url": f"/api/v1/remittances/{payment.pk}/835",
    }


def _report_json(report: IngestReport, digest: str) -> dict[str, Any]:
    return {
        "file_sha256": digest,
        "already_ingested": report.already_ingested,
        "stored": report.payments,
        "rejected": len(report.rejected),
        "claim_payments_stored": report.claim_payments,
        "total_stored": str(report.total),
        "fault": report.fault,
        "payments": [
            {
                "trace_number": result.trace_number,
                "status": "stored" if result.stored else "rejected",
                "set_position": result.position,
                "claim_payments": result.claim_payments,
                "total_amount": str(result.total),
                "payment_id": result.payment_id,
                "reason": result.reason,
            }
            for result in report.results
        ],
    }


@csrf_exempt
def remittances(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _ingest(request)
    if request.method in ("GET", "HEAD"):
        return _list(request)
    return problem(
        405, "Method Not Allowed", "Use GET (offices) or POST (the plan).", Allow="GET, POST"
    )


@require_bearer("remittances.ingest")
def _ingest(request: HttpRequest) -> HttpResponse:
    plan = request.acting_plan  # type: ignore[attr-defined]
    sha = hashlib.sha256()
    size = 0
    with tempfile.TemporaryDirectory() as folder:
        name = Path(request.headers.get("X-File-Name", "api.835")[:200]).name or "api.835"
        path = Path(folder) / name
        with open(path, "wb") as out:
            while chunk := request.read(1 << 20):
                size += len(chunk)
                if size > MAX_BYTES:
                    return problem(413, "Payload Too Large", "An 835 file is at most 512 MB.")
                sha.update(chunk)
                out.write(chunk)
        if size == 0:
            return problem(400, "Bad Request", "Send the 835 interchange as the request body.")
        digest = sha.hexdigest()
        report = remittance_ingest(path=path, plan=plan)
    if report.already_ingested:
        stored = (
            Payment.objects.payer_wide()
            .filter(plan=plan, remittance__file_sha256=digest)
            .order_by("pk")
        )
        body = _report_json(report, digest)
        body["payments"] = [{**_payment_summary(payment), "status": "stored"} for payment in stored]
        body["stored"] = len(body["payments"])
        return JsonResponse(body, status=200)
    if report.fault and not report.results:
        return problem(400, "Bad Request", f"The 835 could not be read: {report.fault}")
    return JsonResponse(_report_json(report, digest), status=202)


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise ValueError(f"{value[:20]!r} is not a date (YYYY-MM-DD).") from None


_LIST_PARAMETERS = frozenset({"page", "trace_number", "claim_number", "paid_from", "paid_to"})


@require_bearer("remittances.read")
def _list(request: HttpRequest) -> HttpResponse:
    office = request.acting_office  # type: ignore[attr-defined]
    refused = unknown_parameters(request, _LIST_PARAMETERS)
    if refused is not None:
        return refused
    try:
        filters = PaymentFilter(
            trace_number=request.GET.get("trace_number", ""),
            paid_from=_date(request.GET.get("paid_from", "")),
            paid_to=_date(request.GET.get("paid_to", "")),
            claim_number=request.GET.get("claim_number", ""),
        )
    except ValueError as error:
        return problem(400, "Bad Request", str(error))
    page_number = request.GET.get("page", "1")
    if not page_number.isdigit():
        return problem(400, "Bad Request", "page is a whole number from 1.")
    pages = Paginator(payment_search(office=office, filters=filters), PAGE_SIZE)
    try:
        page = pages.page(int(page_number))
    except EmptyPage:
        return problem(404, "Not Found", f"There is no page {page_number}.")
    return JsonResponse(
        {
            "count": pages.count,
            "page": page.number,
            "pages": pages.num_pages,
            "results": [_payment_summary(payment) for payment in page.object_list],
        }
    )


def _office_payment(request: HttpRequest, payment_id: int) -> Payment | None:
    office = request.acting_office  # type: ignore[attr-defined]
    payment = payment_get(office=office, payment_id=payment_id)
    if payment is not None:
        audit_record(
            action="payments.remittance_viewed",
            office=office,
            obj=payment,
            request=request,
            detail={"api_client": request.api_client.client_id},  # type: ignore[attr-defined]
        )
    return payment


@require_GET
@require_bearer("remittances.read")
def remittance(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = _office_payment(request, payment_id)
    if payment is None:
        return problem(404, "Not Found", "No such remittance for this office.")
    claim_payments = payment.claim_payments.select_related("claim").order_by("pk")
    return JsonResponse(
        {
            **_payment_summary(payment),
            "payer": {"name": payment.plan.name, "payer_id": payment.plan.payer_id},
            "claim_payments": [
                {
                    "claim_number": row.claim.claim_number,
                    "patient_account_number": row.claim.patient_account_number,
                    "status_code": row.status_code,
                    "billed_amount": str(row.billed_amount),
                    "paid_amount": str(row.paid_amount),
                    "patient_responsibility": str(row.patient_responsibility),
                }
                for row in claim_payments
            ],
            "provider_adjustments": [
                {"reason_code": a.reason_code, "reference": a.reference, "amount": str(a.amount)}
                for a in payment.provider_adjustments.order_by("pk")
            ],
        }
    )


@require_GET
@require_bearer("remittances.read")
def remittance_835(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = _office_payment(request, payment_id)
    raw = (
        Remittance.objects.filter(payment=payment).values_list("raw_x12", flat=True).first()
        if payment is not None
        else None
    )
    if payment is None or not raw:
        return problem(404, "Not Found", "No such remittance (835) for this office.")
    response = HttpResponse(raw, content_type="application/edi-x12")
    response["Content-Disposition"] = f'attachment; filename="{payment.trace_number}.835"'
    return response
