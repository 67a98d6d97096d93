"""Payer support: look anyone up and see exactly why they cannot get in."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from healtheos.accounts.devices import devices_of, devices_revoke_all
from healtheos.accounts.diagnostics import diagnose, sign_in_attempts_for_user
from healtheos.accounts.models import PayerRole, User
from healtheos.accounts.permissions import payer_role_required, signed_in_user
from healtheos.accounts.services import account_unlock
from healtheos.audit.services import audit_record


def _people_of_my_plan(request: HttpRequest) -> QuerySet[User]:
    """Plan staff see the accounts of their own plan: its members and staff, and people
    acting for its offices. Staff without a plan (deployment administrators) see everyone."""
    agent = signed_in_user(request)
    people = User.objects.all()
    if agent.plan_id is not None:
        people = people.filter(
            Q(plan_id=agent.plan_id) | Q(memberships__office__plan_id=agent.plan_id)
        ).distinct()
    return people


@payer_role_required(PayerRole.PROVIDER_SERVICES)
def sign_in_support(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:150]
    matches: list[User] = []
    if query:
        matches = list(
            _people_of_my_plan(request)
            .filter(Q(username__iexact=query) | Q(email__iexact=query))
            .order_by("username")[:10]
        )
        audit_record(
            action="support.lookup",
            actor=signed_in_user(request),
            request=request,
            detail={"matches": len(matches)},
        )
    return render(request, "accounts/support_search.html", {"query": query, "matches": matches})


@payer_role_required(PayerRole.PROVIDER_SERVICES)
def sign_in_support_user(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(_people_of_my_plan(request), pk=user_id)
    audit_record(
        action="support.view_account", actor=signed_in_user(request), obj=person, request=request
    )
    return render(
        request,
        "accounts/support_user.html",
        {
            "person": person,
            "findings": diagnose(user=person),
            "attempts": sign_in_attempts_for_user(user=person)[:25],
            "memberships": person.memberships.select_related("office", "office__plan"),
            "devices": devices_of(person),
        },
    )


@payer_role_required(PayerRole.PROVIDER_SERVICES)
@require_POST
def sign_in_support_revoke_devices(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(_people_of_my_plan(request), pk=user_id)
    devices_revoke_all(
        user=person, actor=signed_in_user(request), reason="by payer support", request=request
    )
    return redirect("support_user", user_id=person.pk)


@payer_role_required(PayerRole.PROVIDER_SERVICES)
@require_POST
def sign_in_support_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(_people_of_my_plan(request), pk=user_id)
    account_unlock(user=person, actor=signed_in_user(request), request=request)
    return redirect("support_user", user_id=person.pk)
