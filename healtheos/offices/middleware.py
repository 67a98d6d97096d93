"""Sets ``request.membership`` (the office and role the user is acting as) on every request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from healtheos.offices.models import Membership
from healtheos.offices.selectors import memberships_here

SESSION_KEY = "acting_office_id"


def resolve_membership(request: HttpRequest) -> Membership | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    memberships = memberships_here(user=user, plan=getattr(request, "plan", None))
    if not memberships:
        return None
    chosen = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.office_id == chosen:
            return membership
    return memberships[0]


class ActingOfficeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = resolve_membership(request)  # type: ignore[attr-defined]
        return self.get_response(request)
