from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from healtheos.accounts.models import User
from healtheos.core.forms import UswdsFormMixin
from healtheos.core.identifiers import normalize_tin, validate_npi, validate_tin
from healtheos.directory.models import ProviderOrganization
from healtheos.offices.models import Office
from healtheos.offices.registration import match_registration
from healtheos.offices.roles import OfficeRole
from healtheos.plans.models import Plan


class NewAccountForm(UswdsFormMixin, forms.Form):
    """Name, username and password of a new account, with NIST-style password checks
    (length and a common-password list, no composition rules)."""

    first_name = forms.CharField(max_length=60, label="Your first name")
    last_name = forms.CharField(max_length=60, label="Your last name")
    username = forms.CharField(max_length=150, label="Choose a username")
    password1 = forms.CharField(
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        max_length=256,
        label="Choose a password",
        help_text="At least 8 characters; a passphrase of several words is best. "
        "Common passwords are refused.",
    )
    password2 = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=256,
        label="Password again",
    )

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"]).strip()
        if not re.fullmatch(r"[\w.@+-]+", username):
            raise ValidationError("Use letters, digits and . @ + - _ only.")
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("This username is taken; choose another.")
        return username

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            try:
                candidate = User(
                    username=data.get("username", ""),
                    email=data.get("email", "") or getattr(self, "email", ""),
                    first_name=data.get("first_name", ""),
                    last_name=data.get("last_name", ""),
                )
                validate_password(first, candidate)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class RegistrationForm(NewAccountForm):
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.order_by("name"), label="Health plan", empty_label="Choose the plan"
    )
    organization_name = forms.CharField(
        max_length=120,
        label="Organization's legal name",
        help_text="As on your contract with the plan.",
    )
    tin = forms.CharField(max_length=11, label="Tax ID (TIN)", help_text="For example 12-3456789.")
    npis = forms.CharField(
        max_length=250,
        label="NPIs",
        help_text="The organization's NPI and your practitioners' NPIs, separated by commas.",
    )
    address_line = forms.CharField(max_length=120, label="Street address")
    city = forms.CharField(max_length=60)
    state = forms.CharField(max_length=20, help_text="Two letters, for example TX.")
    postal_code = forms.CharField(max_length=10, label="ZIP code")
    registrant_role = forms.CharField(
        max_length=60,
        label="Your role at the office",
        help_text="For example practice manager. You become the office's first administrator.",
    )
    email = forms.EmailField(max_length=254, label="Your work email")

    field_order = [
        "plan",
        "organization_name",
        "tin",
        "npis",
        "address_line",
        "city",
        "state",
        "postal_code",
        "first_name",
        "last_name",
        "registrant_role",
        "email",
        "username",
        "password1",
        "password2",
    ]

    organization: ProviderOrganization | None = None

    def clean_tin(self) -> str:
        tin = normalize_tin(self.cleaned_data["tin"])
        validate_tin(tin)
        return tin

    def clean_npis(self) -> list[str]:
        npis = [n for n in re.split(r"[\s,;]+", self.cleaned_data["npis"]) if n]
        if not npis:
            raise ValidationError("Enter at least one NPI.")
        if len(npis) > 20:
            raise ValidationError("Enter at most 20 NPIs; add more practitioners after approval.")
        errors = []
        for npi in npis:
            try:
                validate_npi(npi)
            except ValidationError as exc:
                errors.append(f"{npi}: {exc.messages[0]}")
        if errors:
            raise ValidationError(errors)
        return list(dict.fromkeys(npis))

    def clean_state(self) -> str:
        state = str(self.cleaned_data["state"]).strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", state):
            raise ValidationError("Use the two-letter state code, for example TX.")
        return state

    def clean_postal_code(self) -> str:
        code = str(self.cleaned_data["postal_code"]).strip()
        if not re.fullmatch(r"\d{5}(-?\d{4})?", code):
            raise ValidationError("A ZIP code is 5 digits, or 9 as 12345-6789.")
        return code

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                "An account already uses this email. Sign in with it, "
                "or use 'Forgot your password?'."
            )
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        plan, tin, npis, name = (
            data.get("plan"),
            data.get("tin"),
            data.get("npis"),
            data.get("organization_name"),
        )
        if plan and tin and npis and name:
            result = match_registration(plan=plan, tin=tin, npis=npis, organization_name=name)
            for mismatch in result.mismatches:
                self.add_error(mismatch.field, mismatch.message)
            if (
                result.organization is not None
                and Office.objects.filter(plan=plan, organization=result.organization).exists()
            ):
                self.add_error(
                    "tin",
                    f"An office with this tax ID is already registered at {plan.name}. Ask its "
                    "portal administrator to invite you.",
                )
            self.organization = result.organization
        return data


class RejectionForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        label="Reason, as the registrant will read it",
        help_text="Say what to correct, for example which detail did not match the contract.",
    )


class InviteForm(UswdsFormMixin, forms.Form):
    email = forms.EmailField(max_length=254, label="Their work email")
    role = forms.ChoiceField(choices=OfficeRole.choices, label="Their role")


class RoleForm(UswdsFormMixin, forms.Form):
    role = forms.ChoiceField(choices=OfficeRole.choices, label="New role")


class AcceptInvitationForm(NewAccountForm):
    """A new account for an invited person; the email is the invitation's."""

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email


class AccessReviewForm(UswdsFormMixin, forms.Form):
    """One required keep-or-remove choice per active user of the office."""

    def __init__(self, *args: Any, memberships: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.memberships = memberships
        for membership in memberships:
            person = membership.user.get_full_name() or membership.user.username
            self.fields[f"m{membership.pk}"] = forms.ChoiceField(
                label=f"{person} ({membership.get_role_display()})",
                choices=[("keep", "Still needs access"), ("remove", "Remove from the office")],
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose whether {person} still needs access."},
            )

    def decisions(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[f"m{m.pk}"] for m in self.memberships}

    def rows(self) -> list[tuple[Any, forms.BoundField]]:
        return [(m, self[f"m{m.pk}"]) for m in self.memberships]
