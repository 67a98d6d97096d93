"""The professional claim form: field-level validation, and the claim it produces is the
one an 837P would (it goes through the same submission)."""

from __future__ import annotations

import pytest

from healtheos.claims.models import Claim, Submission
from healtheos.directory.models import Location
from tests.conftest import World


@pytest.fixture(autouse=True)
def _inline(settings: object, world: World) -> None:
    settings.TASK_BACKEND = "inline"  # type: ignore[attr-defined]
    Location.objects.create(
        organization=world.bluebonnet.office.organization,
        address_line="400 Congress Ave",
        city="Austin",
        state="TX",
        postal_code="78701",
        phone="512-555-0100",
        is_primary=True,
    )


def fields(world: World, **changes: str) -> dict[str, str]:
    member = world.bluebonnet.member
    data = {
        "patient_account_number": "FORM-1",
        "member_id": member.member_id,
        "date_of_birth": member.birth_date.isoformat(),
        "rendering_npi": world.bluebonnet.practitioner.npi,
        "diagnoses": "J06.9, R05.1",
        "frequency": "1",
        "line-TOTAL_FORMS": "2",
        "line-INITIAL_FORMS": "0",
        "line-MIN_NUM_FORMS": "1",
        "line-MAX_NUM_FORMS": "6",
        "line-0-service_date": "2026-11-03",
        "line-0-place_of_service": "11",
        "line-0-procedure_code": "99213",
        "line-0-modifiers": "25",
        "line-0-pointers": "AB",
        "line-0-units": "1",
        "line-0-charge": "150.00",
        "line-1-service_date": "2026-11-03",
        "line-1-place_of_service": "11",
        "line-1-procedure_code": "87880",
        "line-1-pointers": "A",
        "line-1-units": "1",
        "line-1-charge": "40.00",
    }
    data.update(changes)
    return data


def test_a_valid_form_becomes_an_accepted_claim(world: World) -> None:
    response = world.client_for(world.bill).post("/claims/new/", fields(world))
    assert response.status_code == 302
    submission = Submission.objects.for_office(world.bluebonnet.office).get()
    assert submission.channel == "form"
    assert submission.raw.startswith("ISA")
    assert submission.claims_accepted == 1
    claim = Claim.objects.for_office(world.bluebonnet.office).get(submission=submission)
    assert str(claim.total_charge) == "190.00"
    assert claim.diagnosis_codes == ["J06.9", "R05.1"]
    assert [(line.procedure_code, line.modifiers) for line in claim.lines.all()] == [
        ("99213", ["25"]),
        ("87880", []),
    ]
    assert claim.rendering_provider == world.bluebonnet.practitioner
    page = world.client_for(world.bill).get(response["Location"]).content.decode()
    assert "Accepted into adjudication" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"diagnoses": "J069X1234, 12345"}, "Not ICD-10-CM codes"),
        ({"line-0-procedure_code": "9921"}, "Ensure this value has at least 5 characters"),
        ({"line-0-procedure_code": "ABCDE"}, "Not a CPT or HCPCS code"),
        ({"line-0-modifiers": "25 59 XS XU 76"}, "Up to four"),
        ({"line-0-pointers": "AZ"}, "Use the letters"),
        ({"line-0-service_date": "2999-01-01"}, "already given"),
        ({"line-0-charge": "-5"}, "greater than or equal to 0.01"),
        ({"date_of_birth": "1999-01-01"}, "No member of this plan"),
        ({"frequency": "7"}, "names the claim it replaces"),
        ({"rendering_npi": "1234567890"}, "Select a valid choice"),
        ({"line-0-pointers": "C"}, "points to a diagnosis that is not on the claim"),
    ],
)
def test_bad_fields_are_named_and_nothing_is_submitted(
    world: World, change: dict[str, str], message: str
) -> None:
    response = world.client_for(world.bill).post("/claims/new/", fields(world, **change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Submission.objects.for_office(world.bluebonnet.office).exists()


def test_front_desk_cannot_submit_claims(world: World) -> None:
    assert world.client_for(world.frank).get("/claims/new/").status_code == 403
