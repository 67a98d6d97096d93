"""Reading a prior authorization request Bundle (Da Vinci PAS style) into plain data.

A PAS request is a ``collection`` Bundle whose first entry is a Claim with ``use``
``preauthorization``; the Claim points at the Patient, the Coverage, the requesting
Practitioner or Organization, the insurer and its care team, and lists diagnoses
(ICD-10-CM) and items (CPT or HCPCS, quantity, dates, place of service; an item may name
the ServiceRequest it asks for). The whole Bundle is validated with ``fhir.resources``
first; then everything the portal needs is read into :class:`PasRequest`, and anything it
cannot use is reported with every other problem in one :class:`FhirInputError`, each
pointed at its element by FHIRPath.

An inquiry (``Claim/$inquire``) is the same kind of Bundle naming an earlier request by
its identifiers; :func:`read_pas_inquiry` reads what it needs to find it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from healtheos.interop.fhir.codes import IDENTIFIER_TYPE, MEMBER_ID_TYPE, NPI, is_valid_npi
from healtheos.interop.fhir.outcome import FhirInputError, Issue, issues_from_validation_error
from healtheos.interop.fhir.pas_codes import (
    EXPEDITED_PRIORITIES,
    ICD10_CM,
    PLACE_OF_SERVICE,
    PROCEDURE_SYSTEMS,
    REQUESTED_SERVICE,
)

MAX_ITEMS = 50


@dataclass(frozen=True)
class PasItem:
    """One requested service (Claim.item)."""

    sequence: int
    system: str
    code: str
    modifiers: tuple[str, ...]
    quantity: Decimal | None
    start: dt.date | None
    end: dt.date | None
    place_of_service: str
    servicing_npi: str


@dataclass(frozen=True)
class PasRequest:
    """What a PAS request asks, free of FHIR objects."""

    identifiers: tuple[tuple[str, str], ...]  # Claim.identifier (system, value)
    member_id: str
    family_name: str
    given_names: tuple[str, ...]
    birth_date: dt.date | None
    gender: str
    requester_npi: str
    requester_name: str
    servicing_npi: str
    insurer_name: str
    priority: str
    diagnoses: tuple[str, ...]  # ICD-10-CM codes as sent
    items: tuple[PasItem, ...]
    notes: tuple[str, ...]
    patient_reference: str
    insurer_reference: str
    requester_reference: str
    claim_type: str

    @property
    def expedited(self) -> bool:
        return self.priority in EXPEDITED_PRIORITIES

    @property
    def place_of_service(self) -> str:
        return next((item.place_of_service for item in self.items if item.place_of_service), "")

    def identifier_key(self) -> str:
        """The sender's identifier of this request (system|value), which makes a resend
        the same request."""
        if not self.identifiers:
            return ""
        system, value = self.identifiers[0]
        return f"{system}|{value}"


@dataclass(frozen=True)
class PasInquiry:
    """An inquiry: the identifiers of the earlier request and who asks about whom."""

    identifiers: tuple[tuple[str, str], ...]
    member_id: str
    birth_date: dt.date | None
    requester_npi: str
    patient_reference: str
    insurer_reference: str
    requester_reference: str
    claim_type: str


def read_pas_request(data: Mapping[str, Any] | bytes | str) -> PasRequest:
    """Parse and check a PAS request Bundle; raise ``FhirInputError`` listing every issue."""
    reader = _Reader(_bundle(data))
    request = reader.request()
    if reader.issues:
        raise FhirInputError(reader.issues)
    return request


def read_pas_inquiry(data: Mapping[str, Any] | bytes | str) -> PasInquiry:
    """Parse and check a PAS inquiry Bundle; raise ``FhirInputError`` listing every issue."""
    reader = _Reader(_bundle(data))
    inquiry = reader.inquiry()
    if reader.issues:
        raise FhirInputError(reader.issues)
    return inquiry


def _bundle(data: Mapping[str, Any] | bytes | str) -> dict[str, Any]:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise FhirInputError([Issue("structure", f"body is not UTF-8: {error}")]) from None
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except (json.JSONDecodeError, RecursionError) as error:
            raise FhirInputError([Issue("structure", f"body is not JSON: {error}")]) from None
    if not isinstance(data, Mapping):
        raise FhirInputError([Issue("structure", "body is not a JSON object")])
    kind = data.get("resourceType")
    if kind != "Bundle":
        said = f"a {kind}" if isinstance(kind, str) and kind else "no resourceType"
        raise FhirInputError([Issue("invalid", f"expected a Bundle, got {said}")])
    try:
        validated = Bundle.model_validate(dict(data))
    except ValidationError as error:
        raise FhirInputError(issues_from_validation_error(error, "Bundle")) from None
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as error:
        # fhir.resources raises these for entries of unknown or missing resource type.
        raise FhirInputError(
            [Issue("structure", f"not a valid Bundle: {str(error)[:200]}", expression="Bundle")]
        ) from None
    dumped: dict[str, Any] = validated.model_dump(mode="json", exclude_none=True)
    return dumped


def _codings(concept: Any) -> list[dict[str, Any]]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding", []) if isinstance(c, dict)]


def _int(value: Any, default: int = 0) -> int:
    """A positiveInt as read (FHIR lets a repeated primitive be null beside its extension)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _strings(values: Any) -> list[str]:
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


class _Reader:
    def __init__(self, bundle: dict[str, Any]) -> None:
        self.bundle = bundle
        self.issues: list[Issue] = []
        self.entries: dict[str, tuple[int, dict[str, Any]]] = {}
        entries = bundle.get("entry", [])
        for index, entry in enumerate(entries):
            resource = entry.get("resource")
            if not isinstance(resource, dict):
                continue
            kind = resource.get("resourceType", "")
            if resource.get("id"):
                self.entries[f"{kind}/{resource['id']}"] = (index, resource)
            if entry.get("fullUrl"):
                self.entries[entry["fullUrl"]] = (index, resource)
                tail = "/".join(entry["fullUrl"].rstrip("/").split("/")[-2:])
                self.entries.setdefault(tail, (index, resource))
        self.claim: dict[str, Any] = {}

    def issue(self, code: str, diagnostics: str, expression: str) -> None:
        self.issues.append(Issue(code, diagnostics, expression=expression))

    def resolve(
        self, reference: Any, expression: str, kinds: Sequence[str], *, required: bool = True
    ) -> dict[str, Any] | None:
        target = reference.get("reference") if isinstance(reference, dict) else None
        if not target:
            if required:
                self.issue(
                    "required", "a reference to an entry of the Bundle is required", expression
                )
            return None
        found = self.entries.get(target)
        if found is None:
            self.issue("not-found", f"{target[:80]} is not an entry of the Bundle", expression)
            return None
        resource = found[1]
        if resource.get("resourceType") not in kinds:
            self.issue(
                "invalid",
                f"{target[:80]} is a {resource.get('resourceType')}, not a {' or '.join(kinds)}",
                expression,
            )
            return None
        return resource

    def find_claim(self) -> dict[str, Any]:
        if self.bundle.get("type") != "collection":
            self.issue("invalid", "a PAS request is a Bundle of type collection", "Bundle.type")
        entries = self.bundle.get("entry", [])
        first = entries[0].get("resource") if entries else None
        if not isinstance(first, dict) or first.get("resourceType") != "Claim":
            self.issue("required", "the first entry must be the Claim", "Bundle.entry[0]")
            raise FhirInputError(self.issues)
        if first.get("use") != "preauthorization":
            self.issue("invalid", "Claim.use must be preauthorization", "Claim.use")
        self.claim = first
        return first

    def identifiers(self) -> tuple[tuple[str, str], ...]:
        out = []
        for identifier in self.claim.get("identifier", []):
            value = identifier.get("value", "")
            if value:
                out.append((identifier.get("system", ""), value[:64]))
        return tuple(out)

    def patient(self) -> tuple[dict[str, Any], str]:
        patient = self.resolve(self.claim.get("patient"), "Claim.patient", ("Patient",)) or {}
        member_id = ""
        for identifier in patient.get("identifier", []):
            codes = {
                c.get("code")
                for c in _codings(identifier.get("type"))
                if c.get("system") == IDENTIFIER_TYPE
            }
            if MEMBER_ID_TYPE in codes and identifier.get("value"):
                member_id = identifier["value"]
                break
        for index, insurance in enumerate(self.claim.get("insurance", [])):
            if member_id:
                break
            coverage = self.resolve(
                insurance.get("coverage"),
                f"Claim.insurance[{index}].coverage",
                ("Coverage",),
                required=False,
            )
            if coverage:
                member_id = coverage.get("subscriberId", "") or next(
                    (i.get("value", "") for i in coverage.get("identifier", []) if i.get("value")),
                    "",
                )
        return patient, member_id[:80]

    def provider(
        self, reference: Any, expression: str, *, required: bool = True
    ) -> tuple[str, str]:
        """(NPI, name) of a Practitioner, PractitionerRole or Organization."""
        resource = self.resolve(
            reference,
            expression,
            ("Practitioner", "Organization", "PractitionerRole"),
            required=required,
        )
        if resource is None:
            return "", ""
        if resource.get("resourceType") == "PractitionerRole":
            inner = (
                self.resolve(
                    resource.get("practitioner"), expression, ("Practitioner",), required=False
                )
                or {}
            )
            resource = inner or resource
        npi = next(
            (
                i.get("value", "")
                for i in resource.get("identifier", [])
                if i.get("system") == NPI and i.get("value")
            ),
            "",
        )
        if npi and not is_valid_npi(npi):
            self.issue("invalid", f"{npi[:12]} is not a valid NPI (check digit)", expression)
        if resource.get("resourceType") == "Organization":
            name = resource.get("name", "")
        else:
            names = resource.get("name", [])
            first = names[0] if names else {}
            name = " ".join([*_strings(first.get("given")), first.get("family", "")]).strip()
        return npi, name[:120]

    def common(self) -> dict[str, Any]:
        claim = self.find_claim()
        patient, member_id = self.patient()
        if not member_id:
            self.issue(
                "required",
                "the member ID is required: a Patient.identifier of type MB, or the Coverage's "
                "subscriberId",
                "Claim.patient",
            )
        birth = _date(patient.get("birthDate"))
        requester_npi, requester_name = self.provider(claim.get("provider"), "Claim.provider")
        return {
            "identifiers": self.identifiers(),
            "member_id": member_id,
            "patient": patient,
            "birth_date": birth,
            "requester_npi": requester_npi,
            "requester_name": requester_name,
            "patient_reference": (claim.get("patient") or {}).get("reference", ""),
            "insurer_reference": (claim.get("insurer") or {}).get("reference", ""),
            "requester_reference": (claim.get("provider") or {}).get("reference", ""),
            "claim_type": next(
                (c.get("code", "") for c in _codings(claim.get("type"))), "professional"
            ),
        }

    def inquiry(self) -> PasInquiry:
        found = self.common()
        if not found["identifiers"]:
            self.issue("required", "name the request by its identifier", "Claim.identifier")
        return PasInquiry(
            identifiers=found["identifiers"],
            member_id=found["member_id"],
            birth_date=found["birth_date"],
            requester_npi=found["requester_npi"],
            patient_reference=found["patient_reference"],
            insurer_reference=found["insurer_reference"],
            requester_reference=found["requester_reference"],
            claim_type=found["claim_type"],
        )

    def request(self) -> PasRequest:
        found = self.common()
        claim = self.claim
        patient = found["patient"]
        if not found["identifiers"]:
            self.issue(
                "required",
                "Claim.identifier is required, so that a resend is recognised as the same request",
                "Claim.identifier",
            )
        if found["birth_date"] is None:
            self.issue("required", "the patient's birthDate is required", "Patient.birthDate")
        names = patient.get("name", [])
        name = names[0] if names else {}
        if not name.get("family"):
            self.issue("required", "the patient's family name is required", "Patient.name")
        insurer = (
            self.resolve(claim.get("insurer"), "Claim.insurer", ("Organization",), required=False)
            or {}
        )
        care_team = self.care_team()
        diagnoses = self.diagnoses()
        items = self.items(care_team)
        priority = next((c.get("code", "") for c in _codings(claim.get("priority"))), "normal")
        notes = tuple(
            info["valueString"][:2000]
            for info in claim.get("supportingInfo", [])
            if isinstance(info.get("valueString"), str)
        )
        servicing = next((item.servicing_npi for item in items if item.servicing_npi), "")
        if not servicing:
            servicing = care_team.get(0, "") or found["requester_npi"]
        return PasRequest(
            identifiers=found["identifiers"],
            member_id=found["member_id"],
            family_name=name.get("family", "")[:60],
            given_names=tuple(g[:35] for g in _strings(name.get("given"))),
            birth_date=found["birth_date"],
            gender=patient.get("gender", ""),
            requester_npi=found["requester_npi"],
            requester_name=found["requester_name"],
            servicing_npi=servicing,
            insurer_name=insurer.get("name", ""),
            priority=priority,
            diagnoses=diagnoses,
            items=items,
            notes=notes,
            patient_reference=found["patient_reference"],
            insurer_reference=found["insurer_reference"],
            requester_reference=found["requester_reference"],
            claim_type=found["claim_type"],
        )

    def care_team(self) -> dict[int, str]:
        """Care team sequence → NPI (0 → the first member's, the servicing default)."""
        out: dict[int, str] = {}
        for index, member in enumerate(self.claim.get("careTeam", [])):
            npi, _ = self.provider(member.get("provider"), f"Claim.careTeam[{index}].provider")
            if npi:
                out[_int(member.get("sequence"))] = npi
                out.setdefault(0, npi)
        return out

    def diagnoses(self) -> tuple[str, ...]:
        out: list[str] = []
        for index, diagnosis in enumerate(self.claim.get("diagnosis", [])):
            where = f"Claim.diagnosis[{index}].diagnosisCodeableConcept"
            codes = [
                c
                for c in _codings(diagnosis.get("diagnosisCodeableConcept"))
                if c.get("system") == ICD10_CM and c.get("code")
            ]
            if not codes:
                self.issue(
                    "code-invalid", f"a diagnosis needs an ICD-10-CM code ({ICD10_CM})", where
                )
                continue
            out.append(codes[0]["code"][:10])
        if not out:
            self.issue(
                "required", "at least one ICD-10-CM diagnosis is required", "Claim.diagnosis"
            )
        return tuple(out)

    def items(self, care_team: Mapping[int, str]) -> tuple[PasItem, ...]:
        items = self.claim.get("item", [])
        if not items:
            self.issue(
                "required", "at least one item (the service asked for) is required", "Claim.item"
            )
        if len(items) > MAX_ITEMS:
            self.issue("too-costly", f"at most {MAX_ITEMS} items", "Claim.item")
            return ()
        out = []
        for index, item in enumerate(items):
            where = f"Claim.item[{index}]"
            codes = [
                c
                for c in _codings(item.get("productOrService"))
                if c.get("system") in PROCEDURE_SYSTEMS and c.get("code")
            ]
            if not codes:
                self.issue(
                    "code-invalid",
                    "productOrService needs a CPT or HCPCS code",
                    f"{where}.productOrService",
                )
                continue
            quantity = self.quantity(item.get("quantity"), f"{where}.quantity")
            start = _date(item.get("servicedDate"))
            end = start
            period = item.get("servicedPeriod")
            if isinstance(period, dict):
                start, end = _date(period.get("start")), _date(period.get("end"))
                end = end or start
            requested = self.requested_service(item, where)
            if requested is not None:
                if start is None:
                    occurrence = requested.get("occurrencePeriod") or {}
                    start = _date(requested.get("occurrenceDateTime")) or _date(
                        occurrence.get("start")
                    )
                    end = _date(occurrence.get("end")) or start
                if quantity is None:
                    quantity = self.quantity(requested.get("quantityQuantity"), f"{where}.quantity")
            place = next(
                (
                    c.get("code", "")
                    for c in _codings(item.get("locationCodeableConcept"))
                    if c.get("system") == PLACE_OF_SERVICE
                ),
                "",
            )
            team = item.get("careTeamSequence") or [None]
            servicing = care_team.get(_int(team[0], -1), "")
            out.append(
                PasItem(
                    sequence=_int(item.get("sequence"), index + 1),
                    system=codes[0]["system"],
                    code=codes[0]["code"][:10],
                    modifiers=tuple(
                        c.get("code", "")[:2]
                        for m in item.get("modifier", [])
                        for c in _codings(m)[:1]
                    ),
                    quantity=quantity,
                    start=start,
                    end=end,
                    place_of_service=place[:2],
                    servicing_npi=servicing,
                )
            )
        return tuple(out)

    def requested_service(self, item: Mapping[str, Any], where: str) -> dict[str, Any] | None:
        for extension in item.get("extension", []):
            if extension.get("url") == REQUESTED_SERVICE:
                return self.resolve(
                    extension.get("valueReference"), f"{where}.extension", ("ServiceRequest",)
                )
        return None

    def quantity(self, value: Any, where: str) -> Decimal | None:
        if not isinstance(value, dict) or value.get("value") is None:
            return None
        try:
            number = Decimal(str(value["value"]))
        except InvalidOperation:
            number = Decimal(-1)
        if not number.is_finite() or number <= 0 or number != number.to_integral_value():
            self.issue("value", "the quantity must be a whole number of units above zero", where)
            return None
        return number
