"""The coded lists a decision is made with, and the clock rules.

Denial reason codes are Healtheos's own short codes with plain-language meanings (the same
codes the synthetic data uses); X12 278 and Da Vinci PAS map them to their own code lists.
"""

from __future__ import annotations

import datetime as dt
import re

from healtheos.authorizations.models import Urgency

DENIAL_REASONS: dict[str, str] = {
    "MED_NEC": "The request does not meet the plan's medical necessity criteria for this service.",
    "INSUFF_DOC": "The documentation sent does not show the criteria the plan requires.",
    "NONCOVERED": "The member's benefit plan does not cover this service.",
    "OON": "The servicing provider is not in the member's network and no exception applies.",
    "NOT_ELIG": "The member was not covered on the dates of service.",
    "DUPLICATE": "The same service is already authorized for these dates.",
    "ALT_CARE": "A less intensive service or setting is appropriate first.",
}

#: The decision clocks of CMS-0057-F: 72 hours for an expedited request, 7 calendar days
#: for a standard one.
DECISION_WINDOWS: dict[str, dt.timedelta] = {
    Urgency.EXPEDITED: dt.timedelta(hours=72),
    Urgency.STANDARD: dt.timedelta(days=7),
}

CLOCK_RULES: dict[str, str] = {
    Urgency.EXPEDITED: "expedited: decision due 72 hours after receipt",
    Urgency.STANDARD: "standard: decision due 7 calendar days after receipt",
}
PEND_RULE = "pended for information: the clock stops until the office answers"
RESUME_RULE = "answered: the clock resumes; the due time moves by the time spent waiting"

#: A standard request's decision clock may be extended once, by up to 14 calendar days,
#: when the plan needs more information or the extension is in the member's interest.
MAX_EXTENSION_DAYS = 14
EXTEND_RULE = "extended once: the plan may add up to 14 calendar days to a standard request"

#: An office may appeal a denial or a partial approval within this many days of the
#: decision; the appeal gets a new decision clock.
APPEAL_FILING_DAYS = 60
APPEAL_RULES: dict[str, str] = {
    Urgency.EXPEDITED: "appeal: decision due 72 hours after the appeal is received",
    Urgency.STANDARD: "appeal: decision due 7 calendar days after the appeal is received",
}

_ICD10_CM = re.compile(r"[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?")
_PROCEDURE = re.compile(r"[0-9]{5}|[0-9]{4}[FTU]|[A-Z][0-9]{4}")
_MODIFIER = re.compile(r"[0-9A-Z]{2}")
_PLACE_OF_SERVICE = re.compile(r"[0-9]{2}")


def normalize_diagnosis(code: str) -> str | None:
    """``e119`` or ``E11.9`` → ``E11.9``; None when it is not shaped like ICD-10-CM."""
    value = code.strip().upper()
    if _ICD10_CM.fullmatch(value) is None:
        return None
    bare = value.replace(".", "")
    return f"{bare[:3]}.{bare[3:]}" if len(bare) > 3 else bare


def procedure_shaped(code: str) -> bool:
    """CPT (five digits, or four and F/T/U) or HCPCS Level II (a letter and four digits)."""
    return _PROCEDURE.fullmatch(code) is not None


def modifier_shaped(code: str) -> bool:
    return _MODIFIER.fullmatch(code) is not None


def place_of_service_shaped(code: str) -> bool:
    return _PLACE_OF_SERVICE.fullmatch(code) is not None
