"""State changes of accounts, shared by every page and command that makes them."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from healtheos.accounts.models import User
from healtheos.audit.services import audit_record


def account_unlock(*, user: User, actor: User, request: HttpRequest | None = None) -> None:
    """End a lock early (payer support, after confirming who is calling)."""
    with transaction.atomic():
        user.locked_until = None
        user.failed_sign_ins = 0
        user.save(update_fields=["locked_until", "failed_sign_ins"])
        audit_record(action="account.unlocked", actor=actor, obj=user, request=request)
