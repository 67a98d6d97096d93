"""Telling people that the way they sign in has changed (ASVS 2.2.3).

A changed or reset password, an authenticator app or passkey added or removed, new recovery
codes, or every second factor reset by an administrator: the person gets one plain-text email
saying what changed, when, from which browser, and what to do if it was not them. allauth
decides when (``ACCOUNT_EMAIL_NOTIFICATIONS``; its flows call the adapter's
``send_notification_mail``, which lands here); the administrator's reset in
``services.mfa_reset`` calls this directly. The wording is the portal's own
(``templates/account/email/``, ``templates/mfa/email/``), and like every mail of the portal it
carries no health information.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from healtheos.accounts.models import Realm, User
from healtheos.accounts.network import device_summary

#: The administrator's reset of every second factor (``services.mfa_reset``); the other
#: templates are named by allauth.
SECOND_FACTOR_RESET = "account/email/second_factor_reset"


def account_change_notify(
    *,
    user: User,
    template: str,
    request: HttpRequest | None = None,
    context: dict[str, Any] | None = None,
    email: str | None = None,
) -> bool:
    """Mail ``user`` (or ``email``, the address a change moved away from) that a detail of
    how they sign in changed; ``template`` names the ``_subject.txt`` and ``_message.txt``
    pair. Someone without an email address is not mailed. Returns whether a mail went out;
    a mail server that refuses does not undo the change."""
    from allauth.account.models import EmailAddress

    address = email or EmailAddress.objects.get_primary_email(user)
    if not address:
        return False
    values: dict[str, Any] = {
        "user": user,
        "portal": "member portal" if user.realm == Realm.MEMBER else "provider portal",
        "timestamp": timezone.now(),
        "device": device_summary(request) if request is not None else "",
        **(context or {}),
    }
    subject = " ".join(render_to_string(f"{template}_subject.txt", values).split())
    body = render_to_string(f"{template}_message.txt", values).strip() + "\n"
    sent = send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True)
    return bool(sent)
