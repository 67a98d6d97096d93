"""Office administration pages (Function.OFFICE_ADMIN), scoped to the acting office."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from healtheos.accounts.diagnostics import (
    diagnose,
    sign_in_attempts_for_user,
    sign_in_failures_by_week,
)
from healtheos.accounts.permissions import signed_in_user
from healtheos.audit.services import audit_record
from healtheos.offices.models import Membership, MembershipStatus
from healtheos.offices.permissions import acting_membership, office_function_required
from healtheos.offices.roles import Function, OfficeRole


def membership_get(*, office_id: int, membership_id: int) -> Membership:
    """A membership of this office, or 404 (another office's people are not ours to see)."""
    try:
        return Membership.objects.select_related("user").get(pk=membership_id, office_id=office_id)
    except Membership.DoesNotExist as exc:
        raise Http404("no such user in this office") from exc


@office_function_required(Function.OFFICE_ADMIN)
def users(request: HttpRequest) -> HttpResponse:
    office = acting_membership(request).office
    memberships = list(
        Membership.objects.filter(office=office)
        .select_related("user")
        .order_by("user__last_name", "user__username")
    )
    active_admins = [
        m
        for m in memberships
        if m.role == OfficeRole.OFFICE_ADMIN and m.status == MembershipStatus.ACTIVE
    ]
    failures = sign_in_failures_by_week(user_ids=[m.user_id for m in memberships], weeks=8)
    categories = sorted({name for _, counts in failures for name in counts})
    return render(
        request,
        "offices/users.html",
        {
            "memberships": memberships,
            "needs_second_admin": len(active_admins) < 2,
            "failure_weeks": [
                (week, [counts.get(c, 0) for c in categories]) for week, counts in failures
            ],
            "failure_categories": categories,
        },
    )


@office_function_required(Function.OFFICE_ADMIN)
def user_sign_ins(request: HttpRequest, membership_id: int) -> HttpResponse:
    office = acting_membership(request).office
    membership = membership_get(office_id=office.pk, membership_id=membership_id)
    audit_record(
        action="office.view_sign_ins",
        actor=signed_in_user(request),
        office=office,
        obj=membership.user,
        request=request,
    )
    return render(
        request,
        "offices/user_sign_ins.html",
        {
            "person": membership.user,
            "person_membership": membership,
            "findings": diagnose(user=membership.user),
            "attempts": sign_in_attempts_for_user(user=membership.user)[:50],
        },
    )
