"""What every app's background work shares: the lease that tells a run in progress from an
interrupted one (:mod:`healtheos.core.recovery`)."""

from __future__ import annotations

from django.db import models


class Leased(models.Model):
    """A row whose work runs in the background. Whoever runs it holds the lease: a random
    token written with a conditional UPDATE, so two processes never hold it at once, and a
    heartbeat refreshed as the work stores progress. Work that is unfinished and whose
    heartbeat is older than ``HEALTHEOS_RECOVERY_GRACE_SECONDS`` was interrupted; the
    recovery sweep takes its lease and starts it again.

    (Database defaults, so that rows written by code that predates the columns still
    insert during a rolling deploy.)"""

    lease_token = models.CharField(max_length=32, db_default="", blank=True, editable=False)
    #: When the lease holder last showed progress; empty while nobody has started the work.
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    #: How often the recovery sweep has started the work again after an interruption.
    resumes = models.PositiveSmallIntegerField(db_default=0, editable=False)

    class Meta:
        abstract = True


class RecoveryTurn(models.Model):
    """Whose turn it is to sweep: the serving processes of every machine try each interval,
    and the one whose conditional UPDATE moves ``held_until`` sweeps."""

    name = models.CharField(max_length=40, primary_key=True)
    held_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"Recovery turn {self.name}"
