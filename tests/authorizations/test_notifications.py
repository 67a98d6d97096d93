"""Status changes reach the office: in-app notices, PHI-free email, signed webhooks with
retries."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.core import mail

from healtheos.authorizations import notifications
from healtheos.authorizations.models import DeliveryStatus, OfficeWebhook, WebhookDelivery
from healtheos.authorizations.selectors import unread_notice_count
from healtheos.authorizations.services import (
    authorization_decide,
    authorization_request_info,
    webhook_configure,
)
from tests.authorizations.helpers import submit
from tests.conftest import World


@pytest.fixture
def inline_tasks(settings: Any) -> None:
    settings.TASK_BACKEND = "inline"


class Receiver:
    """Stands in for the office's system: answers with the codes given, in turn."""

    def __init__(self, *codes: int) -> None:
        self.codes = list(codes)
        self.calls: list[tuple[str, bytes, dict[str, str]]] = []

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.calls.append((url, body, headers))
        return self.codes.pop(0) if self.codes else 200


def test_a_signature_verifies_with_the_secret_and_not_without(world: World) -> None:
    body = b'{"status":"approved"}'
    now = int(time.time())
    header = notifications.sign("s3cret", body, now)
    assert notifications.verify("s3cret", body, header)
    assert not notifications.verify("other", body, header)
    assert not notifications.verify("s3cret", body + b" ", header)
    old = notifications.sign("s3cret", body, now - 3600)
    assert not notifications.verify("s3cret", body, old)


def test_each_status_change_is_posted_signed_with_a_deep_link(
    world: World,
    inline_tasks: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    receiver = Receiver()
    monkeypatch.setattr(notifications, "_post", receiver)
    _, secret = webhook_configure(
        office=world.bluebonnet.office, actor=world.alice, url="https://pms.example.com/hook"
    )
    request = submit(world)
    authorization_decide(authorization=request, reviewer=world.petra, decision="approve")
    assert len(receiver.calls) == 2
    url, body, headers = receiver.calls[-1]
    assert url == "https://pms.example.com/hook"
    assert notifications.verify(secret, body, headers[notifications.SIGNATURE_HEADER])
    payload = json.loads(body)
    assert payload["status"] == "approved"
    assert payload["tracking_number"] == request.tracking_number
    assert payload["link"].endswith(f"/authorizations/{request.tracking_number}/")
    member = world.bluebonnet.member
    assert member.member_id not in body.decode()
    assert member.last_name not in body.decode()


def test_a_failed_delivery_is_retried_until_it_succeeds(
    world: World, inline_tasks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = Receiver(500, 0, 200)
    monkeypatch.setattr(notifications, "_post", receiver)
    delays: list[float] = []
    original = notifications.tasks.run_later

    def record(delay: float, path: str, **kwargs: Any) -> None:
        delays.append(delay)
        original(delay, path, **kwargs)

    monkeypatch.setattr(notifications.tasks, "run_later", record)
    webhook_configure(
        office=world.bluebonnet.office, actor=world.alice, url="https://pms.example.com/hook"
    )
    submit(world)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 3
    assert delays == list(notifications.RETRY_DELAYS[:2])


def test_a_delivery_that_keeps_failing_gives_up(
    world: World, inline_tasks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = Receiver(*([503] * 20))
    monkeypatch.setattr(notifications, "_post", receiver)
    webhook_configure(
        office=world.bluebonnet.office, actor=world.alice, url="https://pms.example.com/hook"
    )
    submit(world)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == len(notifications.RETRY_DELAYS) + 1
    assert delivery.last_response_code == 503


def test_a_private_address_is_refused(world: World) -> None:
    from django.core.exceptions import ValidationError

    for url in ("http://pms.example.com/hook", "https://10.0.0.5/hook", "https://127.0.0.1/x"):
        with pytest.raises(ValidationError):
            webhook_configure(office=world.bluebonnet.office, actor=world.alice, url=url)


def test_the_office_is_told_in_the_app_and_by_email_without_health_information(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    request = submit(world)
    assert unread_notice_count(office=world.bluebonnet.office, user=world.clara) == 0
    with django_capture_on_commit_callbacks(execute=True):
        authorization_request_info(
            authorization=request, reviewer=world.petra, question="Send the MRI report."
        )
    assert unread_notice_count(office=world.bluebonnet.office, user=world.clara) == 1
    assert unread_notice_count(office=world.prairie.office, user=world.olga) == 0
    message = mail.outbox[-1]
    text = message.subject + message.body
    for secret in (request.tracking_number, world.bluebonnet.member.last_name, "MRI"):
        assert secret not in text
    # Front desk (no authorization role) is not mailed.
    assert "frank" not in " ".join(message.to)


def test_an_administrator_sets_the_webhook_and_sees_the_secret_once(world: World) -> None:
    client = world.client_for(world.alice)
    response = client.post("/authorizations/webhook/", {"url": "https://pms.example.com/hook"})
    assert response.status_code == 200
    secret = OfficeWebhook.objects.for_office(world.bluebonnet.office).get().secret
    assert secret in response.content.decode()
    assert secret not in client.get("/authorizations/webhook/").content.decode()
    assert world.client_for(world.clara).get("/authorizations/webhook/").status_code == 403
    # Another office's administrator sees only their own (none).
    other = world.client_for(world.olga).get("/authorizations/webhook/").content.decode()
    assert "pms.example.com" not in other
