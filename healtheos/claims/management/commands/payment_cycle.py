"""``healtheos payment_cycle [--plan CODE] [--on YYYY-MM-DD]``: pay adjudicated claims."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from healtheos.claims.adjudication.services import payment_cycle_run
from healtheos.plans.models import Plan


class Command(BaseCommand):
    help = "Run the payment cycle: one payment per payee for the adjudicated claims of a plan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", default="", help="plan code (default: every plan)")
        parser.add_argument("--on", default="", help="payment date (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = dt.date.fromisoformat(options["on"]) if options["on"] else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--on is not a date: {options['on']}") from error
        plans = Plan.objects.all()
        if options["plan"]:
            plans = plans.filter(code=options["plan"])
            if not plans.exists():
                raise CommandError(f"no plan {options['plan']!r}")
        for plan in plans:
            payments = payment_cycle_run(plan=plan, on=on)
            total = sum((p.total_amount for p in payments), start=0)
            self.stdout.write(f"{plan.code}: {len(payments)} payments, ${total:,.2f}")
