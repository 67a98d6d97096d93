"""The code lists the claim status transactions speak in: claim status category codes
(X12 external code list 507, STC01-1), claim status codes (list 508, STC01-2) and the
action codes of the 277CA (STC03).

Only the codes this package writes or that portals commonly meet are listed, each with its
meaning in short words; an unlisted code is still read and written as it comes. The lists
are maintained by X12 and change several times a year, so a code's presence here says
nothing about whether it is still active."""

from __future__ import annotations

VERSION = "005010X212"  # 276/277 claim status request and response
ACKNOWLEDGMENT_VERSION = "005010X214"  # 277CA claim acknowledgment

#: STC01-1 claim status category codes.
STATUS_CATEGORIES = {
    "A0": "Acknowledgement/Forwarded",
    "A1": "Acknowledgement/Receipt",
    "A2": "Acknowledgement/Acceptance into adjudication system",
    "A3": "Acknowledgement/Returned as unprocessable claim",
    "A4": "Acknowledgement/Not Found",
    "A5": "Acknowledgement/Split Claim",
    "A6": "Acknowledgement/Rejected for Missing Information",
    "A7": "Acknowledgement/Rejected for Invalid Information",
    "A8": "Acknowledgement/Rejected for relational field in error",
    "D0": "Data Search Unsuccessful",
    "E0": "Response not possible - error on submitted request data",
    "E1": "Response not possible - System Status",
    "E2": "Information Holder is not responding; resubmit at a later time",
    "E3": "Correction required - relational fields in error",
    "E4": "Trading partner agreement specific requirement not met: Data correction required",
    "F0": "Finalized",
    "F1": "Finalized/Payment",
    "F2": "Finalized/Denial",
    "F3": "Finalized/Revised",
    "F3F": "Finalized/Forwarded",
    "F3N": "Finalized/Not Forwarded",
    "F4": "Finalized/Adjudication Complete - No payment forthcoming",
    "P0": "Pending: Adjudication/Details",
    "P1": "Pending/In Process",
    "P2": "Pending/Payer Review",
    "P3": "Pending/Provider Requested Information",
    "P4": "Pending/Patient Requested Information",
    "P5": "Pending/Payer Administrative/System hold",
    "R0": "Requests for additional Information/General Requests",
    "R1": "Requests for additional Information/Entity Requests",
    "R3": "Requests for additional Information/Claim/Line",
    "R4": "Requests for additional Information/Documentation",
    "R5": "Request for additional information/more specific detail",
    "R6": "Requests for additional information - Regulatory requirements",
    "R7": "Requests for additional information - Confirm care is consistent with policy",
    "R8": "Requests for additional information - Confirm care is a coverage exception",
    "R9": "Requests for additional information - Determination of medical necessity",
    "R10": "Requests for additional information - Support a filed grievance or appeal",
    "R11": "Requests for additional information - Pre-payment review of claims",
    "R12": "Requests for additional information - Justify use of a procedure code",
    "R13": "Requests for additional information - Original documents are not readable",
    "R14": "Requests for additional information - Documents received are not those asked",
    "R15": "Requests for additional information - Workers Compensation coverage check",
    "R16": "Requests for additional information - Eligibility determination",
}

#: Categories that mean a claim was not taken in (a 277CA answers them with STC03 U).
REJECTED_CATEGORIES = frozenset({"A3", "A4", "A6", "A7", "A8"})

#: STC01-2 claim status codes.
STATUS_CODES = {
    "0": "Cannot provide further status electronically",
    "1": "For more detailed information, see remittance advice",
    "2": "More detailed information in letter",
    "3": "Claim has been adjudicated and is awaiting payment cycle",
    "6": "Balance due from the subscriber",
    "12": "One or more originally submitted procedure codes have been combined",
    "15": "One or more originally submitted procedure code have been modified",
    "16": "Claim/encounter has been forwarded to entity",
    "19": "Entity acknowledges receipt of claim/encounter",
    "20": "Accepted for processing",
    "21": "Missing or invalid information",
    "23": "Returned to entity",
    "24": "Entity not approved as an electronic submitter",
    "25": "Entity not approved",
    "26": "Entity not found",
    "27": "Policy canceled",
    "29": "Subscriber and policy number/contract number mismatched",
    "30": "Subscriber and subscriber id mismatched",
    "33": "Subscriber and subscriber id not found",
    "35": "Claim/encounter not found",
    "37": "Predetermination is on file, awaiting completion of services",
    "38": "Awaiting next periodic adjudication cycle",
    "40": "Waiting for final approval",
    "41": "Special handling required at payer site",
    "42": "Awaiting related charges",
    "44": "Charges pending provider audit",
    "45": "Awaiting benefit determination",
    "46": "Internal review/audit",
    "47": "Internal review/audit - partial payment made",
    "54": "Duplicate of a previously processed claim/line",
    "65": "Claim/line has been paid",
    "78": "Duplicate of an existing claim/line, awaiting processing",
    "84": "Service not authorized",
    "85": "Entity not primary",
    "88": "Entity not eligible for benefits for submitted dates of service",
    "91": "Entity not eligible/not approved for dates of service",
    "95": "Requested additional information not received",
    "96": "No agreement with entity",
    "97": "Patient eligibility not found with entity",
    "101": "Claim was processed as adjustment to previous claim",
    "107": "Processed according to contract provisions",
    "109": "Entity not eligible",
    "116": "Claim submitted to incorrect payer",
    "123": "Additional information requested from entity",
    "158": "Entity's date of birth",
    "187": "Date(s) of service",
    "454": "Procedure code for services rendered",
    "562": "Entity's National Provider Identifier (NPI)",
}

#: STC03 action codes of the 277CA.
ACTION_CODES = {"WQ": "Accept", "U": "Reject"}

#: STC01-3 entity codes this package writes.
ENTITY_CODES = {
    "03": "Dependent",
    "1P": "Provider",
    "41": "Submitter",
    "85": "Billing provider",
    "IL": "Insured or subscriber",
    "PR": "Payer",
    "QC": "Patient",
}
