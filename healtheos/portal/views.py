"""The portal shell: landing page, dashboard and office switcher."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from healtheos.accounts.permissions import signed_in_user
from healtheos.authorizations.selectors import unread_notice_count
from healtheos.eligibility.forms import EligibilitySearchForm
from healtheos.offices.middleware import SESSION_KEY
from healtheos.offices.roles import Function, role_allows
from healtheos.offices.selectors import memberships_here


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and signed_in_user(request).realm == "member":
        return redirect("member_home")
    if request.user.is_authenticated:
        return redirect("portal:dashboard")
    return redirect("account_login")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    membership = getattr(request, "membership", None)
    if membership is None:
        return render(request, "offices/no_office.html", status=403)
    memberships = memberships_here(
        user=signed_in_user(request), plan=getattr(request, "plan", None)
    )
    authorization_updates = None
    if role_allows(membership.role, Function.AUTHORIZATIONS_VIEW):
        authorization_updates = unread_notice_count(
            office=membership.office, user=signed_in_user(request)
        )
    return render(
        request,
        "portal/dashboard.html",
        {
            "memberships": memberships,
            "eligibility_form": EligibilitySearchForm(),
            "authorization_updates": authorization_updates,
        },
    )


@login_required
@require_POST
def switch_office(request: HttpRequest) -> HttpResponse:
    try:
        office_id = int(request.POST.get("office", ""))
    except ValueError:
        office_id = 0
    allowed = {
        m.office_id
        for m in memberships_here(user=signed_in_user(request), plan=getattr(request, "plan", None))
    }
    if office_id in allowed:
        request.session[SESSION_KEY] = office_id
    return HttpResponseRedirect(reverse("portal:dashboard"))
