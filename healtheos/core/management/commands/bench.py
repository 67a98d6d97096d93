"""``healtheos bench [NAME ...]``: run benchmarks and record them in docs/benchmarks.md."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from healtheos.benchmarks import suites
from healtheos.benchmarks.load import LoadToolMissing


class Command(BaseCommand):
    help = "Run benchmarks against the production server on this machine; record the results."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "names",
            nargs="*",
            default=["all"],
            help=f"which benchmarks: {', '.join(sorted(suites.SUITES))}, or all",
        )
        parser.add_argument("--seconds", type=int, default=10, help="load duration per operation")
        parser.add_argument("--connections", type=int, default=32)
        parser.add_argument(
            "--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1, help="gunicorn workers"
        )
        parser.add_argument(
            "--no-record", action="store_true", help="print results without writing the docs"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        names = sorted(suites.SUITES) if options["names"] == ["all"] else options["names"]
        unknown = [name for name in names if name not in suites.SUITES]
        if unknown:
            raise CommandError(f"unknown benchmark(s): {', '.join(unknown)}")
        settings = suites.BenchSettings(
            seconds=options["seconds"],
            connections=options["connections"],
            workers=options["workers"],
            record=not options["no_record"],
            say=self._say,
        )
        for name in names:
            runner: Callable[[suites.BenchSettings], str] = suites.SUITES[name]
            self._say(f"== {name}")
            try:
                summary = runner(settings)
            except LoadToolMissing as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(summary)

    def _say(self, text: str) -> None:
        self.stderr.write(text)
        self.stderr.flush()
