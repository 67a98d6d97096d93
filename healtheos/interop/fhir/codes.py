"""Code systems and identifier namespaces the eligibility resources speak, in one place.

A URI typed twice is a URI typed wrong once; every module and test takes them from here.
Where HL7 has no code for a concept Healtheos needs (coinsurance, out-of-pocket, "member not
found"), the code lives in a Healtheos code system under ``HEALTHEOS_CODE_SYSTEMS`` rather
than being squeezed into an HL7 system it does not belong to.
"""

from __future__ import annotations

from typing import Final

# Identifier namespaces
NPI: Final = "http://hl7.org/fhir/sid/us-npi"

# HL7 Terminology (THO) code systems
IDENTIFIER_TYPE: Final = "http://terminology.hl7.org/CodeSystem/v2-0203"
MEMBER_ID_TYPE: Final = "MB"  # v2-0203 "Member Number"
SUBSCRIBER_RELATIONSHIP: Final = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
COVERAGE_CLASS: Final = "http://terminology.hl7.org/CodeSystem/coverage-class"
BENEFIT_NETWORK: Final = "http://terminology.hl7.org/CodeSystem/benefit-network"
BENEFIT_UNIT: Final = "http://terminology.hl7.org/CodeSystem/benefit-unit"
BENEFIT_TERM: Final = "http://terminology.hl7.org/CodeSystem/benefit-term"
BENEFIT_TYPE: Final = "http://terminology.hl7.org/CodeSystem/benefit-type"
ADJUDICATION_ERROR: Final = "http://terminology.hl7.org/CodeSystem/adjudication-error"
RESTFUL_SECURITY_SERVICE: Final = "http://terminology.hl7.org/CodeSystem/restful-security-service"

# External code systems with THO-endorsed URIs
X12_SERVICE_TYPE: Final = "https://x12.org/codes/service-type-codes"
# Source of Payment Typology (PHIN VADS "Payer Type", urn:oid:2.16.840.1.113883.3.221.5).
# Chosen for Coverage.type over v3-ActCode because a health plan's line of business is
# Medicare / Medicaid / commercial first, and ActCode has no codes for Medicare or Medicaid;
# US Core binds Coverage.type to this system for the same reason.
PAYER_TYPE: Final = "https://nahdo.org/sopt"

# Healtheos code systems, for concepts HL7 does not code
HEALTHEOS_BENEFIT_TYPE: Final = "https://healtheos.org/fhir/CodeSystem/benefit-type"
HEALTHEOS_ELIGIBILITY_ERROR: Final = "https://healtheos.org/fhir/CodeSystem/eligibility-error"
HEALTHEOS_CODE_SYSTEMS: Final = (HEALTHEOS_BENEFIT_TYPE, HEALTHEOS_ELIGIBILITY_ERROR)


def npi_check_digit(first_nine: str) -> str:
    """The NPI check digit: Luhn over the card-issuer prefix 80840 and the first nine digits.

    The prefix is what makes an NPI a valid ISO 7812 card number; leaving it out gives a
    different digit for most numbers, so a "Luhn-valid" NPI without it is usually wrong.
    """
    digits = [int(d) for d in "80840" + first_nine]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 0:  # doubled: these sit left of the (absent) check digit
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return str((10 - total % 10) % 10)


def is_valid_npi(value: str) -> bool:
    """Ten digits whose last is the Luhn check digit of the first nine."""
    return len(value) == 10 and value.isdigit() and npi_check_digit(value[:9]) == value[9]
