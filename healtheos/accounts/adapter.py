"""allauth's hooks, where Healtheos's sign-in rules plug in (see ``signin.py``).

There is no open sign-up: offices register through their own flow. allauth's own
``login_failed`` rate limit is switched off in settings so that exactly one mechanism
counts failures (docs/adr/0002-login-throttling.md).
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.auth_backends import AuthenticationBackend
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from healtheos.accounts import network, signin
from healtheos.accounts.models import SignInOutcome, User
from healtheos.accounts.notifications import account_change_notify


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth's own limits (sign-in attempts per address, reset mail) see the same
        client address as Healtheos's throttle, proxy or not."""
        return network.client_address(request) or "0.0.0.0"  # noqa: S104 (a key, not a bind)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # Replaces allauth's limiter: a throttled network gets the same answer whatever
        # account it tries, so the answer reveals nothing about accounts.
        if signin.network_throttled(request):
            login = str(credentials.get("username") or credentials.get("email") or "")
            signin.record_attempt(
                request=request, outcome=SignInOutcome.THROTTLED_ADDRESS, username=login
            )
            raise self.validation_error("too_many_login_attempts")

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        login = str(credentials.get("username") or credentials.get("email") or "")
        signin.sign_in_failed(request=request, login=login)

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        obstacle = signin.obstacle_for(request=request, user=user)
        if obstacle is not None:
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            signin.record_attempt(
                request=request, outcome=obstacle.outcome, user=user, username=user.username
            )
            return render(
                request, "accounts/sign_in_obstacle.html", {"obstacle": obstacle}, status=403
            )
        # The password is right: from here on the session holds a half-finished sign-in, so
        # it gets a new key (a key planted or seen before this point is worth nothing). The
        # key changes again when the second factor completes the sign-in.
        request.session.cycle_key()
        response: HttpResponse | None = super().pre_login(request, user, **kwargs)
        return response

    def send_notification_mail(
        self,
        template_prefix: str,
        user: Any,
        context: dict[str, Any] | None = None,
        email: str | None = None,
    ) -> None:
        """allauth's notice that a password, email address or second factor changed, sent in
        the portal's words and without health information (``notifications.py``)."""
        from allauth.account import app_settings

        if not app_settings.EMAIL_NOTIFICATIONS:
            return
        account_change_notify(
            user=user, template=template_prefix, request=self.request, context=context, email=email
        )

    def get_login_stages(self) -> list[str]:
        """allauth's stages, with its second-factor stage replaced by the one that knows
        trusted devices and the step-up rules (``devices.py``)."""
        stages: list[str] = super().get_login_stages()
        return [
            "healtheos.accounts.devices.StepUpAuthenticateStage"
            if path == "allauth.mfa.stages.AuthenticateStage"
            else path
            for path in stages
        ]

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Changing second factors needs a fresh password, except the very first enrollment
        that Healtheos itself demands right after a password sign-in (asking for the password
        twice in a row protects nothing)."""
        if app == "allauth.mfa" and _first_enrollment_right_after_sign_in():
            return False
        required: bool = super().is_reauthentication_required(app=app, **kwargs)
        return required


def _first_enrollment_right_after_sign_in() -> bool:
    import time

    from allauth.account.internal.flows.login import get_authentication_records
    from allauth.core import context
    from allauth.mfa.models import Authenticator

    request = context.request
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if Authenticator.objects.filter(user=user).exists():
        return False
    records = [
        r for r in get_authentication_records(request, user) if r.get("method") == "password"
    ]
    return bool(records) and time.time() - float(records[-1]["at"]) < 300


class HealtheosAuthenticationBackend(AuthenticationBackend):  # type: ignore[misc]
    """Lets a deactivated account's correct password through to ``pre_login``, which then
    explains the deactivation instead of answering "wrong password"."""

    def user_can_authenticate(self, user: User | None) -> bool:
        return True
