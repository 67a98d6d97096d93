"""CapabilityStatement: what the portal's FHIR endpoint does, for clients that ask first.

Clients read ``/metadata`` before anything else to learn which resources and interactions
exist and how to authenticate; a statement that promises more than the server does is worse
than none, so the resources are passed in by the code that routes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urljoin

from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from healtheos.interop.fhir.codes import RESTFUL_SECURITY_SERVICE

FHIR_VERSION: Final = "4.0.1"
OAUTH_URIS: Final = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"


@dataclass(frozen=True)
class SearchParam:
    name: str
    type: str  # http://hl7.org/fhir/search-param-type, e.g. reference, token, date
    documentation: str | None = None


@dataclass(frozen=True)
class OperationCapability:
    """An operation on a resource type (``Claim/$submit``) and its OperationDefinition."""

    name: str
    definition: str
    documentation: str | None = None


@dataclass(frozen=True)
class ResourceCapability:
    """One resource type the endpoint serves, and how."""

    type: str
    interactions: tuple[str, ...]  # http://hl7.org/fhir/restful-interaction: read, create, …
    search_params: tuple[SearchParam, ...] = ()
    documentation: str | None = None
    operations: tuple[OperationCapability, ...] = ()


ELIGIBILITY_RESOURCES: Final = (
    ResourceCapability("Patient", ("read",), documentation="Plan members, by logical id."),
    ResourceCapability(
        "Coverage",
        ("read", "search-type"),
        (SearchParam("patient", "reference", "The member whose coverage to find."),),
        documentation="A member's enrollment in a plan.",
    ),
    ResourceCapability(
        "CoverageEligibilityRequest",
        ("create",),
        documentation=(
            "POST a request with purpose benefits or validation; the server answers"
            " synchronously with the CoverageEligibilityResponse in the body (status 201),"
            " or an OperationOutcome for input it cannot read."
        ),
    ),
    ResourceCapability(
        "CoverageEligibilityResponse", ("read",), documentation="Answers given earlier."
    ),
)


def build_capability_statement(
    *,
    base_url: str,
    software_version: str,
    resources: list[ResourceCapability] | tuple[ResourceCapability, ...],
    published: dt.datetime | None = None,
) -> dict[str, Any]:
    """A validated R4 CapabilityStatement for the endpoint at ``base_url``, as JSON-ready data.

    Security is SMART backend services: a client-credentials grant at ``/oauth/token`` on the
    portal's origin, announced in the oauth-uris extension that SMART clients look for.
    """
    token_url = urljoin(base_url, "/oauth/token")
    when = published or dt.datetime.now(dt.UTC)
    data: dict[str, Any] = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": when.isoformat(timespec="seconds"),
        "publisher": "Healtheos",
        "kind": "instance",
        "software": {"name": "Healtheos", "version": software_version},
        "implementation": {"description": "Healtheos provider portal FHIR API", "url": base_url},
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "extension": [
                        {
                            "url": OAUTH_URIS,
                            "extension": [{"url": "token", "valueUri": token_url}],
                        }
                    ],
                    "cors": False,
                    "service": [
                        {"coding": [{"system": RESTFUL_SECURITY_SERVICE, "code": "SMART-on-FHIR"}]}
                    ],
                    "description": (
                        "OAuth 2.0 client credentials (SMART backend services): POST to"
                        f" {token_url} for a bearer token, then send it as"
                        " 'Authorization: Bearer <token>'."
                    ),
                },
                "resource": [_resource(r) for r in resources],
            }
        ],
    }
    resource = CapabilityStatement.model_validate(data)
    dumped: dict[str, Any] = resource.model_dump(mode="json", exclude_none=True)
    return dumped


def _resource(capability: ResourceCapability) -> dict[str, Any]:
    data: dict[str, Any] = {"type": capability.type}
    if capability.interactions:
        data["interaction"] = [{"code": code} for code in capability.interactions]
    if capability.operations:
        data["operation"] = [
            {
                "name": op.name,
                "definition": op.definition,
                **({"documentation": op.documentation} if op.documentation else {}),
            }
            for op in capability.operations
        ]
    if capability.search_params:
        data["searchParam"] = [
            {
                "name": p.name,
                "type": p.type,
                **({"documentation": p.documentation} if p.documentation else {}),
            }
            for p in capability.search_params
        ]
    if capability.documentation:
        data["documentation"] = capability.documentation
    return data
