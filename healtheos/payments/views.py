"""Remittance pages: search, the remittance in words, PDF and the raw 835."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from healtheos.accounts.models import PayerRole
from healtheos.accounts.permissions import payer_role_required, signed_in_user
from healtheos.audit.services import audit_record
from healtheos.core.forms import UswdsFormMixin
from healtheos.offices.permissions import acting_membership, office_function_required
from healtheos.offices.roles import Function
from healtheos.payments.models import Payment
from healtheos.payments.pdf import remittance_pdf
from healtheos.payments.remittance_ingest import remittance_ingest
from healtheos.payments.selectors import (
    PaymentFilter,
    payment_get,
    payment_search,
    payment_summary,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PaymentSearchForm(UswdsFormMixin, forms.Form):
    trace_number = forms.CharField(label="Check or EFT trace number", required=False, max_length=50)
    claim_number = forms.CharField(label="Claim number", required=False, max_length=20)
    paid_from = forms.DateField(label="Paid from", required=False, widget=DATE_INPUT)
    paid_to = forms.DateField(label="Paid to", required=False, widget=DATE_INPUT)
    amount = forms.DecimalField(label="Amount ($)", required=False, max_digits=13, decimal_places=2)
    member_id = forms.CharField(label="Patient's member ID", required=False, max_length=30)
    date_of_birth = forms.DateField(
        label="Patient's date of birth", required=False, widget=DATE_INPUT
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("member_id") and not data.get("date_of_birth"):
            self.add_error("date_of_birth", "Give the date of birth with the member ID.")
        return data

    def filters(self) -> PaymentFilter:
        d = self.cleaned_data
        return PaymentFilter(
            trace_number=d.get("trace_number") or "",
            paid_from=d.get("paid_from"),
            paid_to=d.get("paid_to"),
            amount=d.get("amount"),
            claim_number=d.get("claim_number") or "",
            member_id=d.get("member_id") or "",
            birth_date=d.get("date_of_birth"),
        )


@office_function_required(Function.PAYMENTS)
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = PaymentSearchForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    filters = form.filters() if form.is_bound and valid else PaymentFilter()
    page = Paginator(
        payment_search(office=acting_membership(request).office, filters=filters), 25
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "payments/search.html",
        {
            "form": form,
            "page": page,
            "filter_query": query.urlencode(),
            "summary": payment_summary(
                office=acting_membership(request).office,
                since=timezone.localdate().replace(day=1) - dt.timedelta(days=365),
            ),
        },
        status=200 if valid else 400,
    )


def _payment(request: HttpRequest, payment_id: int) -> Payment:
    payment = payment_get(office=acting_membership(request).office, payment_id=payment_id)
    if payment is None:
        raise Http404("no such payment")
    audit_record(
        action="payments.remittance_viewed",
        actor=signed_in_user(request),
        office=acting_membership(request).office,
        obj=payment,
        request=request,
    )
    return payment


def _claim_rows(payment: Payment) -> list[Any]:
    return list(
        payment.claim_payments.select_related("claim__member").prefetch_related(
            "claim__lines__adjustments", "claim__lines__remarks", "claim__adjustments"
        )
    )


@office_function_required(Function.PAYMENTS)
@require_GET
def detail(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = _payment(request, payment_id)
    return render(
        request,
        "payments/detail.html",
        {
            "payment": payment,
            "claim_payments": _claim_rows(payment),
            "provider_adjustments": list(payment.provider_adjustments.all()),
            "has_835": hasattr(payment, "remittance") and bool(payment.remittance.raw_x12),
        },
    )


@office_function_required(Function.PAYMENTS)
@require_GET
def download_835(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = _payment(request, payment_id)
    remittance = getattr(payment, "remittance", None)
    if remittance is None or not remittance.raw_x12:
        raise Http404("no 835 for this payment")
    response = HttpResponse(remittance.raw_x12, content_type="application/edi-x12")
    response["Content-Disposition"] = f'attachment; filename="{payment.trace_number}.835"'
    return response


@office_function_required(Function.PAYMENTS)
@require_GET
def download_pdf(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = _payment(request, payment_id)
    response = HttpResponse(
        remittance_pdf(payment, _claim_rows(payment)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{payment.trace_number}.pdf"'
    return response


class RemittanceUploadForm(UswdsFormMixin, forms.Form):
    file = forms.FileField(label="835 file", help_text="Remittance advice from the payment system.")


@payer_role_required(PayerRole.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def payer_upload(request: HttpRequest) -> HttpResponse:
    """The plan's upload of 835 files from its payment system (the same ingest as
    ``healtheos ingest``)."""
    form = RemittanceUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(upload.name or "remittance.835").name
            with open(path, "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            report = remittance_ingest(path=path, plan=signed_in_user(request).plan)
    return render(request, "payments/payer_upload.html", {"form": form, "report": report})


class EnrollmentForm(UswdsFormMixin, forms.Form):
    routing_number = forms.CharField(
        label="Bank routing number",
        min_length=9,
        max_length=9,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    account_number = forms.CharField(
        label="Account number",
        min_length=4,
        max_length=17,
        help_text="Shown again only by its last four digits.",
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    account_type = forms.ChoiceField(
        label="Account type", choices=[("checking", "Checking"), ("savings", "Savings")]
    )
    era_delivery = forms.ChoiceField(
        label="Remittance advice (ERA)",
        choices=[("portal", "In the portal"), ("clearinghouse", "Through a clearinghouse")],
    )
    clearinghouse = forms.CharField(label="Clearinghouse name", required=False, max_length=80)

    def clean_routing_number(self) -> str:
        from healtheos.payments.enrollment import routing_number_valid

        value: str = self.cleaned_data["routing_number"].strip()
        if not routing_number_valid(value):
            raise forms.ValidationError(
                "Not a valid routing number: check the nine digits (the last is a check digit)."
            )
        return value

    def clean_account_number(self) -> str:
        value: str = self.cleaned_data["account_number"].strip()
        if not value.isdigit():
            raise forms.ValidationError("An account number has only digits.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("era_delivery") == "clearinghouse" and not data.get("clearinghouse"):
            self.add_error("clearinghouse", "Name the clearinghouse that receives your ERAs.")
        return data


@office_function_required(Function.OFFICE_ADMIN)
@require_http_methods(["GET", "POST"])
def enrollment(request: HttpRequest) -> HttpResponse:
    from healtheos.payments.enrollment import eft_enrollment_submit
    from healtheos.payments.models import EftEnrollment

    office = acting_membership(request).office
    form = EnrollmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        eft_enrollment_submit(office=office, user=signed_in_user(request), **form.cleaned_data)
        return HttpResponseRedirect(reverse("payments:enrollment"))
    current = EftEnrollment.objects.for_office(office).first()
    return render(
        request,
        "payments/enrollment.html",
        {"form": form, "current": current},
        status=400 if form.errors else 200,
    )
