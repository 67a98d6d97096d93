"""The plan's utilization-management review: the queue (expedited first, then by due time,
overdue highlighted) and a case page to pend, approve, partially approve or deny."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from healtheos.accounts.models import PayerRole
from healtheos.accounts.permissions import payer_role_required, signed_in_user
from healtheos.audit.services import audit_record
from healtheos.authorizations import selectors
from healtheos.authorizations.forms import DecisionForm, ExtendForm, InfoRequestForm
from healtheos.authorizations.models import AuthorizationStatus, PriorAuthorization, Urgency
from healtheos.authorizations.pdf import decision_letter_pdf
from healtheos.authorizations.services import (
    OPEN_STATUSES,
    AuthorizationConflict,
    authorization_decide,
    authorization_extend,
    authorization_request_info,
    authorization_review_start,
)
from healtheos.core import attachments
from healtheos.plans.models import Plan


def _plan(request: HttpRequest) -> Plan:
    user = signed_in_user(request)
    if user.plan is None:
        raise Http404("no plan")
    return user.plan


def _case(request: HttpRequest, tracking_number: str) -> PriorAuthorization:
    found = selectors.review_get(plan=_plan(request), tracking_number=tracking_number)
    if found is None:
        raise Http404("no such request")
    return found


@payer_role_required(PayerRole.UM_REVIEWER)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    plan = _plan(request)
    status = request.GET.get("status", "")
    urgency = request.GET.get("urgency", "")
    overdue = request.GET.get("overdue") == "1"
    cases = selectors.review_queue(
        plan=plan,
        status=status if status in AuthorizationStatus.values else "",
        urgency=urgency if urgency in Urgency.values else "",
        overdue_only=overdue,
    )
    overdue_count, due_soon = selectors.queue_risk(plan=plan)
    return render(
        request,
        "authorizations/review_queue.html",
        {
            "overdue_count": overdue_count,
            "due_soon": due_soon,
            "cases": list(cases[:200]),
            "total": cases.count(),
            "status": status,
            "urgency": urgency,
            "overdue": overdue,
            "now": timezone.now(),
            "statuses": [
                ("", "Waiting for review"),
                (AuthorizationStatus.PENDED, "Pended for information"),
            ],
        },
    )


def _render_case(
    request: HttpRequest,
    case: PriorAuthorization,
    *,
    info_form: InfoRequestForm | None = None,
    decision_form: DecisionForm | None = None,
    extend_form: ExtendForm | None = None,
    status: int = 200,
) -> HttpResponse:
    services = list(case.services.order_by("pk"))
    return render(
        request,
        "authorizations/review_case.html",
        {
            "authorization": case,
            "services": services,
            "timeline": selectors.authorization_timeline(authorization=case),
            "documents": selectors.authorization_attachments(authorization=case),
            "info_form": info_form or InfoRequestForm(),
            "decision_form": decision_form
            or DecisionForm(
                service_ids=[(s.pk, s.procedure_code, s.requested_units) for s in services]
            ),
            "extend_form": extend_form or ExtendForm(),
            "can_extend": case.status in OPEN_STATUSES
            and case.urgency == Urgency.STANDARD
            and not case.extended_review,
            "can_decide": case.status
            in (AuthorizationStatus.SUBMITTED, AuthorizationStatus.IN_REVIEW),
            "now": timezone.now(),
        },
        status=status,
    )


@payer_role_required(PayerRole.UM_REVIEWER)
@require_GET
def case(request: HttpRequest, tracking_number: str) -> HttpResponse:
    found = _case(request, tracking_number)
    audit_record(
        action="authorizations.reviewed",
        actor=signed_in_user(request),
        obj=found,
        member_pk=found.member_id,
        request=request,
    )
    return _render_case(request, found)


@payer_role_required(PayerRole.UM_REVIEWER)
@require_POST
def start_review(request: HttpRequest, tracking_number: str) -> HttpResponse:
    found = _case(request, tracking_number)
    authorization_review_start(authorization=found, reviewer=signed_in_user(request))
    return HttpResponseRedirect(reverse("pa_review:case", args=[tracking_number]))


@payer_role_required(PayerRole.UM_REVIEWER)
@require_POST
def request_info(request: HttpRequest, tracking_number: str) -> HttpResponse:
    found = _case(request, tracking_number)
    form = InfoRequestForm(request.POST)
    if form.is_valid():
        try:
            authorization_request_info(
                authorization=found,
                reviewer=signed_in_user(request),
                question=form.cleaned_data["question"],
            )
        except ValidationError as error:
            for texts in error.message_dict.values():
                for text in texts:
                    form.add_error("question", text)
        except AuthorizationConflict as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Pended: the office has been asked for the information.")
            return HttpResponseRedirect(reverse("pa_review:queue"))
    return _render_case(request, found, info_form=form, status=400)


@payer_role_required(PayerRole.UM_REVIEWER)
@require_POST
def extend(request: HttpRequest, tracking_number: str) -> HttpResponse:
    found = _case(request, tracking_number)
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            extended = authorization_extend(
                authorization=found,
                reviewer=signed_in_user(request),
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for key, texts in error.message_dict.items():
                for text in texts:
                    form.add_error(key if key in form.fields else None, text)
        except AuthorizationConflict as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"{extended.tracking_number}: time frame extended; the office sees the new "
                "due date and the reason.",
            )
            return HttpResponseRedirect(reverse("pa_review:case", args=[tracking_number]))
    return _render_case(request, found, extend_form=form, status=400)


@payer_role_required(PayerRole.UM_REVIEWER)
@require_POST
def decide(request: HttpRequest, tracking_number: str) -> HttpResponse:
    found = _case(request, tracking_number)
    services = list(found.services.order_by("pk"))
    form = DecisionForm(
        request.POST, service_ids=[(s.pk, s.procedure_code, s.requested_units) for s in services]
    )
    if form.is_valid():
        try:
            decided = authorization_decide(
                authorization=found,
                reviewer=signed_in_user(request),
                decision=form.cleaned_data["decision"],
                approved_units=form.approved_units(),
                reason_code=form.cleaned_data["reason_code"],
                reason_text=form.cleaned_data["reason_text"],
                valid_from=form.cleaned_data["valid_from"],
                valid_to=form.cleaned_data["valid_to"],
            )
        except ValidationError as error:
            for key, texts in error.message_dict.items():
                name = key.replace("approved_units.", "approved_units_")
                for text in texts:
                    form.add_error(name if name in form.fields else None, text)
        except AuthorizationConflict as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"{decided.tracking_number}: {decided.get_status_display().lower()}. "
                "The office has been notified.",
            )
            return HttpResponseRedirect(reverse("pa_review:queue"))
    return _render_case(request, found, decision_form=form, status=400)


@payer_role_required(PayerRole.UM_REVIEWER)
@require_GET
def review_letter(request: HttpRequest, tracking_number: str) -> HttpResponse:
    found = _case(request, tracking_number)
    if found.decided_at is None or found.status == AuthorizationStatus.WITHDRAWN:
        raise Http404("not decided")
    response = HttpResponse(
        decision_letter_pdf(found, list(found.services.order_by("pk"))),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="decision-{found.tracking_number}.pdf"'
    return response


@payer_role_required(PayerRole.UM_REVIEWER)
@require_GET
def review_document(request: HttpRequest, tracking_number: str, attachment_id: int) -> HttpResponse:
    found = _case(request, tracking_number)
    document = selectors.authorization_attachment_get(
        authorization=found, attachment_id=attachment_id
    )
    if document is None:
        raise Http404("no such document")
    audit_record(
        action="authorizations.document_downloaded",
        actor=signed_in_user(request),
        obj=document,
        member_pk=found.member_id,
        request=request,
    )
    return attachments.download(
        storage_name=document.storage_name,
        file_name=document.file_name,
        content_type=document.content_type,
    )
