"""OAuth 2.0 client credentials: registration, tokens, scopes, rotation, revocation."""

from __future__ import annotations

import base64
import datetime as dt
import re
import warnings
from io import StringIO

import pytest
from django.core.cache.backends.base import CacheKeyWarning
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from healtheos.apiclients.models import AccessToken, ApiClient
from healtheos.apiclients.services import apiclient_create, token_cache_clear
from tests.conftest import World


@pytest.fixture
def credentials(world: World) -> tuple[ApiClient, str]:
    return apiclient_create(
        office=world.bluebonnet.office,
        actor=world.alice,
        name="PM system",
        scopes=["eligibility", "claims.read"],
    )


def _token(client_id: str, secret: str, **extra: str):
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return Client().post(
        "/oauth/token",
        {"grant_type": "client_credentials", **extra},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )


def test_a_client_gets_a_token_and_acts_for_its_office(credentials: tuple[ApiClient, str]) -> None:
    client, secret = credentials
    response = _token(client.client_id, secret)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "claims.read eligibility"
    assert response["Cache-Control"] == "no-store"
    me = Client().get("/api/v1/whoami", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert me.json()["office"]["tin"] == "741234567"
    assert not AccessToken.objects.filter(
        token_hash=body["access_token"]
    ).exists()  # only hashes stored


def test_credentials_in_the_form_body_work_too(credentials: tuple[ApiClient, str]) -> None:
    client, secret = credentials
    response = Client().post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": client.client_id,
            "client_secret": secret,
        },
    )
    assert response.status_code == 200


def test_scope_can_be_narrowed_but_not_widened(credentials: tuple[ApiClient, str]) -> None:
    client, secret = credentials
    assert _token(client.client_id, secret, scope="eligibility").json()["scope"] == "eligibility"
    wider = _token(client.client_id, secret, scope="eligibility payments")
    assert wider.status_code == 400
    assert wider.json()["error"] == "invalid_scope"


@pytest.mark.parametrize(
    ("grant", "secret_ok", "error", "status"),
    [
        ("password", True, "unsupported_grant_type", 400),
        ("client_credentials", False, "invalid_client", 401),
    ],
)
def test_token_errors_follow_rfc_6749(
    credentials: tuple[ApiClient, str], grant: str, secret_ok: bool, error: str, status: int
) -> None:
    client, secret = credentials
    basic = base64.b64encode(
        f"{client.client_id}:{secret if secret_ok else 'wrong'}".encode()
    ).decode()
    response = Client().post(
        "/oauth/token", {"grant_type": grant}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert response.status_code == status
    assert response.json()["error"] == error
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Basic")


def test_garbage_authorization_headers_are_a_clean_401(world: World) -> None:
    response = Client().post(
        "/oauth/token", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION="Basic ***"
    )
    assert response.status_code == 401


def test_bearer_checks_expiry_scope_and_revocation(credentials: tuple[ApiClient, str]) -> None:
    client, secret = credentials
    token = _token(client.client_id, secret, scope="claims.read").json()["access_token"]
    assert Client().get("/api/v1/whoami").status_code == 401
    assert Client().get("/api/v1/whoami", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    from django.http import HttpRequest, JsonResponse

    from healtheos.apiclients.auth import require_bearer

    view = require_bearer("eligibility")(lambda request: JsonResponse({"ok": True}))
    request = HttpRequest()
    request.method = "GET"
    request.META["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    denied = view(request)
    assert denied.status_code == 403
    assert "insufficient_scope" in denied["WWW-Authenticate"]
    AccessToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    # A change made behind the process's back shows once its token cache window passes.
    token_cache_clear()
    assert Client().get("/api/v1/whoami", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_a_checked_token_is_trusted_briefly_but_never_past_its_expiry(
    credentials: tuple[ApiClient, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, secret = credentials
    token = _token(client.client_id, secret).json()["access_token"]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert Client().get("/api/v1/whoami", **bearer).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert Client().get("/api/v1/whoami", **bearer).status_code == 200
    assert not any("apiclients_accesstoken" in q["sql"] for q in queries.captured_queries)
    later = timezone.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert Client().get("/api/v1/whoami", **bearer).status_code == 401


def test_revoking_a_client_stops_its_tokens_at_once(credentials: tuple[ApiClient, str]) -> None:
    client, secret = credentials
    token = _token(client.client_id, secret).json()["access_token"]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert Client().get("/api/v1/whoami", **bearer).status_code == 200
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    assert Client().get("/api/v1/whoami", **bearer).status_code == 401


def test_the_administrator_registers_rotates_and_revokes(world: World) -> None:
    admin = world.client_for(world.alice)
    page = admin.post("/office/api-clients/", {"name": "Clearinghouse", "scopes": ["eligibility"]})
    secret = re.search(r"Client secret</dt><dd><code>([^<]+)</code>", page.content.decode())
    assert secret is not None
    client = ApiClient.objects.get(name="Clearinghouse")
    assert _token(client.client_id, secret.group(1)).status_code == 200
    rotated = admin.post(f"/office/api-clients/{client.client_id}/rotate/")
    new_secret = re.search(r"Client secret</dt><dd><code>([^<]+)</code>", rotated.content.decode())
    assert new_secret is not None
    assert _token(client.client_id, secret.group(1)).status_code == 200  # grace period
    assert _token(client.client_id, new_secret.group(1)).status_code == 200
    admin.post(f"/office/api-clients/{client.client_id}/revoke/")
    assert _token(client.client_id, new_secret.group(1)).status_code == 401


def test_another_offices_client_is_not_found_and_others_cannot_manage(world: World) -> None:
    theirs, _ = apiclient_create(
        office=world.prairie.office, actor=world.olga, name="Theirs", scopes=["eligibility"]
    )
    admin = world.client_for(world.alice)
    assert admin.post(f"/office/api-clients/{theirs.client_id}/revoke/").status_code == 404
    assert theirs.client_id.encode() not in admin.get("/office/api-clients/").content
    assert world.client_for(world.bill).get("/office/api-clients/").status_code == 403


def test_the_command_creates_lists_and_revokes(world: World) -> None:
    out = StringIO()
    call_command(
        "apiclient", "create", "--office", "74-1234567", "--scope", "eligibility", stdout=out
    )
    assert "client_secret:" in out.getvalue()
    client = ApiClient.objects.get()
    listing = StringIO()
    call_command("apiclient", "list", stdout=listing)
    assert client.client_id in listing.getvalue()
    call_command("apiclient", "revoke", client.client_id, stdout=StringIO())
    client.refresh_from_db()
    assert client.revoked_at is not None


@pytest.mark.django_db
def test_any_client_id_makes_a_safe_rate_limit_key() -> None:
    """Found by schemathesis: the raw client id went into the cache key."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CacheKeyWarning)
        response = _token("Account number \x12\u00e9", "wrong")
    assert response.status_code == 401
    assert not [w for w in caught if issubclass(w.category, CacheKeyWarning)]
