"""``healtheos worker``: run the background work queued by the rq backend
(``HEALTHEOS_TASK_BACKEND=rq``), and sweep for work a restart interrupted.

An RQ worker on ``HEALTHEOS_TASK_QUEUE`` with its scheduler (which queues delayed work, a
webhook retry, when it is due), in a process that has Django set up and logs through the
project's logging (JSON lines, PHI masked). Each job runs in a forked work horse, which
ends with the job, so a large file's memory goes back to the system. SIGTERM (or Ctrl+C)
asks for a warm shutdown: the job in progress finishes, then the worker stops; a second
signal stops the job too, and the recovery sweep resumes it later.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from redis import Redis
from rq import Queue, Worker
from rq.job import Job
from rq.worker import BaseWorker

from healtheos.core import recovery, tasks


class ForkingWorker(Worker):
    """RQ's forking worker, letting go of this process's database connections before each
    fork: a connection's socket must not be shared by two processes (the horse opens its
    own; the sweeper thread's connection is its own and is never used by the horse)."""

    def fork_work_horse(self, job: Job, queue: Queue) -> None:
        connections.close_all()
        super().fork_work_horse(job, queue)


#: The worker class the command runs (a test runs jobs in its own process instead).
WORKER_CLASS: type[BaseWorker] = ForkingWorker


class Command(BaseCommand):
    help = (
        "Run the background work queued on HEALTHEOS_TASK_QUEUE (HEALTHEOS_TASK_BACKEND=rq), "
        "with RQ's scheduler for delayed work, and sweep every "
        "HEALTHEOS_RECOVERY_INTERVAL_SECONDS for work a restart interrupted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--burst",
            action="store_true",
            help="work until the queue is empty, then stop (no periodic sweep)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.TASK_BACKEND != "rq":
            raise CommandError(
                f"HEALTHEOS_TASK_BACKEND is {settings.TASK_BACKEND!r}: background work runs in "
                "the serving processes. Set HEALTHEOS_TASK_BACKEND=rq (and REDIS_URL) to run "
                "it here."
            )
        burst: bool = options["burst"]
        assert settings.REDIS_URL  # settings refuse the rq backend without it
        # A connection of the worker's own: RQ raises its socket timeout above the time it
        # blocks waiting for a job, which the enqueueing side's short timeout would cut off.
        redis = Redis.from_url(settings.REDIS_URL)
        worker = WORKER_CLASS(
            [tasks.queue(connection=redis)],
            connection=redis,
            default_result_ttl=tasks.RESULT_TTL,
        )
        if not burst:
            recovery.start_sweeper(queue_worker=True)
        connections.close_all()
        # logging_level=None: RQ adds no handler of its own (the root logger has the
        # project's) and its loggers take HEALTHEOS_LOG_LEVEL.
        worker.work(burst=burst, with_scheduler=True, logging_level=None)
