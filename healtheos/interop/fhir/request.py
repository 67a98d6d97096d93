"""Reading a CoverageEligibilityRequest into the plain question the portal can answer.

FHIR lets a client say the same thing many ways: the patient contained in the request or
referenced, the member ID on the Patient or on the Coverage, a single service date or a
period. The portal's eligibility service should not care, so this module reduces all of
them to one frozen ``EligibilityQuestion`` and keeps every ``fhir.resources`` object inside.
Anything it cannot make sense of becomes a ``FhirInputError`` listing every issue found,
each pointed at its element by FHIRPath, ready for ``operation_outcome``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from fhir.resources.R4B.coverage import Coverage
from fhir.resources.R4B.coverageeligibilityrequest import CoverageEligibilityRequest
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

from healtheos.interop.fhir.codes import (
    IDENTIFIER_TYPE,
    MEMBER_ID_TYPE,
    NPI,
    X12_SERVICE_TYPE,
    is_valid_npi,
)
from healtheos.interop.fhir.outcome import FhirInputError, Issue, issues_from_validation_error

ROOT = "CoverageEligibilityRequest"
# "discovery" (find coverage without an ID) and "auth-requirements" need other machinery.
ANSWERABLE_PURPOSES = frozenset({"benefits", "validation"})
# X12 "Health Benefit Plan Coverage": the general question, as in a 270 without EQ01.
DEFAULT_SERVICE_TYPES: tuple[str, ...] = ("30",)
_SERVICE_TYPE_CODE = re.compile(r"[A-Z0-9]{1,2}")

Resolver = Callable[[str], Mapping[str, Any] | None]
"""Looks up a literal reference (``Patient/123``) the request points to but does not contain,
e.g. from the portal's own Patient read; ``None`` when it is unknown."""


@dataclass(frozen=True)
class EligibilityQuestion:
    """What a provider asks about one member, free of FHIR objects."""

    member_id: str
    member_id_system: str | None
    member_id_source: str  # FHIRPath of the element the member ID came from, for diagnostics
    family_name: str | None
    given_names: tuple[str, ...]
    birth_date: dt.date | None
    service_start: dt.date | None  # None: the client gave no date; the caller picks today
    service_end: dt.date | None  # equal to service_start for servicedDate
    purposes: tuple[str, ...]
    service_type_codes: tuple[str, ...]  # X12 service type codes, in request order
    provider_npi: str | None
    insurer_reference: str | None
    patient_reference: str | None
    coverage_reference: str | None
    request_id: str | None


def read_eligibility_request(
    data: Mapping[str, Any] | bytes | str, *, resolve: Resolver | None = None
) -> EligibilityQuestion:
    """Parse and check a CoverageEligibilityRequest; raise ``FhirInputError`` if unusable."""
    request = _validate(_load(data))
    return _Reader(request, resolve).question()


def _load(data: Mapping[str, Any] | bytes | str) -> dict[str, Any]:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise FhirInputError([Issue("structure", f"body is not UTF-8: {error}")]) from None
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as error:
            raise FhirInputError([Issue("structure", f"body is not JSON: {error}")]) from None
    if not isinstance(data, Mapping):
        raise FhirInputError([Issue("structure", "body is not a JSON object")])
    loaded = dict(data)
    kind = loaded.get("resourceType")
    if kind != ROOT:
        said = f"a {kind}" if isinstance(kind, str) and kind else "no resourceType"
        where = kind if isinstance(kind, str) and kind.isidentifier() else ""
        raise FhirInputError([Issue("invalid", f"expected a {ROOT}, got {said}", expression=where)])
    return loaded


M = TypeVar("M", bound=Resource)


def _parse(model: type[M], data: Mapping[str, Any], root: str) -> M:
    """``model.model_validate`` with every failure turned into issues rooted at ``root``."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise FhirInputError(issues_from_validation_error(error, root)) from None
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        # fhir.resources raises these for contained resources of unknown or missing type.
        raise FhirInputError(
            [Issue("structure", f"not a valid {model.__name__}: {error!r}", expression=root)]
        ) from None


def _validate(data: dict[str, Any]) -> CoverageEligibilityRequest:
    contained = data.get("contained") or []
    if isinstance(contained, list):
        issues = [
            Issue(
                "structure",
                "a contained resource needs a resourceType",
                expression=f"{ROOT}.contained[{index}]",
            )
            for index, entry in enumerate(contained)
            if not (isinstance(entry, Mapping) and isinstance(entry.get("resourceType"), str))
        ]
        if issues:
            raise FhirInputError(issues)
    return _parse(CoverageEligibilityRequest, data, ROOT)


class _Reader:
    """One pass over a validated request, collecting issues rather than stopping at one."""

    def __init__(self, request: CoverageEligibilityRequest, resolve: Resolver | None) -> None:
        self.request = request
        self.resolve = resolve
        self.issues: list[Issue] = []

    def question(self) -> EligibilityQuestion:
        request = self.request
        if request.status != "active":
            self.issue(
                "invalid", f"status is {request.status!r}; only active is answered", "status"
            )
        purposes = tuple(str(p) for p in request.purpose or [] if p)
        if not ANSWERABLE_PURPOSES.intersection(purposes):
            self.issue("not-supported", "purpose must include benefits or validation", "purpose")
        patient, patient_path = self.find(request.patient, Patient, f"{ROOT}.patient")
        coverage_ref = self.focal_coverage()
        coverage, coverage_path = (
            self.find(coverage_ref[0], Coverage, coverage_ref[1]) if coverage_ref else (None, "")
        )
        member = self.member_id(patient, patient_path, coverage, coverage_path, coverage_ref)
        family, given = _name(patient)
        birth_date = self.date(patient.birthDate if patient else None, f"{patient_path}.birthDate")
        start, end = self.serviced()
        if birth_date and birth_date > dt.datetime.now(dt.UTC).date():
            self.issue("invalid", "birthDate is in the future", f"{patient_path}.birthDate")
        if request.insurer is None:
            self.issue("required", "insurer is required", "insurer")
        service_types = self.service_types()
        npi = self.provider_npi()
        if self.issues or member is None:
            raise FhirInputError(self.issues)
        return EligibilityQuestion(
            member_id=member[0],
            member_id_system=member[1],
            member_id_source=member[2],
            family_name=family,
            given_names=given,
            birth_date=birth_date,
            service_start=start,
            service_end=end,
            purposes=purposes,
            service_type_codes=service_types,
            provider_npi=npi,
            insurer_reference=request.insurer.reference if request.insurer else None,
            patient_reference=request.patient.reference,
            coverage_reference=coverage_ref[0].reference if coverage_ref else None,
            request_id=request.id,
        )

    def issue(self, code: str, diagnostics: str, element: str) -> None:
        """Record a problem; ``element`` is relative to the request unless it is a full path."""
        path = element if element.startswith(ROOT) else f"{ROOT}.{element}"
        self.issues.append(Issue(code, diagnostics, expression=path))

    def find(self, reference: Reference, model: type[M], path: str) -> tuple[M | None, str]:
        """The resource of type ``model`` a reference points at, and the FHIRPath to it."""
        resource, where = self.locate(reference, path, (model,))
        if resource is None or isinstance(resource, model):
            return resource, where
        self.issue("invalid", f"{reference.reference} is not a {model.__name__}", where)
        return None, where

    def locate(
        self, reference: Reference, path: str, models: tuple[type[Resource], ...]
    ) -> tuple[Resource | None, str]:
        """The resource a reference points at, and the FHIRPath to reach it.

        Contained resources are found by ``#id``; other literal references go to the
        caller's resolver and are parsed as whichever of ``models`` they claim to be. A
        reference with only an identifier (a logical reference) yields no resource: its
        identifier is read by the caller.
        """
        target = reference.reference
        if not target:
            return None, path
        if target.startswith("#"):
            for index, resource in enumerate(self.request.contained or []):
                if resource.id == target[1:]:
                    return resource, f"{ROOT}.contained[{index}]"
            self.issue("structure", f"no contained resource has id {target[1:]!r}", path)
            return None, path
        found = self.resolve(target) if self.resolve else None
        if found is None:
            return None, path
        where = f"{path}.resolve()"
        model = next((m for m in models if m.__name__ == found.get("resourceType")), None)
        if model is None:
            wanted = " or ".join(m.__name__ for m in models)
            self.issue("invalid", f"{target} is not a {wanted}", path)
            return None, where
        try:
            return _parse(model, found, where), where
        except FhirInputError as error:
            self.issues += error.issues
            return None, where

    def focal_coverage(self) -> tuple[Reference, str] | None:
        insurance = self.request.insurance or []
        if not insurance:
            return None
        index = next((i for i, entry in enumerate(insurance) if entry.focal), 0)
        return insurance[index].coverage, f"{ROOT}.insurance[{index}].coverage"

    def member_id(
        self,
        patient: Patient | None,
        patient_path: str,
        coverage: Coverage | None,
        coverage_path: str,
        coverage_ref: tuple[Reference, str] | None,
    ) -> tuple[str, str | None, str] | None:
        """(value, system, source) of the member ID, in the order a payer trusts them.

        The Patient's member-number identifier names this person; the Coverage's
        subscriberId and identifiers name the policy and come next.
        """
        candidates: list[tuple[Identifier | str, str]] = []
        if patient:
            candidates += [
                (identifier, f"{patient_path}.identifier[{i}]")
                for i, identifier in enumerate(patient.identifier or [])
                if _is_member_id(identifier)
            ]
        logical = self.request.patient.identifier
        if logical and _is_member_id(logical):
            candidates.append((logical, f"{ROOT}.patient.identifier"))
        if coverage:
            if coverage.subscriberId:
                candidates.append((coverage.subscriberId, f"{coverage_path}.subscriberId"))
            identifiers = list(enumerate(coverage.identifier or []))
            identifiers.sort(key=lambda pair: not _is_member_id(pair[1]))
            candidates += [(ident, f"{coverage_path}.identifier[{i}]") for i, ident in identifiers]
        if coverage_ref and coverage_ref[0].identifier:
            candidates.append((coverage_ref[0].identifier, f"{coverage_ref[1]}.identifier"))
        for candidate, source in candidates:
            if isinstance(candidate, str):
                return candidate, None, source
            if candidate.value:
                return candidate.value, candidate.system, source
        self.issue(
            "required",
            "no member ID: give the Patient an identifier of type MB "
            f"({IDENTIFIER_TYPE}), or a Coverage with subscriberId",
            patient_path if patient else f"{ROOT}.patient",
        )
        return None

    def date(self, value: object, path: str) -> dt.date | None:
        """A full date from a FHIR date or dateTime; partial dates cannot identify anyone."""
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        self.issue("invalid", f"{value!r} is not a full date (YYYY-MM-DD)", path)
        return None

    def serviced(self) -> tuple[dt.date | None, dt.date | None]:
        request = self.request
        if request.servicedDate is not None:
            day = self.date(request.servicedDate, "servicedDate")
            return day, day
        period = request.servicedPeriod
        if period is None:
            return None, None
        start = self.date(period.start, "servicedPeriod.start")
        end = self.date(period.end, "servicedPeriod.end")
        if start and end and end < start:
            self.issue("invalid", "servicedPeriod ends before it starts", "servicedPeriod")
        return start, end if period.end is not None else start

    def service_types(self) -> tuple[str, ...]:
        codes: list[str] = []
        for i, item in enumerate(self.request.item or []):
            if item.category is None:
                continue  # asked by productOrService only; answered under the default
            codings = [
                (j, c)
                for j, c in enumerate(item.category.coding or [])
                if c.system == X12_SERVICE_TYPE
            ]
            if not codings:
                self.issue(
                    "not-supported",
                    f"category needs a coding from {X12_SERVICE_TYPE}",
                    f"item[{i}].category",
                )
            for j, coding in codings:
                code = coding.code or ""
                if not _SERVICE_TYPE_CODE.fullmatch(code):
                    self.issue(
                        "invalid",
                        f"{code!r} is not an X12 service type code",
                        f"item[{i}].category.coding[{j}].code",
                    )
                elif code not in codes:
                    codes.append(code)
        return tuple(codes) or DEFAULT_SERVICE_TYPES

    def provider_npi(self) -> str | None:
        """The NPI of the requesting practitioner or organization, checked by Luhn.

        A PractitionerRole provider yields no NPI: following it to its Practitioner is
        left to the caller's resolver-backed lookup.
        """
        reference = self.request.provider
        if reference is None:
            return None
        path = f"{ROOT}.provider"
        candidates: list[tuple[Identifier, str]] = []
        if reference.identifier:
            candidates.append((reference.identifier, f"{path}.identifier"))
        resource, where = self.locate(reference, path, (Practitioner, Organization))
        if isinstance(resource, Practitioner | Organization):
            candidates += [
                (ident, f"{where}.identifier[{i}]")
                for i, ident in enumerate(resource.identifier or [])
            ]
        for identifier, source in candidates:
            if identifier.system == NPI and identifier.value:
                if not is_valid_npi(identifier.value):
                    self.issue(
                        "invalid", f"{identifier.value!r} is not a valid NPI", f"{source}.value"
                    )
                    return None
                return identifier.value
        return None


def _is_member_id(identifier: Identifier) -> bool:
    codings = identifier.type.coding or [] if identifier.type else []
    return any(c.system == IDENTIFIER_TYPE and c.code == MEMBER_ID_TYPE for c in codings)


def _name(patient: Patient | None) -> tuple[str | None, tuple[str, ...]]:
    """The official (else usual, else first) name: the one on the member's card."""
    names: Sequence[Any] = patient.name or [] if patient else []
    if not names:
        return None, ()
    rank = {"official": 0, "usual": 1}
    name = min(names, key=lambda n: rank.get(n.use or "", 2))
    return name.family, tuple(str(g) for g in name.given or [])
