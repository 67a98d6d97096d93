"""The message center: the office's threads with the plan, and the plan's inbox."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from healtheos.accounts.models import PayerRole
from healtheos.accounts.permissions import payer_role_required, signed_in_user
from healtheos.audit.services import audit_record
from healtheos.claims.selectors import claim_get
from healtheos.core import attachments
from healtheos.core.forms import MultipleFileField, UswdsFormMixin
from healtheos.messaging.models import Attachment, Department, Thread, ThreadStatus
from healtheos.messaging.services import (
    message_send,
    response_times,
    thread_assign,
    thread_mark_read,
    thread_search,
    thread_set_status,
    thread_start,
    unread_count,
)
from healtheos.offices.permissions import acting_membership, office_function_required
from healtheos.offices.roles import Function

MAX_FILES = 5


def _files_field() -> MultipleFileField:
    return MultipleFileField(
        label="Attachments",
        required=False,
        help_text="PDF, PNG or JPEG, up to 10 MB each, up to 5 files.",
    )


class ReplyForm(UswdsFormMixin, forms.Form):
    body = forms.CharField(
        label="Your message", max_length=8000, widget=forms.Textarea(attrs={"rows": 5})
    )
    documents = _files_field()
    key = forms.CharField(widget=forms.HiddenInput)


class NewThreadForm(ReplyForm):
    department = forms.ChoiceField(label="To", choices=Department.choices)
    subject = forms.CharField(label="Subject", max_length=150)
    claim_number = forms.CharField(
        label="About a claim (its number)",
        required=False,
        max_length=20,
        help_text="Optional: the plan's claim number.",
    )

    member_id = forms.CharField(
        label="About a patient (member ID)",
        required=False,
        max_length=30,
        help_text="Optional: with the date of birth.",
    )
    date_of_birth = forms.DateField(
        label="Patient's date of birth",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    field_order = [
        "department",
        "subject",
        "claim_number",
        "member_id",
        "date_of_birth",
        "body",
        "documents",
        "key",
    ]


def _files(request: HttpRequest) -> tuple[list[Any], list[str]]:
    files = request.FILES.getlist("documents")
    return files, [f.name or "attachment" for f in files]


@office_function_required(Function.MESSAGES_VIEW)
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    office = acting_membership(request).office
    text = request.GET.get("q", "")[:100]
    threads = (
        Thread.objects.for_office(office)
        .filter(thread_search(office=office, text=text))
        .distinct()
        .order_by("-updated_at")[:100]
    )
    return render(
        request,
        "messaging/inbox.html",
        {
            "threads": threads,
            "q": text,
            "unread": unread_count(office=office, user=signed_in_user(request)),
        },
    )


@office_function_required(Function.MESSAGES_SEND)
@require_http_methods(["GET", "POST"])
def new_thread(request: HttpRequest) -> HttpResponse:
    office = acting_membership(request).office
    form = NewThreadForm(
        request.POST or None, request.FILES or None, initial={"key": uuid.uuid4().hex}
    )
    if request.method == "POST" and form.is_valid():
        files, names = _files(request)
        claim = None
        number = form.cleaned_data["claim_number"].strip()
        if number:
            claim = claim_get(office=office, claim_number=number.upper())
            if claim is None:
                form.add_error("claim_number", "No claim of your office has this number.")
        member = claim.member if claim else None
        member_id = form.cleaned_data["member_id"].strip()
        if member_id:
            from healtheos.eligibility.lookup import normalize_member_id
            from healtheos.members.models import Member

            member = Member.objects.filter(
                plan_id=office.plan_id,
                member_id=normalize_member_id(member_id),
                birth_date=form.cleaned_data["date_of_birth"],
            ).first()
            if member is None:
                form.add_error("member_id", "No member has this member ID with this date of birth.")
        if len(files) > MAX_FILES:
            form.add_error("documents", "Attach at most 5 files.")
        if not form.errors:
            try:
                thread = thread_start(
                    office=office,
                    author=signed_in_user(request),
                    department=form.cleaned_data["department"],
                    category="",
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    idempotency_key=form.cleaned_data["key"][:64],
                    claim=claim,
                    member=member,
                    files=files,
                    names=names,
                )
            except attachments.AttachmentRefused as error:
                form.add_error("documents", f"Not sent: {error}")
            else:
                return HttpResponseRedirect(reverse("messaging:thread", args=[thread.pk]))
    return render(request, "messaging/new.html", {"form": form}, status=400 if form.errors else 200)


def _thread(request: HttpRequest, thread_id: int) -> Thread:
    thread = (
        Thread.objects.for_office(acting_membership(request).office).filter(pk=thread_id).first()
    )
    if thread is None:
        raise Http404("no such thread")
    return thread


@office_function_required(Function.MESSAGES_VIEW)
@require_http_methods(["GET", "POST"])
def thread_view(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread(request, thread_id)
    user = signed_in_user(request)
    form = ReplyForm(request.POST or None, request.FILES or None, initial={"key": uuid.uuid4().hex})
    if request.method == "POST":
        from healtheos.offices.roles import role_allows

        if not role_allows(acting_membership(request).role, Function.MESSAGES_SEND):
            raise Http404("no such thread")
        if form.is_valid():
            files, names = _files(request)
            try:
                message_send(
                    thread=thread,
                    author=user,
                    body=form.cleaned_data["body"],
                    idempotency_key=form.cleaned_data["key"][:64],
                    files=files,
                    names=names,
                )
            except attachments.AttachmentRefused as error:
                form.add_error("documents", f"Not sent: {error}")
            else:
                return HttpResponseRedirect(reverse("messaging:thread", args=[thread.pk]))
    thread_mark_read(thread=thread, user=user)
    return _thread_page(request, thread, form, payer=False)


def _thread_page(
    request: HttpRequest, thread: Thread, form: ReplyForm, *, payer: bool
) -> HttpResponse:
    """The thread as the office or the plan reads it; every view is an audit event."""
    audit_record(
        action="messages.thread_viewed",
        actor=signed_in_user(request),
        office=thread.office,
        obj=thread,
        member_pk=thread.member_id,
        request=request,
    )
    return render(
        request,
        "messaging/thread.html",
        {
            "thread": thread,
            "messages_list": thread.messages.select_related("author").prefetch_related(
                "attachments"
            ),
            "form": form,
            "payer": payer,
            "statuses": ThreadStatus.choices,
        },
        status=400 if form.errors else 200,
    )


def _attachment_response(thread: Thread, attachment_id: int) -> HttpResponse:
    document = Attachment.objects.filter(message__thread=thread, pk=attachment_id).first()
    if document is None or not document.storage_name:
        raise Http404("no such attachment")
    return attachments.download(
        storage_name=document.storage_name,
        file_name=document.original_name,
        content_type=document.content_type,
    )


@office_function_required(Function.MESSAGES_VIEW)
@require_GET
def attachment(request: HttpRequest, thread_id: int, attachment_id: int) -> HttpResponse:
    return _attachment_response(_thread(request, thread_id), attachment_id)


# -- the plan's inbox ------------------------------------------------------------------------

STAFF = (PayerRole.PROVIDER_SERVICES, PayerRole.UM_REVIEWER)


def _plan_threads(request: HttpRequest) -> Any:
    user = signed_in_user(request)
    if user.plan_id is None:
        return Thread.objects.payer_wide().none()
    return Thread.objects.payer_wide().filter(office__plan_id=user.plan_id)


@payer_role_required(*STAFF)
@require_GET
def payer_inbox(request: HttpRequest) -> HttpResponse:
    department = request.GET.get("department", "")
    status = request.GET.get("status", "open")
    threads = _plan_threads(request).select_related("office", "assigned_to")
    if department in Department.values:
        threads = threads.filter(department=department)
    if status in ThreadStatus.values:
        threads = threads.filter(status=status)
    threads = threads.annotate(last=Max("messages__created_at")).order_by("updated_at")[:200]
    return render(
        request,
        "messaging/payer_inbox.html",
        {
            "threads": threads,
            "department": department,
            "status": status,
            "departments": Department.choices,
            "statuses": ThreadStatus.choices,
            "response_times": response_times(threads=_plan_threads(request)),
        },
    )


def _payer_thread(request: HttpRequest, thread_id: int) -> Thread:
    thread: Thread | None = (
        _plan_threads(request).filter(pk=thread_id).select_related("office").first()
    )
    if thread is None:
        raise Http404("no such thread")
    return thread


@payer_role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def payer_thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _payer_thread(request, thread_id)
    user = signed_in_user(request)
    form = ReplyForm(request.POST or None, request.FILES or None, initial={"key": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        files, names = _files(request)
        try:
            message_send(
                thread=thread,
                author=user,
                body=form.cleaned_data["body"],
                idempotency_key=form.cleaned_data["key"][:64],
                files=files,
                names=names,
                from_payer=True,
            )
        except attachments.AttachmentRefused as error:
            form.add_error("documents", f"Not sent: {error}")
        else:
            return HttpResponseRedirect(reverse("messaging:payer_thread", args=[thread.pk]))
    return _thread_page(request, thread, form, payer=True)


@payer_role_required(*STAFF)
@require_POST
def payer_thread_update(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _payer_thread(request, thread_id)
    user = signed_in_user(request)
    if request.POST.get("assign") == "me":
        thread_assign(thread=thread, assignee=user, actor=user)
    status = request.POST.get("status", "")
    if status in ThreadStatus.values:
        thread_set_status(thread=thread, status=status, actor=user)
    return HttpResponseRedirect(reverse("messaging:payer_thread", args=[thread.pk]))


@payer_role_required(*STAFF)
@require_GET
def payer_attachment(request: HttpRequest, thread_id: int, attachment_id: int) -> HttpResponse:
    return _attachment_response(_payer_thread(request, thread_id), attachment_id)
