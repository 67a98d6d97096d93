"""``healtheos resume-work``: start again the background work that a restart or crash
interrupted (and retries that came due while no server ran), and say what was started."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from healtheos.core import tasks
from healtheos.core.recovery import sweep


class Command(BaseCommand):
    help = (
        "Resume background work that a restart interrupted (claim submissions, eligibility "
        "batches, webhook deliveries). Serving processes (with the rq backend, queue "
        "workers) do this every HEALTHEOS_RECOVERY_INTERVAL_SECONDS; this runs one sweep now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="list the stranded work, start nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run: bool = options["dry_run"]
        # This process ends when the sweep does: in-process backends run the work here, and
        # the command waits for it; the rq backend queues it for ``healtheos worker``.
        here = settings.TASK_BACKEND in ("thread", "inline")
        found = sweep(dry_run=dry_run, dispatch=tasks.run_now if here else None)
        for item in found:
            self.stdout.write(f"{item.action}: {item.kind} {item.pk}")
        counts = Counter(item.action for item in found)
        summary = ", ".join(f"{n} {action}" for action, n in sorted(counts.items()))
        grace = settings.RECOVERY_GRACE_SECONDS
        self.stdout.write(
            f"{summary or 'Nothing to resume'} (work counts as stranded after {grace} s "
            "without progress)."
        )
