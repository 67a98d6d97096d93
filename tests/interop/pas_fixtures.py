"""PAS request and inquiry Bundles the tests share, built here (synthetic people)."""

from __future__ import annotations

import copy
from typing import Any

NPI_REQUESTER = "1234567893"
NPI_SERVICING = "1245319599"
CPT = "http://www.ama-assn.org/go/cpt"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
POS = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
CLAIM_IDS = "https://ehr.example.org/prior-auth"


def request_bundle(
    *,
    member_id: str = "SUN000000001",
    birth_date: str = "1980-05-17",
    family: str = "DOE",
    identifier: str = "PA-REQ-0001",
    priority: str = "normal",
    items: list[dict[str, Any]] | None = None,
    diagnoses: tuple[str, ...] = ("M54.50",),
    requester_npi: str = NPI_REQUESTER,
    servicing_npi: str = NPI_SERVICING,
) -> dict[str, Any]:
    if items is None:
        items = [
            {
                "sequence": 1,
                "careTeamSequence": [1],
                "productOrService": {"coding": [{"system": CPT, "code": "72148"}]},
                "servicedPeriod": {"start": "2026-12-01", "end": "2026-12-31"},
                "locationCodeableConcept": {"coding": [{"system": POS, "code": "11"}]},
                "quantity": {"value": 1},
            },
            {
                "sequence": 2,
                "careTeamSequence": [1],
                "productOrService": {"coding": [{"system": CPT, "code": "97110"}]},
                "modifier": [{"coding": [{"system": CPT, "code": "GP"}]}],
                "servicedDate": "2026-12-02",
                "quantity": {"value": 12},
            },
        ]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": "2026-11-24T09:30:00-06:00",
        "identifier": {"system": CLAIM_IDS, "value": f"bundle-{identifier}"},
        "entry": [
            {
                "fullUrl": "urn:uuid:1f0c2b1e-0000-4000-8000-000000000001",
                "resource": {
                    "resourceType": "Claim",
                    "identifier": [{"system": CLAIM_IDS, "value": identifier}],
                    "status": "active",
                    "type": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/claim-type",
                                "code": "professional",
                            }
                        ]
                    },
                    "use": "preauthorization",
                    "patient": {"reference": "Patient/p1"},
                    "created": "2026-11-24T09:30:00-06:00",
                    "insurer": {"reference": "Organization/plan"},
                    "provider": {"reference": "Practitioner/req"},
                    "priority": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/processpriority",
                                "code": priority,
                            }
                        ]
                    },
                    "careTeam": [{"sequence": 1, "provider": {"reference": "Practitioner/svc"}}],
                    "supportingInfo": [
                        {
                            "sequence": 1,
                            "category": {"text": "note"},
                            "valueString": "Six weeks of conservative care without relief.",
                        }
                    ],
                    "diagnosis": [
                        {
                            "sequence": index,
                            "diagnosisCodeableConcept": {
                                "coding": [{"system": ICD10, "code": code}]
                            },
                        }
                        for index, code in enumerate(diagnoses, start=1)
                    ],
                    "insurance": [
                        {"sequence": 1, "focal": True, "coverage": {"reference": "Coverage/c1"}}
                    ],
                    "item": items,
                },
            },
            {
                "fullUrl": "http://ehr.example.org/fhir/Patient/p1",
                "resource": {
                    "resourceType": "Patient",
                    "id": "p1",
                    "identifier": [
                        {
                            "type": {
                                "coding": [
                                    {
                                        "system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                                        "code": "MB",
                                    }
                                ]
                            },
                            "value": member_id,
                        }
                    ],
                    "name": [{"family": family, "given": ["JANE"]}],
                    "birthDate": birth_date,
                    "gender": "female",
                },
            },
            {
                "fullUrl": "http://ehr.example.org/fhir/Coverage/c1",
                "resource": {
                    "resourceType": "Coverage",
                    "id": "c1",
                    "status": "active",
                    "subscriberId": member_id,
                    "beneficiary": {"reference": "Patient/p1"},
                    "payor": [{"reference": "Organization/plan"}],
                },
            },
            {
                "fullUrl": "http://ehr.example.org/fhir/Organization/plan",
                "resource": {
                    "resourceType": "Organization",
                    "id": "plan",
                    "name": "SUNRISE HEALTH",
                },
            },
            {
                "fullUrl": "http://ehr.example.org/fhir/Practitioner/req",
                "resource": {
                    "resourceType": "Practitioner",
                    "id": "req",
                    "identifier": [
                        {"system": "http://hl7.org/fhir/sid/us-npi", "value": requester_npi}
                    ],
                    "name": [{"family": "ALDER", "given": ["AVERY"]}],
                },
            },
            {
                "fullUrl": "http://ehr.example.org/fhir/Practitioner/svc",
                "resource": {
                    "resourceType": "Practitioner",
                    "id": "svc",
                    "identifier": [
                        {"system": "http://hl7.org/fhir/sid/us-npi", "value": servicing_npi}
                    ],
                    "name": [{"family": "BIRCH", "given": ["BLAKE"]}],
                },
            },
        ],
    }


def inquiry_bundle(tracking_number: str, **kwargs: Any) -> dict[str, Any]:
    bundle = copy.deepcopy(request_bundle(**kwargs))
    claim = bundle["entry"][0]["resource"]
    claim["identifier"] = [
        {
            "system": "https://healtheos.org/fhir/sid/authorization-tracking-number",
            "value": tracking_number,
        }
    ]
    return bundle
