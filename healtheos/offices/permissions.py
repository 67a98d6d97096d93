"""The one way a view says what it needs: ``@office_function_required(Function.X)``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from healtheos.offices.models import Membership
from healtheos.offices.roles import FUNCTION_LABELS, Function, role_allows, roles_granting

View = Callable[..., HttpResponse]


def office_function_required(function: Function) -> Callable[[View], View]:
    """Require a signed-in provider user acting for an office whose role grants ``function``.

    Without any office the user is shown which offices and roles they have; with a role that
    lacks the function they are told which roles grant it and who administers their office.
    """

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = getattr(request, "membership", None)
            if membership is None:
                return render(request, "offices/no_office.html", status=403)
            if not role_allows(membership.role, function):
                admins = membership.office.memberships.filter(
                    role="office_admin", status="active"
                ).select_related("user")
                return render(
                    request,
                    "offices/function_not_in_role.html",
                    {
                        "function_label": FUNCTION_LABELS[function],
                        "granting_roles": roles_granting(function),
                        "administrators": [m.user for m in admins],
                    },
                    status=403,
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def acting_membership(request: HttpRequest) -> Membership:
    """The membership a view behind ``office_function_required`` acts with."""
    membership = getattr(request, "membership", None)
    if not isinstance(membership, Membership):
        raise PermissionError("this view needs an acting office")
    return membership
