"""``healtheos proof``: the Monday-morning load with PostgreSQL, Redis and worker faults,
checked for lost or duplicated submissions; results go to docs/benchmarks.md
(``make proof`` starts private PostgreSQL and Redis instances and runs it)."""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from healtheos.benchmarks.proof import ProofSettings, run_proof


class Command(BaseCommand):
    help = "Load the production server like a Monday morning, inject faults, check for loss."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=12, help="simulated office workers")
        parser.add_argument(
            "--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1, help="gunicorn workers"
        )
        parser.add_argument("--warmup", type=int, default=10, help="seconds before measuring")
        parser.add_argument("--steady", type=int, default=60, help="seconds of steady load")
        parser.add_argument(
            "--after-fault", type=int, default=25, help="seconds of load after each fault"
        )
        parser.add_argument("--redis-down", type=int, default=60, help="seconds Redis is down")
        parser.add_argument(
            "--pg-restart",
            default="pg_ctlcluster --skip-systemctl-redirect 15 proof restart",
            help="command that restarts the PostgreSQL the server uses",
        )
        parser.add_argument(
            "--redis-stop",
            default="redis-cli -p 6380 shutdown nosave",
            help="command that stops the Redis the server uses",
        )
        parser.add_argument(
            "--redis-start",
            default="redis-server --daemonize yes --bind 127.0.0.1 --port 6380 --save '' "
            "--appendonly no",
            help="command that starts it again",
        )
        parser.add_argument(
            "--note", default="", help="a sentence recorded with the figures (conditions)"
        )
        parser.add_argument(
            "--no-record", action="store_true", help="print results without writing the docs"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("the proof runs on PostgreSQL: set DATABASE_URL")
        if not settings.REDIS_URL:
            raise CommandError("the proof runs with Redis: set REDIS_URL")
        proof = ProofSettings(
            users=options["users"],
            workers=options["workers"],
            warmup=options["warmup"],
            steady=options["steady"],
            after_fault=options["after_fault"],
            redis_down=options["redis_down"],
            pg_restart=shlex.split(options["pg_restart"]),
            redis_stop=shlex.split(options["redis_stop"]),
            redis_start=shlex.split(options["redis_start"]),
            say=self._say,
        )
        body = run_proof(proof, Path(settings.VAR_DIR) / "proof")
        self.stdout.write(body)
        if not options["no_record"]:
            from healtheos.benchmarks.report import record

            note = f"{options['note'].strip()}\n\n" if options["note"].strip() else ""
            record("proof", "## Load and fault proof (`make proof`)\n\n" + note + body)
        if "**Result: PASS**" not in body:
            raise CommandError("the proof failed: see the figures above")

    def _say(self, text: str) -> None:
        self.stderr.write(text)
        self.stderr.flush()
