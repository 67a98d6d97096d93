"""``healtheos pa-metrics --year YYYY [--plan CODE]``: the public prior-authorization
metrics (CMS-0057-F) as CSV on standard output, the same bytes as the page's download."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from healtheos.authorizations.metrics import metrics_report, report_csv
from healtheos.plans.models import Plan


class Command(BaseCommand):
    help = "Print a year's public prior-authorization metrics as CSV (every plan, or one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="calendar year, e.g. 2026")
        parser.add_argument("--plan", default="", help="only this plan (its code)")

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError("--year must be a calendar year, e.g. 2026")
        plans = Plan.objects.order_by("code")
        if options["plan"]:
            plans = plans.filter(code=options["plan"])
            if not plans.exists():
                raise CommandError(f"no plan with code {options['plan']!r}")
        for index, plan in enumerate(plans):
            text = report_csv(metrics_report(plan=plan, year=year))
            if index:  # one header for the whole output
                text = text.split("\n", 1)[1]
            self.stdout.write(text, ending="")
