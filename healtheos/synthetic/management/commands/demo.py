from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.utils import timezone

from healtheos.eligibility.demo import demo_patients
from healtheos.offices.models import Office
from healtheos.plans.models import Plan
from healtheos.synthetic.personas import DEMO_PASSWORD, create_personas


class Command(BaseCommand):
    help = (
        "Set up the demo: migrate, seed synthetic data, write and print the demo sign-ins, serve."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="prepare everything, then stop")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--reset", action="store_true", help="replace existing demo data")
        parser.add_argument(
            "--credentials-file",
            type=Path,
            default=None,
            help="where to write the sign-ins (default: var/demo-credentials.json)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "sqlite":
            self.stdout.write(f"Using the database from DATABASE_URL ({connection.vendor}).")
        call_command("migrate", interactive=False, verbosity=0)
        if options["reset"] or not Plan.objects.exists():
            call_command("seed", seed=options["seed"], flush=options["reset"], stdout=self.stdout)
            personas = create_personas(today=timezone.localdate())
        else:
            self.stdout.write("Demo data already present; keeping it (use --reset to start over).")
            personas = create_personas(today=timezone.localdate())
        credentials = [p.as_credentials() for p in personas]
        path: Path = options["credentials_file"] or Path(settings.VAR_DIR) / "demo-credentials.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(credentials, indent=2) + "\n")
        path.chmod(0o600)
        self._print(credentials, path, options["port"])
        self._patients(path.parent / "demo-patients.json")
        if not options["no_serve"]:
            # The demo is served over plain HTTP on loopback: cookies cannot carry the Secure
            # flag there for every client, and HSTS would be meaningless. A real deployment
            # sits behind TLS and keeps both (healtheos check --deploy insists).
            os.environ.setdefault("HEALTHEOS_SECURE_COOKIES", "false")
            os.environ.setdefault("HEALTHEOS_HSTS_SECONDS", "0")
            call_command("serve", bind=f"127.0.0.1:{options['port']}")

    def _patients(self, path: Path) -> None:
        office = Office.objects.filter(
            organization__tin="741234567", plan__code="sunrise-tx"
        ).first()
        if office is None:
            return
        patients = demo_patients(office=office, today=timezone.localdate())
        path.write_text(json.dumps(patients, indent=2) + "\n")
        path.chmod(0o600)
        self.stdout.write(f"\nPatients to look up as bluebonnet.frontdesk (also in {path}):")
        for p in patients:
            self.stdout.write(
                f"  {p['member_id']:<14} born {p['date_of_birth']}  "
                f"{p['first_name']} {p['last_name']}: {p['what_to_expect']}"
            )

    def _print(self, credentials: list[dict[str, Any]], path: Path, port: int) -> None:
        self.stdout.write("")
        self.stdout.write(
            f"Demo sign-ins (all with the password {DEMO_PASSWORD!r}), also in {path}:"
        )
        row = "  {:<24} {:<9} {:<13} {:<11} {:<18} {:<12} {}"
        self.stdout.write(
            row.format("username", "realm", "plan", "office TIN", "role", "state", "note")
        )
        for e in credentials:
            self.stdout.write(
                row.format(
                    e["username"],
                    e["realm"],
                    e["plan"],
                    e["office_tin"] or "-",
                    e["role"],
                    e["state"],
                    e["note"],
                )
            )
        if any(entry.get("totp_secret") for entry in credentials):
            self.stdout.write("Authenticator-app secrets (TOTP) are in the credentials file.")
        self.stdout.write(
            f"\nPortal: http://127.0.0.1:{port}/   Payer console: http://127.0.0.1:{port}/payer/admin/"
        )
