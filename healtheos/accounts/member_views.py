"""The member realm's entrance: its own sign-in and a home page. Members are a separate
realm: provider accounts are turned away here, member accounts at the provider portal."""

from __future__ import annotations

from typing import Any

from allauth.account.views import LoginView
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from healtheos.accounts.models import Realm


class MemberLoginView(LoginView):  # type: ignore[misc]
    template_name = "account/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["member_portal"] = True
        context["redirect_field_name"] = "next"
        context["redirect_field_value"] = "/member/"
        return context


@login_required(login_url="/member/login/")
def member_home(request: HttpRequest) -> HttpResponse:
    if request.user.realm != Realm.MEMBER:  # type: ignore[union-attr]
        raise Http404("not a member account")
    return render(request, "accounts/member_home.html")
