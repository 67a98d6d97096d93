"""State changes of accounts, shared by every page and command that makes them."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from healtheos.accounts.devices import devices_revoke_all
from healtheos.accounts.models import User
from healtheos.accounts.notifications import SECOND_FACTOR_RESET, account_change_notify
from healtheos.audit.services import audit_record


def account_unlock(*, user: User, actor: User, request: HttpRequest | None = None) -> None:
    """End a lock early (payer support, after confirming who is calling)."""
    with transaction.atomic():
        user.locked_until = None
        user.failed_sign_ins = 0
        user.save(update_fields=["locked_until", "failed_sign_ins"])
        audit_record(action="account.unlocked", actor=actor, obj=user, request=request)


def sessions_revoke_all(
    *, user: User, actor: User | None, reason: str, request: HttpRequest | None = None
) -> int:
    """End every session of ``user`` now (database and cache alike)."""
    from importlib import import_module

    from django.conf import settings

    from healtheos.accounts.models import UserSession

    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(user=user).delete()
    audit_record(
        action="sessions.revoked",
        actor=actor,
        obj=user,
        request=request,
        detail={"reason": reason, "count": len(keys)},
    )
    return len(keys)


def mfa_reset(*, user: User, actor: User, reason: str, request: HttpRequest | None = None) -> None:
    """Remove every second factor (for a lost phone): the person enrolls again at their
    next sign-in, their current sessions end, and they are told by email."""
    from allauth.mfa.models import Authenticator

    with transaction.atomic():
        Authenticator.objects.filter(user=user).delete()
        audit_record(
            action="mfa.reset", actor=actor, obj=user, request=request, detail={"reason": reason}
        )
        # The browser in the request is the administrator's, not the person's: left out.
        actor_name = actor.get_full_name() or actor.username
        transaction.on_commit(
            lambda: account_change_notify(
                user=user, template=SECOND_FACTOR_RESET, context={"actor_name": actor_name}
            )
        )
    sessions_revoke_all(user=user, actor=actor, reason="second factor reset", request=request)
    devices_revoke_all(user=user, actor=actor, reason="second factor reset", request=request)
