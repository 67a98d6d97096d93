"""X12 service type codes (EQ01 / EB03) the portal offers by name.

The names follow the code list published with the 005010 eligibility guide; only the codes
a provider office commonly asks about are offered in the picker, but any valid code may be
sent over X12 or FHIR (an unknown one is answered as "not covered by this plan's benefit
table", never with an error).
"""

from __future__ import annotations

SERVICE_TYPE_NAMES: dict[str, str] = {
    "1": "Medical care",
    "30": "Health benefit plan coverage",
    "33": "Chiropractic",
    "35": "Dental care",
    "47": "Hospital",
    "48": "Hospital – inpatient",
    "50": "Hospital – outpatient",
    "86": "Emergency services",
    "88": "Pharmacy",
    "98": "Professional (physician) visit – office",
    "AL": "Vision (optometry)",
    "MH": "Mental health",
    "UC": "Urgent care",
    "BZ": "Physician visit – office: sick",
}

#: The plan-coverage inquiry (30) answers with these as well, as the CAQH CORE
#: eligibility rule asks for a generic inquiry.
GENERIC_INQUIRY_SET = ["1", "33", "35", "47", "48", "50", "86", "88", "98", "AL", "MH", "UC"]

DEFAULT_SERVICE_TYPE = "30"


def service_type_name(code: str) -> str:
    return SERVICE_TYPE_NAMES.get(code, f"Service type {code}")


def is_service_type_code(code: str) -> bool:
    """X12 service type codes are one or two characters, digits and capital letters."""
    return 1 <= len(code) <= 2 and code.isalnum() and code.upper() == code


def expand(codes: list[str]) -> list[str]:
    """The service types a result shows: the generic set follows 30, in the order asked."""
    shown: list[str] = []
    for code in codes or [DEFAULT_SERVICE_TYPE]:
        for item in [code, *(GENERIC_INQUIRY_SET if code == "30" else [])]:
            if item not in shown:
                shown.append(item)
    return shown
