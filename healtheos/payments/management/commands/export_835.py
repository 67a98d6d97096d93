"""``healtheos export-835 --payee TIN --out DIR``: a payee's 835s for its own systems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from healtheos.payments.generate import remittance_store
from healtheos.payments.models import Payment


class Command(BaseCommand):
    help = "Write a payee's 835 remittances (one file per payment) into a folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--payee", required=True, help="the payee organization's TIN")
        parser.add_argument("--out", required=True, help="folder to write into")
        parser.add_argument("--plan", default="", help="only this plan's payments (code)")

    def handle(self, *args: Any, **options: Any) -> None:
        tin = options["payee"].replace("-", "")
        payments = Payment.objects.payer_wide().filter(payee_organization__tin=tin)
        if options["plan"]:
            payments = payments.filter(plan__code=options["plan"])
        payments = payments.select_related("plan", "payee_organization").order_by(
            "payment_date", "pk"
        )
        if not payments.exists():
            raise CommandError(f"no payments for payee TIN {tin}")
        folder = Path(options["out"])
        folder.mkdir(parents=True, exist_ok=True)
        written = 0
        for payment in payments:
            remittance = remittance_store(payment=payment)
            (folder / f"{payment.trace_number}.835").write_text(remittance.raw_x12)
            written += 1
        self.stdout.write(f"{written} remittance{'s' if written != 1 else ''} written to {folder}")
