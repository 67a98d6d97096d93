"""The rq backend: background work becomes a job on the RQ queue in Redis, delayed work waits
in RQ's schedule, a queue worker runs it to the end, and the queue workers (not the serving
processes) sweep for work a restart interrupted. Jobs run in this process
(``rq.SimpleWorker``); a job opens and closes its database connection as in a worker, so
the tests that run one use the transactional test database."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from redis import Redis
from rq import Queue, SimpleWorker

from healtheos.claims.models import Claim, SubmissionChannel, SubmissionStatus
from healtheos.claims.submission import submission_receive
from healtheos.core import recovery, tasks
from healtheos.core.management.commands import worker as worker_command
from healtheos.core.recovery import sweep
from tests.claims.test_submission_chunks import _claims
from tests.claims.x12_submissions import file_837
from tests.conftest import RQ_TEST_REDIS_URL, World

ROOT = Path(__file__).resolve().parents[1]
TASK = "tests.test_tasks_rq.record_call"
CALLS: list[dict[str, Any]] = []


def record_call(**kwargs: Any) -> None:
    CALLS.append(kwargs)


def fails_with_health_information(**kwargs: Any) -> None:
    raise ValueError("member Jane Example, born 1980-05-17")


@pytest.fixture(autouse=True)
def _no_calls_yet() -> None:
    CALLS.clear()


def _work(queue: Queue) -> None:
    SimpleWorker([queue], connection=Redis.from_url(RQ_TEST_REDIS_URL)).work(burst=True)


@pytest.mark.django_db(transaction=True)
def test_work_started_in_the_background_is_a_job_on_the_queue(
    rq_queue: Queue, settings: Any
) -> None:
    tasks.run_in_background(TASK, submission_id=5, lease="a" * 32)
    [job] = rq_queue.get_jobs()
    assert job.func_name == "healtheos.core.tasks.run_task"
    assert job.args == (TASK, {"submission_id": 5, "lease": "a" * 32})
    assert job.timeout == settings.TASK_TIMEOUT_SECONDS == 3600
    assert job.description == TASK
    assert CALLS == []
    _work(rq_queue)
    assert CALLS == [{"submission_id": 5, "lease": "a" * 32}]
    assert rq_queue.count == 0


@pytest.mark.django_db
def test_work_started_after_commit_is_queued_only_once_the_transaction_commits(
    rq_queue: Queue, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        tasks.run_after_commit(TASK, run_id=7)
        assert rq_queue.count == 0
    [job] = rq_queue.get_jobs()
    assert job.args == (TASK, {"run_id": 7})


@pytest.mark.django_db
def test_work_of_a_rolled_back_transaction_is_never_queued(
    rq_queue: Queue, django_capture_on_commit_callbacks: Any
) -> None:
    def request() -> None:
        with transaction.atomic():
            tasks.run_after_commit(TASK, run_id=7)
            raise RuntimeError("the request failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError, match="the request failed"),
    ):
        request()
    assert callbacks == []
    assert rq_queue.count == 0


def test_delayed_work_waits_in_rqs_schedule_until_it_is_due(rq_queue: Queue) -> None:
    before = timezone.now()
    tasks.run_later(90, TASK, delivery_id=3, attempt=2)
    after = timezone.now()
    assert rq_queue.count == 0
    registry = rq_queue.scheduled_job_registry
    [job_id] = registry.get_job_ids()
    due = registry.get_scheduled_time(job_id)
    assert before + dt.timedelta(seconds=89) <= due <= after + dt.timedelta(seconds=91)
    job = rq_queue.fetch_job(job_id)
    assert job is not None
    assert job.args == (TASK, {"delivery_id": 3, "attempt": 2})


@pytest.mark.django_db
def test_a_queue_that_cannot_be_reached_leaves_the_work_to_the_sweep(
    rq_queue: Queue,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    with caplog.at_level(logging.ERROR, logger="healtheos.core.tasks"):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.run_after_commit(TASK, run_id=7)
        tasks.run_later(30, TASK, delivery_id=3)
    assert [r.getMessage() for r in caplog.records if r.name == "healtheos.core.tasks"] == [
        f"background task {TASK} could not be started; leaving it to the sweep"
    ] * 2


@pytest.mark.django_db(transaction=True)
def test_a_failed_job_keeps_only_the_exception_type_in_redis(
    rq_queue: Queue, caplog: pytest.LogCaptureFixture
) -> None:
    path = "tests.test_tasks_rq.fails_with_health_information"
    tasks.run_in_background(path, run_id=7)
    with caplog.at_level(logging.ERROR):
        _work(rq_queue)
    [job_id] = rq_queue.failed_job_registry.get_job_ids()
    job = rq_queue.fetch_job(job_id)
    assert job is not None
    result = job.latest_result()
    assert result is not None
    assert result.exc_string is not None
    assert f"TaskFailed: {path} failed with ValueError" in result.exc_string
    assert "Jane" not in result.exc_string
    # The whole story is in the project's log, whose handler masks PHI.
    assert any(r.exc_info for r in caplog.records if r.name == "healtheos.core.tasks")


def test_the_rq_backend_is_refused_without_redis(tmp_path: Path) -> None:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("REDIS_URL", "HEALTHEOS_", "DJANGO_SETTINGS_MODULE"))
    }
    environment.update(
        HEALTHEOS_TASK_BACKEND="rq",
        HEALTHEOS_VAR_DIR=str(tmp_path),
        HEALTHEOS_SECRET_KEY="k" * 40,
    )
    result = subprocess.run(
        [sys.executable, "-c", "import healtheos.settings"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "ConfigurationError: HEALTHEOS_TASK_BACKEND=rq needs REDIS_URL" in result.stderr


def test_with_the_rq_backend_the_queue_workers_sweep_and_the_serving_processes_do_not(
    rq_queue: Queue, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[object] = []
    monkeypatch.setattr(recovery.threading.Thread, "start", lambda self: started.append(self))
    monkeypatch.setattr(recovery, "_started", False)
    settings.RECOVERY_INTERVAL_SECONDS = 60
    recovery.start_sweeper()  # the WSGI module, in a serving process
    assert started == []
    recovery.start_sweeper(queue_worker=True)
    assert len(started) == 1
    settings.TASK_BACKEND = "thread"
    monkeypatch.setattr(recovery, "_started", False)
    recovery.start_sweeper(queue_worker=True)  # a worker started against a thread backend
    assert len(started) == 1


def test_the_worker_command_refuses_to_run_without_the_rq_backend(settings: Any) -> None:
    settings.TASK_BACKEND = "thread"
    with pytest.raises(CommandError, match="HEALTHEOS_TASK_BACKEND is 'thread'"):
        call_command("worker", "--burst")


# -- end to end: stored, queued, worked, done ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_stored_837_submission_is_acknowledged_by_a_queue_worker(
    rq_queue: Queue, world: World
) -> None:
    submission = submission_receive(
        office=world.bluebonnet.office,
        data=file_837(world, *_claims(world, 4), control=4),
        file_name="claims.837",
        channel=SubmissionChannel.PORTAL,
        user=world.bill,
    )
    assert submission.status == SubmissionStatus.RECEIVED
    assert rq_queue.count == 1
    _work(rq_queue)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DONE
    assert (submission.claims_total, submission.claims_accepted) == (4, 4)
    assert Claim.objects.payer_wide().filter(submission=submission).count() == 4
    # Adjudication was queued by the acknowledgment and run by the same burst.
    assert rq_queue.count == 0
    assert rq_queue.failed_job_registry.count == 0


@pytest.mark.django_db(transaction=True)
def test_work_the_sweep_finds_is_queued_and_finished_by_the_worker_command(
    rq_queue: Queue, world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from healtheos.claims.models import Submission

    monkeypatch.setattr(worker_command, "WORKER_CLASS", SimpleWorker)
    submission = submission_receive(
        office=world.bluebonnet.office,
        data=file_837(world, *_claims(world, 2), control=2),
        file_name="claims.837",
        channel=SubmissionChannel.PORTAL,
        user=world.bill,
    )
    rq_queue.empty()  # the job was lost (Redis restarted without saving, say)
    stored = timezone.now() - dt.timedelta(seconds=settings.RECOVERY_GRACE_SECONDS + 60)
    Submission.objects.payer_wide().filter(pk=submission.pk).update(received_at=stored)
    found = sweep()
    assert [(f.kind, f.pk, f.action) for f in found] == [
        ("claims.submission", submission.pk, "resumed")
    ]
    [job] = rq_queue.get_jobs()
    assert job.args[0] == "healtheos.claims.submission.submission_process"
    assert set(job.args[1]) == {"submission_id", "lease"}
    call_command("worker", "--burst", stdout=io.StringIO())
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DONE
    assert rq_queue.failed_job_registry.count == 0
