"""The plan's review of pended claims (payer console): the claims held for review, oldest
first, each released for adjudication or denied with a reason."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from healtheos.accounts.models import PayerRole
from healtheos.accounts.permissions import payer_role_required, signed_in_user
from healtheos.claims.adjudication.services import (
    PENDED_DENIAL_REASONS,
    ClaimNotPended,
    claim_deny,
    claim_release,
)
from healtheos.claims.models import Claim, ClaimStatus
from healtheos.core.forms import UswdsFormMixin


class ReviewForm(UswdsFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("", "- Select -"), ("release", "Release for adjudication"), ("deny", "Deny")]
    )
    reason = forms.ChoiceField(
        label="Reason, when denying",
        required=False,
        choices=[("", "- Select -")]
        + [(code, f"{words} (CARC {code})") for code, (_, words) in PENDED_DENIAL_REASONS.items()],
    )
    note = forms.CharField(label="Note for the history", required=False, max_length=120)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("decision") == "deny" and not data.get("reason"):
            self.add_error("reason", "Choose the reason the claim is denied for.")
        return data


def _pended_claims(request: HttpRequest):  # type: ignore[no-untyped-def]
    claims = (
        Claim.objects.payer_wide()
        .filter(status=ClaimStatus.PENDED)
        .select_related("member", "billing_organization", "plan")
        .order_by("adjudicated_at", "pk")
    )
    plan_id = signed_in_user(request).plan_id
    return claims.filter(plan_id=plan_id) if plan_id is not None else claims


def _page(request: HttpRequest, failed: ReviewForm | None = None) -> HttpResponse:
    """The oldest 200 held claims, each with its own form (prefixed by its claim number,
    so that field IDs stay unique); ``failed`` is a form sent back with its errors."""
    rows = [
        (
            claim,
            failed
            if failed is not None and failed.prefix == claim.claim_number
            else ReviewForm(prefix=claim.claim_number),
        )
        for claim in _pended_claims(request)[:200]
    ]
    return render(
        request, "claims/pended.html", {"rows": rows}, status=400 if failed is not None else 200
    )


@payer_role_required(PayerRole.UM_REVIEWER)
@require_GET
def pended_claims(request: HttpRequest) -> HttpResponse:
    return _page(request)


@payer_role_required(PayerRole.UM_REVIEWER)
@require_POST
def pended_claim_decide(request: HttpRequest, claim_number: str) -> HttpResponse:
    claim = _pended_claims(request).filter(claim_number=claim_number).first()
    if claim is None:
        raise Http404("no such pended claim")
    form = ReviewForm(request.POST, prefix=claim_number)
    if not form.is_valid():
        return _page(request, form)
    actor, note = signed_in_user(request), form.cleaned_data["note"]
    try:
        if form.cleaned_data["decision"] == "release":
            decided = claim_release(claim=claim, actor=actor, note=note)
        else:
            decided = claim_deny(
                claim=claim, actor=actor, reason_code=form.cleaned_data["reason"], note=note
            )
    except ClaimNotPended:
        messages.warning(request, f"Claim {claim_number} was decided by someone else meanwhile.")
    else:
        messages.success(request, f"Claim {claim_number}: {decided.get_status_display().lower()}.")
    return HttpResponseRedirect(reverse("pended_claims"))
