"""Liveness and readiness for load balancers and orchestrators, and the 404 and 500
answers."""

from __future__ import annotations

import logging
import sys

from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from healtheos.apiclients.auth import problem

logger = logging.getLogger(__name__)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """The database answers, and so does the cache. A cache outage degrades rather than
    failing readiness (sessions fall back to the database; rate limits and the
    authenticator-code replay guard hold per server process until it is back, see "When
    Redis is down" in docs/configuration.md), so it is reported but only the database
    decides the status code."""
    checks: dict[str, str] = {}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        logger.exception("readiness: database unreachable")
        checks["database"] = "unreachable"
        status = 503
    try:
        cache.set("healtheos:readyz", "1", 5)
        checks["cache"] = "ok" if cache.get("healtheos:readyz") == "1" else "degraded"
    except Exception:
        logger.warning("readiness: cache unreachable")
        checks["cache"] = "unreachable"
    return JsonResponse(
        {"status": "ok" if status == 200 else "unavailable", **checks}, status=status
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404s: the JSON API answers with an RFC 9457 problem (as its description promises,
    also for a path that matches no route); everything else gets Django's page."""
    if request.path.startswith("/api/"):
        return problem(404, "Not Found", "No such resource.")
    return defaults.page_not_found(request, exception)


#: Seconds a caller is asked to wait when the database could not answer.
RETRY_AFTER_SECONDS = 5


def server_error(request: HttpRequest) -> HttpResponse:
    """500s, in the caller's own format. A request the database could not answer (a
    restart or failover in progress, a lock it gave up on) is a 503 with Retry-After
    instead: nothing it sent was half stored, since every change is one transaction, and
    the same request a few seconds later will most likely succeed. Nothing here touches the
    database."""
    error = sys.exc_info()[1]
    unavailable = isinstance(error, OperationalError | InterfaceError)
    status = 503 if unavailable else 500
    if unavailable:
        title = "Service Unavailable"
        detail = "The portal's database did not answer; try again in a few seconds."
    else:
        title = "Internal Server Error"
        detail = "Something went wrong on our side; it has been logged."
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = problem(status, title, detail)
    elif request.path.startswith("/fhir/"):
        from healtheos.fhirapi.responses import fhir_error

        response = fhir_error(status, "transient" if unavailable else "exception", detail)
    elif request.path.startswith("/x12/"):
        response = HttpResponse(detail, status=status, content_type="text/plain; charset=utf-8")
    else:
        page = loader.get_template("errors/unavailable.html").render(
            {"title": title, "message": detail, "request_path": request.path}
        )
        response = HttpResponse(page, status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
