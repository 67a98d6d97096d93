"""The code lists and code shapes 837 reading and checking needs.

Claim status codes are from the "X12 Claim Status Codes" list (external code source 508),
the list a 277CA's STC01-2 answers in; only the few this reader reports are held here.
"""

from __future__ import annotations

import re

#: GS08 / ST03 versions read as professional (837P) claims.
PROFESSIONAL_VERSIONS = frozenset({"005010X222A1", "005010X222A2"})
#: GS08 / ST03 versions read as institutional (837I) claims.
INSTITUTIONAL_VERSIONS = frozenset({"005010X223A2", "005010X223A3"})
#: What :func:`build_837p` writes in GS08 and ST03.
PROFESSIONAL_VERSION = "005010X222A1"
#: The 837I guide this project writes (pyx12 validates it with its X223A2 map).
INSTITUTIONAL_VERSION = "005010X223A2"

#: 277CA claim status codes (STC01-2) this package reports, in words. Source: X12 Claim
#: Status Codes list (external code source 508).
CLAIM_STATUS_CODES = {
    "21": "Missing or invalid information",
    "33": "Subscriber and subscriber id not found",
    "178": "Submitted charges",
    "187": "Date(s) of service",
    "255": "Diagnosis code",
    "454": "Procedure code for services rendered",
    "562": "Entity's National Provider Identifier (NPI)",
}

#: CLM05-3 claim frequency type codes a professional claim may carry, in words.
FREQUENCY_CODES = {
    "1": "Original claim",
    "6": "Corrected claim",
    "7": "Replacement of prior claim",
    "8": "Void/cancel of prior claim",
}

#: HI composite qualifiers for ICD-10-CM diagnoses (principal, other, admitting, patient's
#: reason for visit, external cause of injury).
ICD10_DIAGNOSIS_QUALIFIERS = frozenset({"ABK", "ABF", "ABJ", "APR", "ABN"})
#: The ICD-9-CM forms of the same qualifiers, still found in older test files.
ICD9_DIAGNOSIS_QUALIFIERS = frozenset({"BK", "BF", "BJ", "PR", "BN"})
DIAGNOSIS_QUALIFIERS = ICD10_DIAGNOSIS_QUALIFIERS | ICD9_DIAGNOSIS_QUALIFIERS
PRINCIPAL_QUALIFIERS = frozenset({"ABK", "BK"})
#: Other HI qualifiers of the institutional guide: ICD-10-PCS and ICD-9 procedures (BBR,
#: BBQ, BR, BQ), DRG (DR), condition (BG), occurrence (BH), occurrence span (BI), value (BE)
#: and treatment (TC) codes, kept as read.
OTHER_HI_QUALIFIERS = frozenset({"BBR", "BBQ", "BR", "BQ", "DR", "BG", "BH", "BI", "BE", "TC"})
#: Service line procedure qualifiers (SV101-1, SV202-1): HCPCS/CPT, and the rarer ones.
PROCEDURE_QUALIFIERS = frozenset({"HC", "ER", "IV", "WK", "HP"})

_ICD10_CM = re.compile(r"[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}")
_ICD9_CM = re.compile(r"[0-9]{3,5}|V[0-9]{2,4}|E[0-9]{3,4}")
_PROCEDURE = re.compile(r"[0-9]{5}|[0-9]{4}[FTU]|[A-Z][0-9]{4}")


def icd10_cm_shaped(code: str) -> bool:
    """A letter, a digit, a letter or digit, then up to four letters or digits (no dot)."""
    return _ICD10_CM.fullmatch(code) is not None


def icd9_cm_shaped(code: str) -> bool:
    return _ICD9_CM.fullmatch(code) is not None


def dotted_diagnosis(code: str, qualifier: str = "ABK") -> str:
    """The code as people write it: X12 sends ``E119``, the chart says ``E11.9``."""
    split = 4 if qualifier in ICD9_DIAGNOSIS_QUALIFIERS and code.startswith("E") else 3
    return f"{code[:split]}.{code[split:]}" if len(code) > split else code


def procedure_shaped(code: str) -> bool:
    """CPT or HCPCS shaped: five digits, four digits and F/T/U, or a letter and four digits."""
    return _PROCEDURE.fullmatch(code) is not None
