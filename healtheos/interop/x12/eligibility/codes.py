"""The code lists a 271 speaks in (AAA reasons and follow-ups, EB01/EB03/EB04/EB06 codes),
the plan-product to insurance-type mapping and the NPI check digit."""

from __future__ import annotations

VERSION = "005010X279A1"

#: AAA03 reject reason codes used by 271 answers, in words.
REJECT_REASONS = {
    "15": "Required application data missing",
    "41": "Authorization/access restrictions",
    "42": "Unable to respond at current time",
    "43": "Invalid/missing provider identification",
    "44": "Invalid/missing provider name",
    "50": "Provider ineligible for inquiries",
    "51": "Provider not on file",
    "52": "Service dates not within provider plan enrollment",
    "56": "Inappropriate date",
    "57": "Invalid/missing date(s) of service",
    "58": "Invalid/missing date of birth",
    "60": "Date of birth follows date(s) of service",
    "61": "Date of death precedes date(s) of service",
    "62": "Date of service not within allowable inquiry period",
    "63": "Date of service in future",
    "64": "Invalid/missing patient ID",
    "65": "Invalid/missing patient name",
    "66": "Invalid/missing patient gender code",
    "67": "Patient not found",
    "68": "Duplicate patient ID number",
    "71": "Patient birth date does not match that for the patient on the database",
    "72": "Invalid/missing subscriber/insured ID",
    "73": "Invalid/missing subscriber/insured name",
    "74": "Invalid/missing subscriber/insured gender code",
    "75": "Subscriber/insured not found",
    "76": "Duplicate subscriber/insured ID number",
    "77": "Subscriber found, patient not found",
    "78": "Subscriber/insured not in group/plan identified",
    "79": "Invalid participant identification",
    "80": "No response received - transaction terminated",
    "97": "Invalid or missing provider address",
    "T4": "Payer name or identifier missing",
}

#: AAA04 follow-up action codes, in words.
FOLLOW_UP_ACTIONS = {
    "C": "Please correct and resubmit",
    "N": "Resubmission not allowed",
    "P": "Please resubmit original transaction",
    "R": "Resubmission allowed",
    "S": "Do not resubmit; inquiry initiated to a third party",
    "W": "Please wait 30 days and resubmit",
    "X": "Please wait 10 days and resubmit",
    "Y": "Do not resubmit; we will hand back",
}

#: EB01 eligibility or benefit information codes most answers use.
BENEFIT_INFORMATION = {
    "1": "Active coverage",
    "2": "Active - full risk capitation",
    "3": "Active - services capitated",
    "5": "Active - pending investigation",
    "6": "Inactive",
    "7": "Inactive - pending eligibility update",
    "8": "Inactive - pending investigation",
    "A": "Co-insurance",
    "B": "Co-payment",
    "C": "Deductible",
    "CB": "Coverage basis",
    "D": "Benefit description",
    "E": "Exclusions",
    "F": "Limitations",
    "G": "Out of pocket (stop loss)",
    "I": "Non-covered",
    "J": "Cost containment",
    "L": "Primary care provider",
    "N": "Services restricted to following provider",
    "R": "Other or additional payor",
    "U": "Contact following entity for eligibility or benefit information",
    "V": "Cannot process",
    "W": "Other source of data",
    "X": "Health care facility",
    "Y": "Spend down",
}

#: EB04 insurance type codes.
INSURANCE_TYPES = {
    "12": "Medicare secondary working aged beneficiary or spouse with employer group health plan",
    "13": "Medicare secondary end-stage renal disease beneficiary",
    "14": "Medicare secondary, no-fault insurance including auto is primary",
    "15": "Medicare secondary worker's compensation",
    "16": "Medicare secondary public health service or other federal agency",
    "41": "Medicare secondary black lung",
    "42": "Medicare secondary veteran's administration",
    "43": "Medicare secondary disabled beneficiary under age 65 with large group health plan",
    "47": "Medicare secondary, other liability insurance is primary",
    "C1": "Commercial",
    "CO": "Consolidated Omnibus Budget Reconciliation Act (COBRA)",
    "CP": "Medicare conditionally primary",
    "D": "Disability",
    "DB": "Disability benefits",
    "EP": "Exclusive provider organization",
    "FF": "Family or friends",
    "GP": "Group policy",
    "HM": "Health maintenance organization (HMO)",
    "HN": "Health maintenance organization (HMO) - Medicare risk",
    "HS": "Special low income Medicare beneficiary",
    "IN": "Indemnity",
    "IP": "Individual policy",
    "LC": "Long term care",
    "LD": "Long term policy",
    "LI": "Life insurance",
    "LT": "Litigation",
    "MA": "Medicare Part A",
    "MB": "Medicare Part B",
    "MC": "Medicaid",
    "MH": "Medigap Part A",
    "MI": "Medigap Part B",
    "MP": "Medicare primary",
    "OT": "Other",
    "PE": "Property insurance - personal",
    "PL": "Personal",
    "PP": "Personal payment (cash - no insurance)",
    "PR": "Preferred provider organization (PPO)",
    "PS": "Point of service (POS)",
    "QM": "Qualified Medicare beneficiary",
    "RP": "Property insurance - real",
    "SP": "Supplemental policy",
    "TF": "Tax Equity Fiscal Responsibility Act (TEFRA)",
    "WC": "Workers compensation",
    "WU": "Wrap up policy",
}

#: Plan product kinds as the portal names them → EB04 insurance type codes.
_PRODUCT_INSURANCE_TYPES = {
    "commercial": "C1",
    "cobra": "CO",
    "epo": "EP",
    "hmo": "HM",
    "indemnity": "IN",
    "medicaid": "MC",
    "medicare_a": "MA",
    "medicare_b": "MB",
    "medicare_advantage": "HN",
    "medicare_primary": "MP",
    "medigap_a": "MH",
    "medigap_b": "MI",
    "pos": "PS",
    "ppo": "PR",
    "qmb": "QM",
    "supplemental": "SP",
}

#: EB03/EQ01 service type codes most often asked about.
SERVICE_TYPES = {
    "1": "Medical care",
    "4": "Diagnostic x-ray",
    "5": "Diagnostic lab",
    "30": "Health benefit plan coverage",
    "33": "Chiropractic",
    "35": "Dental care",
    "47": "Hospital",
    "48": "Hospital - inpatient",
    "50": "Hospital - outpatient",
    "86": "Emergency services",
    "88": "Pharmacy",
    "98": "Professional (physician) visit - office",
    "AL": "Vision (optometry)",
    "BZ": "Physician visit - office: well",
    "MH": "Mental health",
    "UC": "Urgent care",
}

#: EB06 time period qualifiers most answers use.
TIME_PERIODS = {
    "6": "Hour",
    "7": "Day",
    "21": "Years",
    "22": "Service year",
    "23": "Calendar year",
    "24": "Year to date",
    "25": "Contract",
    "26": "Episode",
    "27": "Visit",
    "29": "Remaining",
    "32": "Lifetime",
    "33": "Lifetime remaining",
}


def insurance_type_for(product: str) -> str:
    """The EB04 code for a plan product kind ("hmo", "medicaid", "medicare_a" …), or an
    EB04 code given as is; "OT" (other) for anything unknown, so an answer is never
    blocked by a missing mapping."""
    key = product.strip().lower().replace(" ", "_").replace("-", "_")
    if key in _PRODUCT_INSURANCE_TYPES:
        return _PRODUCT_INSURANCE_TYPES[key]
    return product.upper() if product.upper() in INSURANCE_TYPES else "OT"


def npi_check_digit(first_nine: str) -> str:
    """The NPI's tenth digit: Luhn over the card-issuer prefix 80840 and the first nine."""
    total = 0
    for index, char in enumerate(reversed("80840" + first_nine)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def npi_is_valid(npi: str) -> bool:
    """Ten digits whose last is the Luhn check digit (a typo in an NPI is caught here)."""
    return len(npi) == 10 and npi.isdigit() and npi_check_digit(npi[:9]) == npi[9]
