"""Submission pages and the submission API: upload, follow, download acknowledgments;
another office's submission is never reachable."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from healtheos.claims.models import Submission
from tests.claims.x12_submissions import file_837
from tests.conftest import World
from tests.factories import api_token


@pytest.fixture(autouse=True)
def _inline(settings: object) -> None:
    settings.TASK_BACKEND = "inline"  # type: ignore[attr-defined]


def upload(client: Client, data: bytes) -> object:
    return client.post("/claims/submit/", {"file": SimpleUploadedFile("mon.837", data)})


def test_an_upload_is_followed_to_its_acknowledgments(world: World) -> None:
    client = world.client_for(world.bill)
    response = upload(client, file_837(world))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "1 claim: 1 accepted, 0 rejected" in page
    submission = Submission.objects.for_office(world.bluebonnet.office).get()
    ack = client.get(f"/claims/submissions/{submission.pk}/999/")
    assert ack["Content-Type"] == "application/edi-x12"
    assert ack.content.startswith(b"ISA")
    assert client.get(f"/claims/submissions/{submission.pk}/277ca/").content.startswith(b"ISA")
    assert "mon.837" in client.get("/claims/submit/").content.decode()


def test_an_empty_upload_is_a_message_at_the_field(world: World) -> None:
    response = upload(world.client_for(world.bill), b"")
    assert response.status_code == 400
    assert "empty" in response.content.decode()


def test_it_rejects_another_offices_submission(world: World) -> None:
    upload(world.client_for(world.bill), file_837(world))
    submission = Submission.objects.for_office(world.bluebonnet.office).get()
    olga = world.client_for(world.olga)
    assert olga.get(f"/claims/submissions/{submission.pk}/").status_code == 404
    assert olga.get(f"/claims/submissions/{submission.pk}/999/").status_code == 404
    assert "mon.837" not in olga.get("/claims/submit/").content.decode()


def test_read_only_users_cannot_submit(world: World) -> None:
    assert world.client_for(world.rita).get("/claims/submit/").status_code == 403


@pytest.fixture
def token(world: World) -> str:
    return api_token(office=world.bluebonnet.office, actor=world.alice, scopes=["claims.submit"])


def test_the_api_takes_an_837_and_serves_its_acknowledgments(world: World, token: str) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    data = file_837(world)
    response = Client().post(
        "/api/v1/claims/submissions", data=data, content_type="application/edi-x12", **auth
    )
    assert response.status_code == 202
    body = response.json()
    assert body["claims"] == {"total": 1, "accepted": 1, "rejected": 0}
    assert body["results"][0]["status"] == "A2:20"
    again = Client().post(
        "/api/v1/claims/submissions", data=data, content_type="application/edi-x12", **auth
    )
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    ack = Client().get(f"/api/v1/claims/submissions/{body['id']}/277ca", **auth)
    assert ack.content.startswith(b"ISA")


def test_the_api_never_shows_another_offices_submission(world: World, token: str) -> None:
    upload(world.client_for(world.olga), b"ISA*junk")
    theirs = Submission.objects.for_office(world.prairie.office).get()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert Client().get(f"/api/v1/claims/submissions/{theirs.pk}", **auth).status_code == 404
    assert Client().get(f"/api/v1/claims/submissions/{theirs.pk}/999", **auth).status_code == 404


def test_the_api_needs_the_submit_scope(world: World) -> None:
    response = Client().post(
        "/api/v1/claims/submissions", data=b"x", content_type="application/edi-x12"
    )
    assert response.status_code == 401
