"""The portal's professional claim form (the CMS-1500 fields that matter), checked field
by field, and written as the 837P the same claim would arrive as."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from healtheos.core.forms import UswdsFormMixin
from healtheos.core.identifiers import validate_npi
from healtheos.interop.x12.claims import (
    Address,
    BillingProvider,
    ClaimBatch,
    Contact,
    HealthCode,
    Party,
    Procedure,
    ServiceLine,
    Submitter,
    Subscriber,
)
from healtheos.interop.x12.claims import (
    Claim as Claim837,
)
from healtheos.interop.x12.claims.codes import icd10_cm_shaped, procedure_shaped
from healtheos.interop.x12.eligibility.segments import DateRange, Name
from healtheos.members.models import Member
from healtheos.offices.models import Office

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
POINTERS = "ABCDEFGHIJKL"
PLACES_OF_SERVICE = [
    ("11", "11 Office"),
    ("02", "02 Telehealth (other than in the patient's home)"),
    ("10", "10 Telehealth in the patient's home"),
    ("12", "12 Home"),
    ("19", "19 Off-campus outpatient hospital"),
    ("20", "20 Urgent care facility"),
    ("21", "21 Inpatient hospital"),
    ("22", "22 On-campus outpatient hospital"),
    ("23", "23 Emergency room – hospital"),
    ("31", "31 Skilled nursing facility"),
    ("81", "81 Independent laboratory"),
]
_MODIFIER = re.compile(r"^[A-Z0-9]{2}$")


class ClaimForm(UswdsFormMixin, forms.Form):
    patient_account_number = forms.CharField(
        label="Patient account number", max_length=38, help_text="Your own reference (box 26)."
    )
    member_id = forms.CharField(label="Member ID", max_length=30)
    date_of_birth = forms.DateField(label="Patient's date of birth", widget=DATE_INPUT)
    rendering_npi = forms.ChoiceField(label="Rendering provider")
    diagnoses = forms.CharField(
        label="Diagnoses (ICD-10-CM)",
        max_length=120,
        help_text="Up to 12 codes separated by spaces or commas, the principal first "
        "(e.g. J06.9, R05.1). Lines point to them as A, B, C…",
    )
    frequency = forms.ChoiceField(
        label="Claim frequency",
        choices=[("1", "Original"), ("7", "Corrected (replaces a claim)"), ("8", "Void")],
        initial="1",
    )
    original_claim_number = forms.CharField(
        label="Original claim number",
        required=False,
        max_length=20,
        help_text="For a corrected or void claim: the plan's number of the claim it replaces.",
    )
    prior_authorization = forms.CharField(
        label="Prior authorization number", required=False, max_length=30
    )

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.office = office
        practitioners = office.organization.providers.order_by("last_name", "first_name")
        field = self.fields["rendering_npi"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(p.npi, f"{p.display_name} (NPI {p.npi})") for p in practitioners]

    def clean_member_id(self) -> str:
        return "".join(self.cleaned_data["member_id"].split()).upper()

    def clean_diagnoses(self) -> list[str]:
        codes = [c.strip().upper() for c in re.split(r"[\s,;]+", self.cleaned_data["diagnoses"])]
        codes = [c for c in codes if c]
        if not codes:
            raise forms.ValidationError("Give at least one diagnosis code.")
        if len(codes) > 12:
            raise forms.ValidationError("A claim carries at most 12 diagnosis codes.")
        bad = [c for c in codes if not icd10_cm_shaped(c.replace(".", ""))]
        if bad:
            raise forms.ValidationError(
                f"Not ICD-10-CM codes: {', '.join(bad)} (a letter, two digits, then up to four "
                "letters or digits, e.g. E11.9)."
            )
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        frequency = data.get("frequency")
        if frequency in ("7", "8") and not data.get("original_claim_number"):
            self.add_error(
                "original_claim_number", "A corrected or void claim names the claim it replaces."
            )
        member_id, birth = data.get("member_id"), data.get("date_of_birth")
        if member_id and birth:
            member = Member.objects.filter(
                plan_id=self.office.plan_id, member_id=member_id, birth_date=birth
            ).first()
            if member is None:
                self.add_error(
                    "member_id",
                    "No member of this plan has this member ID with this date of birth. Check "
                    "both against the ID card (eligibility search helps).",
                )
            data["member"] = member
        return data


class LineForm(UswdsFormMixin, forms.Form):
    service_date = forms.DateField(label="Date of service", widget=DATE_INPUT)
    place_of_service = forms.ChoiceField(label="Place of service", choices=PLACES_OF_SERVICE)
    procedure_code = forms.CharField(label="CPT/HCPCS", max_length=5, min_length=5)
    modifiers = forms.CharField(label="Modifiers", required=False, max_length=20)
    pointers = forms.CharField(
        label="Diagnosis pointers", max_length=4, help_text="Letters, e.g. A or AB.", initial="A"
    )
    units = forms.DecimalField(
        label="Units", min_value=Decimal("0.01"), max_digits=7, decimal_places=2, initial=1
    )
    charge = forms.DecimalField(
        label="Charge ($)", min_value=Decimal("0.01"), max_digits=9, decimal_places=2
    )

    def clean_procedure_code(self) -> str:
        code: str = self.cleaned_data["procedure_code"].strip().upper()
        if not procedure_shaped(code):
            raise forms.ValidationError("Not a CPT or HCPCS code (e.g. 99213, G0439, 3074F).")
        return code

    def clean_modifiers(self) -> list[str]:
        values = [m for m in re.split(r"[\s,\-]+", self.cleaned_data["modifiers"].upper()) if m]
        if len(values) > 4 or any(not _MODIFIER.match(m) for m in values):
            raise forms.ValidationError("Up to four two-character modifiers, e.g. 25 or 25 59.")
        return values

    def clean_pointers(self) -> list[int]:
        letters = self.cleaned_data["pointers"].strip().upper().replace(" ", "")
        if not letters or any(ch not in POINTERS for ch in letters):
            raise forms.ValidationError("Use the letters of the diagnoses (A to L).")
        return [POINTERS.index(ch) + 1 for ch in letters]

    def clean_service_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["service_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("A claim is for services already given.")
        return value


class BaseLineFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.cleaned_data]
        if not filled:
            raise forms.ValidationError("Add at least one service line.")


MAX_LINES = 6


def line_formset(count: int = 1) -> type[forms.BaseFormSet]:  # type: ignore[type-arg]
    """A formset showing ``count`` line forms (1 to 6) before anything is typed."""
    count = max(1, min(count, MAX_LINES))
    return forms.formset_factory(
        LineForm,
        formset=BaseLineFormSet,
        extra=count - 1,
        min_num=1,
        max_num=MAX_LINES,
        validate_max=True,
    )


def claim_from_form(office: Office, form: ClaimForm, lines: list[dict[str, Any]]) -> ClaimBatch:
    """The 837P batch the form's claim is: what a billing system would have sent."""
    data = form.cleaned_data
    member: Member = data["member"]
    diagnoses: list[str] = data["diagnoses"]
    for line in lines:
        too_far = [p for p in line["pointers"] if p > len(diagnoses)]
        if too_far:
            raise forms.ValidationError("A line points to a diagnosis that is not on the claim.")
    organization = office.organization
    validate_npi(data["rendering_npi"])
    location = organization.locations.order_by("-is_primary", "pk").first()
    if location is None:
        raise forms.ValidationError(
            "The plan has no address on file for your office, and a claim needs the billing "
            "provider's address. Ask provider services to add it."
        )
    address = (
        Address(
            (location.address_line.upper()[:55],),
            location.city.upper(),
            location.state,
            location.postal_code.replace("-", ""),
        )
        if location is not None
        else None
    )
    phone = "".join(ch for ch in (location.phone if location else "") if ch.isdigit())
    billing = BillingProvider(
        name=Name(
            "85",
            "2",
            organization.legal_name.upper()[:60],
            id_qualifier="XX",
            identifier=organization.npi or data["rendering_npi"],
        ),
        address=address,
        tin=organization.tin,
    )
    subscriber_member = member.subscriber or member
    subscriber = Subscriber(
        payer_responsibility="P",
        relationship="18" if member.subscriber is None else "",
        group_number="",
        group_name="",
        claim_filing="CI",
        name=Name(
            "IL",
            "1",
            subscriber_member.last_name.upper(),
            subscriber_member.first_name.upper(),
            id_qualifier="MI",
            identifier=subscriber_member.member_id,
        ),
        payer=Name(
            "PR", "2", office.plan.name.upper(), id_qualifier="PI", identifier=office.plan.payer_id
        ),
        birth_date=subscriber_member.birth_date,
        gender=subscriber_member.sex,
    )
    from healtheos.interop.x12.claims import Patient

    patient = None
    if member.subscriber is not None:
        patient = Patient(
            relationship=member.relationship if member.relationship in ("01", "19") else "G8",
            name=Name("QC", "1", member.last_name.upper(), member.first_name.upper()),
            birth_date=member.birth_date,
            gender=member.sex,
        )
    service_lines = tuple(
        ServiceLine(
            number=index,
            procedure=Procedure("HC", line["procedure_code"], tuple(line["modifiers"])),
            charge=line["charge"],
            unit_qualifier="UN",
            units=line["units"],
            service_dates=DateRange(line["service_date"], line["service_date"]),
            place_of_service=line["place_of_service"],
            diagnosis_pointers=tuple(line["pointers"]),
        )
        for index, line in enumerate(lines, start=1)
    )
    claim = Claim837(
        patient_control_number=data["patient_account_number"],
        total_charge=sum((line["charge"] for line in lines), Decimal(0)),
        facility_code=lines[0]["place_of_service"],
        facility_qualifier="B",
        frequency=data["frequency"],
        billing_provider=billing,
        subscriber=subscriber,
        patient=patient,
        diagnoses=tuple(
            HealthCode("ABK" if i == 0 else "ABF", code.replace(".", ""))
            for i, code in enumerate(diagnoses)
        ),
        lines=service_lines,
        original_claim_number=data.get("original_claim_number") or "",
        prior_authorization=data.get("prior_authorization") or "",
        providers=(
            Party(
                Name("82", "1", "RENDERING", id_qualifier="XX", identifier=data["rendering_npi"])
            ),
        ),
    )
    return ClaimBatch(
        submitter=Submitter(
            Name(
                "41",
                "2",
                organization.legal_name.upper()[:60],
                id_qualifier="46",
                identifier=f"HE{office.pk:06d}",
            ),
            (Contact("BILLING OFFICE", (("TE", phone or "0000000000"),)),),
        ),
        receiver=Name(
            "40", "2", office.plan.name.upper(), id_qualifier="46", identifier=office.plan.payer_id
        ),
        claims=(claim,),
        reference=f"FORM{office.pk}{timezone.now():%y%m%d%H%M%S}",
    )
