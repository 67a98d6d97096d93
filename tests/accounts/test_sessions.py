"""Idle and absolute session limits, the way back to the page, and drafts kept across."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from healtheos.accounts.sessions import DRAFT, LAST_ACTIVITY, SIGNED_IN_AT
from tests.conftest import World
from tests.factories import TEST_PASSWORD, totp_code

pytestmark = pytest.mark.urls("tests.draft_urls")


def _age(client: Client, *, idle: float = 0, signed_in: float = 0) -> None:
    session = client.session
    now = time.time()
    session[LAST_ACTIVITY] = now - idle
    session[SIGNED_IN_AT] = now - signed_in
    session.save()


def test_an_idle_session_ends_and_offers_the_way_back(world: World) -> None:
    client = world.client_for(world.frank)
    client.get("/dashboard/")
    _age(client, idle=16 * 60)
    response = client.get("/dashboard/?tab=2")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fdashboard%2F%3Ftab%3D2&ended=idle"
    assert client.get("/dashboard/").status_code == 302  # signed out for real


def test_a_session_ends_after_the_absolute_limit_however_active(world: World) -> None:
    client = world.client_for(world.frank)
    client.get("/dashboard/")
    _age(client, idle=5, signed_in=13 * 3600)
    response = client.get("/dashboard/")
    assert "ended=absolute" in response["Location"]


def test_checking_the_clock_is_not_activity_but_staying_signed_in_is(world: World) -> None:
    client = world.client_for(world.frank)
    client.get("/dashboard/")
    _age(client, idle=14 * 60)
    remaining = client.get("/accounts/session/ping/").json()["remaining_seconds"]
    assert 50 <= remaining <= 60
    assert client.post("/accounts/session/extend/").json()["remaining_seconds"] == 15 * 60
    assert client.get("/accounts/session/ping/").json()["remaining_seconds"] >= 15 * 60 - 2


def test_a_form_posted_after_the_limit_is_kept_and_restored_after_signing_in(world: World) -> None:
    client = world.client_for(world.clara)
    client.get("/test/notes/")
    _age(client, idle=20 * 60)
    response = client.post("/test/notes/", {"notes": "knee pain for six weeks", "password": "x"})
    assert "next=%2Ftest%2Fnotes%2F" in response["Location"]
    assert client.session[DRAFT]["fields"] == {"notes": ["knee pain for six weeks"]}
    client.post(
        "/accounts/login/", {"login": "clara", "password": TEST_PASSWORD, "next": "/test/notes/"}
    )
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response["Location"] == "/test/notes/"
    page = client.get("/test/notes/")
    assert page.context["restored_draft"] == {"notes": ["knee pain for six weeks"]}
    assert client.get("/test/notes/").context["restored_draft"] is None  # only once


def test_the_browsers_idle_sign_out_ends_the_session_even_a_moment_early(world: World) -> None:
    """The page's clock may reach zero a moment before the server's: the sign-out it sends
    still ends the session, so the sign-in page does not bounce the person back."""
    client = world.client_for(world.clara)
    client.get("/test/notes/")
    _age(client, idle=15 * 60 - 1)
    answer = client.post(
        "/accounts/session/draft/", {"path": "/test/notes/", "notes": "left knee", "code": "1"}
    ).json()
    assert answer["signed_out"] is True
    assert answer["saved"] is True
    assert answer["login"] == "/accounts/login/?next=%2Ftest%2Fnotes%2F&ended=idle"
    assert client.get("/accounts/login/?next=/test/notes/").status_code == 200
    assert client.session[DRAFT]["fields"] == {"notes": ["left knee"]}


def test_an_idle_sign_out_without_a_form_keeps_no_draft(world: World) -> None:
    client = world.client_for(world.frank)
    client.get("/dashboard/")
    answer = client.post("/accounts/session/draft/", {"path": "/dashboard/"}).json()
    assert answer == {
        "signed_out": True,
        "saved": False,
        "login": "/accounts/login/?next=%2Fdashboard%2F&ended=idle",
    }
    assert DRAFT not in client.session
    assert client.get("/dashboard/").status_code == 302


def test_someone_else_signing_in_on_the_same_browser_does_not_get_the_draft(world: World) -> None:
    client = world.client_for(world.clara)
    client.get("/test/notes/")
    _age(client, idle=20 * 60)
    client.post("/test/notes/", {"notes": "private"})
    client.post("/accounts/login/", {"login": "frank", "password": TEST_PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert client.get("/test/notes/").context["restored_draft"] is None


def test_sign_in_never_redirects_off_site(world: World) -> None:
    client = Client()
    client.post(
        "/accounts/login/",
        {"login": "frank", "password": TEST_PASSWORD, "next": "https://evil.example/x"},
    )
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert "evil.example" not in response["Location"]


def test_forms_require_a_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "frank", "password": TEST_PASSWORD})
    assert response.status_code == 403
