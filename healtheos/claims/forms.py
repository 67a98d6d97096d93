"""The claim search form (GET: it holds no health information unless a member ID is
searched, and then with the date of birth, as eligibility requires)."""

from __future__ import annotations

from typing import Any

from django import forms

from healtheos.claims.models import ClaimStatus
from healtheos.claims.selectors import ClaimFilter
from healtheos.core.forms import UswdsFormMixin

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClaimSearchForm(UswdsFormMixin, forms.Form):
    number = forms.CharField(
        label="Claim number or patient account number", required=False, max_length=38
    )
    member_id = forms.CharField(label="Member ID", required=False, max_length=30)
    date_of_birth = forms.DateField(label="Date of birth", required=False, widget=DATE_INPUT)
    service_from = forms.DateField(label="Service from", required=False, widget=DATE_INPUT)
    service_to = forms.DateField(label="Service to", required=False, widget=DATE_INPUT)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *ClaimStatus.choices]
    )
    amount_min = forms.DecimalField(
        label="Billed at least ($)", required=False, min_value=0, decimal_places=2, max_digits=11
    )
    amount_max = forms.DecimalField(
        label="Billed at most ($)", required=False, min_value=0, decimal_places=2, max_digits=11
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("member_id") and not data.get("date_of_birth"):
            self.add_error("date_of_birth", "Give the date of birth with the member ID.")
        start, end = data.get("service_from"), data.get("service_to")
        if start and end and end < start:
            self.add_error("service_to", "The end of the range is before its start.")
        low, high = data.get("amount_min"), data.get("amount_max")
        if low is not None and high is not None and high < low:
            self.add_error("amount_max", "The upper amount is below the lower one.")
        return data

    def filters(self) -> ClaimFilter:
        data = self.cleaned_data
        return ClaimFilter(
            number=data.get("number") or "",
            member_id=data.get("member_id") or "",
            birth_date=data.get("date_of_birth"),
            service_from=data.get("service_from"),
            service_to=data.get("service_to"),
            status=data.get("status") or "",
            amount_min=data.get("amount_min"),
            amount_max=data.get("amount_max"),
        )
