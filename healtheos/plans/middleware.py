"""Selects the plan whose portal a request arrived at, from the host name (Plan.host).
One deployment serves several plans and states; ``request.plan`` is None where the host
names no plan (a single-plan deployment, or the deployment's own address). The host table
is cached for a minute, so a changed Plan.host takes effect within that time."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from healtheos.plans.models import Plan

CACHE_KEY = "plans:hosts"


def plan_for_host(host: str) -> Plan | None:
    name = host.split(":", 1)[0].lower()
    try:
        hosts: dict[str, int] | None = cache.get(CACHE_KEY)
    except Exception:
        hosts = None
    if hosts is None:
        hosts = {p.host.lower(): p.pk for p in Plan.objects.exclude(host="")}
        # The cache is an optimisation here: if it is down, the table is read each time.
        with contextlib.suppress(Exception):
            cache.set(CACHE_KEY, hosts, 60)
    plan_id = hosts.get(name)
    return Plan.objects.filter(pk=plan_id).first() if plan_id else None


class PlanRoutingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.plan = plan_for_host(request.get_host())  # type: ignore[attr-defined]
        return self.get_response(request)
