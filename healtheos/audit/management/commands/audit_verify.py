from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from healtheos.audit.services import audit_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and report the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = audit_verify()
        if not verdict.ok:
            raise CommandError(
                f"audit chain broken at event {verdict.broken_at}: {verdict.reason} "
                f"({verdict.checked} events verified before it)"
            )
        self.stdout.write(f"audit chain intact: {verdict.checked} events verified")
