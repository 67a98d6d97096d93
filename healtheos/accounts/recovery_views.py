"""Recovery without a phone call: forgot username, and the person's own sessions and
trusted devices."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from healtheos.accounts.devices import device_revoke, devices_of, devices_revoke_all, live_device
from healtheos.accounts.models import TrustedDevice, User, UserSession
from healtheos.accounts.permissions import signed_in_user
from healtheos.accounts.services import sessions_revoke_all
from healtheos.core.forms import UswdsFormMixin


class ForgotUsernameForm(UswdsFormMixin, forms.Form):
    email = forms.EmailField(max_length=254, label="Email")


def forgot_username(request: HttpRequest) -> HttpResponse:
    """Emails the usernames registered to an address. The page answers the same whether
    or not the address has an account, so it cannot be used to find accounts."""
    form = ForgotUsernameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        usernames = list(
            User.objects.filter(email__iexact=email, is_active=True).values_list(
                "username", flat=True
            )
        )
        if usernames:
            send_mail(
                "Your provider portal username",
                "The provider portal has these usernames for this email address:\n\n"
                + "\n".join(f"  {name}" for name in usernames)
                + "\n\nIf you did not ask for this, you can ignore this message.",
                settings.DEFAULT_FROM_EMAIL,
                [email],
            )
        return render(request, "accounts/forgot_username_sent.html")
    return render(request, "accounts/forgot_username.html", {"form": form})


@login_required
def my_sessions(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    sessions = UserSession.objects.filter(user=user).order_by("-created_at")
    current = live_device(request, user)
    return render(
        request,
        "accounts/my_sessions.html",
        {
            "sessions": sessions,
            "current_key": request.session.session_key,
            "devices": devices_of(user),
            "current_device_id": current.pk if current else None,
        },
    )


@login_required
@require_POST
def device_revoke_own(request: HttpRequest, device_id: int) -> HttpResponse:
    user = signed_in_user(request)
    device = get_object_or_404(TrustedDevice, pk=device_id, user=user)
    device_revoke(device=device, actor=user, request=request)
    messages.success(request, f"{device.device} is no longer trusted.")
    return redirect("my_sessions")


@login_required
@require_POST
def devices_revoke_own(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    count = devices_revoke_all(user=user, actor=user, reason="by its owner", request=request)
    messages.success(request, f"Stopped trusting {count} device{pluralize(count)}.")
    return redirect("my_sessions")


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    sessions_revoke_all(user=user, actor=user, reason="signed out everywhere", request=request)
    logout(request)
    return redirect("account_login")
