"""The recovery sweep finds background work that a restart interrupted and starts it again:
once, by one sweeper, and never work that another process is still making progress on."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from healtheos.audit.models import AuditEvent
from healtheos.claims import intake
from healtheos.claims.models import (
    Claim,
    ClaimStatus,
    Submission,
    SubmissionChannel,
    SubmissionStatus,
    SubmittedClaim,
)
from healtheos.claims.submission import submission_process, submission_receive
from healtheos.core import recovery, tasks
from healtheos.core.recovery import LeaseLost, lease_take, lease_update, sweep, turn_take
from tests.claims.test_submission_chunks import _claims, _receive
from tests.claims.x12_submissions import file_837
from tests.conftest import World

GRACE = 300


@pytest.fixture(autouse=True)
def _inline(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.TASK_BACKEND = "inline"
    settings.RECOVERY_GRACE_SECONDS = GRACE
    settings.RECOVERY_MAX_RESUMES = 3
    monkeypatch.setattr(intake, "CHUNK", 3)
    monkeypatch.setattr("healtheos.claims.submission.CHUNK", 3)


def _ago(seconds: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=seconds)


def _interrupted(world: World, *, silent_for: float, count: int = 8) -> Submission:
    """A submission whose worker stopped after its first chunk, ``silent_for`` seconds ago:
    the later claims were never written and the run's lease was never let go."""
    submission = _receive(world, file_837(world, *_claims(world, count), control=count))
    later = SubmittedClaim.objects.filter(submission=submission, sequence__gt=3)
    Claim.objects.payer_wide().filter(
        pk__in=later.exclude(claim=None).values_list("claim", flat=True)
    ).delete()
    later.delete()
    Submission.objects.payer_wide().filter(pk=submission.pk).update(
        status=SubmissionStatus.PROCESSING,
        claims_total=3,
        heartbeat_at=_ago(silent_for),
        lease_token="f" * 32,
    )
    return submission


def _resumer(name: str) -> recovery.Resumer:
    return next(r for r in recovery.resumers() if r.name == name)


def _claim_counts(submission: Submission) -> tuple[int, int]:
    """Claims stored for the submission, and sequences stored more than once."""
    stored = Claim.objects.payer_wide().filter(submission=submission).count()
    twice = (
        SubmittedClaim.objects.filter(submission=submission)
        .values("sequence")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    return stored, twice


def test_a_stranded_submission_is_finished_by_the_sweep_exactly_once(world: World) -> None:
    submission = _interrupted(world, silent_for=GRACE + 60)
    found = sweep(dispatch=tasks.run_now)
    assert [(f.kind, f.pk, f.action) for f in found] == [
        ("claims.submission", submission.pk, "resumed")
    ]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DONE
    assert (submission.claims_total, submission.claims_accepted) == (8, 8)
    assert _claim_counts(submission) == (8, 0)
    assert submission.resumes == 1
    assert submission.ack_277ca.count("ST*277*") == 1
    # Finished: the next sweep has nothing to do.
    assert sweep(dispatch=tasks.run_now) == []
    assert _claim_counts(submission) == (8, 0)


def test_a_run_in_progress_within_the_grace_period_is_left_alone(world: World) -> None:
    submission = _interrupted(world, silent_for=GRACE - 30)
    started: list[tuple[str, dict[str, Any]]] = []
    assert sweep(dispatch=lambda path, **kw: started.append((path, kw))) == []
    assert sweep(dry_run=True) == []
    assert started == []
    # Nor does a second start of the task (a duplicate in a queue) touch it.
    submission_process(submission_id=submission.pk, adjudicate=False)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PROCESSING
    assert submission.claims_total == 3


def test_a_submission_nobody_started_waits_for_the_grace_period_then_runs(world: World) -> None:
    submission = _interrupted(world, silent_for=0)
    Submission.objects.payer_wide().filter(pk=submission.pk).update(
        status=SubmissionStatus.RECEIVED, heartbeat_at=None, lease_token=""
    )
    assert sweep(dry_run=True) == []
    Submission.objects.payer_wide().filter(pk=submission.pk).update(received_at=_ago(GRACE + 1))
    assert [f.action for f in sweep(dispatch=tasks.run_now)] == ["resumed"]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DONE
    # Its task was lost before it ran, not cut off: that is no resume.
    assert submission.resumes == 0


def test_two_sweeps_at_once_start_the_work_once(world: World) -> None:
    submission = _interrupted(world, silent_for=GRACE + 60)
    first: list[dict[str, Any]] = []
    second: list[dict[str, Any]] = []
    # Both sweepers see the submission stranded before either takes it ...
    now = timezone.now()
    resumer = _resumer("claims.submission")
    assert list(resumer.rows().filter(resumer.stranded(now)).values_list("pk", flat=True)) == [
        submission.pk
    ]
    # ... and each tries to take its lease: one conditional update moves the heartbeat.
    taken = [recovery._take_for_sweep(resumer, submission.pk, now) for _ in range(2)]
    assert taken[0] is not None
    assert taken[1] is None
    # Whole sweeps, one after the other while the first's work is still queued.
    Submission.objects.payer_wide().filter(pk=submission.pk).update(heartbeat_at=_ago(GRACE + 1))
    sweep(dispatch=lambda path, **kw: first.append(kw))
    sweep(dispatch=lambda path, **kw: second.append(kw))
    assert len(first) == 1
    assert second == []
    # The task run with an outdated lease (the one taken just before) does nothing.
    assert taken[0] is not None
    submission_process(submission_id=submission.pk, adjudicate=False, lease=taken[0][0])
    assert _claim_counts(submission)[0] == 3
    # The task run with the sweep's lease finishes it.
    submission_process(adjudicate=False, **first[0])
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DONE
    assert _claim_counts(submission) == (8, 0)


def test_a_run_whose_lease_was_taken_over_stops_writing(world: World) -> None:
    submission = _interrupted(world, silent_for=GRACE + 60)
    rows = Submission.objects.payer_wide()
    unfinished = _resumer("claims.submission").unfinished
    old = lease_take(rows, submission.pk, unfinished=unfinished)
    assert old
    rows.filter(pk=submission.pk).update(heartbeat_at=_ago(GRACE + 1))
    new = lease_take(rows, submission.pk, unfinished=unfinished)
    assert new
    assert new != old
    with pytest.raises(LeaseLost):
        lease_update(rows, submission.pk, old, claims_total=99)
    lease_update(rows, submission.pk, new, claims_total=4)
    assert rows.get(pk=submission.pk).claims_total == 4


def test_work_that_keeps_stopping_is_given_up_after_the_limit(world: World) -> None:
    submission = _interrupted(world, silent_for=GRACE + 60)
    Submission.objects.payer_wide().filter(pk=submission.pk).update(resumes=3)
    assert [f.action for f in sweep(dispatch=tasks.run_now)] == ["gave up"]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.FAILED
    assert "stopped repeatedly" in submission.error
    assert sweep(dry_run=True) == []


@pytest.mark.django_db
def test_one_process_takes_the_turn_to_sweep_each_interval(settings: Any) -> None:
    settings.RECOVERY_INTERVAL_SECONDS = 60
    now = timezone.now()
    assert turn_take(now=now)
    assert not turn_take(now=now)
    assert not turn_take(now=now + dt.timedelta(seconds=30))
    assert turn_take(now=now + dt.timedelta(seconds=60))


def test_the_sweeper_thread_is_not_started_without_the_thread_backend(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[object] = []
    monkeypatch.setattr(recovery.threading.Thread, "start", lambda self: started.append(self))
    monkeypatch.setattr(recovery, "_started", False)
    recovery.start_sweeper()  # inline
    settings.TASK_BACKEND = "thread"
    settings.RECOVERY_INTERVAL_SECONDS = 0
    recovery.start_sweeper()
    assert started == []
    settings.RECOVERY_INTERVAL_SECONDS = 60
    recovery.start_sweeper()
    recovery.start_sweeper()
    assert len(started) == 1


def test_the_command_says_what_it_resumed_and_a_dry_run_starts_nothing(world: World) -> None:
    submission = _interrupted(world, silent_for=GRACE + 60)
    out = io.StringIO()
    call_command("resume_work", "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [
        f"stranded: claims.submission {submission.pk}",
        f"1 stranded (work counts as stranded after {GRACE} s without progress).",
    ]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PROCESSING
    out = io.StringIO()
    call_command("resume_work", stdout=out)
    assert out.getvalue().splitlines() == [
        f"resumed: claims.submission {submission.pk}",
        f"1 resumed (work counts as stranded after {GRACE} s without progress).",
    ]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DONE
    out = io.StringIO()
    call_command("resume_work", stdout=out)
    assert out.getvalue().startswith("Nothing to resume")


def test_an_acknowledged_file_whose_adjudication_was_cut_off_is_adjudicated_by_the_sweep(
    world: World,
) -> None:
    """The restart came after the 999/277CA and before the adjudicator had seen every
    claim: the sweep decides the claims still received, once each."""
    submission = _interrupted(world, silent_for=GRACE + 60)
    submission_process(submission_id=submission.pk, adjudicate=False, lease="f" * 32)
    claims = Claim.objects.payer_wide().filter(submission=submission)
    assert claims.filter(status=ClaimStatus.RECEIVED).count() == 8
    Submission.objects.payer_wide().filter(pk=submission.pk).update(
        adjudication_pending=True, heartbeat_at=_ago(GRACE + 60)
    )

    found = sweep(dispatch=tasks.run_now)

    assert [(f.kind, f.pk) for f in found] == [("claims.submission", submission.pk)]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DONE
    assert submission.adjudication_pending is False
    assert not claims.filter(status=ClaimStatus.RECEIVED).exists()
    decided = AuditEvent.objects.filter(action="claims.adjudicated").count()
    assert sweep(dispatch=tasks.run_now) == []
    assert AuditEvent.objects.filter(action="claims.adjudicated").count() == decided


def test_a_file_adjudicated_in_one_go_leaves_nothing_pending(world: World) -> None:
    submission = submission_receive(
        office=world.bluebonnet.office,
        data=file_837(world, *_claims(world, 4), control=4),
        file_name="claims.837",
        channel=SubmissionChannel.PORTAL,
        user=world.bill,
        background=False,
        adjudicate=True,
    )
    submission.refresh_from_db()
    assert (
        not Claim.objects.payer_wide()
        .filter(submission=submission, status=ClaimStatus.RECEIVED)
        .exists()
    )
    assert submission.status == SubmissionStatus.DONE
    assert submission.adjudication_pending is False
    assert sweep(dispatch=tasks.run_now) == []
