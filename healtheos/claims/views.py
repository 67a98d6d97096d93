"""Claim pages: search (with export) and detail in plain words."""

from __future__ import annotations

import csv

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from healtheos.accounts.permissions import signed_in_user
from healtheos.audit.services import audit_record
from healtheos.claims.forms import ClaimSearchForm
from healtheos.claims.models import Appeal
from healtheos.claims.selectors import ClaimFilter, claim_get, claim_search, office_claims
from healtheos.offices.permissions import acting_membership, office_function_required
from healtheos.offices.roles import Function
from healtheos.payments.models import Payment

EXPORT_LIMIT = 50_000


@office_function_required(Function.CLAIMS_VIEW)
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = ClaimSearchForm(request.GET or None)
    filters = form.filters() if form.is_bound and form.is_valid() else ClaimFilter()
    status = 400 if form.is_bound and not form.is_valid() else 200
    claims = claim_search(office=acting_membership(request).office, filters=filters)
    if request.GET.get("format") == "csv" and status == 200:
        return _export(request, claims)
    page = Paginator(claims, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "claims/search.html",
        {"form": form, "page": page, "filter_query": query.urlencode()},
        status=status,
    )


def _export(request: HttpRequest, claims: object) -> HttpResponse:
    audit_record(
        action="claims.exported",
        actor=signed_in_user(request),
        office=acting_membership(request).office,
        request=request,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="claims.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "claim_number",
            "patient_account_number",
            "member_id",
            "patient",
            "service_from",
            "service_to",
            "status",
            "billed",
            "allowed",
            "paid",
            "patient_responsibility",
        ]
    )
    for claim in claims[:EXPORT_LIMIT]:  # type: ignore[index]
        writer.writerow(
            [
                claim.claim_number,
                claim.patient_account_number,
                claim.member.member_id,
                f"{claim.member.last_name}, {claim.member.first_name}",
                claim.service_from.isoformat(),
                claim.service_to.isoformat(),
                claim.status,
                claim.total_charge,
                claim.allowed_amount,
                claim.paid_amount,
                claim.patient_responsibility,
            ]
        )
    return response


@office_function_required(Function.CLAIMS_VIEW)
@require_GET
def detail(request: HttpRequest, claim_number: str) -> HttpResponse:
    office = acting_membership(request).office
    claim = claim_get(office=office, claim_number=claim_number)
    if claim is None:
        raise Http404("no such claim")
    audit_record(
        action="claims.viewed",
        actor=signed_in_user(request),
        office=office,
        obj=claim,
        member_pk=claim.member_id,
        request=request,
    )
    lines = list(claim.lines.prefetch_related("adjustments", "remarks"))
    claim_adjustments = [a for a in claim.adjustments.all() if a.line_id is None]
    claim_remarks = [r for r in claim.remarks.all() if r.line_id is None]
    # A claim the office rendered but did not bill is paid to another payee: only the
    # office's own payments, and replacements it can see, are shown.
    payments = list(
        claim.payments.filter(payment__in=Payment.objects.for_office(office)).select_related(
            "payment"
        )
    )
    replacements = list(office_claims(office=office).filter(original_claim=claim).order_by("pk"))
    return render(
        request,
        "claims/detail.html",
        {
            "claim": claim,
            "lines": lines,
            "claim_adjustments": claim_adjustments,
            "claim_remarks": claim_remarks,
            "history": list(claim.history.all()),
            "payments": payments,
            "replacements": replacements,
            "appeals": list(Appeal.objects.for_office(office).filter(claim=claim)),
        },
    )
