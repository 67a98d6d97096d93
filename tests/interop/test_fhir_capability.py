from __future__ import annotations

import datetime as dt
from typing import Any

from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from healtheos.interop.fhir.capability import ELIGIBILITY_RESOURCES, build_capability_statement


def _statement() -> dict[str, Any]:
    return build_capability_statement(
        base_url="https://portal.example.org/fhir/",
        software_version="0.1.0",
        resources=ELIGIBILITY_RESOURCES,
        published=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
    )


def test_the_capability_statement_validates_as_an_r4_server_statement() -> None:
    data = _statement()
    parsed = CapabilityStatement.model_validate(dict(data))
    assert (parsed.status, parsed.kind, parsed.fhirVersion) == ("active", "instance", "4.0.1")
    assert parsed.format == ["json"]
    assert data["rest"][0]["mode"] == "server"


def test_security_announces_smart_and_the_client_credentials_token_endpoint() -> None:
    security = _statement()["rest"][0]["security"]
    assert security["service"][0]["coding"][0]["code"] == "SMART-on-FHIR"
    token = security["extension"][0]["extension"][0]["valueUri"]
    assert token == "https://portal.example.org/oauth/token"
    assert "client credentials" in security["description"]


def test_each_resource_lists_only_the_interactions_the_portal_serves() -> None:
    resources = {r["type"]: r for r in _statement()["rest"][0]["resource"]}
    interactions = {t: [i["code"] for i in r["interaction"]] for t, r in resources.items()}
    assert interactions == {
        "Patient": ["read"],
        "Coverage": ["read", "search-type"],
        "CoverageEligibilityRequest": ["create"],
        "CoverageEligibilityResponse": ["read"],
    }
    assert resources["Coverage"]["searchParam"][0]["name"] == "patient"
    assert "CoverageEligibilityResponse" in resources["CoverageEligibilityRequest"]["documentation"]
