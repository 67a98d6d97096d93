"""A batch check that a restart cut off is finished by the recovery sweep, once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from healtheos.core import tasks
from healtheos.core.recovery import sweep
from healtheos.eligibility.batch import batch_run_process
from healtheos.eligibility.models import BatchRow, BatchRun, BatchStatus
from tests.conftest import World
from tests.eligibility.conftest import Family
from tests.eligibility.test_batch import schedule


def _run(world: World, family: Family, *, silent_for: float) -> BatchRun:
    data = schedule(family)
    return BatchRun.objects.create(
        office=world.bluebonnet.office,
        user=world.frank,
        file_name="tomorrow.csv",
        digest="1" * 64,
        upload=data.decode(),
        status=BatchStatus.RUNNING,
        total_rows=2,
        created_at=timezone.now() - dt.timedelta(hours=1),
        heartbeat_at=timezone.now() - dt.timedelta(seconds=silent_for),
        lease_token="b" * 32,
    )


def test_an_interrupted_batch_is_finished_by_the_sweep_once(
    world: World, family: Family, settings: Any
) -> None:
    settings.TASK_BACKEND = "inline"
    run = _run(world, family, silent_for=settings.RECOVERY_GRACE_SECONDS + 1)
    assert [(f.kind, f.pk, f.action) for f in sweep(dispatch=tasks.run_now)] == [
        ("eligibility.batch", run.pk, "resumed")
    ]
    run.refresh_from_db()
    assert (run.status, run.done_rows) == (BatchStatus.DONE, 2)
    assert BatchRow.objects.filter(run=run).count() == 2
    assert sweep(dispatch=tasks.run_now) == []


def test_a_batch_still_making_progress_is_left_alone(
    world: World, family: Family, settings: Any
) -> None:
    settings.TASK_BACKEND = "inline"
    run = _run(world, family, silent_for=5)
    assert sweep(dispatch=tasks.run_now) == []
    batch_run_process(run_id=run.pk)  # a duplicate start of the task
    run.refresh_from_db()
    assert run.status == BatchStatus.RUNNING
    assert BatchRow.objects.filter(run=run).count() == 0
