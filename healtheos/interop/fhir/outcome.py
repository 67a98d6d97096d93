"""OperationOutcome: how every FHIR endpoint answers bad input (never a server error)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.operationoutcome import OperationOutcome


@dataclass(frozen=True)
class Issue:
    code: str  # http://hl7.org/fhir/issue-type, e.g. invalid, required, not-found
    diagnostics: str
    severity: str = "error"
    expression: str = ""


def operation_outcome(*issues: Issue) -> dict[str, Any]:
    """A validated OperationOutcome as JSON-ready data."""
    resource = OperationOutcome.model_validate(
        {
            "resourceType": "OperationOutcome",
            "issue": [
                {
                    "severity": issue.severity,
                    "code": issue.code,
                    "diagnostics": issue.diagnostics,
                    **({"expression": [issue.expression]} if issue.expression else {}),
                }
                for issue in issues
            ],
        }
    )
    data: dict[str, Any] = resource.model_dump(mode="json", exclude_none=True)
    return data
