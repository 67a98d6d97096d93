from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from healtheos.audit.models import AuditChainHead, AuditEvent
from healtheos.audit.services import audit_record, audit_verify, event_hash
from tests.conftest import World


def test_events_chain_and_verify(world: World) -> None:
    for index in range(5):
        audit_record(
            action="member.view",
            actor=world.alice,
            office=world.bluebonnet.office,
            member_pk=world.bluebonnet.member.pk,
            detail={"n": index},
        )
    verdict = audit_verify()
    assert verdict.ok
    assert verdict.checked == 5


def test_the_application_cannot_change_or_delete_an_event(world: World) -> None:
    event = audit_record(action="claim.view", actor=world.bill)
    event.action = "something else"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="x")


def test_tampering_in_the_database_is_detected_at_the_first_broken_link(world: World) -> None:
    events = [audit_record(action=f"a.{i}", actor=world.alice) for i in range(4)]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [events[2].pk]
        )
    verdict = audit_verify()
    assert not verdict.ok
    assert verdict.broken_at == events[2].pk
    with pytest.raises(CommandError, match=f"broken at event {events[2].pk}"):
        call_command("audit_verify")


def test_a_deleted_event_breaks_the_chain(world: World) -> None:
    events = [audit_record(action=f"a.{i}", actor=world.alice) for i in range(3)]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    verdict = audit_verify()
    assert verdict.broken_at == events[2].pk


def test_a_truncated_tail_is_detected(world: World) -> None:
    events = [audit_record(action=f"a.{i}", actor=world.alice) for i in range(3)]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    assert not audit_verify().ok


def _in_process(monkeypatch: pytest.MonkeyPatch, pid: int) -> None:
    monkeypatch.setattr("healtheos.audit.services.os.getpid", lambda: pid)


def test_processes_write_to_their_own_lanes_and_every_lane_verifies(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(6):
        _in_process(monkeypatch, 100 + index % 3)
        audit_record(action=f"a.{index}", actor=world.alice)
    lanes = set(AuditEvent.objects.values_list("lane", flat=True))
    assert len(lanes) == 3
    verdict = audit_verify()
    assert verdict.ok
    assert verdict.checked == 6


def test_an_event_moved_to_another_lane_breaks_the_chain(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = []
    for index in range(4):
        _in_process(monkeypatch, 100 + index % 2)
        events.append(audit_record(action=f"a.{index}", actor=world.alice))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET lane = %s WHERE id = %s",
            [events[1].lane, events[2].pk],
        )
    assert audit_verify().broken_at == events[2].pk


def test_a_truncated_tail_in_any_lane_is_detected(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = []
    for index in range(4):
        _in_process(monkeypatch, 100 + index % 2)
        events.append(audit_record(action=f"a.{index}", actor=world.alice))
    # The last event of the first lane (not the newest event of all) goes missing.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    verdict = audit_verify()
    assert not verdict.ok
    assert verdict.reason == "events after this one are missing"


def _forge(*, pk: int, lane: int, previous: AuditEvent, action: str) -> AuditEvent:
    """An event written straight into the table by someone who knows the hashing: its own
    hash is right and it links to a real predecessor."""
    forged = AuditEvent(
        pk=pk,
        at=previous.at,
        actor_username="mallory",
        action=action,
        lane=lane,
        previous_hash=previous.hash,
    )
    forged.hash = event_hash(forged)
    AuditEvent.objects.bulk_create([forged])
    return forged


def test_an_event_inserted_in_the_middle_is_detected_at_the_next_link(world: World) -> None:
    events = [audit_record(action=f"a.{i}", actor=world.alice) for i in range(4)]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    _forge(pk=events[1].pk, lane=events[1].lane, previous=events[0], action="claim.view")
    verdict = audit_verify()
    assert verdict.broken_at == events[2].pk
    assert verdict.reason == "links to a different predecessor"


def test_an_event_appended_outside_the_application_is_detected(world: World) -> None:
    events = [audit_record(action=f"a.{i}", actor=world.alice) for i in range(3)]
    forged = _forge(pk=events[-1].pk + 1, lane=events[-1].lane, previous=events[-1], action="x")
    verdict = audit_verify()
    assert verdict.broken_at == forged.pk
    assert verdict.reason == "added after its lane's head, outside the application"


def test_a_rewritten_chain_head_is_detected(world: World) -> None:
    events = [audit_record(action=f"a.{i}", actor=world.alice) for i in range(3)]
    AuditChainHead.objects.filter(pk=events[-1].lane + 1).update(last_hash="f" * 64)
    verdict = audit_verify()
    assert verdict.broken_at == events[-1].pk
    assert verdict.reason == "its lane's head was altered"


def test_a_head_moved_back_to_hide_a_deleted_tail_is_detected_as_foreign_events(
    world: World,
) -> None:
    events = [audit_record(action=f"a.{i}", actor=world.alice) for i in range(3)]
    AuditChainHead.objects.filter(pk=events[-1].lane + 1).update(
        last_hash=events[0].hash, last_event_id=events[0].pk
    )
    verdict = audit_verify()
    assert verdict.broken_at == events[1].pk
    assert not verdict.ok


def test_a_deleted_chain_head_is_detected(world: World) -> None:
    events = [audit_record(action=f"a.{i}", actor=world.alice) for i in range(3)]
    AuditChainHead.objects.filter(pk=events[0].lane + 1).delete()
    verdict = audit_verify()
    assert verdict.broken_at == events[0].pk
    assert verdict.reason == "its lane has no head"
    with pytest.raises(CommandError, match=f"broken at event {events[0].pk}: its lane has no"):
        call_command("audit_verify")
