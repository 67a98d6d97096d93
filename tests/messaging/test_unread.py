"""The unread count: threads with someone else's message since the person last read."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from healtheos.messaging.models import Message, ReadMarker
from healtheos.messaging.services import unread_count
from tests.conftest import World


def test_a_thread_counts_until_it_is_read_and_again_after_a_new_answer(world: World) -> None:
    thread = world.bluebonnet.thread
    now = timezone.now()
    Message.objects.create(
        thread=thread,
        author=world.petra,
        from_payer=True,
        body="x",
        created_at=now - dt.timedelta(hours=2),
        idempotency_key="a",
    )
    assert unread_count(office=world.bluebonnet.office, user=world.bill) == 1
    ReadMarker.objects.create(thread=thread, user=world.bill, read_at=now - dt.timedelta(hours=1))
    assert unread_count(office=world.bluebonnet.office, user=world.bill) == 0
    Message.objects.create(
        thread=thread,
        author=world.petra,
        from_payer=True,
        body="y",
        created_at=now,
        idempotency_key="b",
    )
    assert unread_count(office=world.bluebonnet.office, user=world.bill) == 1
    assert unread_count(office=world.prairie.office, user=world.bill) == 0
