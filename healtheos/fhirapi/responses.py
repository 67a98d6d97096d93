"""FHIR answers: resources and OperationOutcomes as ``application/fhir+json``."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

from healtheos.apiclients.auth import require_bearer
from healtheos.interop.fhir.outcome import Issue, operation_outcome

FHIR_JSON = "application/fhir+json"
View = Callable[..., HttpResponse]

_ISSUE_CODES = {401: "login", 403: "forbidden", 404: "not-found", 405: "not-supported"}


def fhir_response(resource: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(resource, separators=(",", ":")), content_type=FHIR_JSON, status=status
    )


def fhir_error(status: int, code: str, diagnostics: str, expression: str = "") -> HttpResponse:
    outcome = operation_outcome(Issue(code=code, diagnostics=diagnostics, expression=expression))
    return fhir_response(outcome, status)


def fhir_bearer(scope: str) -> Callable[[View], View]:
    """``require_bearer``, with its refusals turned into OperationOutcomes (FHIR clients
    read those, not RFC 9457 problems); the WWW-Authenticate header is kept."""

    def decorator(view: View) -> View:
        guarded = require_bearer(scope)(view)

        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = guarded(request, *args, **kwargs)
            if response.get("Content-Type") == "application/problem+json":
                detail = json.loads(response.content).get("detail", "")
                converted = fhir_error(
                    response.status_code,
                    _ISSUE_CODES.get(response.status_code, "processing"),
                    detail,
                )
                if response.has_header("WWW-Authenticate"):
                    converted["WWW-Authenticate"] = response["WWW-Authenticate"]
                return converted
            return response

        wrapped.csrf_exempt = True  # type: ignore[attr-defined]
        return wrapped

    return decorator
