"""Public office registration, and the plan's queue of registrations to decide."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from healtheos.accounts.models import PayerRole
from healtheos.accounts.permissions import payer_role_required, signed_in_user
from healtheos.offices.forms import RegistrationForm, RejectionForm
from healtheos.offices.models import OfficeRegistration, RegistrationStatus
from healtheos.offices.registration import match_registration
from healtheos.offices.services import (
    RegistrationData,
    registration_approve,
    registration_reject,
    registration_submit,
)


def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and form.organization is not None:
        data = form.cleaned_data
        registration = registration_submit(
            plan=data["plan"],
            organization=form.organization,
            data=RegistrationData(
                organization_name=data["organization_name"],
                tin=data["tin"],
                npis=data["npis"],
                address_line=data["address_line"],
                city=data["city"],
                state=data["state"],
                postal_code=data["postal_code"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                username=data["username"],
                password=data["password1"],
                registrant_role=data["registrant_role"],
            ),
            request=request,
        )
        request.session["registration_id"] = registration.pk
        return redirect("registration_submitted")
    return render(request, "offices/register.html", {"form": form})


def registration_submitted(request: HttpRequest) -> HttpResponse:
    registration_id = int(request.session.get("registration_id") or 0)
    registration = OfficeRegistration.objects.filter(pk=registration_id).first()
    return render(request, "offices/registration_submitted.html", {"registration": registration})


def _queue_for(request: HttpRequest) -> list[OfficeRegistration]:
    user = signed_in_user(request)
    registrations = OfficeRegistration.objects.select_related("plan", "registrant").filter(
        status=RegistrationStatus.PENDING
    )
    if user.plan_id is not None:
        registrations = registrations.filter(plan_id=user.plan_id)
    return list(registrations.order_by("submitted_at"))


def _registration_for(request: HttpRequest, registration_id: int) -> OfficeRegistration:
    user = signed_in_user(request)
    registrations = OfficeRegistration.objects.select_related("plan", "registrant", "office")
    if user.plan_id is not None:
        registrations = registrations.filter(plan_id=user.plan_id)
    return get_object_or_404(registrations, pk=registration_id)


@payer_role_required(PayerRole.PROVIDER_SERVICES)
def registration_queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = [(r, now - r.submitted_at) for r in _queue_for(request)]
    return render(request, "offices/registration_queue.html", {"rows": rows})


def _detail(
    request: HttpRequest, registration: OfficeRegistration, form: RejectionForm, status: int = 200
) -> HttpResponse:
    """The registration as submitted, re-checked against today's records."""
    match = match_registration(
        plan=registration.plan,
        tin=registration.tin,
        npis=list(registration.npis),
        organization_name=registration.organization_name,
    )
    return render(
        request,
        "offices/registration_detail.html",
        {"registration": registration, "match": match, "rejection_form": form},
        status=status,
    )


@payer_role_required(PayerRole.PROVIDER_SERVICES)
def registration_detail(request: HttpRequest, registration_id: int) -> HttpResponse:
    return _detail(request, _registration_for(request, registration_id), RejectionForm())


@payer_role_required(PayerRole.PROVIDER_SERVICES)
@require_POST
def registration_decide(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = _registration_for(request, registration_id)
    if registration.status != RegistrationStatus.PENDING:
        return redirect("registration_detail", registration_id=registration.pk)
    if request.POST.get("decision") == "approve":
        registration_approve(
            registration=registration, actor=signed_in_user(request), request=request
        )
        return redirect("registration_queue")
    form = RejectionForm(request.POST)
    if not form.is_valid():
        return _detail(request, registration, form, status=400)
    registration_reject(
        registration=registration,
        actor=signed_in_user(request),
        reason=form.cleaned_data["reason"],
        request=request,
    )
    return redirect("registration_queue")
