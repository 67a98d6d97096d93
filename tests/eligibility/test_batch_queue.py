"""With the rq backend an uploaded schedule is checked by a queue worker, not the server."""

from __future__ import annotations

import pytest
from redis import Redis
from rq import Queue, SimpleWorker

from healtheos.eligibility.batch import batch_run_start
from healtheos.eligibility.models import BatchRow, BatchStatus
from tests.conftest import RQ_TEST_REDIS_URL, World
from tests.eligibility.conftest import Family
from tests.eligibility.test_batch import schedule


@pytest.mark.django_db(transaction=True)
def test_an_uploaded_schedule_waits_on_the_queue_and_a_worker_checks_it(
    rq_queue: Queue, world: World, family: Family
) -> None:
    run = batch_run_start(
        office=world.bluebonnet.office,
        user=world.frank,
        file_name="tomorrow.csv",
        data=schedule(family),
    )
    assert run.status == BatchStatus.QUEUED
    [job] = rq_queue.get_jobs()
    assert job.args == ("healtheos.eligibility.batch.batch_run_process", {"run_id": run.pk})
    SimpleWorker([rq_queue], connection=Redis.from_url(RQ_TEST_REDIS_URL)).work(burst=True)
    run.refresh_from_db()
    assert (run.status, run.done_rows) == (BatchStatus.DONE, 2)
    assert BatchRow.objects.filter(run=run).count() == 2
    assert rq_queue.failed_job_registry.count == 0
