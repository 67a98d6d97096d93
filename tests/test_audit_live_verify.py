"""Verifying the audit chain of a live system: events committed while the walk goes on do
not make a sound chain look truncated (found by ``make proof``)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from healtheos.audit import services
from healtheos.audit.models import AuditEvent
from healtheos.audit.services import audit_record, audit_verify


@pytest.mark.django_db(transaction=True)
def test_events_written_during_the_walk_do_not_break_the_verdict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a second connection with a snapshot of its own (PostgreSQL)")
    audit_record(action="proof.first")
    audit_record(action="proof.second")
    original = services.event_hash
    written: list[bool] = []

    def write_elsewhere() -> None:
        # Another request of this process appends to the same lane, and commits.
        audit_record(action="proof.during-the-walk")
        connections.close_all()

    def hash_then_write(event: AuditEvent) -> Any:
        if not written:
            written.append(True)
            thread = threading.Thread(target=write_elsewhere)
            thread.start()
            thread.join()
        return original(event)

    monkeypatch.setattr(services, "event_hash", hash_then_write)
    verdict = audit_verify()
    assert written
    assert verdict.ok, verdict
    assert verdict.checked == 2
    monkeypatch.setattr(services, "event_hash", original)
    assert audit_verify().checked == 3
