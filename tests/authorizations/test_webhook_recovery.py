"""A webhook retry that was pending when the server restarted (its timer gone with the
process) is made by the recovery sweep once it is due, and only once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from healtheos.authorizations import notifications
from healtheos.authorizations.models import DeliveryStatus, WebhookDelivery
from healtheos.authorizations.services import webhook_configure
from healtheos.core import tasks
from healtheos.core.recovery import sweep
from tests.authorizations.helpers import submit
from tests.authorizations.test_notifications import Receiver
from tests.conftest import World


@pytest.fixture
def restarted(settings: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, int]]:
    """Inline tasks, but a retry's timer is lost (as it is when the process restarts)."""
    settings.TASK_BACKEND = "inline"
    lost: list[tuple[float, int]] = []
    monkeypatch.setattr(
        notifications.tasks,
        "run_later",
        lambda delay, path, **kwargs: lost.append((delay, kwargs["attempt"])),
    )
    return lost


def test_a_retry_pending_at_restart_is_delivered_once_by_the_sweep(
    world: World, restarted: list[tuple[float, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = Receiver(500, 200)
    monkeypatch.setattr(notifications, "_post", receiver)
    webhook_configure(
        office=world.bluebonnet.office, actor=world.alice, url="https://pms.example.com/hook"
    )
    submit(world)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert restarted == [(notifications.RETRY_DELAYS[0], 2)]
    assert delivery.next_attempt_at is not None
    # Not due yet: the sweep leaves it.
    assert sweep(dispatch=tasks.run_now) == []
    # Its time comes while no timer remembers it.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )
    found = sweep(dispatch=tasks.run_now)
    assert [(f.kind, f.action) for f in found] == [("authorizations.webhook_delivery", "resumed")]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert len(receiver.calls) == 2
    # A second sweep, and the lost timer firing after all, send nothing more.
    assert sweep(dispatch=tasks.run_now) == []
    notifications.webhook_deliver(delivery_id=delivery.pk, attempt=2)
    assert len(receiver.calls) == 2
    assert delivery.resumes == 0


def test_the_timer_and_the_sweep_make_a_due_attempt_once(
    world: World, restarted: list[tuple[float, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = Receiver(500, 500, 200)
    monkeypatch.setattr(notifications, "_post", receiver)
    webhook_configure(
        office=world.bluebonnet.office, actor=world.alice, url="https://pms.example.com/hook"
    )
    submit(world)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )
    # The timer fires first and makes attempt 2 (it fails again) ...
    notifications.webhook_deliver(delivery_id=delivery.pk, attempt=2)
    # ... so the sweep, which had found attempt 2 due, finds nothing due now.
    assert sweep(dispatch=tasks.run_now) == []
    # And the same timer firing twice makes no third call.
    notifications.webhook_deliver(delivery_id=delivery.pk, attempt=2)
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert len(receiver.calls) == 2


def test_an_attempt_cut_off_midway_is_made_again_after_the_grace_period(
    world: World, restarted: list[tuple[float, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = Receiver(200)
    monkeypatch.setattr(notifications, "_post", receiver)
    monkeypatch.setattr(notifications.tasks, "run_after_commit", lambda *a, **k: None)
    webhook_configure(
        office=world.bluebonnet.office, actor=world.alice, url="https://pms.example.com/hook"
    )
    submit(world)
    delivery = WebhookDelivery.objects.get()
    # The worker took the lease for attempt 1 and died while posting.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        lease_token="a" * 32, heartbeat_at=timezone.now()
    )
    assert sweep(dispatch=tasks.run_now) == []
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert [f.action for f in sweep(dispatch=tasks.run_now)] == ["resumed"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.resumes) == (
        DeliveryStatus.DELIVERED,
        1,
        1,
    )
    assert len(receiver.calls) == 1
