"""Enumerates every URL pattern of the project, for the walks that check access rules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    has_arguments: bool


def _walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        else:
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            full = prefix + str(entry.pattern)
            has_args = bool(entry.pattern.regex.groupindex) or "(" in entry.pattern.regex.pattern
            yield Route(name=name, pattern=full, has_arguments=has_args)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, "", ""))


def concrete_path(route: Route) -> str | None:
    """The path for an argument-less route, or None when the route takes arguments."""
    if route.has_arguments:
        return None
    path = route.pattern.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    return "/" + path


def route_key(route: Route) -> str:
    """The URL name, or the pattern for the few unnamed routes (catch-alls)."""
    return route.name or route.pattern


def fill_path(route: Route, values: dict[str, object]) -> str:
    """The path of a route with its arguments (converters or regex groups) filled in."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route.pattern)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), path)
    path = path.replace("^", "").replace("\\Z", "")
    # Only a regex's closing anchor; a "$" inside a path is literal (FHIR's Claim/$submit).
    path = path.removesuffix("$")
    return "/" + path.replace("\\", "")


def argument_names(route: Route) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route.pattern) + re.findall(
        r"\(\?P<(\w+)>", route.pattern
    )
