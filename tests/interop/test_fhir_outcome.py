from __future__ import annotations

from fhir.resources.R4B.operationoutcome import OperationOutcome

from healtheos.interop.fhir.outcome import Issue, operation_outcome


def test_operation_outcomes_validate_as_fhir() -> None:
    data = operation_outcome(
        Issue("required", "birthDate is required", expression="Patient.birthDate")
    )
    parsed = OperationOutcome.model_validate(data)
    assert parsed.issue[0].code == "required"
    assert data["issue"][0]["expression"] == ["Patient.birthDate"]
