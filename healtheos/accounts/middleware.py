"""Second factor required for provider and payer accounts (NIST 800-63B AAL2 wherever
health information is reachable; ASVS 4.3.1 for administrative interfaces)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from healtheos.accounts.models import Realm

#: Paths a signed-in person without a second factor may still open: the enrollment pages,
#: signing out, static files and probes.
OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/readyz", "/member/")
SESSION_FLAG = "mfa_enrolled"


class RequireSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "realm", "") in (Realm.PROVIDER, Realm.PAYER)
            and not request.path_info.startswith(OPEN_PREFIXES)
            and not request.session.get(SESSION_FLAG)
        ):
            from allauth.mfa.models import Authenticator

            enrolled = Authenticator.objects.filter(
                user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
            ).exists()
            if not enrolled:
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
            request.session[SESSION_FLAG] = True
        return self.get_response(request)
