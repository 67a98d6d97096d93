"""The office's request form and the reviewer's forms. The form checks shapes; the service
checks the request against the plan's records and its messages are put back next to the
fields they concern (:func:`attach_service_errors`)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from healtheos.authorizations import codes
from healtheos.authorizations.models import Urgency
from healtheos.authorizations.services import ServiceLine
from healtheos.core.forms import MultipleFileField, UswdsFormMixin
from healtheos.directory.models import Provider
from healtheos.plans.models import LineOfBusiness

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
#: Service rows shown on the form; empty rows after the first are ignored.
SERVICE_ROWS = 4
SERVICE_FIELDS = ("procedure_code", "modifiers", "units", "service_from", "service_to")
_SPLIT = re.compile(r"[\s,;]+")

#: Where each key of the service's ValidationError goes on this form.
FIELD_FOR_SERVICE_KEY = {
    "member": "member_id",
    "requesting_provider": "requesting_npi",
    "servicing_provider": "servicing_npi",
    "diagnosis_codes": "diagnoses",
    "attachments": "documents",
}


def form_field_for(key: str) -> str:
    if key.startswith("services."):
        _, index, name = ([*key.split("."), "", ""])[:3]
        return f"services-{index}-{name}"
    return FIELD_FOR_SERVICE_KEY.get(key, key)


class AuthorizationRequestForm(UswdsFormMixin, forms.Form):
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
    line_of_business = forms.ChoiceField(
        label="Line of business",
        required=False,
        choices=[("", "From the member's coverage"), *LineOfBusiness.choices],
        help_text="Only when the member has more than one coverage on the dates of service.",
    )
    requesting_npi = forms.ChoiceField(label="Requesting provider")
    servicing_npi = forms.CharField(
        label="Servicing provider NPI",
        max_length=10,
        help_text="The 10-digit NPI of whoever will perform the service; it must be on file "
        "with the plan.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    diagnoses = forms.CharField(
        label="Diagnoses (ICD-10-CM)",
        max_length=200,
        help_text="Primary first; separate codes with spaces or commas, e.g. G43.909 R51.9",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    place_of_service = forms.CharField(
        label="Place of service",
        max_length=2,
        help_text="Two-digit CMS code: 11 office, 22 outpatient hospital, 24 surgery center.",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "usa-input usa-input--small"}
        ),
    )
    urgency = forms.ChoiceField(
        label="Urgency",
        choices=Urgency.choices,
        initial=Urgency.STANDARD,
        widget=forms.RadioSelect,
        help_text="Standard: decision within 7 calendar days. Expedited: within 72 hours, "
        "when waiting could seriously jeopardize the patient's life, health or function.",
    )
    expedited_justification = forms.CharField(
        label="Why expedited",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for an expedited request.",
    )
    clinical_notes = forms.CharField(
        label="Clinical notes",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="History, prior treatment and findings that support the request.",
    )
    documents = MultipleFileField(
        label="Clinical documents",
        required=False,
        help_text="PDF, PNG or JPEG, up to 10 MB each, up to 10 files. Documents are not kept "
        "in a draft: attach them just before you submit.",
    )
    key = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, requesting_providers: list[Provider] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["urgency"].widget.attrs.pop("class", None)
        requesting = self.fields["requesting_npi"]
        assert isinstance(requesting, forms.ChoiceField)
        requesting.choices = [("", "Choose")] + [
            (p.npi, f"{p.display_name} (NPI {p.npi})") for p in requesting_providers or []
        ]
        for index in range(SERVICE_ROWS):
            required = index == 0
            prefix = f"services-{index}-"
            self.fields[prefix + "procedure_code"] = forms.CharField(
                label="Procedure (CPT/HCPCS)",
                required=required,
                max_length=5,
                widget=forms.TextInput(
                    attrs={
                        "autocomplete": "off",
                        "spellcheck": "false",
                        "class": "usa-input usa-input--medium",
                    }
                ),
            )
            self.fields[prefix + "modifiers"] = forms.CharField(
                label="Modifiers",
                required=False,
                max_length=20,
                help_text="Up to four, separated by spaces, e.g. RT 59.",
                widget=forms.TextInput(attrs={"class": "usa-input usa-input--medium"}),
            )
            self.fields[prefix + "units"] = forms.IntegerField(
                label="Units",
                required=required,
                min_value=1,
                max_value=999,
                widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small"}),
            )
            self.fields[prefix + "service_from"] = forms.DateField(
                label="From", required=required, widget=DATE_INPUT
            )
            self.fields[prefix + "service_to"] = forms.DateField(
                label="To", required=required, widget=DATE_INPUT
            )
        self.service_rows = [
            [self[f"services-{i}-{name}"] for name in SERVICE_FIELDS] for i in range(SERVICE_ROWS)
        ]
        self.service_row_numbers = list(range(1, SERVICE_ROWS + 1))

    def clean_member_id(self) -> str:
        value: str = self.cleaned_data["member_id"].strip()
        if value and not all(ch.isalnum() or ch in " -" for ch in value):
            raise forms.ValidationError("A member ID has only letters, digits and dashes.")
        return value

    def clean_diagnoses(self) -> list[str]:
        raw = [code for code in _SPLIT.split(self.cleaned_data["diagnoses"]) if code]
        bad = [code for code in raw if codes.normalize_diagnosis(code) is None]
        if bad:
            raise forms.ValidationError(
                f"Not ICD-10-CM: {', '.join(bad[:5])}. A code is a letter, two characters, "
                "then up to four more, e.g. M54.50."
            )
        if not raw:
            raise forms.ValidationError("Enter at least one diagnosis code.")
        return raw

    def clean_place_of_service(self) -> str:
        value: str = self.cleaned_data["place_of_service"].strip()
        if not codes.place_of_service_shaped(value):
            raise forms.ValidationError("Enter the two-digit place of service code, e.g. 11.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("member_id"):
            for name in ("last_name", "first_name"):
                if not str(data.get(name, "")).strip():
                    self.add_error(
                        name,
                        "Give the member ID, or the last and first name, with the date of birth.",
                    )
        if (
            data.get("urgency") == Urgency.EXPEDITED
            and not str(data.get("expedited_justification", "")).strip()
        ):
            self.add_error(
                "expedited_justification", "Say why this request cannot wait the standard time."
            )
        for index in range(SERVICE_ROWS):
            prefix = f"services-{index}-"
            values = [data.get(prefix + name) for name in SERVICE_FIELDS]
            if index and not any(values):
                continue
            code = str(data.get(prefix + "procedure_code") or "").strip().upper()
            if code and not codes.procedure_shaped(code):
                self.add_error(
                    prefix + "procedure_code",
                    "A CPT code is 5 digits (e.g. 70551); HCPCS is a letter and 4 digits.",
                )
            for name in ("procedure_code", "units", "service_from", "service_to"):
                if index and data.get(prefix + name) in (None, "") and name not in self.errors:
                    self.add_error(prefix + name, "Complete this service line or clear it.")
            start, end = data.get(prefix + "service_from"), data.get(prefix + "service_to")
            if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
                self.add_error(prefix + "service_to", "The last date cannot be before the first.")
        return data

    def service_lines(self) -> list[ServiceLine]:
        data = self.cleaned_data
        lines = []
        for index in range(SERVICE_ROWS):
            prefix = f"services-{index}-"
            code = str(data.get(prefix + "procedure_code") or "").strip().upper()
            if not code:
                continue
            modifiers = tuple(
                m for m in _SPLIT.split(str(data.get(prefix + "modifiers") or "").upper()) if m
            )
            lines.append(
                ServiceLine(
                    procedure_code=code,
                    modifiers=modifiers,
                    units=int(data[prefix + "units"]),
                    service_from=data[prefix + "service_from"],
                    service_to=data[prefix + "service_to"],
                )
            )
        return lines


def attach_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put each of the service's messages next to its field (or above the form)."""
    for key, messages in error.message_dict.items():
        name = form_field_for(key)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class AnswerForm(UswdsFormMixin, forms.Form):
    answer = forms.CharField(
        label="Your answer",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    documents = MultipleFileField(
        label="Documents asked for",
        required=False,
        help_text="PDF, PNG or JPEG, up to 10 MB each, up to 10 files.",
    )


class WithdrawForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(label="Why", required=False, max_length=500, widget=forms.TextInput)


class ExtendForm(UswdsFormMixin, forms.Form):
    days = forms.IntegerField(
        label="Days to add",
        min_value=1,
        max_value=14,
        initial=14,
        help_text="Once per standard request, up to 14 calendar days.",
    )
    reason = forms.CharField(
        label="Why the plan needs more time",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The office sees this with the new due date.",
    )


class AppealForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why the decision should be changed",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    documents = MultipleFileField(
        label="Supporting documents",
        required=False,
        help_text="PDF, PNG or JPEG, up to 10 MB each, up to 10 files.",
    )


class InfoRequestForm(UswdsFormMixin, forms.Form):
    question = forms.CharField(
        label="What the office should send",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The office sees this; the decision clock stops until it answers.",
    )


class DecisionForm(UswdsFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            ("approve", "Approve"),
            ("partial", "Partially approve (fewer units)"),
            ("deny", "Deny"),
        ],
        widget=forms.RadioSelect,
    )
    reason_code = forms.ChoiceField(
        label="Reason (for a denial or partial approval)",
        required=False,
        choices=[("", "Choose"), *((k, f"{k} — {v}") for k, v in codes.DENIAL_REASONS.items())],
    )
    reason_text = forms.CharField(
        label="Explanation for the office",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required for a denial: what the decision rests on and what would change it.",
    )
    valid_from = forms.DateField(label="Valid from", required=False, widget=DATE_INPUT)
    valid_to = forms.DateField(
        label="Valid to",
        required=False,
        widget=DATE_INPUT,
        help_text="Empty: the requested dates of service.",
    )

    def __init__(self, *args: Any, service_ids: list[tuple[int, str, int]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs.pop("class", None)
        self.unit_fields = []
        for pk, code, requested in service_ids:
            name = f"approved_units_{pk}"
            self.fields[name] = forms.IntegerField(
                label=f"Units approved for {code} (of {requested})",
                required=False,
                min_value=0,
                max_value=requested,
                widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small"}),
                help_text="For a partial approval.",
            )
            self.unit_fields.append(name)

    def approved_units(self) -> dict[int, int]:
        units = {}
        for name in self.unit_fields:
            value = self.cleaned_data.get(name)
            if value is not None:
                units[int(name.rsplit("_", 1)[1])] = int(value)
        return units
