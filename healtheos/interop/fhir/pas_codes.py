"""Code systems and URLs the prior authorization resources (Da Vinci PAS style) speak.

Where PAS binds an element to an X12 list (the review action code of HCR01 is X12 element
306), the X12 code system URI is used; where Healtheos states something PAS codes from a
licensed list (HCR03 decision reasons, external code source 886), the plan's own reason
codes are sent under a Healtheos code system rather than passed off as X12's.
"""

from __future__ import annotations

from typing import Final

PAS: Final = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition"
CLAIM_PROFILE: Final = f"{PAS}/profile-claim"
CLAIM_RESPONSE_PROFILE: Final = f"{PAS}/profile-claimresponse"
INQUIRY_RESPONSE_PROFILE: Final = f"{PAS}/profile-claiminquiryresponse"
REVIEW_ACTION: Final = f"{PAS}/extension-reviewAction"
REVIEW_ACTION_CODE: Final = f"{PAS}/extension-reviewActionCode"
ITEM_AUTHORIZED_DETAIL: Final = f"{PAS}/extension-itemAuthorizedDetail"
REQUESTED_SERVICE: Final = f"{PAS}/extension-requestedService"

# Code systems
ICD10_CM: Final = "http://hl7.org/fhir/sid/icd-10-cm"
CPT: Final = "http://www.ama-assn.org/go/cpt"
HCPCS: Final = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
#: Systems read as procedure codes (the HCPCS URI is seen with http and https).
PROCEDURE_SYSTEMS: Final = frozenset({CPT, HCPCS, HCPCS.replace("https://", "http://")})
PLACE_OF_SERVICE: Final = (
    "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
)
PROCESS_PRIORITY: Final = "http://terminology.hl7.org/CodeSystem/processpriority"
CLAIM_TYPE: Final = "http://terminology.hl7.org/CodeSystem/claim-type"
ADJUDICATION: Final = "http://terminology.hl7.org/CodeSystem/adjudication"
UNITS: Final = "http://unitsofmeasure.org"
#: X12 element 306, the HCR01 action code (A1 certified, A2 partial, A3 not certified, A4
#: pended, C cancelled).
X12_ACTION: Final = "https://codesystem.x12.org/005010/306"
#: The plan's own decision reason codes (HCR03 in the 278).
DECISION_REASON: Final = "https://healtheos.org/fhir/CodeSystem/authorization-decision-reason"
#: The plan's tracking number of a request, as ClaimResponse.identifier and as the
#: identifier an inquiry names.
TRACKING_NUMBER: Final = "https://healtheos.org/fhir/sid/authorization-tracking-number"

#: Claim.priority codes answered on the expedited clock.
EXPEDITED_PRIORITIES: Final = frozenset({"stat"})
