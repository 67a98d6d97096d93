"""Background work: in-process by default, so the demo needs nothing else running.

``run_in_background("healtheos.eligibility.batch.batch_run_process", run_id=5)`` names the
function by its dotted path (what a queue needs to pickle) and passes keyword arguments of
plain types. Work must keep its progress in the database, so that a page can poll it and
a restart can tell an interrupted run from a finished one.

Backends (``HEALTHEOS_TASK_BACKEND``):
- ``thread``: a small pool of threads in the serving process (the default). Fine for one
  machine; a worker restart abandons a run in progress, which its page then reports.
- ``inline``: run at once in the caller (tests, single-shot commands).

Work that a restart interrupted, or a retry whose timer a restart forgot, is found in the
database and started again by the recovery sweep (:mod:`healtheos.core.recovery`).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction

log = logging.getLogger(__name__)

_pool: ThreadPoolExecutor | None = None


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


def run_now(path: str, **kwargs: Any) -> None:
    """Run the work in the caller, whatever the backend (a command that waits for it)."""
    _resolve(path)(**kwargs)


def run_in_background(path: str, **kwargs: Any) -> None:
    global _pool
    backend = settings.TASK_BACKEND
    if backend == "inline":
        _resolve(path)(**kwargs)
        return
    if backend != "thread":
        raise ValueError(f"unknown HEALTHEOS_TASK_BACKEND {backend!r}")
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="healtheos-task")
    _pool.submit(_run_in_thread, path, kwargs)


def run_after_commit(path: str, **kwargs: Any) -> None:
    """Start the work once the caller's transaction has committed (a thread must see the
    rows it is to work on); the inline backend runs it at once, in the caller's
    transaction."""
    if settings.TASK_BACKEND == "inline":
        run_in_background(path, **kwargs)
        return
    transaction.on_commit(lambda: run_in_background(path, **kwargs))


def run_later(delay_seconds: float, path: str, **kwargs: Any) -> None:
    """Start the work after a delay (a retry's back-off). The thread backend waits on a
    timer thread, then hands the work to the pool; the inline backend runs it at once, so
    tests see every attempt without waiting. A restart forgets the timer; work that must
    survive one stores when it is due, and the recovery sweep starts it then."""
    if settings.TASK_BACKEND == "inline":
        run_in_background(path, **kwargs)
        return
    timer = threading.Timer(delay_seconds, run_in_background, args=(path,), kwargs=kwargs)
    timer.daemon = True
    timer.start()
