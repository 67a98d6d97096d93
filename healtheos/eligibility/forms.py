"""The eligibility search form: two identifiers always, with field-level messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from healtheos.core.forms import UswdsFormMixin
from healtheos.eligibility.lookup import inquiry_window
from healtheos.eligibility.result import EligibilityQuery
from healtheos.eligibility.service_types import SERVICE_TYPE_NAMES
from healtheos.plans.models import LineOfBusiness

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EligibilitySearchForm(UswdsFormMixin, forms.Form):
    member_id = forms.CharField(
        label="Member ID",
        required=False,
        max_length=30,
        help_text="As printed on the ID card. Or leave empty and give the names below.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    last_name = forms.CharField(label="Last name", required=False, max_length=60)
    first_name = forms.CharField(label="First name", required=False, max_length=60)
    date_of_birth = forms.DateField(label="Date of birth", widget=DATE_INPUT)
    date_of_service = forms.DateField(
        label="Date of service",
        required=False,
        widget=DATE_INPUT,
        help_text="Today if left empty; from 12 months back to the end of this month.",
    )
    service_types = forms.MultipleChoiceField(
        label="Service types",
        required=False,
        choices=[(code, f"{name} ({code})") for code, name in SERVICE_TYPE_NAMES.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text="Health benefit plan coverage (30) if none is chosen; it includes the "
        "common service types.",
    )
    line_of_business = forms.ChoiceField(
        label="Line of business",
        required=False,
        choices=[("", "Every one that applies, side by side"), *LineOfBusiness.choices],
        help_text="When a patient has several coverages on the date of service.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Checkbox lists carry their own classes in the template.
        self.fields["service_types"].widget.attrs.pop("class", None)

    def clean_member_id(self) -> str:
        value: str = self.cleaned_data["member_id"].strip()
        if value and not all(ch.isalnum() or ch in " -" for ch in value):
            raise forms.ValidationError("A member ID has only letters, digits and dashes.")
        return value

    def clean_date_of_birth(self) -> dt.date:
        value: dt.date = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if value > today:
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if value.year < today.year - 130:
            raise forms.ValidationError("Check the year of the date of birth.")
        return value

    def clean_date_of_service(self) -> dt.date:
        value: dt.date | None = self.cleaned_data.get("date_of_service")
        today = timezone.localdate()
        if value is None:
            return today
        earliest, latest = inquiry_window(today)
        if not earliest <= value <= latest:
            raise forms.ValidationError(
                f"Choose a date from {earliest:%m/%d/%Y} to {latest:%m/%d/%Y}."
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("member_id"):
            missing = [
                name for name in ("last_name", "first_name") if not data.get(name, "").strip()
            ]
            for name in missing:
                self.add_error(
                    name,
                    "Give the member ID, or the last and first name, with the date of birth.",
                )
        return data

    def query(self) -> EligibilityQuery:
        data = self.cleaned_data
        member_id = data["member_id"]
        return EligibilityQuery(
            birth_date=data["date_of_birth"],
            member_id=member_id,
            last_name="" if member_id else data["last_name"].strip(),
            first_name="" if member_id else data["first_name"].strip(),
            date_of_service=data["date_of_service"],
            service_types=tuple(data.get("service_types") or ["30"]),
            line_of_business=data.get("line_of_business") or "",
        )


class ScheduleUploadForm(UswdsFormMixin, forms.Form):
    schedule = forms.FileField(
        label="Schedule (CSV)",
        help_text="One patient a line; download the template for the columns. Up to 20,000 "
        "rows and 5 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_schedule(self) -> Any:
        upload = self.cleaned_data["schedule"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file is larger than 5 MB; split it.")
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".txt")):
            raise forms.ValidationError("Upload a .csv file (comma-separated values).")
        return upload
