"""The professional claim form page."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from healtheos.accounts.permissions import signed_in_user
from healtheos.claims.claim_form import ClaimForm, claim_from_form, line_formset
from healtheos.claims.models import SubmissionChannel
from healtheos.claims.submission import submission_receive
from healtheos.interop.x12 import build_837p
from healtheos.offices.permissions import acting_membership, office_function_required
from healtheos.offices.roles import Function


@office_function_required(Function.CLAIMS_SUBMIT)
@require_http_methods(["GET", "POST"])
def new_claim(request: HttpRequest) -> HttpResponse:
    office = acting_membership(request).office
    form = ClaimForm(request.POST or None, office=office)
    try:
        count = int(request.GET.get("lines", "1"))
    except ValueError:
        count = 1
    lines = line_formset(count)(request.POST or None, prefix="line")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        try:
            filled = [f.cleaned_data for f in lines.forms if f.cleaned_data]
            batch = claim_from_form(office, form, filled)
        except forms.ValidationError as error:
            form.add_error("diagnoses", error)
        else:
            text = build_837p(batch, at=timezone.now(), control_number=office.pk)
            submission = submission_receive(
                office=office,
                data=text.encode(),
                file_name=f"claim form {batch.claims[0].patient_control_number}",
                channel=SubmissionChannel.FORM,
                user=signed_in_user(request),
                background=False,
            )
            return HttpResponseRedirect(reverse("claims:submission", args=[submission.pk]))
    status = 400 if request.method == "POST" else 200
    return render(request, "claims/claim_form.html", {"form": form, "lines": lines}, status=status)
