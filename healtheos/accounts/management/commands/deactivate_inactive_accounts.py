from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from healtheos.accounts.models import Realm, User
from healtheos.accounts.services import sessions_revoke_all
from healtheos.audit.services import audit_record
from healtheos.plans.models import Plan


class Command(BaseCommand):
    help = (
        "Deactivate provider accounts unused for longer than their plans' inactive_account_days "
        "(run daily, e.g. from cron). Accounts that never signed in count from when they joined."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        # An account is kept when any of its plans still allows the inactivity it has.
        longest = max(Plan.objects.values_list("inactive_account_days", flat=True), default=90)
        cutoff = now - datetime.timedelta(days=longest)
        stale = User.objects.filter(realm=Realm.PROVIDER, is_active=True).filter(
            Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
        )
        count = 0
        for user in stale.iterator():
            count += 1
            if options["dry_run"]:
                self.stdout.write(f"would deactivate {user.username}")
                continue
            user.is_active = False
            user.save(update_fields=["is_active"])
            audit_record(action="account.deactivated_inactive", obj=user, detail={"days": longest})
            sessions_revoke_all(user=user, actor=None, reason="inactive")
        verb = "would deactivate" if options["dry_run"] else "deactivated"
        self.stdout.write(f"{verb} {count} inactive account(s)")
