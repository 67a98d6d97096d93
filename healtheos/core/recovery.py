"""Recovery of background work that a restart or crash interrupted.

Background work keeps its state in the database (:mod:`healtheos.core.tasks`), but a
thread that dies with its process tells nobody. Each app registers a :class:`Resumer` for
its kind of work: which rows are unfinished, which of those are due now, and the task that
finishes one. The sweep (:func:`sweep`) finds rows that are unfinished and whose lease
holder has shown no progress for ``HEALTHEOS_RECOVERY_GRACE_SECONDS`` (or that nobody
started at all), takes each one's lease with a conditional UPDATE, and hands the task the
lease's token. Only one UPDATE can move a given heartbeat, so two sweeps, in two workers or
on two machines, never start the same row; a run in progress keeps its heartbeat fresh and
is left alone.

The sweep runs when a serving process starts and then every
``HEALTHEOS_RECOVERY_INTERVAL_SECONDS`` (:func:`start_sweeper`; one process at a time takes
the turn, see :class:`~healtheos.core.models.RecoveryTurn`), and on demand as
``healtheos resume-work``. With the rq backend the queue workers (``healtheos worker``)
sweep instead of the serving processes. It dispatches through
:func:`healtheos.core.tasks.run_in_background`, so the rq backend enqueues what the thread
backend runs in its pool.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    PositiveSmallIntegerField,
    Q,
    QuerySet,
    When,
)
from django.utils import timezone

from healtheos.core import tasks
from healtheos.core.models import RecoveryTurn

log = logging.getLogger(__name__)

#: Rows of one kind taken per sweep: a backlog is worked off over a few sweeps rather than
#: all handed to one process's pool at once.
BATCH = 100
TURN = "recovery"


class LeaseLost(RuntimeError):
    """Another process took the work over (this one had stopped showing progress); the
    run stops without writing anything more."""


#: Starts a task given its dotted path and keyword arguments (``tasks.run_in_background``).
Dispatch = Callable[..., None]


@dataclass(frozen=True)
class Resumer:
    """How the sweep finds and restarts one kind of background work.

    ``rows`` gives the model's rows (payer-wide: the sweep works for every office);
    ``unfinished`` selects the rows whose work is not done; ``started`` names the field
    that says when a row that nobody has started was stored; ``due``, if given, narrows to
    rows whose next attempt has come (a webhook retry). ``task`` is called with
    ``{argument: pk, "lease": token}``; ``give_up`` marks a row failed once it has been
    resumed ``HEALTHEOS_RECOVERY_MAX_RESUMES`` times without finishing."""

    name: str
    rows: Callable[[], QuerySet[Any]]
    unfinished: Q
    started: str
    task: str
    argument: str
    give_up: Callable[[int], None]
    due: Callable[[dt.datetime], Q] | None = field(default=None)

    def stranded(self, now: dt.datetime) -> Q:
        """Unfinished, due, and held by nobody who has shown progress within the grace
        period (or never started, and stored before it)."""
        cutoff = now - grace()
        stale = Q(heartbeat_at__lt=cutoff) | Q(
            heartbeat_at__isnull=True, **{f"{self.started}__lt": cutoff}
        )
        if self.due is not None:
            # A due retry waits for nothing but its time (its last attempt let go of the
            # lease); one whose attempt was cut off waits out the grace period.
            stale = Q(heartbeat_at__lt=cutoff) | (Q(heartbeat_at__isnull=True) & self.due(now))
        return self.unfinished & stale


_registry: dict[str, Resumer] = {}


def register(resumer: Resumer) -> None:
    """Called from an app's ``ready()``; registering the same name again replaces it."""
    _registry[resumer.name] = resumer


def resumers() -> list[Resumer]:
    return [_registry[name] for name in sorted(_registry)]


def grace() -> dt.timedelta:
    return dt.timedelta(seconds=settings.RECOVERY_GRACE_SECONDS)


# -- the lease, as the work itself uses it ---------------------------------------------------


def lease_take(rows: QuerySet[Any], pk: int, *, unfinished: Q, token: str = "") -> str:
    """Take (or confirm) the lease of one row before working on it. With ``token`` (the one
    the sweep took for this run) the row must still carry it; without, the row must be
    unstarted or its holder silent for the grace period. Answers the token, or "" when the
    work is done or someone else holds it: the caller then leaves it alone."""
    now = timezone.now()
    mine = rows.filter(unfinished, pk=pk)
    if token:
        mine = mine.filter(lease_token=token)
    else:
        token = uuid.uuid4().hex
        mine = mine.filter(Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - grace()))
    return token if mine.update(lease_token=token, heartbeat_at=now) else ""


def lease_update(rows: QuerySet[Any], pk: int, token: str, **fields: Any) -> None:
    """Store progress (``fields``) and refresh the heartbeat, as long as the lease is still
    this run's; raises :class:`LeaseLost` when another process took it over."""
    if not rows.filter(pk=pk, lease_token=token).update(heartbeat_at=timezone.now(), **fields):
        raise LeaseLost(f"lease of {rows.model.__name__} {pk} was taken over")


# -- the sweep -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    kind: str
    pk: int
    #: "resumed", "failed again" (run at once, it raised), "gave up", or (dry run) "stranded"
    action: str


def _take_for_sweep(resumer: Resumer, pk: int, now: dt.datetime) -> tuple[str, int] | None:
    token = uuid.uuid4().hex
    rows = resumer.rows().filter(resumer.stranded(now), pk=pk)
    # A row that had a heartbeat was started and stopped: that counts as a resume. A row
    # nobody started (its task was lost before it ran) or a retry that came due does not.
    taken = rows.update(
        lease_token=token,
        heartbeat_at=now,
        resumes=Case(
            When(
                heartbeat_at__isnull=False,
                then=ExpressionWrapper(F("resumes") + 1, output_field=PositiveSmallIntegerField()),
            ),
            default=F("resumes"),
        ),
    )
    if not taken:
        return None  # another sweep took it between the query and the update
    resumes = resumer.rows().filter(pk=pk).values_list("resumes", flat=True).first() or 0
    return token, resumes


def sweep(*, dry_run: bool = False, dispatch: Dispatch | None = None) -> list[Found]:
    """Find interrupted or due work of every registered kind and start it again (with
    ``dry_run``, only say what would be). Safe to run in several processes at once."""
    start = dispatch or tasks.run_in_background
    found: list[Found] = []
    for resumer in resumers():
        now = timezone.now()
        pks = list(
            resumer.rows()
            .filter(resumer.stranded(now))
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        for pk in pks:
            if dry_run:
                found.append(Found(resumer.name, pk, "stranded"))
                continue
            taken = _take_for_sweep(resumer, pk, now)
            if taken is None:
                continue
            token, resumes = taken
            if resumes > settings.RECOVERY_MAX_RESUMES:
                resumer.give_up(pk)
                log.warning("gave up on %s %s after %s resumes", resumer.name, pk, resumes - 1)
                found.append(Found(resumer.name, pk, "gave up"))
                continue
            log.info("resuming %s %s", resumer.name, pk)
            try:
                start(resumer.task, **{resumer.argument: pk, "lease": token})
            except Exception:
                # Inline dispatch runs the work here: its failure is the work's, and the
                # next sweep tries again after the grace period; the sweep goes on.
                log.exception("resuming %s %s failed", resumer.name, pk)
                found.append(Found(resumer.name, pk, "failed again"))
            else:
                found.append(Found(resumer.name, pk, "resumed"))
    return found


# -- sweeping from the serving processes ---------------------------------------------------


def turn_take(*, now: dt.datetime | None = None) -> bool:
    """Whether this process sweeps now: true for one process per interval, whichever
    machine it is on (a conditional UPDATE of the one :class:`RecoveryTurn` row)."""
    now = now or timezone.now()
    interval = dt.timedelta(seconds=settings.RECOVERY_INTERVAL_SECONDS)
    try:
        with transaction.atomic():
            RecoveryTurn.objects.get_or_create(
                name=TURN, defaults={"held_until": now - dt.timedelta(seconds=1)}
            )
    except IntegrityError:
        pass  # another process created it at the same moment
    # Held a little less than an interval, so the next process's tick finds it free.
    until = now + interval * 0.9
    return bool(
        RecoveryTurn.objects.filter(name=TURN, held_until__lte=now).update(held_until=until)
    )


_started = False
_lock = threading.Lock()


def _sweep_forever(interval: float) -> None:
    while True:
        close_old_connections()
        try:
            if turn_take():
                found = sweep()
                if found:
                    log.info("recovery sweep started %s interrupted or due tasks", len(found))
        except Exception:
            # The database may be restarting: try again next time.
            log.exception("recovery sweep failed")
        finally:
            connection.close()
        time.sleep(interval)


def start_sweeper(*, queue_worker: bool = False) -> None:
    """Sweep now and then every interval, in a daemon thread of this process; the turn row
    keeps it to one sweep per interval, however many processes call this.

    The processes that run the work sweep for it: with the thread backend the serving
    processes (the WSGI module calls this, so every gunicorn worker does), with the rq
    backend the queue workers (``healtheos worker`` calls it with ``queue_worker``). Were
    the serving processes to sweep for a queue, work would be taken and counted as resumed
    while no worker ran, and given up after a few sweeps without ever being attempted.
    ``inline`` runs work at once and needs no sweeper."""
    global _started
    interval = settings.RECOVERY_INTERVAL_SECONDS
    sweeping_backend = "rq" if queue_worker else "thread"
    if sweeping_backend != settings.TASK_BACKEND or interval <= 0:
        return
    with _lock:
        if _started:
            return
        _started = True
    threading.Thread(
        target=_sweep_forever, args=(interval,), daemon=True, name="healtheos-recovery"
    ).start()
