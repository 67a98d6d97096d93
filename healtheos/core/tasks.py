"""Background work: in-process by default, so the demo needs nothing else running.

``run_in_background("healtheos.eligibility.batch.batch_run_process", run_id=5)`` names the
function by its dotted path (what a queue needs to pickle) and passes keyword arguments of
plain types. Work must keep its progress in the database, so that a page can poll it and
a restart can tell an interrupted run from a finished one.

Backends (``HEALTHEOS_TASK_BACKEND``):
- ``thread``: a small pool of threads in the serving process (the default). Fine for one
  machine; a worker restart abandons a run in progress, which its page then reports.
- ``inline``: run at once in the caller (tests, single-shot commands).
- ``rq``: a job on the RQ queue ``HEALTHEOS_TASK_QUEUE`` in the Redis of ``REDIS_URL``,
  run by ``healtheos worker`` (:func:`run_task`); delayed work waits in RQ's schedule,
  which the worker's scheduler moves onto the queue when it is due.

Work that a restart interrupted, a retry whose timer a restart forgot, or a job that never
reached the queue is found in the database and started again by the recovery sweep
(:mod:`healtheos.core.recovery`).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue
from rq.job import Job

log = logging.getLogger(__name__)

_pool: ThreadPoolExecutor | None = None

#: How long RQ keeps a finished job's record, and a failed one's (its traceback names only
#: the exception's type, see :func:`run_task`). The work's own row is the lasting record.
RESULT_TTL = 3600
FAILURE_TTL = 7 * 24 * 3600


class TaskFailed(RuntimeError):
    """A queued task raised; its message names only the task and the exception's type."""


def _resolve(path: str) -> Any:
    module, _, name = path.rpartition(".")
    return getattr(import_module(module), name)


def _run_in_thread(path: str, kwargs: dict[str, Any]) -> None:
    close_old_connections()
    try:
        _resolve(path)(**kwargs)
    except Exception:
        log.exception("background task %s failed", path)
    finally:
        connection.close()


def run_task(path: str, kwargs: dict[str, Any]) -> None:
    """What every RQ job calls: the task named by ``path``, with Django set up and the
    database connection handled as a thread of the pool handles it. A failure is logged
    here, through the PHI mask, and the job fails with only the task's path and the
    exception's type, so the job's record in Redis carries no message that could hold
    health information. RQ does not retry: the recovery sweep resumes unfinished work."""
    _setup_django()
    close_old_connections()
    try:
        _resolve(path)(**kwargs)
    except Exception as exc:
        log.exception("background task %s failed", path)
        raise TaskFailed(f"{path} failed with {type(exc).__name__}") from None
    finally:
        connection.close()


def _setup_django() -> None:
    # ``healtheos worker`` has set Django up before the job was forked; a plain ``rq worker``
    # pointed at the queue has not.
    from django.apps import apps

    if not apps.ready:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healtheos.settings")
        django.setup()


@functools.cache
def _redis(url: str) -> Redis[bytes]:
    # Short timeouts and one retry (the client's default backs off ten times): a request
    # that enqueues must not hang on an unreachable Redis. Its rows are stored; the recovery
    # sweep starts work whose job never reached the queue.
    return Redis.from_url(
        url, socket_connect_timeout=2, socket_timeout=5, retry=Retry(NoBackoff(), 1)
    )


def queue(*, connection: Redis[bytes] | None = None) -> Queue:
    """The rq backend's queue (``HEALTHEOS_TASK_QUEUE`` in the Redis of ``REDIS_URL``)."""
    if not settings.REDIS_URL:
        raise ValueError("the rq backend needs REDIS_URL")
    return Queue(
        settings.TASK_QUEUE,
        connection=connection or _redis(settings.REDIS_URL),
        default_timeout=settings.TASK_TIMEOUT_SECONDS,
    )


def _enqueue(path: str, kwargs: dict[str, Any], *, delay_seconds: float = 0) -> Job:
    options: dict[str, Any] = {
        "job_timeout": settings.TASK_TIMEOUT_SECONDS,
        "result_ttl": RESULT_TTL,
        "failure_ttl": FAILURE_TTL,
        "description": path,  # not the arguments' repr: ids and lease tokens say nothing
    }
    if delay_seconds > 0:
        return queue().enqueue_in(
            dt.timedelta(seconds=delay_seconds), run_task, path, kwargs, **options
        )
    return queue().enqueue(run_task, path, kwargs, **options)


def run_now(path: str, **kwargs: Any) -> None:
    """Run the work in the caller, whatever the backend (a command that waits for it)."""
    _resolve(path)(**kwargs)


def run_in_background(path: str, **kwargs: Any) -> None:
    global _pool
    backend = settings.TASK_BACKEND
    if backend == "inline":
        _resolve(path)(**kwargs)
        return
    if backend == "rq":
        _enqueue(path, kwargs)
        return
    if backend != "thread":
        raise ValueError(f"unknown HEALTHEOS_TASK_BACKEND {backend!r}")
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="healtheos-task")
    _pool.submit(_run_in_thread, path, kwargs)


def _start_or_leave_to_sweep(path: str, kwargs: dict[str, Any], delay_seconds: float = 0) -> None:
    try:
        if delay_seconds > 0:
            _enqueue(path, kwargs, delay_seconds=delay_seconds)
        else:
            run_in_background(path, **kwargs)
    except Exception:
        # The caller's rows are stored: the recovery sweep starts the work it finds
        # unstarted (or a retry that came due) after the grace period.
        log.exception("background task %s could not be started; leaving it to the sweep", path)


def run_after_commit(path: str, **kwargs: Any) -> None:
    """Start the work once the caller's transaction has committed (a thread or a queue
    worker must see the rows it is to work on); the inline backend runs it at once, in the
    caller's transaction. A queue that cannot be reached then fails nobody's request."""
    if settings.TASK_BACKEND == "inline":
        run_in_background(path, **kwargs)
        return
    transaction.on_commit(lambda: _start_or_leave_to_sweep(path, kwargs))


def run_later(delay_seconds: float, path: str, **kwargs: Any) -> None:
    """Start the work after a delay (a retry's back-off). The thread backend waits on a
    timer thread, then hands the work to the pool; the rq backend puts the job in RQ's
    schedule (the worker's scheduler queues it when due); the inline backend runs it at
    once, so tests see every attempt without waiting. A restart forgets the timer; work
    that must survive one stores when it is due, and the recovery sweep starts it then."""
    backend = settings.TASK_BACKEND
    if backend == "inline":
        run_in_background(path, **kwargs)
        return
    if backend == "rq":
        _start_or_leave_to_sweep(path, kwargs, delay_seconds=delay_seconds)
        return
    timer = threading.Timer(delay_seconds, run_in_background, args=(path,), kwargs=kwargs)
    timer.daemon = True
    timer.start()
