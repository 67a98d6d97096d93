"""Building the answer to a prior authorization request or inquiry (Da Vinci PAS style):
a ``collection`` Bundle whose first entry is the ClaimResponse, followed by the Patient,
the insurer and the requester it points to.

The ClaimResponse says what the portal's request page says, with the same numbers: the
plan's tracking number as its identifier, ``outcome`` ``queued`` while the request waits
for a decision and ``complete`` once decided, the authorization number as ``preAuthRef``
with its validity as ``preAuthPeriod``, and per item the review action (X12 306: A1
certified, A2 partial, A3 not certified, A4 pended, C cancelled) with the authorization
number, the reason and the units approved.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from healtheos.interop.fhir.codes import IDENTIFIER_TYPE, MEMBER_ID_TYPE, NPI
from healtheos.interop.fhir.pas_codes import (
    ADJUDICATION,
    CLAIM_RESPONSE_PROFILE,
    CLAIM_TYPE,
    DECISION_REASON,
    INQUIRY_RESPONSE_PROFILE,
    ITEM_AUTHORIZED_DETAIL,
    REVIEW_ACTION,
    REVIEW_ACTION_CODE,
    TRACKING_NUMBER,
    UNITS,
    X12_ACTION,
)

#: X12 306 action codes this builder sends, in words.
ACTIONS = {
    "A1": "Certified in total",
    "A2": "Certified - partial",
    "A3": "Not certified",
    "A4": "Pended",
    "C": "Cancelled",
}
_NAMESPACE = uuid.UUID("0b7f6d0e-4a7e-4f3c-9a55-2f1c7e1f8a21")


@dataclass(frozen=True)
class PasItemAnswer:
    """The decision on one item (matched to Claim.item by its sequence)."""

    sequence: int
    action: str
    authorization_number: str = ""
    reason_code: str = ""
    reason_text: str = ""
    approved_quantity: Decimal | None = None


@dataclass(frozen=True)
class PasAnswer:
    """The plan's answer about a request."""

    tracking_number: str
    action: str
    authorization_number: str = ""
    reason_code: str = ""
    reason_text: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    disposition: str = ""
    items: tuple[PasItemAnswer, ...] = ()

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"{self.action!r} is not a review action this builder sends.")


@dataclass(frozen=True)
class PasParties:
    """Who the answer is about and between: the member, the insurer and the requester."""

    member_id: str
    family_name: str
    given_names: tuple[str, ...]
    birth_date: dt.date | None
    insurer_name: str
    requester_npi: str
    requester_name: str
    request_identifier: tuple[str, str] | None = None
    claim_type: str = "professional"


def _url(tracking_number: str, role: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{tracking_number}/{role}')}"


def _action(code: str) -> dict[str, Any]:
    return {"coding": [{"system": X12_ACTION, "code": code, "display": ACTIONS[code]}]}


def _review_action(code: str, number: str, reason_code: str, reason_text: str) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [
        {"url": REVIEW_ACTION_CODE, "valueCodeableConcept": _action(code)}
    ]
    if number:
        parts.append({"url": "number", "valueString": number})
    if reason_code:
        reason: dict[str, Any] = {"coding": [{"system": DECISION_REASON, "code": reason_code}]}
        if reason_text:
            reason["text"] = reason_text
        parts.append({"url": "reasonCode", "valueCodeableConcept": reason})
    return {"url": REVIEW_ACTION, "extension": parts}


def claim_response(
    answer: PasAnswer, parties: PasParties, *, created: dt.datetime, inquiry: bool = False
) -> dict[str, Any]:
    """The ClaimResponse (as JSON-ready data, not yet validated)."""
    tracking = answer.tracking_number
    resource: dict[str, Any] = {
        "resourceType": "ClaimResponse",
        "id": tracking,
        "meta": {"profile": [INQUIRY_RESPONSE_PROFILE if inquiry else CLAIM_RESPONSE_PROFILE]},
        "identifier": [{"system": TRACKING_NUMBER, "value": tracking}],
        "status": "active",
        "type": {"coding": [{"system": CLAIM_TYPE, "code": parties.claim_type or "professional"}]},
        "use": "preauthorization",
        "patient": {"reference": _url(tracking, "patient")},
        "created": created.isoformat(timespec="seconds"),
        "insurer": {"reference": _url(tracking, "insurer")},
        "requestor": {"reference": _url(tracking, "requester")},
        "outcome": "queued" if answer.action == "A4" else "complete",
    }
    if parties.request_identifier is not None:
        system, value = parties.request_identifier
        identifier = {"value": value, **({"system": system} if system else {})}
        resource["request"] = {"identifier": identifier}
    disposition = answer.disposition or ACTIONS[answer.action]
    resource["disposition"] = disposition[:500]
    if answer.authorization_number and answer.action in ("A1", "A2"):
        resource["preAuthRef"] = answer.authorization_number
        if answer.valid_from is not None:
            period = {"start": answer.valid_from.isoformat()}
            if answer.valid_to is not None:
                period["end"] = answer.valid_to.isoformat()
            resource["preAuthPeriod"] = period
    if answer.reason_text:
        resource["processNote"] = [{"number": 1, "type": "display", "text": answer.reason_text}]
    items = []
    for item in answer.items:
        entry: dict[str, Any] = {
            "itemSequence": item.sequence,
            "adjudication": [
                {
                    "category": {"coding": [{"system": ADJUDICATION, "code": "submitted"}]},
                    "extension": [
                        _review_action(
                            item.action,
                            item.authorization_number,
                            item.reason_code,
                            item.reason_text,
                        )
                    ],
                }
            ],
        }
        if item.approved_quantity is not None and item.action in ("A1", "A2"):
            entry["extension"] = [
                {
                    "url": ITEM_AUTHORIZED_DETAIL,
                    "extension": [
                        {
                            "url": "quantity",
                            "valueQuantity": {
                                "value": float(item.approved_quantity),
                                "system": UNITS,
                                "code": "1",
                            },
                        }
                    ],
                }
            ]
        items.append(entry)
    if items:
        resource["item"] = items
    return resource


def build_pas_response(
    answer: PasAnswer, parties: PasParties, *, created: dt.datetime, inquiry: bool = False
) -> dict[str, Any]:
    """The response Bundle, validated with ``fhir.resources``, as JSON-ready data."""
    tracking = answer.tracking_number
    name: dict[str, Any] = {"family": parties.family_name or "UNKNOWN"}
    if parties.given_names:
        name["given"] = list(parties.given_names)
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [
            {
                "type": {"coding": [{"system": IDENTIFIER_TYPE, "code": MEMBER_ID_TYPE}]},
                "value": parties.member_id,
            }
        ],
        "name": [name],
    }
    if parties.birth_date is not None:
        patient["birthDate"] = parties.birth_date.isoformat()
    insurer = {"resourceType": "Organization", "name": parties.insurer_name or "Health plan"}
    requester: dict[str, Any] = {
        "resourceType": "Organization",
        "name": parties.requester_name or "Requesting provider",
    }
    if parties.requester_npi:
        requester["identifier"] = [{"system": NPI, "value": parties.requester_npi}]
    data = {
        "resourceType": "Bundle",
        "identifier": {"system": TRACKING_NUMBER, "value": tracking},
        "type": "collection",
        "timestamp": created.isoformat(timespec="seconds"),
        "entry": [
            {
                "fullUrl": _url(tracking, "response"),
                "resource": claim_response(answer, parties, created=created, inquiry=inquiry),
            },
            {"fullUrl": _url(tracking, "patient"), "resource": patient},
            {"fullUrl": _url(tracking, "insurer"), "resource": insurer},
            {"fullUrl": _url(tracking, "requester"), "resource": requester},
        ],
    }
    bundle = Bundle.model_validate(data)
    dumped: dict[str, Any] = bundle.model_dump(mode="json", exclude_none=True)
    return dumped
