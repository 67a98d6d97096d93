"""The fast part of the fault proof (``make proof`` runs the long one): with the cache
unreachable the portal keeps serving, and a submission retried after its first attempt's
connection dropped is stored exactly once."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client

from healtheos.apiclients.services import apiclient_create, token_issue
from healtheos.authorizations.models import PriorAuthorization
from healtheos.core import cache as resilient
from healtheos.core import counters
from healtheos.messaging.models import Message, Thread
from tests.authorizations.test_api import _body
from tests.conftest import World
from tests.factories import TEST_PASSWORD, totp_code

#: A loopback port nothing listens on: every connection is refused at once.
CLOSED = "redis://127.0.0.1:9/0"


@pytest.fixture
def cache_down(settings: Any) -> Iterator[None]:
    settings.CACHES = {
        "default": {
            "BACKEND": "healtheos.core.cache.ResilientRedisCache",
            "LOCATION": CLOSED,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    resilient.OUTAGE.down_until = 0.0
    resilient.LOCAL.clear()
    yield
    resilient.OUTAGE.down_until = 0.0


@pytest.fixture(autouse=True)
def _uploads(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = str(tmp_path)


def test_the_cache_answers_as_an_empty_cache_while_redis_is_down(cache_down: None) -> None:
    from django.core.cache import cache

    assert cache.get("anything", "default") == "default"
    cache.set("key", 1)
    assert cache.get("key") is None
    assert cache.get_many(["a", "b"]) == {}
    assert resilient.OUTAGE.is_open()


def test_counts_and_claims_still_hold_within_a_process_while_redis_is_down(
    cache_down: None,
) -> None:
    from django.core.cache import cache

    assert counters.count(["a", "b"], timeout=60) == [1, 1]
    assert counters.count(["a"], timeout=60) == [2]
    assert cache.add("used-code", 1, timeout=30) is True
    assert cache.add("used-code", 1, timeout=30) is False
    cache.add("window", 0, timeout=60)
    assert cache.incr("window") == 1
    assert cache.incr("window", 2) == 3
    cache.set("used-code", 2, timeout=90)  # a claim held longer is held longer here too
    assert cache.get("used-code") is None  # reads still miss: nothing is served locally
    assert cache.add("used-code", 1, timeout=30) is False
    assert cache.delete("used-code") is True
    assert cache.add("used-code", 1, timeout=30) is True


def test_with_redis_down_an_authenticator_code_still_works_once(
    world: World, cache_down: None
) -> None:
    code = totp_code()
    first = Client()
    first.post("/accounts/login/", {"login": "bill", "password": TEST_PASSWORD})
    assert first.post("/accounts/2fa/authenticate/", {"code": code})["Location"] == "/dashboard/"
    again = Client()
    again.post("/accounts/login/", {"login": "bill", "password": TEST_PASSWORD})
    response = again.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 200  # the form again, with its error
    assert again.get("/dashboard/").status_code == 302


def test_with_the_cache_down_people_sign_in_and_the_main_pages_serve(
    world: World, cache_down: None
) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"login": "bill", "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content
    assert response["Location"] == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response.status_code == 302
    member = world.bluebonnet.member
    pages = [
        "/dashboard/",
        "/eligibility/",
        f"/eligibility/?member_id={member.member_id}&date_of_birth={member.birth_date}",
        "/claims/",
        f"/claims/{world.bluebonnet.claim.claim_number}/",
        "/messages/",
        "/messages/new/",
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page
    key = uuid.uuid4().hex
    response = client.post(
        "/messages/new/",
        {
            "department": "claims",
            "subject": "Sent while the cache is down",
            "body": "Please look at this claim.",
            "key": key,
            "documents": [SimpleUploadedFile("note.pdf", b"%PDF-1.4\n% synthetic\n")],
        },
    )
    assert response.status_code == 302
    message = Message.objects.get(
        thread__in=Thread.objects.for_office(world.bluebonnet.office), idempotency_key=key
    )
    assert message.attachments.count() == 1


def test_with_the_cache_down_the_apis_answer(world: World, cache_down: None) -> None:
    office = world.bluebonnet.office
    client, _ = apiclient_create(
        office=office, actor=None, name="PMS", scopes=["eligibility", "authorizations"]
    )
    token, _ = token_issue(client=client, scopes=["eligibility", "authorizations"])
    member = world.bluebonnet.member
    response = Client().post(
        "/api/v1/eligibility",
        json.dumps({"member_id": member.member_id, "date_of_birth": str(member.birth_date)}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content


def test_a_retry_after_a_dropped_connection_stores_one_authorization(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = world.bluebonnet.office
    client, _ = apiclient_create(office=office, actor=None, name="PMS", scopes=["authorizations"])
    token, _ = token_issue(client=client, scopes=["authorizations"])
    key = uuid.uuid4().hex

    def post() -> Any:
        return Client(raise_request_exception=False).post(
            "/api/v1/authorizations",
            json.dumps(_body(world)),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key,
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    # The database connection drops in the middle of the first attempt's transaction.
    from healtheos.authorizations import services

    original = services.audit_record
    calls = {"n": 0}

    def drop(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "audit_record", drop)
    first = post()
    monkeypatch.setattr(services, "audit_record", original)
    assert first.status_code == 503  # the database did not answer: try again
    assert first["Retry-After"] == "5"
    stored = PriorAuthorization.objects.for_office(office).filter(idempotency_key=key)
    assert not stored.exists()
    second, third = post(), post()
    assert second.status_code == 201, second.content
    assert third.status_code == 200
    assert second.json()["tracking_number"] == third.json()["tracking_number"]
    assert stored.count() == 1
