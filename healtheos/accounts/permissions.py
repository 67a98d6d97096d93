"""Pages of the plan's own staff declare the payer roles they need."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from healtheos.accounts.models import PayerRole, Realm, User

View = Callable[..., HttpResponse]


def payer_role_required(*roles: PayerRole) -> Callable[[View], View]:
    """Only payer-realm staff with one of ``roles`` (payer administrators always). Anyone
    else gets a 404: provider users need not learn what the payer console contains."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            role = getattr(user, "payer_role", "")
            if getattr(user, "realm", "") != Realm.PAYER or (
                role != PayerRole.ADMINISTRATOR and role not in roles
            ):
                raise Http404("not found")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, for views already behind a sign-in check."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionError("this view needs a signed-in user")
    return user
