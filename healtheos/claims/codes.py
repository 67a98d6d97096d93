"""Adjustment reasons in words a biller can act on.

Claim adjustment group codes (CAS01), claim adjustment reason codes (CARC, X12 external
code list 139) and remittance advice remark codes (RARC, X12 external code list 411) as the
portal explains them. The wording here is Healtheos's own plain-language explanation of
each code, with what to do next where there is something to do; it is not the official
code text, which the X12 code lists publish (and which governs). Codes not in these tables
are shown with their number and "see the code list" rather than hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

GROUPS: dict[str, str] = {
    "CO": (
        "Contractual obligation: the provider's contract with the plan; not billable to the patient"
    ),
    "PR": "Patient responsibility: the patient owes this amount",
    "OA": "Other adjustment: neither the plan's nor the patient's responsibility as coded",
    "PI": "Payer-initiated reduction: the plan reduced the payment; not billable to the patient",
    "CR": "Correction or reversal of an earlier payment",
}


@dataclass(frozen=True)
class CodeText:
    meaning: str
    next_step: str = ""


CARC: dict[str, CodeText] = {
    "1": CodeText("Deductible: the patient's deductible applies to this amount."),
    "2": CodeText("Coinsurance: the patient's share as a percentage of the allowed amount."),
    "3": CodeText("Copayment: the patient's fixed amount for this service."),
    "4": CodeText(
        "The procedure code does not fit the modifier used, or a required modifier is missing.",
        "Check the modifiers and send a corrected claim.",
    ),
    "5": CodeText(
        "The procedure code or bill type does not fit the place of service.",
        "Check the place of service and send a corrected claim.",
    ),
    "6": CodeText(
        "The procedure does not fit the patient's age.", "Check the date of birth and code."
    ),
    "7": CodeText(
        "The procedure does not fit the patient's sex.", "Check the patient's sex and code."
    ),
    "11": CodeText(
        "The diagnosis does not support the procedure billed.",
        "Check the diagnosis codes and pointers; correct or appeal with records.",
    ),
    "15": CodeText(
        "The authorization number is missing, invalid or does not apply to this service.",
        "Add the authorization number (REF*G1) and send a corrected claim.",
    ),
    "16": CodeText(
        "The claim lacks information or has billing errors needed to decide it.",
        "See the remark codes for what is missing, then send a corrected claim.",
    ),
    "18": CodeText(
        "Exact duplicate of a claim or line already received.",
        "No action unless it is not a duplicate; then send it as a corrected claim.",
    ),
    "19": CodeText("Work-related injury: the workers' compensation carrier is responsible."),
    "22": CodeText(
        "Another payer may be primary (coordination of benefits).",
        "Bill the primary payer first, then send this plan its remittance.",
    ),
    "23": CodeText("The impact of prior payers' adjudication, including payments and adjustments."),
    "24": CodeText("Charges are covered under a capitation agreement or managed care plan."),
    "26": CodeText(
        "Services before coverage began.", "Check the date of service and the patient's coverage."
    ),
    "27": CodeText("Services after coverage ended.", "Ask the patient for current insurance."),
    "29": CodeText(
        "The time limit for filing has expired.",
        "Appeal only with proof of timely filing (for example an earlier acknowledgment).",
    ),
    "31": CodeText(
        "The patient cannot be identified as our member.", "Check the member ID and date of birth."
    ),
    "39": CodeText("Services denied when authorization was requested."),
    "40": CodeText("Charges do not meet the criteria for emergency or urgent care."),
    "45": CodeText(
        "The charge exceeds the fee schedule or the contracted amount; the difference is "
        "written off under the contract."
    ),
    "50": CodeText(
        "Not medically necessary as the plan defines it.",
        "Appeal with clinical documentation if you disagree.",
    ),
    "55": CodeText("The procedure is considered experimental or investigational by the plan."),
    "59": CodeText("Processed under multiple or concurrent procedure rules."),
    "85": CodeText("Patient interest adjustment."),
    "89": CodeText("Professional fees removed from the facility charges."),
    "94": CodeText("Processed in excess of charges."),
    "96": CodeText(
        "Non-covered charge: the service is not a benefit of the patient's plan.",
        "See the remark code; bill the patient if they agreed in advance.",
    ),
    "97": CodeText(
        "Paid as part of another service already adjudicated (bundled).",
        "Appeal with a modifier or records if the service was distinct.",
    ),
    "109": CodeText(
        "Not covered by this payer; send the claim to the correct payer.",
    ),
    "119": CodeText("The benefit maximum for this period has been reached."),
    "125": CodeText("Submission or billing errors.", "See the remark codes, correct and resubmit."),
    "129": CodeText("Prior processing information appears incorrect."),
    "131": CodeText("Claim-specific negotiated discount."),
    "140": CodeText("Patient or insured health identification number and name do not match."),
    "146": CodeText(
        "The diagnosis was invalid for the date of service.", "Use a code valid on that date."
    ),
    "151": CodeText("The number or frequency of services is more than the plan allows."),
    "167": CodeText("The diagnosis is not covered."),
    "170": CodeText("Payment denied when performed or billed by this type of provider."),
    "181": CodeText("The procedure code was invalid on the date of service."),
    "182": CodeText("The procedure modifier was invalid on the date of service."),
    "185": CodeText("The rendering provider is not eligible to perform the service billed."),
    "189": CodeText(
        "'Not otherwise classified' or unlisted code used where a specific code exists."
    ),
    "197": CodeText(
        "Precertification, authorization or notification was absent.",
        "Request an authorization (retro-authorization if the plan allows) and appeal.",
    ),
    "198": CodeText("Precertification, notification or authorization was exceeded."),
    "199": CodeText("Revenue code and procedure code do not match."),
    "204": CodeText(
        "The service, equipment or drug is not covered under the patient's current benefit plan.",
    ),
    "222": CodeText("Exceeds the contracted maximum number of hours, days or units."),
    "226": CodeText(
        "Information requested from the billing provider was not provided or was insufficient.",
        "Send the requested records with a reconsideration.",
    ),
    "234": CodeText("This procedure is not paid separately."),
    "242": CodeText("Services not provided by network or primary care providers."),
    "243": CodeText("Services not authorized by network or primary care providers."),
    "253": CodeText("Sequestration: a reduction of federal payment."),
    "A1": CodeText("Claim or service denied.", "See the remark codes for the reason."),
    "B7": CodeText(
        "The provider was not certified or eligible to be paid for this service on this date."
    ),
    "B11": CodeText("Transferred to the proper payer or processor for processing."),
    "B13": CodeText(
        "Previously paid; payment for this claim or service may have been made earlier."
    ),
    "B15": CodeText(
        "This service requires a qualifying service or procedure that was not received."
    ),
    "N/A": CodeText("No reason code given."),
}

RARC: dict[str, CodeText] = {
    "M15": CodeText(
        "Separately billed services or tests were bundled: they are part of another service."
    ),
    "M20": CodeText("Missing or invalid HCPCS code.", "Correct the procedure code."),
    "M51": CodeText(
        "Missing, incomplete or invalid procedure code.", "Correct the procedure code."
    ),
    "M76": CodeText(
        "Missing, incomplete or invalid diagnosis or condition.", "Correct the diagnosis."
    ),
    "M77": CodeText(
        "Missing, incomplete or invalid place of service.", "Correct the place of service."
    ),
    "M86": CodeText(
        "Service denied because payment was already made for the same or a similar procedure."
    ),
    "M119": CodeText("Missing, incomplete or invalid national drug code (NDC)."),
    "MA04": CodeText(
        "Secondary payment cannot be considered without the primary payer's information."
    ),
    "MA07": CodeText("The claim information was also forwarded to Medicaid for review."),
    "MA18": CodeText(
        "The claim information was also forwarded to the patient's supplemental insurer."
    ),
    "MA130": CodeText(
        "The claim has missing or invalid information and cannot be processed; it is not an "
        "appealable denial.",
        "Correct it and submit it as a new claim.",
    ),
    "N4": CodeText("Missing or incomplete prior insurance carrier's remittance (EOB)."),
    "N19": CodeText("Procedure code incidental to the primary procedure."),
    "N20": CodeText("Service not payable with other services rendered on the same date."),
    "N30": CodeText(
        "The patient is not eligible for this service on this date.",
        "Check the patient's coverage.",
    ),
    "N54": CodeText(
        "The claim was not processed according to the plan's authorization rules.",
        "Get the required authorization and resubmit or appeal.",
    ),
    "N56": CodeText(
        "Procedure code billed is not correct or valid for the services billed or the date."
    ),
    "N95": CodeText("This provider type or specialty may not bill this service."),
    "N115": CodeText("This decision was based on a local coverage determination."),
    "N130": CodeText(
        "Consult the plan's benefit documents or guidelines for information about restrictions "
        "for this service."
    ),
    "N179": CodeText("Additional information has been requested from the member."),
    "N211": CodeText("You may not appeal this decision."),
    "N290": CodeText("Missing, incomplete or invalid rendering provider identifier."),
    "N362": CodeText("The number of days or units exceeds the acceptable maximum."),
    "N381": CodeText(
        "Consult your contractual agreement for restrictions and billing requirements."
    ),
    "N425": CodeText("Statutorily excluded service."),
    "N657": CodeText("This should be billed with the appropriate code for these services."),
}


def carc_text(code: str) -> CodeText:
    return CARC.get(code, CodeText(f"Adjustment reason {code}: see the X12 CARC code list."))


def rarc_text(code: str) -> CodeText:
    return RARC.get(code, CodeText(f"Remark {code}: see the X12 RARC code list."))


def group_text(code: str) -> str:
    return GROUPS.get(code, f"Group {code}")


#: A claim's portal status as a 277 claim status category and code (STC01-1, STC01-2):
#: what the 276 answer and the status history both say.
STATUS_277: dict[str, tuple[str, str]] = {
    "received": ("A1", "20"),
    "in_process": ("P1", "20"),
    "pended": ("P2", "45"),
    "adjudicated": ("F0", "3"),
    "paid": ("F1", "65"),
    "denied": ("F2", "2"),
    "rejected": ("A3", "21"),
    "voided": ("F3", "101"),
}
