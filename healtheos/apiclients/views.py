"""The token endpoint, a credentials check for integrators, and the administrator's pages."""

from __future__ import annotations

import base64
import binascii
import hashlib
from urllib.parse import unquote

from django import forms
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from healtheos.accounts.permissions import signed_in_user
from healtheos.apiclients.auth import require_bearer
from healtheos.apiclients.models import SCOPES, ApiClient
from healtheos.apiclients.services import (
    TOKEN_LIFETIME,
    apiclient_create,
    apiclient_revoke,
    apiclient_rotate,
    authenticate_client,
    token_issue,
)
from healtheos.core.forms import UswdsFormMixin
from healtheos.offices.permissions import acting_membership, office_function_required
from healtheos.offices.roles import Function

#: Token requests per client per minute.
TOKEN_RATE = 60


def _oauth_error(error: str, description: str, status: int = 400) -> JsonResponse:
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    response["Cache-Control"] = "no-store"
    if status == 401:
        response["WWW-Authenticate"] = 'Basic realm="healtheos"'
    return response


def _client_credentials(request: HttpRequest) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        client_id, sep, secret = decoded.partition(":")
        return (unquote(client_id), unquote(secret)) if sep else None
    client_id, secret = request.POST.get("client_id", ""), request.POST.get("client_secret", "")
    return (client_id, secret) if client_id and secret else None


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    """OAuth 2.0 token endpoint, client credentials grant (RFC 6749 §4.4, errors §5.2)."""
    if request.POST.get("grant_type") != "client_credentials":
        return _oauth_error(
            "unsupported_grant_type", "Only grant_type=client_credentials is supported."
        )
    credentials = _client_credentials(request)
    if credentials is None:
        return _oauth_error(
            "invalid_client", "Authenticate with HTTP Basic or client_id/client_secret.", 401
        )
    # The client id is whatever the caller sent: hashed, it is a safe cache key for any
    # backend (schemathesis sent spaces, control characters and non-ASCII ones).
    key = f"oauth:token:{hashlib.sha256(credentials[0].encode()).hexdigest()[:32]}"
    try:
        if not cache.add(key, 1, 60) and cache.incr(key) > TOKEN_RATE:
            return _oauth_error(
                "slow_down", "Too many token requests; reuse tokens until they expire.", 429
            )
    except Exception:  # noqa: S110 (a cache outage must not stop authentication)
        pass
    client = authenticate_client(*credentials)
    if client is None:
        return _oauth_error(
            "invalid_client", "Unknown client, wrong secret, or revoked credentials.", 401
        )
    requested = request.POST.get("scope", "").split()
    scopes = requested or list(client.scopes)
    if not set(scopes) <= set(client.scopes):
        return _oauth_error("invalid_scope", f"This client may ask for: {' '.join(client.scopes)}.")
    access_token, _ = token_issue(client=client, scopes=scopes)
    response = JsonResponse(
        {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": int(TOKEN_LIFETIME.total_seconds()),
            "scope": " ".join(scopes),
        }
    )
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


@require_GET
@require_bearer(None, plan_clients=True)
def whoami(request: HttpRequest) -> JsonResponse:
    """Lets an integrator check its token: which office it acts for, with which scopes."""
    record = request.access_token  # type: ignore[attr-defined]
    office = record.client.office
    if office is None:
        plan = record.client.plan
        return JsonResponse(
            {
                "client_id": record.client.client_id,
                "plan": {"name": plan.name, "code": plan.code},
                "scopes": record.scopes,
                "expires_at": record.expires_at.isoformat(),
            }
        )
    return JsonResponse(
        {
            "client_id": record.client.client_id,
            "office": {"name": office.name, "tin": office.tin, "plan": office.plan.code},
            "scopes": record.scopes,
            "expires_at": record.expires_at.isoformat(),
        }
    )


class ApiClientForm(UswdsFormMixin, forms.Form):
    name = forms.CharField(
        max_length=80, label="Name", help_text="For example the practice-management system."
    )
    scopes = forms.MultipleChoiceField(
        choices=list(SCOPES.items()), widget=forms.CheckboxSelectMultiple, label="What it may do"
    )


def _client_of_office(request: HttpRequest, client_id: str) -> ApiClient:
    office = acting_membership(request).office
    client = ApiClient.objects.filter(office=office, client_id=client_id).first()
    if client is None:
        raise Http404("no such client")
    return client


@office_function_required(Function.OFFICE_ADMIN)
def clients(request: HttpRequest) -> HttpResponse:
    office = acting_membership(request).office
    form = ApiClientForm(request.POST or None)
    secret = None
    created = None
    if request.method == "POST" and form.is_valid():
        created, secret = apiclient_create(
            office=office,
            actor=signed_in_user(request),
            name=form.cleaned_data["name"],
            scopes=list(form.cleaned_data["scopes"]),
            request=request,
        )
        form = ApiClientForm()
    return render(
        request,
        "apiclients/clients.html",
        {
            "clients": ApiClient.objects.filter(office=office),
            "form": form,
            "secret": secret,
            "created": created,
            "scope_names": SCOPES,
        },
    )


@office_function_required(Function.OFFICE_ADMIN)
@require_POST
def rotate(request: HttpRequest, client_id: str) -> HttpResponse:
    client = _client_of_office(request, client_id)
    secret = apiclient_rotate(client=client, actor=signed_in_user(request), request=request)
    office = acting_membership(request).office
    return render(
        request,
        "apiclients/clients.html",
        {
            "clients": ApiClient.objects.filter(office=office),
            "form": ApiClientForm(),
            "secret": secret,
            "created": client,
            "rotated": True,
            "scope_names": SCOPES,
        },
    )


@office_function_required(Function.OFFICE_ADMIN)
@require_POST
def revoke(request: HttpRequest, client_id: str) -> HttpResponse:
    apiclient_revoke(
        client=_client_of_office(request, client_id), actor=signed_in_user(request), request=request
    )
    return redirect("apiclients:clients")
