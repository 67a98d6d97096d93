"""The office's prior-authorization pages: the request form with autosaved drafts, the list,
the detail with its timeline and decision clock, answering a request for information,
withdrawing, the decision letter and documents."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from healtheos.accounts.permissions import signed_in_user
from healtheos.audit.services import audit_record
from healtheos.authorizations import codes, selectors
from healtheos.authorizations.forms import (
    AnswerForm,
    AppealForm,
    AuthorizationRequestForm,
    WithdrawForm,
    attach_service_errors,
)
from healtheos.authorizations.models import (
    AuthorizationDraft,
    AuthorizationStatus,
    Channel,
    PriorAuthorization,
)
from healtheos.authorizations.pdf import decision_letter_pdf
from healtheos.authorizations.services import (
    OPEN_STATUSES,
    AuthorizationConflict,
    Upload,
    authorization_appeal,
    authorization_draft_delete,
    authorization_draft_save,
    authorization_respond,
    authorization_submit,
    authorization_withdraw,
    plan_provider,
    webhook_configure,
    webhook_remove,
)
from healtheos.core import attachments
from healtheos.directory.models import Provider
from healtheos.members.models import Member
from healtheos.offices.models import Office
from healtheos.offices.permissions import acting_membership, office_function_required
from healtheos.offices.roles import Function

MAX_FILES = 10


def _office(request: HttpRequest) -> Office:
    return acting_membership(request).office


def _get(request: HttpRequest, tracking_number: str) -> PriorAuthorization:
    authorization = selectors.authorization_get(
        office=_office(request), tracking_number=tracking_number
    )
    if authorization is None:
        raise Http404("no such request")
    return authorization


def _uploads(request: HttpRequest) -> list[Upload]:
    return [Upload(f.name or "document", f) for f in request.FILES.getlist("documents")]


def _requesting_providers(office: Office) -> list[Provider]:
    return list(Provider.objects.filter(organizations=office.organization_id).order_by("npi"))


# -- the request form and its drafts -------------------------------------------------------


def _find_member(office: Office, form: AuthorizationRequestForm) -> Member | None:
    data = form.cleaned_data
    member, hint = selectors.member_find(
        office=office,
        birth_date=data["date_of_birth"],
        member_id=data["member_id"],
        last_name=data["last_name"],
        first_name=data["first_name"],
    )
    if member is None:
        form.add_error("member_id" if data["member_id"] else "last_name", hint)
    return member


def _line_of_business(form: AuthorizationRequestForm, member: Member) -> str:
    chosen: str = form.cleaned_data.get("line_of_business") or ""
    if chosen:
        return chosen
    lines = form.service_lines()
    first = lines[0].service_from if lines else timezone.localdate()
    covered = selectors.coverage_lines_of_business(member=member, on=first)
    if len(covered) > 1:
        form.add_error(
            "line_of_business", "The member has more than one coverage then; choose which."
        )
    # No coverage then: the service says so next to the dates.
    return covered[0] if covered else "commercial"


def _draft_data(draft: AuthorizationDraft) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in draft.fields.items():
        data.setlist(key, [str(v) for v in values])
    return data


def _request_form(request: HttpRequest, draft: AuthorizationDraft | None) -> HttpResponse:
    office = _office(request)
    user = signed_in_user(request)
    providers = _requesting_providers(office)
    initial: dict[str, Any] = {"key": uuid.uuid4().hex}
    if len(providers) == 1:
        initial["requesting_npi"] = providers[0].npi
    if request.method == "POST":
        form = AuthorizationRequestForm(request.POST, request.FILES, requesting_providers=providers)
    elif draft is not None:
        # A resumed draft shows its fields as typed, unvalidated: it is still being written.
        form = AuthorizationRequestForm(initial=initial, requesting_providers=providers)
        for key, values in draft.fields.items():
            if key in form.fields and values:
                form.initial[key] = values[0]
    else:
        form = AuthorizationRequestForm(initial=initial, requesting_providers=providers)
    if request.method == "POST" and form.is_valid():
        if len(request.FILES.getlist("documents")) > MAX_FILES:
            form.add_error("documents", f"Attach at most {MAX_FILES} files.")
        member = _find_member(office, form)
        if member is not None and not form.errors:
            line_of_business = _line_of_business(form, member)
            if not form.errors:
                try:
                    authorization = authorization_submit(
                        office=office,
                        actor=user,
                        member=member,
                        line_of_business=line_of_business,
                        requesting_provider=form.cleaned_data["requesting_npi"],
                        servicing_provider=form.cleaned_data["servicing_npi"],
                        urgency=form.cleaned_data["urgency"],
                        expedited_justification=form.cleaned_data["expedited_justification"],
                        place_of_service=form.cleaned_data["place_of_service"],
                        diagnosis_codes=form.cleaned_data["diagnoses"],
                        services=form.service_lines(),
                        clinical_notes=form.cleaned_data["clinical_notes"],
                        attachments=_uploads(request),
                        idempotency_key=form.cleaned_data["key"],
                        channel=Channel.PORTAL,
                        draft=draft,
                    )
                except ValidationError as error:
                    attach_service_errors(form, error)
                else:
                    messages.success(
                        request,
                        f"Request {authorization.tracking_number} received. "
                        "Keep this number for the patient's chart.",
                    )
                    return HttpResponseRedirect(
                        reverse("authorizations:detail", args=[authorization.tracking_number])
                    )
    return render(
        request,
        "authorizations/request_form.html",
        {"form": form, "draft": draft},
        status=400 if form.errors else 200,
    )


@office_function_required(Function.AUTHORIZATIONS_SUBMIT)
@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest) -> HttpResponse:
    return _request_form(request, None)


@office_function_required(Function.AUTHORIZATIONS_SUBMIT)
@require_http_methods(["GET", "POST"])
def resume_draft(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = selectors.draft_get(office=_office(request), draft_id=draft_id)
    if draft is None:
        raise Http404("no such draft")
    return _request_form(request, draft)


@office_function_required(Function.AUTHORIZATIONS_SUBMIT)
@require_POST
def save_draft(request: HttpRequest) -> HttpResponse:
    """Autosave (htmx, as the person types): keep the fields server-side and answer with a
    short status; the first save moves the address to the draft's own page, so that a
    sign-in after a timeout comes back to it."""
    office = _office(request)
    draft = None
    raw_id = request.POST.get("draft_id", "")
    if raw_id.isdigit():
        draft = selectors.draft_get(office=office, draft_id=int(raw_id))
    fields = {key: request.POST.getlist(key) for key in request.POST}
    saved = authorization_draft_save(
        office=office, author=signed_in_user(request), fields=fields, draft=draft
    )
    response = render(request, "authorizations/_draft_status.html", {"draft": saved})
    if draft is None or draft.pk != saved.pk:
        response["HX-Replace-Url"] = reverse("authorizations:draft", args=[saved.pk])
    return response


@office_function_required(Function.AUTHORIZATIONS_SUBMIT)
@require_GET
def draft_list(request: HttpRequest) -> HttpResponse:
    drafts = selectors.draft_list(office=_office(request))[:100]
    return render(request, "authorizations/drafts.html", {"drafts": drafts})


@office_function_required(Function.AUTHORIZATIONS_SUBMIT)
@require_POST
def draft_delete(request: HttpRequest, draft_id: int) -> HttpResponse:
    office = _office(request)
    draft = selectors.draft_get(office=office, draft_id=draft_id)
    if draft is None:
        raise Http404("no such draft")
    authorization_draft_delete(office=office, draft=draft, actor=signed_in_user(request))
    messages.success(request, "Draft deleted.")
    return HttpResponseRedirect(reverse("authorizations:drafts"))


@office_function_required(Function.AUTHORIZATIONS_SUBMIT)
@require_GET
def npi_lookup(request: HttpRequest) -> HttpResponse:
    """Who an NPI is, among the plan's records (htmx, under the servicing NPI field)."""
    npi = request.GET.get("servicing_npi", "").strip()
    provider = plan_provider(office=_office(request), npi=npi) if len(npi) == 10 else None
    return render(request, "authorizations/_npi_result.html", {"npi": npi, "provider": provider})


# -- following a request ---------------------------------------------------------------------


@office_function_required(Function.AUTHORIZATIONS_VIEW)
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    office = _office(request)
    user = signed_in_user(request)
    status = request.GET.get("status", "")
    filters = selectors.AuthorizationFilter(
        number=request.GET.get("number", "")[:20],
        status=status if status in AuthorizationStatus.values else "",
    )
    unread = selectors.unread_notice_count(office=office, user=user)
    updated = selectors.updated_since_last_look(office=office, user=user)
    requests = list(selectors.authorization_list(office=office, filters=filters)[:100])
    selectors.notices_mark_read(office=office, user=user)
    return render(
        request,
        "authorizations/list.html",
        {
            "requests": requests,
            "unread": unread,
            "updated": updated,
            "filters": filters,
            "statuses": AuthorizationStatus.choices,
            "draft_count": selectors.draft_list(office=office).count(),
            "now": timezone.now(),
        },
    )


@office_function_required(Function.AUTHORIZATIONS_VIEW)
@require_GET
def request_detail(request: HttpRequest, tracking_number: str) -> HttpResponse:
    authorization = _get(request, tracking_number)
    membership = acting_membership(request)
    audit_record(
        action="authorizations.viewed",
        actor=signed_in_user(request),
        office=membership.office,
        obj=authorization,
        member_pk=authorization.member_id,
        request=request,
    )
    return _detail(request, authorization)


def _detail(
    request: HttpRequest,
    authorization: PriorAuthorization,
    *,
    answer_form: AnswerForm | None = None,
    appeal_form: AppealForm | None = None,
    status: int = 200,
) -> HttpResponse:
    from healtheos.offices.roles import role_allows

    can_submit = role_allows(acting_membership(request).role, Function.AUTHORIZATIONS_SUBMIT)
    return render(
        request,
        "authorizations/detail.html",
        {
            "authorization": authorization,
            "services": list(authorization.services.order_by("pk")),
            "timeline": selectors.authorization_timeline(authorization=authorization),
            "documents": selectors.authorization_attachments(authorization=authorization),
            "answer_form": answer_form or AnswerForm(),
            "withdraw_form": WithdrawForm(),
            "appeal_form": appeal_form or AppealForm(),
            "appeal_by": appeal_deadline(authorization),
            "appeal_days": codes.APPEAL_FILING_DAYS,
            "can_act": can_submit,
            "is_open": authorization.status in OPEN_STATUSES,
            "is_decided": authorization.decided_at is not None
            and authorization.status != AuthorizationStatus.WITHDRAWN,
            "now": timezone.now(),
        },
        status=status,
    )


def _send_with_documents(
    request: HttpRequest,
    authorization: PriorAuthorization,
    form: forms.Form,
    send: Callable[..., PriorAuthorization],
    *,
    text_field: str,
    sent: str,
) -> HttpResponse | None:
    """The office's answer or appeal, with its documents, sent through its service: a
    redirect to the request once sent, or None with the form's errors set."""
    if not form.is_valid():
        return None
    if len(request.FILES.getlist("documents")) > MAX_FILES:
        form.add_error("documents", f"Attach at most {MAX_FILES} files.")
        return None
    try:
        send(
            office=_office(request),
            authorization=authorization,
            actor=signed_in_user(request),
            attachments=_uploads(request),
            **{text_field: form.cleaned_data[text_field]},
        )
    except ValidationError as error:
        for key, texts in error.message_dict.items():
            for text in texts:
                form.add_error("documents" if key == "attachments" else text_field, text)
        return None
    except AuthorizationConflict as error:
        form.add_error(None, str(error))
        return None
    messages.success(request, sent)
    return HttpResponseRedirect(
        reverse("authorizations:detail", args=[authorization.tracking_number])
    )


@office_function_required(Function.AUTHORIZATIONS_SUBMIT)
@require_POST
def answer(request: HttpRequest, tracking_number: str) -> HttpResponse:
    authorization = _get(request, tracking_number)
    form = AnswerForm(request.POST, request.FILES)
    done = _send_with_documents(
        request,
        authorization,
        form,
        authorization_respond,
        text_field="answer",
        sent="Answer sent. The plan's review continues.",
    )
    return done or _detail(request, authorization, answer_form=form, status=400)


def appeal_deadline(authorization: PriorAuthorization) -> dt.datetime | None:
    """The last moment the office can appeal this decision, or None when it cannot."""
    if (
        authorization.status
        not in (AuthorizationStatus.DENIED, AuthorizationStatus.PARTIALLY_APPROVED)
        or authorization.decided_at is None
    ):
        return None
    deadline = authorization.decided_at + dt.timedelta(days=codes.APPEAL_FILING_DAYS)
    return deadline if timezone.now() <= deadline else None


@office_function_required(Function.AUTHORIZATIONS_SUBMIT)
@require_POST
def appeal(request: HttpRequest, tracking_number: str) -> HttpResponse:
    authorization = _get(request, tracking_number)
    form = AppealForm(request.POST, request.FILES)
    done = _send_with_documents(
        request,
        authorization,
        form,
        authorization_appeal,
        text_field="reason",
        sent="Appeal sent. The plan reviews the request again.",
    )
    return done or _detail(request, authorization, appeal_form=form, status=400)


@office_function_required(Function.AUTHORIZATIONS_SUBMIT)
@require_POST
def withdraw(request: HttpRequest, tracking_number: str) -> HttpResponse:
    authorization = _get(request, tracking_number)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        authorization_withdraw(
            office=_office(request),
            authorization=authorization,
            actor=signed_in_user(request),
            reason=reason,
        )
    except AuthorizationConflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Request {authorization.tracking_number} withdrawn.")
    return HttpResponseRedirect(
        reverse("authorizations:detail", args=[authorization.tracking_number])
    )


@office_function_required(Function.AUTHORIZATIONS_VIEW)
@require_GET
def letter(request: HttpRequest, tracking_number: str) -> HttpResponse:
    authorization = _get(request, tracking_number)
    if authorization.decided_at is None or authorization.status == AuthorizationStatus.WITHDRAWN:
        raise Http404("not decided")
    audit_record(
        action="authorizations.letter_downloaded",
        actor=signed_in_user(request),
        office=_office(request),
        obj=authorization,
        member_pk=authorization.member_id,
        request=request,
    )
    response = HttpResponse(
        decision_letter_pdf(authorization, list(authorization.services.order_by("pk"))),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = (
        f'inline; filename="decision-{authorization.tracking_number}.pdf"'
    )
    return response


@office_function_required(Function.AUTHORIZATIONS_VIEW)
@require_GET
def document(request: HttpRequest, tracking_number: str, attachment_id: int) -> HttpResponse:
    authorization = _get(request, tracking_number)
    found = selectors.authorization_attachment_get(
        authorization=authorization, attachment_id=attachment_id
    )
    if found is None:
        raise Http404("no such document")
    audit_record(
        action="authorizations.document_downloaded",
        actor=signed_in_user(request),
        office=_office(request),
        obj=found,
        member_pk=authorization.member_id,
        request=request,
    )
    return attachments.download(
        storage_name=found.storage_name, file_name=found.file_name, content_type=found.content_type
    )


# -- the office's webhook (administrators) -------------------------------------------------


class WebhookForm(forms.Form):
    url = forms.URLField(
        assume_scheme="https",
        label="Webhook address",
        max_length=300,
        help_text="An https:// address of your system. Each status change of your office's "
        "requests is posted there as JSON, signed with HMAC-SHA256.",
        widget=forms.URLInput(attrs={"class": "usa-input"}),
    )


@office_function_required(Function.OFFICE_ADMIN)
@require_http_methods(["GET", "POST"])
def webhook_settings(request: HttpRequest) -> HttpResponse:
    office = _office(request)
    user = signed_in_user(request)
    secret = ""
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and request.POST.get("remove"):
        webhook_remove(office=office, actor=user)
        messages.success(request, "Webhook removed.")
        return HttpResponseRedirect(reverse("authorizations:webhook"))
    if request.method == "POST" and form.is_valid():
        try:
            _, secret = webhook_configure(office=office, actor=user, url=form.cleaned_data["url"])
        except ValidationError as error:
            for texts in error.message_dict.values():
                for text in texts:
                    form.add_error("url", text)
    webhook = selectors.office_webhook(office=office)
    return render(
        request,
        "authorizations/webhook.html",
        {
            "form": form if form.errors or not webhook else WebhookForm(),
            "webhook": webhook,
            "secret": secret,
            "deliveries": selectors.webhook_deliveries(office=office)[:20],
        },
        status=400 if form.errors else 200,
    )
