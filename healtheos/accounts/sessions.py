"""Session lifetime: automatic sign-out after inactivity (HIPAA 164.312(a)(2)(iii)), an
absolute limit (NIST 800-63B AAL2: re-authenticate at least every 12 hours), a warning the
person can answer with one action (WCAG 2.2.1), and a way back to the exact page.

When a session ends while a form is half filled, what was typed is kept server-side, in the
new anonymous session, as a *draft* for that page (never passwords or files, never in the
browser's storage). After the person signs in again, the page shows the draft in the form.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

LAST_ACTIVITY = "last_activity"
SIGNED_IN_AT = "signed_in_at"
DRAFT = "form_draft"
PING_PATH = "/accounts/session/ping/"
EXTEND_PATH = "/accounts/session/extend/"
DRAFT_PATH = "/accounts/session/draft/"
SKIP_PREFIXES = ("/static/", "/healthz", "/readyz")
#: Field names never kept in a draft.
SECRET_FIELDS = frozenset({"csrfmiddlewaretoken", "password", "password1", "password2", "code"})


def idle_seconds() -> int:
    return int(getattr(settings, "IDLE_TIMEOUT_SECONDS", settings.IDLE_TIMEOUT_MINUTES * 60))


def absolute_seconds() -> int:
    return int(settings.SESSION_ABSOLUTE_HOURS * 3600)


def warning_seconds() -> int:
    return int(getattr(settings, "IDLE_WARNING_SECONDS", 120))


def _draft_from(request: HttpRequest, path: str) -> dict[str, Any] | None:
    # The browser's sign-out names the page in "path"; that is not one of the form's fields.
    own = {"path"} if request.path_info == DRAFT_PATH else set()
    fields = {
        key: request.POST.getlist(key)
        for key in request.POST
        if key not in SECRET_FIELDS and key not in own and not key.startswith("_")
    }
    if not fields:
        return None
    return {"path": path, "user_id": request.user.pk, "fields": fields, "saved_at": time.time()}


def _safe_path(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("portal:dashboard")


def _end(request: HttpRequest, target: str, *, reason: str) -> str:
    """Sign the person out, keeping a posted form as a draft for ``target``; the sign-in
    address that brings them back there."""
    target = _safe_path(request, target)
    draft = _draft_from(request, target.split("?")[0]) if request.method == "POST" else None
    logout(request)
    if draft is not None:
        request.session[DRAFT] = draft
    return f"{reverse('account_login')}?{urlencode({'next': target, 'ended': reason})}"


def _expire(request: HttpRequest, *, reason: str) -> HttpResponse:
    """A request that came after a limit: sign out, keeping any posted form as a draft, and
    send the person to sign in again with a way back to this page."""
    is_draft_save = request.path_info == DRAFT_PATH
    target = str(request.POST.get("path", "")) if is_draft_save else request.path
    if request.method == "GET":
        target = request.get_full_path()
    login = _end(request, target, reason=reason)
    if (
        is_draft_save
        or request.path_info in (PING_PATH, EXTEND_PATH)
        or request.headers.get("HX-Request")
    ):
        return JsonResponse({"signed_out": True, "login": login}, status=401)
    return HttpResponseRedirect(login)


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(SKIP_PREFIXES) or not request.user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        session = request.session
        started = session.setdefault(SIGNED_IN_AT, now)
        last = session.get(LAST_ACTIVITY, now)
        if now - started > absolute_seconds():
            return _expire(request, reason="absolute")
        if now - last > idle_seconds():
            return _expire(request, reason="idle")
        # Checking the time left is not activity; everything else is.
        if request.path_info != PING_PATH:
            session[LAST_ACTIVITY] = now
        return self.get_response(request)


def ping(request: HttpRequest) -> JsonResponse:
    """Seconds left before the idle limit, for the warning dialog's clock."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_out": True}, status=401)
    left = idle_seconds() - (time.time() - request.session.get(LAST_ACTIVITY, time.time()))
    return JsonResponse({"remaining_seconds": max(0, int(left))})


@require_POST
def extend(request: HttpRequest) -> JsonResponse:
    """ "Stay signed in": the middleware has already recorded this request as activity."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_out": True}, status=401)
    return JsonResponse({"remaining_seconds": idle_seconds()})


@require_POST
def save_draft(request: HttpRequest) -> JsonResponse:
    """The browser's idle sign-out: keep the page's form server-side as a draft and end the
    session. The browser's clock picks the moment, a little before or after the server's;
    ending the session here makes the two agree, so the sign-in page that follows never
    sends a still-signed-in person straight back to the page they timed out on."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_out": True}, status=401)
    saved = bool(_draft_from(request, "/"))
    login = _end(request, str(request.POST.get("path", "")), reason="idle")
    return JsonResponse({"signed_out": True, "saved": saved, "login": login})


def pop_draft(request: HttpRequest) -> dict[str, list[str]] | None:
    """The draft for this page and this person, once."""
    draft = request.session.get(DRAFT)
    if (
        not draft
        or not request.user.is_authenticated
        or draft.get("user_id") != request.user.pk
        or draft.get("path") != request.path
    ):
        return None
    del request.session[DRAFT]
    fields: dict[str, list[str]] = draft["fields"]
    return fields


def session_context(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "session_idle_seconds": idle_seconds(),
        "session_warning_seconds": warning_seconds(),
        "restored_draft": pop_draft(request) if request.method == "GET" else None,
    }
