"""The browser-facing attacks a penetration tester tries first: session fixation, cross-site
request forgery, open redirects, framing, and cookies that leak."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve

from healtheos.accounts.models import User
from healtheos.accounts.sessions import LAST_ACTIVITY
from tests.conftest import World
from tests.factories import TEST_PASSWORD, totp_code
from tests.urlwalk import Route, all_routes

OFFICE = "198.51.100.7"
SESSION = settings.SESSION_COOKIE_NAME

#: Views that take no cookies and so need no CSRF token: each authenticates every request
#: with a bearer token or client credentials in the request itself.
TOKEN_AUTHENTICATED_PREFIXES = ("/api/", "/fhir/", "/x12/", "/oauth/")

#: Ways of writing "another site" that naive checks let through.
OFF_SITE_TARGETS = [
    "https://evil.example/x",
    "//evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example/x",
    "https:evil.example",
    "http://testserver@evil.example/",
]


def _password_step(client: Client, username: str = "frank", **data: str) -> None:
    response = client.post(
        "/accounts/login/", {"login": username, "password": TEST_PASSWORD, **data}
    )
    assert response.status_code == 302


def _off_site(location: str) -> bool:
    """Would a browser leave the portal for this Location? Browsers read backslashes as
    slashes, and a URL without a scheme but with // names a host."""
    parts = urlsplit(location.replace("\\", "/"))
    return bool(parts.netloc and parts.netloc != "testserver") or (
        bool(parts.scheme) and parts.scheme not in ("http", "https")
    )


# -- session fixation ----------------------------------------------------------------------


def test_the_session_key_changes_at_the_password_and_again_at_the_second_factor(
    world: World,
) -> None:
    client = Client(REMOTE_ADDR=OFFICE)
    planted = client.session
    planted["planted"] = True
    planted.save()
    client.cookies[SESSION] = planted.session_key
    fixed_key = planted.session_key

    _password_step(client)
    after_password = client.cookies[SESSION].value
    assert after_password != fixed_key

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response.status_code == 302
    after_second_factor = client.cookies[SESSION].value
    assert after_second_factor not in (fixed_key, after_password)
    assert client.get("/dashboard/").status_code == 200

    # Whoever planted a key, or saw the key of the half-finished sign-in, holds nothing.
    for stale in (fixed_key, after_password):
        other = Client(REMOTE_ADDR=OFFICE)
        other.cookies[SESSION] = stale
        assert other.get("/dashboard/").status_code == 302
        assert "_auth_user_id" not in other.session


# -- session tokens in URLs ----------------------------------------------------------------

#: Every attribute through which a page makes the browser ask for an address.
URL_ATTRIBUTES = re.compile(
    rb"""(?:href|src|action|formaction|hx-get|hx-post|hx-put|hx-delete|data-[\w-]+)\s*=\s*["']([^"']*)["']""",
    re.I,
)


def test_the_session_key_never_appears_in_an_address_or_a_page(world: World) -> None:
    """ASVS 3.1.1: through the whole sign-in (password, second factor, a ``next`` page), a
    few pages and sign-out, no redirect and no address in a page carries the session key,
    nor does any page's text; and a key offered in the query string signs nobody in."""
    client = Client(REMOTE_ADDR=OFFICE)
    keys: set[str] = set()
    seen: list[tuple[str, str]] = []  # (where, address)
    bodies: list[tuple[str, bytes]] = []
    statuses: list[int] = []

    def visit(method: str, path: str, data: dict[str, str] | None = None) -> None:
        response = getattr(client, method)(path, data or {})
        statuses.append(response.status_code)
        if SESSION in client.cookies and client.cookies[SESSION].value:
            keys.add(client.cookies[SESSION].value)
        if "Location" in response:
            seen.append((path, response["Location"]))
        body = response.content
        bodies.append((path, body))
        seen.extend((path, url.decode()) for url in URL_ATTRIBUTES.findall(body))

    visit("get", "/dashboard/")
    visit("get", "/accounts/login/?next=/messages/")
    visit(
        "post",
        "/accounts/login/?next=/messages/",
        {"login": "alice", "password": TEST_PASSWORD, "next": "/messages/"},
    )
    visit("get", "/accounts/2fa/authenticate/")
    visit("post", "/accounts/2fa/authenticate/", {"code": totp_code(), "next": "/messages/"})
    assert seen[-1] == ("/accounts/2fa/authenticate/", "/messages/")
    pages = ("/messages/", "/dashboard/", "/eligibility/", "/accounts/sessions/", "/accounts/2fa/")
    for path in pages:
        visit("get", path)
        assert statuses[-1] == 200, path
    signed_in_key = client.cookies[SESSION].value

    # Offered in the address instead of the cookie, the live key is worth nothing.
    stranger = Client(REMOTE_ADDR=OFFICE)
    for name in (SESSION, "sessionid", "session"):
        response = stranger.get(f"/dashboard/?{name}={signed_in_key}")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    visit("post", "/accounts/logout/")
    assert len(keys) >= 2  # a new key at the password and again at the second factor
    assert len(seen) > 30
    assert [(where, url) for where, url in seen for key in keys if key in url] == []
    assert [where for where, body in bodies for key in keys if key.encode() in body] == []


# -- cross-site request forgery ------------------------------------------------------------


def _sample_path(route: Route) -> str | None:
    """The route with made-up arguments; None for patterns that are not plain paths."""
    path = "/" + route.pattern
    path = re.sub(r"<int:\w+>", "1", path)
    path = re.sub(r"<uuid:\w+>", str(uuid.uuid4()), path)
    path = re.sub(r"<(?:str|slug|path):\w+>|<\w+>", "x", path)
    if re.search(r"[\^$()\[\]?*+\\]", path):
        return None
    try:
        resolve(path)
    except Resolver404:
        return None
    return path


def _form_routes() -> list[str]:
    paths = {_sample_path(route) for route in all_routes()}
    return sorted(
        p
        for p in paths
        if p is not None
        and not p.startswith(TOKEN_AUTHENTICATED_PREFIXES)
        and not p.startswith("/static/")
    )


def test_only_token_authenticated_endpoints_are_exempt_from_csrf() -> None:
    exempt = sorted(
        path
        for route in all_routes()
        if (path := _sample_path(route)) is not None
        and getattr(resolve(path).func, "csrf_exempt", False)
    )
    assert exempt, "the walk should see the API endpoints"
    outside = [p for p in exempt if not p.startswith(TOKEN_AUTHENTICATED_PREFIXES)]
    assert outside == [], "a cookie-authenticated view must never be csrf_exempt"


def test_a_post_without_a_token_is_refused_on_every_page(world: World) -> None:
    """Every page family (sign-in, recovery, registration, office pages, payer console,
    member portal) refuses a forged POST before its view runs, signed in or not."""
    paths = _form_routes()
    assert len(paths) > 50
    signed_in = Client(enforce_csrf_checks=True, REMOTE_ADDR=OFFICE)
    signed_in.force_login(world.alice)
    anonymous = Client(enforce_csrf_checks=True, REMOTE_ADDR=OFFICE)
    accepted = []
    for path in paths:
        for client in (signed_in, anonymous):
            response = client.post(path, {"login": "alice", "password": TEST_PASSWORD})
            if not (response.status_code == 403 and b"CSRF" in response.content):
                accepted.append((path, response.status_code))
    assert accepted == []
    assert User.objects.get(username="alice").failed_sign_ins == 0


def test_token_authenticated_endpoints_ignore_the_session_cookie(world: World) -> None:
    client = Client(REMOTE_ADDR=OFFICE)
    client.force_login(world.alice)
    for route in all_routes():
        path = _sample_path(route)
        if path is None or not path.startswith(TOKEN_AUTHENTICATED_PREFIXES):
            continue
        if not getattr(resolve(path).func, "csrf_exempt", False):
            continue
        response = client.post(path, data=b"{}", content_type="application/json")
        assert response.status_code in (400, 401, 404, 405), path


# -- open redirects ------------------------------------------------------------------------


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_sign_in_ignores_a_next_address_on_another_site(world: World, target: str) -> None:
    client = Client(REMOTE_ADDR=OFFICE)
    response = client.post(
        "/accounts/login/", {"login": "frank", "password": TEST_PASSWORD, "next": target}
    )
    assert not _off_site(response["Location"])
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(), "next": target})
    assert response.status_code == 302
    assert not _off_site(response["Location"])


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_the_member_sign_in_ignores_a_next_address_on_another_site(
    world: World, target: str
) -> None:
    client = Client(REMOTE_ADDR=OFFICE)
    response = client.post(
        f"/member/login/?next={target}",
        {"login": "mona", "password": TEST_PASSWORD, "next": target},
    )
    if response.status_code == 302:
        assert not _off_site(response["Location"])


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_sign_out_ignores_a_next_address_on_another_site(world: World, target: str) -> None:
    client = world.client_for(world.frank)
    response = client.post(f"/accounts/logout/?next={target}", {"next": target})
    assert response.status_code == 302
    assert not _off_site(response["Location"])
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_the_payer_console_sign_in_passes_on_no_address_on_another_site(
    world: World, target: str
) -> None:
    response = Client().get("/payer/admin/login/", {"next": target})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/accounts/login/")
    assert "evil.example" not in location


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_a_timed_out_session_sends_back_only_to_a_page_of_the_portal(
    world: World, target: str
) -> None:
    client = world.client_for(world.frank)
    session = client.session
    session[LAST_ACTIVITY] = 0
    session.save()
    response = client.post("/accounts/session/draft/", {"path": target, "notes": "x"})
    assert response.status_code == 401
    assert "evil.example" not in response.json()["login"]


# -- framing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/member/login/", "/register/", "/dashboard/", "/no-such-page/"]
)
def test_no_page_may_be_framed(world: World, path: str) -> None:
    client = world.client_for(world.alice)
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


# -- cookies -------------------------------------------------------------------------------


def test_the_session_and_csrf_cookies_carry_every_flag_in_production(world: World) -> None:
    """The test settings are the production configuration (``SECURE_COOKIES`` on): the
    cookies actually sent must be __Host- cookies, Secure, HttpOnly and SameSite=Lax, with
    no Domain and Path=/ (which the __Host- prefix requires)."""
    client = Client(REMOTE_ADDR=OFFICE)
    page = client.get("/accounts/login/")
    _password_step(client)
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    cookies = {**page.cookies, **response.cookies}
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
        assert name.startswith("__Host-"), name
        morsel = cookies[name]
        assert morsel["secure"] is True, name
        assert morsel["httponly"] is True, name
        assert morsel["samesite"] == "Lax", name
        assert morsel["path"] == "/", name
        assert morsel["domain"] == "", name


# -- session lifetime ----------------------------------------------------------------------


def test_signing_out_ends_the_session_on_the_server(world: World) -> None:
    client = Client(REMOTE_ADDR=OFFICE)
    _password_step(client)
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    key = client.cookies[SESSION].value
    client.post("/accounts/logout/")
    replay = Client(REMOTE_ADDR=OFFICE)
    replay.cookies[SESSION] = key
    assert replay.get("/dashboard/").status_code == 302


@pytest.mark.django_db
def test_session_keys_carry_well_over_128_bits() -> None:
    from django.contrib.sessions.backends.db import SessionStore

    keys = set()
    for _ in range(200):
        store = SessionStore()
        store.create()
        keys.add(store.session_key)
    assert len(keys) == 200
    # 32 characters from 36 possible, from the operating system's random source: 165 bits.
    assert all(len(k or "") == 32 and re.fullmatch(r"[a-z0-9]+", k or "") for k in keys)


# -- headers on every kind of response, and no CORS ----------------------------------------

#: Referrer policies that never send a portal address (which could name a claim or a
#: patient's search) to another site.
STRICT_REFERRER_POLICIES = {"no-referrer", "same-origin"}


def _every_kind_of_response(world: World) -> dict[str, object]:
    """One response of each kind the portal sends, signed in, by token or anonymous."""
    from healtheos.apiclients.services import apiclient_create, token_issue

    api_client, _ = apiclient_create(
        office=world.bluebonnet.office, actor=world.alice, name="PM", scopes=["eligibility"]
    )
    token, _ = token_issue(client=api_client, scopes=["eligibility"])
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    alice, rita, anonymous = (
        world.client_for(world.alice),
        world.client_for(world.rita),
        Client(),
    )
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.alice)
    born = world.bluebonnet.member.birth_date.isoformat()
    json_body = f'{{"member_id": "{world.bluebonnet.member.member_id}", "date_of_birth": "{born}"}}'
    return {
        "sign-in page": anonymous.get("/accounts/login/"),
        "signed-in page": alice.get("/dashboard/"),
        "redirect to sign in": anonymous.get("/dashboard/"),
        "page not found": alice.get("/no-such-page/"),
        "forbidden page": rita.get("/messages/new/"),
        "refused forgery": strict.post("/messages/new/", {}),
        "method not allowed": alice.delete("/claims/"),
        "JSON API": anonymous.post(
            "/api/v1/eligibility", json_body, content_type="application/json", **bearer
        ),
        "JSON API, unreadable": anonymous.post(
            "/api/v1/eligibility", "{not json", content_type="application/json", **bearer
        ),
        "JSON API without a token": anonymous.post("/api/v1/eligibility", "{}", "application/json"),
        "JSON API not found": anonymous.get("/api/v1/no-such-thing", **bearer),
        "OpenAPI description": anonymous.get("/api/v1/openapi.json"),
        "FHIR capability statement": anonymous.get("/fhir/r4/metadata"),
        "FHIR read": anonymous.get(f"/fhir/r4/Patient/{world.bluebonnet.member.pk}", **bearer),
        "X12 endpoint": anonymous.post(
            "/x12/v1/realtime", "ISA*garbage~", content_type="application/edi-x12", **bearer
        ),
        "X12 endpoint without a token": anonymous.post(
            "/x12/v1/realtime", "ISA~", content_type="application/edi-x12"
        ),
        "static file": anonymous.get("/static/healtheos/app.css"),
        "static file not found": anonymous.get("/static/healtheos/no-such-file.css"),
        "health check": anonymous.get("/healthz"),
    }


def test_every_kind_of_response_forbids_sniffing_and_keeps_the_referrer_on_site(
    world: World,
) -> None:
    """ASVS 14.4.4 and 14.4.6: pages, error pages, the JSON, FHIR and X12 APIs and static
    files alike say ``nosniff`` and a referrer policy that sends nothing to other sites."""
    assert settings.SECURE_REFERRER_POLICY in STRICT_REFERRER_POLICIES
    responses = _every_kind_of_response(world)
    statuses = {kind: r.status_code for kind, r in responses.items()}  # type: ignore[attr-defined]
    assert set(statuses.values()) >= {200, 302, 400, 401, 403, 404, 405}, statuses
    missing = [
        (kind, statuses[kind])
        for kind, response in responses.items()
        if response.get("X-Content-Type-Options") != "nosniff"  # type: ignore[attr-defined]
        or response.get("Referrer-Policy") not in STRICT_REFERRER_POLICIES  # type: ignore[attr-defined]
    ]
    assert missing == []


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/dashboard/",
        "/api/v1/eligibility",
        "/api/v1/openapi.json",
        "/fhir/r4/metadata",
        "/fhir/r4/Patient/1",
        "/x12/v1/realtime",
        "/oauth/token",
        "/static/healtheos/app.css",
        "/no-such-page/",
    ],
)
def test_no_response_allows_another_site_to_read_it(world: World, path: str) -> None:
    """ASVS 14.5.3: no CORS at all. A preflight from another site is answered without any
    ``Access-Control-Allow-*`` header, and so is the request itself, whatever its origin."""
    client = world.client_for(world.alice)
    origin = {"HTTP_ORIGIN": "https://evil.example"}
    preflight = client.options(
        path,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
        **origin,
    )
    answers = [
        preflight,
        client.get(path, **origin),
        client.post(path, "{}", content_type="application/json", **origin),
        client.get(path, HTTP_ORIGIN="null"),
    ]
    for response in answers:
        cors = [h for h in response.headers if h.lower().startswith("access-control-")]
        assert cors == [], (path, response.status_code, cors)
