"""OperationOutcome: how every FHIR endpoint answers bad input (never a server error)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.operationoutcome import OperationOutcome
from pydantic import ValidationError


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


class FhirInputError(ValueError):
    """Bad FHIR input, with every problem found, so one answer can list them all.

    Readers collect issues instead of stopping at the first, because a client fixing its
    request one round trip per mistake is the slowest way to get it right. The endpoint
    answers ``operation_outcome(*error.issues)`` with status 400 (or 422 for business rules).
    """

    def __init__(self, issues: Sequence[Issue]) -> None:
        if not issues:
            raise ValueError("FhirInputError needs at least one issue")
        self.issues: tuple[Issue, ...] = tuple(issues)
        super().__init__("; ".join(_describe(issue) for issue in self.issues))

    def outcome(self) -> dict[str, Any]:
        """The OperationOutcome that answers this error."""
        return operation_outcome(*self.issues)


def _describe(issue: Issue) -> str:
    return f"{issue.expression}: {issue.diagnostics}" if issue.expression else issue.diagnostics


def issues_from_validation_error(error: ValidationError, root: str) -> list[Issue]:
    """Pydantic's complaints about a resource, each pointed at its element by FHIRPath.

    ``root`` is the resource type the data claimed to be, so ``("contained", 0, "birthDate")``
    becomes ``CoverageEligibilityRequest.contained[0].birthDate``, the form clients see in
    every other server's OperationOutcome.
    """
    issues = []
    for detail in error.errors():
        code = _ISSUE_CODES.get(detail["type"], "invalid")
        issues.append(Issue(code, str(detail["msg"]), expression=fhirpath(root, detail["loc"])))
    return issues


_ISSUE_CODES = {"missing": "required", "extra_forbidden": "structure"}


def fhirpath(root: str, location: Sequence[int | str]) -> str:
    """A pydantic error location as a FHIRPath expression rooted at ``root``.

    Pydantic puts validator names into locations (``root``, ``function-after[...]``); they
    are not elements and are left out.
    """
    path = root
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.isidentifier() and part != "root":
            path += f".{part}"
    return path
