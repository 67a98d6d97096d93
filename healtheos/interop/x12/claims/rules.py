"""Claim-level business checks: problems that leave the 837 well formed but the claim
unusable, answered per claim in a 277CA with a claim status code (X12 Claim Status Codes
list, external code source 508; see :data:`CLAIM_STATUS_CODES`)."""

from __future__ import annotations

import datetime as dt
import functools

from healtheos.interop.x12.claims.codes import (
    ICD9_DIAGNOSIS_QUALIFIERS,
    ICD10_DIAGNOSIS_QUALIFIERS,
    icd9_cm_shaped,
    icd10_cm_shaped,
    procedure_shaped,
)
from healtheos.interop.x12.claims.model import Claim, ClaimProblem, Party
from healtheos.interop.x12.eligibility.codes import npi_is_valid as _npi_is_valid
from healtheos.interop.x12.eligibility.segments import Name

MISSING_OR_INVALID = "21"
SUBSCRIBER_NOT_FOUND = "33"
SUBMITTED_CHARGES = "178"
DATES_OF_SERVICE = "187"
DIAGNOSIS_CODE = "255"
PROCEDURE_CODE = "454"
ENTITY_NPI = "562"

#: A batch names the same few providers on every claim; check each NPI once.
npi_is_valid = functools.lru_cache(maxsize=4096)(_npi_is_valid)


def _npi(name: Name, position: int, problems: list[ClaimProblem]) -> None:
    if name.id_qualifier == "XX" and not npi_is_valid(name.identifier):
        problems.append(
            ClaimProblem(
                ENTITY_NPI,
                f"NPI {name.identifier!r} of entity {name.entity} fails its check digit.",
                position,
                9,
                name.entity,
            )
        )


def claim_problems(claim: Claim, *, today: dt.date, professional: bool) -> tuple[ClaimProblem, ...]:
    """Every business problem of one claim, in segment order of what they name."""
    problems: list[ClaimProblem] = []
    add = problems.append
    billing = claim.billing_provider
    if billing.name.id_qualifier != "XX" or not billing.name.identifier:
        add(ClaimProblem(ENTITY_NPI, "The billing provider has no NPI.", billing.position, 9, "85"))
    else:
        _npi(billing.name, billing.position, problems)
    if not claim.subscriber.member_id:
        add(
            ClaimProblem(
                SUBSCRIBER_NOT_FOUND,
                "The subscriber has no member ID.",
                claim.subscriber.position,
                9,
            )
        )
    if claim.total_charge != claim.line_total:
        add(
            ClaimProblem(
                SUBMITTED_CHARGES,
                f"CLM02 {claim.total_charge} is not the sum of the line charges "
                f"{claim.line_total}.",
                claim.position,
                2,
            )
        )
    if claim.frequency in ("7", "8") and not claim.original_claim_number:
        add(
            ClaimProblem(
                MISSING_OR_INVALID,
                f"Frequency {claim.frequency} needs the payer's original claim number (REF*F8).",
                claim.position,
                5,
            )
        )
    for qualifier, dates in claim.dates:
        if qualifier in ("472", "434") and dates.end > today:
            add(
                ClaimProblem(
                    DATES_OF_SERVICE,
                    f"DTP*{qualifier} ends {dates.end}, after today.",
                    claim.position,
                    0,
                )
            )
    if claim.principal_diagnosis is None:
        add(ClaimProblem(DIAGNOSIS_CODE, "No principal diagnosis (HI01).", claim.position, 0))
    for code in claim.diagnoses:
        if code.qualifier in ICD10_DIAGNOSIS_QUALIFIERS:
            good, kind = icd10_cm_shaped(code.code), "ICD-10-CM"
        else:
            good, kind = (
                code.qualifier not in ICD9_DIAGNOSIS_QUALIFIERS or icd9_cm_shaped(code.code),
                "ICD-9-CM",
            )
        if not good:
            add(
                ClaimProblem(
                    DIAGNOSIS_CODE,
                    f"{code.code[:20]!r} is not a {kind} code.",
                    code.position,
                    code.element,
                )
            )
    for party in claim.providers:
        _npi(party.name, party.position, problems)
    has_claim_date = claim.date("472") is not None or claim.date("434") is not None
    diagnoses = len(claim.diagnoses)
    for line in claim.lines:
        procedure = line.procedure
        if (
            procedure is not None
            and procedure.qualifier == "HC"
            and not procedure_shaped(procedure.code)
        ):
            add(
                ClaimProblem(
                    PROCEDURE_CODE,
                    f"Line {line.number}: {procedure.code[:20]!r} is not a CPT/HCPCS code.",
                    line.position,
                    1 if professional else 2,
                )
            )
        if any(pointer > diagnoses for pointer in line.diagnosis_pointers):
            add(
                ClaimProblem(
                    DIAGNOSIS_CODE,
                    f"Line {line.number} points past the claim's {diagnoses} diagnoses.",
                    line.position,
                    7,
                )
            )
        if line.service_dates is not None and line.service_dates.end > today:
            add(
                ClaimProblem(
                    DATES_OF_SERVICE,
                    f"Line {line.number} is dated {line.service_dates.end}, after today.",
                    line.date_position,
                    3,
                )
            )
        elif line.service_dates is None and professional and not has_claim_date:
            add(
                ClaimProblem(
                    DATES_OF_SERVICE, f"Line {line.number} has no service date.", line.position, 0
                )
            )
        if line.rendering is not None:
            _rendering(line.rendering, problems)
    return tuple(problems)


def _rendering(party: Party, problems: list[ClaimProblem]) -> None:
    _npi(party.name, party.position, problems)
