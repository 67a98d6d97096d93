"""Eligibility over FHIR R4: the same result the portal shows, as Patient, Coverage and
CoverageEligibilityResponse resources."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from healtheos.eligibility.result import (
    CoverageAnswer,
    EligibilityQuery,
    EligibilityResult,
    MemberFacts,
    Problem,
)
from healtheos.eligibility.service_types import service_type_name
from healtheos.interop.fhir.eligibility import (
    Benefit,
    BenefitItem,
    CoverageData,
    EligibilityAnswer,
    EligibilityError,
    EligibilityQuestion,
    InsuranceAnswer,
    PatientData,
    build_coverage,
    build_eligibility_response,
    build_patient,
)
from healtheos.members.models import Coverage, Member
from healtheos.plans.models import Plan

#: The plan's namespace for member IDs (a URI it controls; documented in the
#: CapabilityStatement's implementation guide notes).
MEMBER_ID_SYSTEM = "https://healtheos.org/fhir/sid/member-id"

_ERRORS: dict[Problem, str] = {
    Problem.BIRTH_DATE_MISMATCH: "birth-date-mismatch",
    Problem.SUBSCRIBER_BIRTH_DATE: "birth-date-mismatch",
    Problem.DAY_MONTH_SWAPPED: "birth-date-mismatch",
    Problem.NAMES_SWAPPED: "name-mismatch",
    Problem.FIRST_NAME_DIFFERS: "name-mismatch",
}
_RELATIONSHIPS = {"18": "self", "01": "spouse", "19": "child"}
_GENDERS = {"F": "female", "M": "male", "U": "unknown"}


def query_from(question: EligibilityQuestion) -> EligibilityQuery | None:
    """The portal's query for a FHIR question, or None when it lacks a date of birth (two
    identifiers always: the FHIR reader accepts a request without one, the portal not)."""
    if question.birth_date is None:
        return None
    given = question.given_names[0] if question.given_names else ""
    return EligibilityQuery(
        birth_date=question.birth_date,
        member_id=question.member_id,
        last_name="" if question.member_id else (question.family_name or ""),
        first_name="" if question.member_id else given,
        date_of_service=question.service_start,
        service_types=question.service_type_codes,
    )


def patient_resource(member: MemberFacts | Member) -> dict[str, Any]:
    if isinstance(member, Member):
        pk, member_id, first, last = (
            member.pk,
            member.member_id,
            member.first_name,
            member.last_name,
        )
        birth, sex = member.birth_date, member.sex
    else:
        pk, member_id, first, last = (
            member.member_pk,
            member.member_id,
            member.first_name,
            member.last_name,
        )
        birth, sex = member.birth_date, member.sex
    return build_patient(
        PatientData(
            member_id=member_id,
            member_id_system=MEMBER_ID_SYSTEM,
            family_name=last,
            given_names=(first,),
            birth_date=birth,
            gender=_GENDERS.get(sex, "unknown"),  # type: ignore[arg-type]
            id=str(pk),
        )
    )


def _line_of_business(lob: str, product: str) -> str:
    if lob == "medicare_advantage":
        return "medicare-advantage"
    if lob == "medicaid":
        return "medicaid-managed-care"
    if product in ("HMO", "PPO", "POS"):
        return f"commercial-{product.lower()}"
    return "commercial"


def coverage_resource(coverage: Coverage, plan: Plan, *, day: dt.date) -> dict[str, Any]:
    member = coverage.member
    benefit_plan = coverage.benefit_plan
    subscriber = member.subscriber or member
    active = coverage.start_date <= day and (coverage.end_date is None or coverage.end_date >= day)
    return build_coverage(
        CoverageData(
            status="active" if active else "cancelled",
            beneficiary_reference=f"Patient/{member.pk}",
            payor_reference=f"Organization/{plan.code}",
            payor_display=plan.name,
            relationship=_RELATIONSHIPS.get(member.relationship, "other"),  # type: ignore[arg-type]
            subscriber_reference=f"Patient/{subscriber.pk}",
            subscriber_id=subscriber.member_id,
            member_id=member.member_id,
            member_id_system=MEMBER_ID_SYSTEM,
            period_start=coverage.start_date,
            period_end=coverage.end_date,
            group_id=coverage.group_number or None,
            group_name=coverage.group_name or None,
            plan_id=benefit_plan.code,
            plan_name=benefit_plan.name,
            line_of_business=_line_of_business(  # type: ignore[arg-type]
                coverage.line_of_business, benefit_plan.product_type
            ),
            id=str(coverage.pk),
        )
    )


def _items(coverage: CoverageAnswer) -> tuple[BenefitItem, ...]:
    items: list[BenefitItem] = []
    for level in ("individual", "family"):
        for network in ("in", "out"):
            benefits = tuple(
                Benefit(
                    type="deductible" if share.kind == "deductible" else "out-of-pocket",
                    allowed=share.amount,
                    used=share.met,
                )
                for share in coverage.cost_shares
                if share.level == level and share.network == network
            )
            if benefits:
                items.append(
                    BenefitItem(
                        service_type="30",
                        service_type_display=service_type_name("30"),
                        network=network,
                        unit=level,
                        benefits=benefits,
                    )
                )
    for service in coverage.benefits:
        for benefit in (service.in_network, service.out_of_network):
            if benefit is None:
                continue
            amounts: list[Benefit] = []
            if benefit.copay is not None:
                amounts.append(Benefit(type="copay", allowed=benefit.copay))
            if benefit.coinsurance_percent is not None:
                amounts.append(Benefit(type="coinsurance", percent=benefit.coinsurance_percent))
            if benefit.visits_per_year:
                amounts.append(Benefit(type="visit", allowed_count=benefit.visits_per_year))
            items.append(
                BenefitItem(
                    service_type=service.service_type,
                    service_type_display=service.name,
                    network=benefit.network,  # type: ignore[arg-type]
                    benefits=tuple(amounts) if benefit.covered else (),
                    excluded=not benefit.covered,
                    authorization_required=benefit.prior_auth_required,
                    description=benefit.limitation or None,
                )
            )
    return tuple(items)


def eligibility_response(
    result: EligibilityResult, *, question: EligibilityQuestion, plan: Plan
) -> dict[str, Any]:
    """The CoverageEligibilityResponse stating ``result``."""
    insurer = f"Organization/{plan.code}"
    service_end = question.service_end or result.date_of_service
    if result.member is None:
        kind = _ERRORS.get(result.problem or Problem.NO_MATCH, "member-not-found")
        answer = EligibilityAnswer(
            patient_reference=question.patient_reference or "#patient",
            insurer_reference=insurer,
            created=timezone.now(),
            request_identifier=question.request_id or f"urn:uuid:{uuid.uuid4()}",
            purposes=question.purposes,
            errors=(EligibilityError(kind),),  # type: ignore[arg-type]
            disposition=result.hint,
            service_start=result.date_of_service,
            service_end=service_end,
        )
        return build_eligibility_response(answer)
    year = result.date_of_service.year
    insurance = tuple(
        InsuranceAnswer(
            coverage_reference=f"Coverage/{coverage.coverage_id}",
            inforce=coverage.active,
            benefit_period_start=dt.date(year, 1, 1) if coverage.active else None,
            benefit_period_end=dt.date(year, 12, 31) if coverage.active else None,
            items=_items(coverage) if coverage.active else (),
        )
        for coverage in result.coverages
    )
    answer = EligibilityAnswer(
        patient_reference=f"Patient/{result.member.member_pk}",
        insurer_reference=insurer,
        created=timezone.now(),
        request_identifier=question.request_id,
        purposes=question.purposes,
        insurance=insurance,
        disposition=(
            "Coverage in force on the date of service."
            if result.outcome == "active"
            else "No coverage in force on the date of service."
        ),
        service_start=result.date_of_service,
        service_end=service_end,
    )
    return build_eligibility_response(answer)
