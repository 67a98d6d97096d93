"""Which X12 service type (benefit) a procedure code is paid under.

Derived from the procedures the synthetic plans bill (``healtheos.synthetic.catalog``;
``tests/claims/test_adjudication.py`` checks the two agree). Evaluation and management
codes (992xx) are office visits, "98"; any other code not listed is medical care, "1".
"""

from __future__ import annotations

PROFESSIONAL_VISIT = "98"
MEDICAL_CARE = "1"

SERVICE_TYPE_BY_PROCEDURE: dict[str, str] = {
    # Office visits and procedures done in the office.
    "99203": "98",
    "99213": "98",
    "99214": "98",
    "99395": "98",
    "99396": "98",
    "93000": "98",
    "20610": "98",
    "G0439": "98",
    # Diagnostic laboratory.
    "36415": "5",
    "80053": "5",
    "85025": "5",
    # Diagnostic X-ray and imaging.
    "71046": "4",
    "70551": "4",
    "72148": "4",
    "95810": "4",
    # Physical therapy.
    "97110": "AE",
    # Mental health.
    "90834": "MH",
    # Surgical.
    "27447": "2",
}


def service_type_for(procedure_code: str) -> str:
    code = procedure_code.strip().upper()
    if code in SERVICE_TYPE_BY_PROCEDURE:
        return SERVICE_TYPE_BY_PROCEDURE[code]
    if code.startswith("992"):
        return PROFESSIONAL_VISIT
    return MEDICAL_CARE
