"""Appeal pages: file from a claim, follow its status, download its documents."""

from __future__ import annotations

import uuid

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from healtheos.accounts.permissions import signed_in_user
from healtheos.audit.services import audit_record
from healtheos.claims.appeals import AppealRefused, appeal_submit, filing_deadline
from healtheos.claims.models import Appeal, AppealAttachment, AppealKind, AppealReason
from healtheos.claims.selectors import claim_get
from healtheos.core import attachments
from healtheos.core.forms import MultipleFileField, UswdsFormMixin
from healtheos.offices.permissions import acting_membership, office_function_required
from healtheos.offices.roles import Function


class AppealForm(UswdsFormMixin, forms.Form):
    kind = forms.ChoiceField(label="What are you asking for?", choices=AppealKind.choices)
    reason = forms.ChoiceField(label="Why", choices=AppealReason.choices)
    explanation = forms.CharField(
        label="Explain what should change",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    documents = MultipleFileField(
        label="Supporting documents",
        required=False,
        help_text="PDF, PNG or JPEG, up to 10 MB each, up to 5 files.",
    )
    key = forms.CharField(widget=forms.HiddenInput)


@office_function_required(Function.CLAIMS_SUBMIT)
@require_http_methods(["GET", "POST"])
def new_appeal(request: HttpRequest, claim_number: str) -> HttpResponse:
    office = acting_membership(request).office
    claim = claim_get(office=office, claim_number=claim_number)
    if claim is None:
        raise Http404("no such claim")
    form = AppealForm(
        request.POST or None, request.FILES or None, initial={"key": uuid.uuid4().hex}
    )
    files = request.FILES.getlist("documents")
    if request.method == "POST" and form.is_valid():
        if len(files) > 5:
            form.add_error("documents", "Attach at most 5 files.")
        else:
            try:
                appeal = appeal_submit(
                    office=office,
                    claim=claim,
                    kind=AppealKind(form.cleaned_data["kind"]),
                    reason=form.cleaned_data["reason"],
                    explanation=form.cleaned_data["explanation"],
                    files=files,
                    names=[f.name or "document" for f in files],
                    user=signed_in_user(request),
                    idempotency_key=form.cleaned_data["key"][:64],
                )
            except attachments.AttachmentRefused as error:
                form.add_error("documents", str(error))
            except AppealRefused as error:
                form.add_error("kind", str(error))
            else:
                return HttpResponseRedirect(reverse("claims:appeal", args=[appeal.pk]))
    deadlines = {kind: filing_deadline(claim, kind) for kind in AppealKind}
    return render(
        request,
        "claims/appeal_form.html",
        {"form": form, "claim": claim, "deadlines": deadlines},
        status=400 if form.errors else 200,
    )


def _appeal(request: HttpRequest, appeal_id: int) -> Appeal:
    appeal = (
        Appeal.objects.for_office(acting_membership(request).office)
        .select_related("claim")
        .filter(pk=appeal_id)
        .first()
    )
    if appeal is None:
        raise Http404("no such appeal")
    return appeal


@office_function_required(Function.CLAIMS_VIEW)
@require_GET
def appeal_detail(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = _appeal(request, appeal_id)
    return render(
        request,
        "claims/appeal.html",
        {"appeal": appeal, "attachments": appeal.attachments.all()},
    )


@office_function_required(Function.CLAIMS_VIEW)
@require_GET
def appeal_list(request: HttpRequest) -> HttpResponse:
    appeals = Appeal.objects.for_office(acting_membership(request).office).select_related("claim")[
        :100
    ]
    return render(request, "claims/appeals.html", {"appeals": appeals})


@office_function_required(Function.CLAIMS_VIEW)
@require_GET
def appeal_attachment(request: HttpRequest, appeal_id: int, attachment_id: int) -> HttpResponse:
    appeal = _appeal(request, appeal_id)
    document = AppealAttachment.objects.filter(appeal=appeal, pk=attachment_id).first()
    if document is None:
        raise Http404("no such document")
    audit_record(
        action="claims.appeal_document_downloaded",
        actor=signed_in_user(request),
        office=appeal.office,
        obj=document,
        member_pk=appeal.claim.member_id,
        request=request,
    )
    return attachments.download(
        storage_name=document.storage_name,
        file_name=document.file_name,
        content_type=document.content_type,
    )
