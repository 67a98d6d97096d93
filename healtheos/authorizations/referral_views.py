"""Referral pages: the office's referrals (made and received), a new referral, one
referral with its actions. Another office's referral is a 404 everywhere."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from healtheos.accounts.permissions import signed_in_user
from healtheos.audit.services import audit_record
from healtheos.authorizations.models import Referral
from healtheos.authorizations.referrals import (
    ReferralError,
    ReferralRequest,
    office_referrals,
    referral_cancel,
    referral_create,
    referral_get,
    referral_visit_record,
)
from healtheos.core.forms import UswdsFormMixin
from healtheos.interop.x12.claims.codes import icd10_cm_shaped
from healtheos.offices.models import Office
from healtheos.offices.permissions import acting_membership, office_function_required
from healtheos.offices.roles import Function, role_allows

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReferralForm(UswdsFormMixin, forms.Form):
    member_id = forms.CharField(label="Member ID", max_length=30)
    date_of_birth = forms.DateField(label="Date of birth", widget=DATE_INPUT)
    referring_npi = forms.ChoiceField(label="Referring practitioner (PCP)")
    servicing_npi = forms.CharField(
        label="Specialist's NPI",
        max_length=10,
        help_text="The 10-digit NPI of the specialist, contracted with the plan.",
    )
    servicing_tin = forms.CharField(
        label="Specialist office's tax ID",
        required=False,
        max_length=10,
        help_text="Only when the specialist bills under several tax IDs.",
    )
    diagnoses = forms.CharField(
        label="Diagnoses (ICD-10-CM)",
        max_length=60,
        help_text="Up to 4 codes separated by spaces or commas, e.g. M17.11.",
    )
    reason = forms.CharField(label="Reason for the referral", max_length=200)
    visits = forms.IntegerField(label="Number of visits", min_value=1, max_value=60, initial=1)
    valid_from = forms.DateField(label="Valid from", widget=DATE_INPUT)
    valid_to = forms.DateField(label="Valid through", widget=DATE_INPUT)

    def __init__(self, *args: object, office: Office, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        practitioners = office.organization.providers.order_by("last_name", "first_name")
        field = self.fields["referring_npi"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(p.npi, f"{p.display_name} (NPI {p.npi})") for p in practitioners]

    def clean_servicing_npi(self) -> str:
        npi: str = self.cleaned_data["servicing_npi"].strip()
        if not (len(npi) == 10 and npi.isdigit()):
            raise forms.ValidationError("An NPI is 10 digits.")
        return npi

    def clean_servicing_tin(self) -> str:
        return str(self.cleaned_data["servicing_tin"]).replace("-", "").strip()

    def clean_diagnoses(self) -> list[str]:
        codes = [
            c.strip().upper() for c in re.split(r"[\s,;]+", self.cleaned_data["diagnoses"]) if c
        ]
        if not codes:
            raise forms.ValidationError("Give at least one diagnosis code.")
        if len(codes) > 4:
            raise forms.ValidationError("At most 4 diagnosis codes.")
        bad = [c for c in codes if not icd10_cm_shaped(c.replace(".", ""))]
        if bad:
            raise forms.ValidationError(
                f"Not ICD-10-CM codes: {', '.join(bad)} (e.g. M17.11 or E11.9)."
            )
        return codes

    def referral_request(self) -> ReferralRequest:
        data = self.cleaned_data
        return ReferralRequest(
            member_id=data["member_id"],
            birth_date=data["date_of_birth"],
            referring_npi=data["referring_npi"],
            servicing_npi=data["servicing_npi"],
            servicing_tin=data["servicing_tin"],
            visits=data["visits"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            reason=data["reason"],
            diagnosis_codes=tuple(data["diagnoses"]),
        )


DIRECTIONS = {"": "All", "made": "Made by your office", "received": "Addressed to your office"}


@office_function_required(Function.AUTHORIZATIONS_VIEW)
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    office = acting_membership(request).office
    direction = request.GET.get("direction", "")
    if direction not in DIRECTIONS:
        direction = ""
    page = Paginator(office_referrals(office=office, direction=direction), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "authorizations/referral_list.html",
        {
            "page": page,
            "direction": direction,
            "directions": DIRECTIONS,
            "office": office,
            "filter_query": f"direction={direction}" if direction else "",
        },
    )


@office_function_required(Function.AUTHORIZATIONS_SUBMIT)
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest) -> HttpResponse:
    """A new referral. A POST with ``prefill`` (from the eligibility result) only fills in
    the patient's identifiers, so they never travel in a URL."""
    office = acting_membership(request).office
    today = timezone.localdate()
    initial: dict[str, object] = {"valid_from": today, "valid_to": today + dt.timedelta(days=90)}
    if request.method == "POST" and request.POST.get("prefill"):
        initial |= {
            "member_id": request.POST.get("member_id", "")[:30],
            "date_of_birth": request.POST.get("date_of_birth", "")[:10],
        }
        form = ReferralForm(office=office, initial=initial)
    else:
        form = ReferralForm(request.POST or None, office=office, initial=initial)
    if request.method == "POST" and not request.POST.get("prefill") and form.is_valid():
        try:
            referral = referral_create(
                office=office, actor=signed_in_user(request), request=form.referral_request()
            )
        except ReferralError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            messages.success(request, f"Referral {referral.referral_number} sent.")
            return HttpResponseRedirect(
                reverse("referrals:detail", args=[referral.referral_number])
            )
    return render(
        request,
        "authorizations/referral_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _referral(request: HttpRequest, referral_number: str) -> Referral:
    referral = referral_get(
        office=acting_membership(request).office, referral_number=referral_number
    )
    if referral is None:
        raise Http404("no such referral")
    return referral


@office_function_required(Function.AUTHORIZATIONS_VIEW)
@require_GET
def referral_detail(request: HttpRequest, referral_number: str) -> HttpResponse:
    membership = acting_membership(request)
    referral = _referral(request, referral_number)
    office = membership.office
    audit_record(
        action="referrals.viewed",
        actor=signed_in_user(request),
        office=office,
        obj=referral,
        member_pk=referral.member_id,
        request=request,
    )
    can_act = role_allows(membership.role, Function.AUTHORIZATIONS_SUBMIT)
    return render(
        request,
        "authorizations/referral_detail.html",
        {
            "referral": referral,
            "made_here": referral.referring_organization_id == office.organization_id,
            "received_here": referral.servicing_organization_id == office.organization_id,
            "can_act": can_act,
        },
    )


@office_function_required(Function.AUTHORIZATIONS_SUBMIT)
@require_POST
def referral_action(request: HttpRequest, referral_number: str) -> HttpResponse:
    referral = _referral(request, referral_number)
    office = acting_membership(request).office
    user = signed_in_user(request)
    action = request.POST.get("action", "")
    try:
        if action == "cancel":
            referral_cancel(referral=referral, office=office, actor=user)
            messages.success(request, "Referral cancelled.")
        elif action == "visit":
            referral_visit_record(referral=referral, office=office, actor=user)
            messages.success(request, "Visit recorded.")
        else:
            messages.error(request, "Nothing was changed.")
    except ReferralError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(reverse("referrals:detail", args=[referral.referral_number]))
