"""The code lists a 278 request and response (005010X217) speak in.

Sources: the public X12 element code lists as the guide's published examples and
reference pages show them (UM01 1525, UM02 1322, UM06 1338, HCR01 306, AAA03 901, AAA04
889). HCR03 uses the external code source 886 (Health Care Services Decision Reason
Codes), which X12 licenses; the plan's own decision reason code is carried there as is.
"""

from __future__ import annotations

VERSION = "005010X217"

#: BHT01: hierarchical structure "information source, receiver, subscriber, dependent,
#: event, services".
STRUCTURE = "0007"
#: BHT02 purpose: 13 request, 11 response.
REQUEST_PURPOSE = "13"
RESPONSE_PURPOSE = "11"

#: UM01 request category code.
REQUEST_CATEGORIES = {
    "AR": "Admission review",
    "HS": "Health services review",
    "SC": "Specialty care review",
}

#: UM02 certification type code.
CERTIFICATION_TYPES = {
    "I": "Initial",
    "1": "Appeal - immediate",
    "2": "Appeal - standard",
    "3": "Cancel",
    "4": "Extension",
    "S": "Revised",
}

#: UM06 level of service code: how fast the requester needs the decision.
LEVELS_OF_SERVICE = {
    "03": "Emergency",
    "E": "Elective",
    "U": "Urgent",
}
#: Levels of service answered on the expedited clock (72 hours).
EXPEDITED_LEVELS = frozenset({"03", "U"})

#: HCR01 action code.
ACTION_CODES = {
    "A1": "Certified in total",
    "A2": "Certified - partial",
    "A3": "Not certified",
    "A4": "Pended",
    "A6": "Modified",
    "C": "Cancelled",
    "CT": "Contact payer",
    "NA": "No action required",
}
#: Action codes that certify something: HCR02 then carries the certification number.
CERTIFYING_ACTIONS = frozenset({"A1", "A2", "A6"})

#: AAA03 reject reason codes a 278 response uses, in words.
REJECT_REASONS = {
    "15": "Required application data missing",
    "33": "Input errors",
    "35": "Out of network",
    "41": "Authorization/access restrictions",
    "42": "Unable to respond at current time",
    "43": "Invalid/missing provider identification",
    "44": "Invalid/missing provider name",
    "47": "Invalid/missing provider state",
    "51": "Provider not on file",
    "52": "Service dates not within provider plan enrollment",
    "56": "Inappropriate date",
    "57": "Invalid/missing date(s) of service",
    "58": "Invalid/missing date of birth",
    "60": "Date of birth follows date(s) of service",
    "62": "Date of service not within allowable inquiry period",
    "64": "Invalid/missing patient ID",
    "65": "Invalid/missing patient name",
    "67": "Patient not found",
    "71": "Patient birth date does not match that for the patient on the database",
    "72": "Invalid/missing subscriber/insured ID",
    "73": "Invalid/missing subscriber/insured name",
    "75": "Subscriber/insured not found",
    "77": "Subscriber found, patient not found",
    "78": "Subscriber/insured not in group/plan identified",
    "79": "Invalid participant identification",
    "95": "Patient not eligible",
    "AA": "Authorization number not found",
    "AF": "Invalid/missing diagnosis code(s)",
    "AG": "Invalid/missing procedure code(s)",
    "T5": "Certification information missing",
}

#: Entity codes of the requester (2010B): a provider or a facility.
REQUESTER_ENTITIES = frozenset({"1P", "FA"})
#: Entity codes of the patient event and service providers (2010EA, 2010F).
PROVIDER_ENTITIES = {
    "71": "Attending physician",
    "72": "Operating physician",
    "73": "Other physician",
    "77": "Service location",
    "AAJ": "Admitting services",
    "DD": "Assisting surgeon",
    "DK": "Ordering physician",
    "DN": "Referring provider",
    "FA": "Facility",
    "G3": "Clinic",
    "P3": "Primary care provider",
    "QB": "Purchase service provider",
    "QV": "Group practice",
    "SJ": "Service provider",
}
#: Entity codes of patient event transport information (2010EB).
TRANSPORT_ENTITIES = frozenset({"45", "FS", "ND", "PW", "R3"})
#: The entities that name who performs the service, in the order the portal prefers them.
SERVICING_ENTITIES = ("SJ", "FA", "71", "72", "G3", "QV", "73")

#: DTP qualifiers: 472 service date, AAH event date, 435 admission, 096 discharge; on the
#: answer, 007 certification effective, 036 certification expiration, 102 issue date.
SERVICE_DATE = "472"
EVENT_DATE = "AAH"
EFFECTIVE_DATE = "007"
EXPIRATION_DATE = "036"
ISSUE_DATE = "102"

#: REF qualifiers at 2000E/2000F: BB authorization number, NT administrative reference
#: number (the plan's tracking number for a request it has not decided).
AUTHORIZATION_REFERENCE = "BB"
TRACKING_REFERENCE = "NT"

#: SV1/SV2 unit basis: UN units, DA days, MJ minutes, VS visits (SV2 also).
UNIT_BASES = frozenset({"UN", "DA", "MJ", "VS", "F2"})
