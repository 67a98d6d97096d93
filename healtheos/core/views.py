"""Liveness and readiness for load balancers and orchestrators, and the 404 answer."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
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
