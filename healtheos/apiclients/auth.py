"""Bearer tokens on API views: ``@require_bearer("eligibility")``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from healtheos.apiclients.models import PLAN_SCOPES
from healtheos.apiclients.services import token_lookup

View = Callable[..., HttpResponse]


def problem(status: int, title: str, detail: str, **headers: str) -> JsonResponse:
    """An RFC 9457 problem document."""
    response = JsonResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status=status,
        content_type="application/problem+json",
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def unknown_parameters(request: HttpRequest, allowed: frozenset[str]) -> JsonResponse | None:
    """A 400 problem naming query parameters the endpoint does not take (a misspelt filter
    must not silently widen a search), or None."""
    unknown = sorted(set(request.GET) - allowed)
    if not unknown:
        return None
    return problem(
        400,
        "Bad Request",
        f"Unknown query parameter(s): {', '.join(name[:40] for name in unknown[:5])}. "
        f"This endpoint takes: {', '.join(sorted(allowed))}.",
    )


def require_bearer(scope: str | None, *, plan_clients: bool = False) -> Callable[[View], View]:
    """The request must carry a live access token whose scopes include ``scope`` (any
    scope when None). Sets ``request.access_token``, ``request.api_client``,
    ``request.acting_office`` (the client's office) and ``request.acting_plan`` (the plan
    of a payer-side client, else None). A plan scope (``PLAN_SCOPES``) needs a plan's
    client; any other scope, or none, needs an office's client unless ``plan_clients``."""

    def decorator(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            header = request.headers.get("Authorization", "")
            kind, _, token = header.partition(" ")
            if kind.lower() != "bearer" or not token:
                return problem(
                    401,
                    "Unauthorized",
                    "Send an access token: Authorization: Bearer <token>.",
                    WWW_Authenticate='Bearer realm="healtheos"',
                )
            record = token_lookup(token.strip())
            if record is None:
                return problem(
                    401,
                    "Unauthorized",
                    "The access token is unknown, expired or revoked.",
                    WWW_Authenticate='Bearer realm="healtheos", error="invalid_token"',
                )
            if scope is not None and scope not in record.scopes:
                return problem(
                    403,
                    "Forbidden",
                    f"This token lacks the scope {scope!r}.",
                    WWW_Authenticate=(
                        f'Bearer realm="healtheos", error="insufficient_scope", scope="{scope}"'
                    ),
                )
            client = record.client
            plan_scope = scope in PLAN_SCOPES
            if (plan_scope and not client.is_plan_client) or (
                client.is_plan_client and not plan_scope and not plan_clients
            ):
                kind = "the plan's own systems" if plan_scope else "an office"
                return problem(403, "Forbidden", f"This endpoint is for clients of {kind}.")
            request.acting_plan = client.plan  # type: ignore[attr-defined]
            request.access_token = record  # type: ignore[attr-defined]
            request.api_client = record.client  # type: ignore[attr-defined]
            request.acting_office = record.client.office  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
