"""Client addresses reduced to network prefixes: enough to tell "the usual office network"
from "somewhere new", without keeping full addresses in diagnostics."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address the request came from. Behind the reverse proxy
    (``HEALTHEOS_BEHIND_PROXY``) every connection comes from the proxy, so the client is the
    last ``X-Forwarded-For`` entry: the one the proxy itself appended. Entries before it are
    whatever the client sent and are never trusted. Without a proxy the header is ignored."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if not settings.BEHIND_PROXY:
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    last = forwarded.rsplit(",", 1)[-1].strip()
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return remote


def network_prefix(address: str) -> str:
    """IPv4 addresses to their /24, IPv6 to their /48; anything unreadable to ''."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    length = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{length}", strict=False))


def device_summary(request: HttpRequest) -> str:
    agent = str(request.META.get("HTTP_USER_AGENT", ""))
    browser = next(
        (name for name in ("Edg", "Firefox", "Chrome", "Safari") if name in agent),
        "Unknown browser",
    )
    system = next(
        (name for name in ("Windows", "Mac OS X", "Android", "iPhone", "Linux") if name in agent),
        "unknown system",
    )
    return f"{'Edge' if browser == 'Edg' else browser} on {system}"[:120]
