from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from healtheos.plans.models import Plan
from healtheos.synthetic.generate import SCALES, Generator
from healtheos.synthetic.personas import create_personas


class Command(BaseCommand):
    help = "Generate a deterministic synthetic data set (plans, providers, members, claims, ...)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed (same seed, same data)"
        )
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="the date the data set is generated around (default: today); fixes dates too",
        )
        parser.add_argument("--flush", action="store_true", help="empty the database first")
        parser.add_argument("--no-people", action="store_true", help="skip the demo sign-ins")

    def handle(self, *args: Any, **options: Any) -> None:
        if Plan.objects.exists():
            if not options["flush"]:
                raise CommandError(
                    "The database already holds plan data. Use --flush to replace it "
                    "(everything in the database is deleted), or point DATABASE_URL elsewhere."
                )
            self.stderr.write("Emptying the database ...")
            call_command("flush", interactive=False, verbosity=0)
        if options["scale"] == "1m" and connection.vendor != "postgresql":
            self.stderr.write(
                "Note: --scale 1m is meant for PostgreSQL (COPY); SQLite will be slow."
            )
        today = options["today"] or timezone.localdate()
        started = time.monotonic()
        generator = Generator(
            seed=options["seed"], scale=options["scale"], today=today, say=self.stderr.write
        )
        counts = generator.run()
        if not options["no_people"]:
            counts["demo_people"] = len(create_personas(today=today))
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{name} {count:,}" for name, count in counts.items())
        self.stdout.write(
            f"Seeded scale {options['scale']} (seed {options['seed']}, today {today}) "
            f"on {connection.vendor} in {elapsed:.1f}s: {summary}"
        )
