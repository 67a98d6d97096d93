"""Selects the plan whose portal a request arrived at: from the host name (Plan.host), or,
where the host names no plan, from a path prefix ``/p/<plan code>/``. One deployment serves
several plans and states; ``request.plan`` is None where neither names a plan (a
single-plan deployment, or the deployment's own address).

A path prefix is moved into the script name, so views and URL patterns never see it and
every URL the portal generates (``reverse``, ``{% url %}``, redirects) keeps it. The host
table is cached for a minute, so a changed Plan.host takes effect within that time."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.urls import get_script_prefix, set_script_prefix

from healtheos.plans.models import Plan

CACHE_KEY = "plans:hosts"
PREFIX = re.compile(r"^/p/(?P<code>[-a-z0-9]{1,32})(?=/)")


def portal_path(plan: Plan) -> str:
    """Where a plan's portal starts: its own host, or its path prefix on this deployment."""
    return f"https://{plan.host}/" if plan.host else f"/p/{plan.code}/"


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
        plan = plan_for_host(request.get_host())
        match = PREFIX.match(request.path_info) if plan is None else None
        if match is None:
            request.plan = plan  # type: ignore[attr-defined]
            return self.get_response(request)
        plan = Plan.objects.filter(code=match["code"]).first()
        if plan is None:
            return HttpResponseNotFound("No plan's portal is at this address.")
        request.plan = plan  # type: ignore[attr-defined]
        prefix = match.group(0)
        script_name = request.META.get("SCRIPT_NAME", "").rstrip("/") + prefix
        request.META["SCRIPT_NAME"] = script_name
        request.path_info = request.path_info[len(prefix) :]
        previous = get_script_prefix()
        set_script_prefix(script_name + "/")
        try:
            return self.get_response(request)
        finally:
            set_script_prefix(previous)
