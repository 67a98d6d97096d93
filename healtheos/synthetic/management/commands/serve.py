from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Serve Healtheos with gunicorn (sync workers), the production server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument(
            "--workers",
            type=int,
            default=(os.cpu_count() or 1) * 2 + 1,
            help="gunicorn worker processes (default: 2 x cores + 1)",
        )
        parser.add_argument("--timeout", type=int, default=60, help="worker timeout in seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which(
            "gunicorn"
        )
        if gunicorn is None:
            raise CommandError("gunicorn is not installed in this environment")
        argv = [
            gunicorn,
            "healtheos.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--worker-class",
            "sync",
            "--timeout",
            str(options["timeout"]),
            "--access-logfile",
            "-",
            "--chdir",
            str(settings.BASE_DIR),
        ]
        self.stdout.write(f"Serving Healtheos at http://{options['bind']}/ (Ctrl+C stops)")
        self.stdout.flush()
        os.execv(gunicorn, argv)  # noqa: S606 (replacing this process with gunicorn is the point)
