"""Is authorization required? Answered from the plan's rules: a place-specific rule wins
over the rule for any place, a code without a rule needs none, bad input is named; the
office page, the JSON API and the payer's editor all use the same rules."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from healtheos.audit.models import AuditEvent
from healtheos.authorizations.models import AuthorizationRule
from healtheos.authorizations.rules import RuleInputError, requirement_for
from healtheos.plans.models import LineOfBusiness
from tests.conftest import World
from tests.factories import api_token

MEDICAID = LineOfBusiness.MEDICAID


@pytest.fixture
def rules(world: World) -> None:
    sunrise = world.sunrise
    AuthorizationRule.objects.create(
        plan=sunrise,
        line_of_business=MEDICAID,
        procedure_code="70551",
        description="MRI of the brain",
        documentation="Clinical notes from the last 60 days.",
    )
    # Not in the emergency room: a place-specific exemption.
    AuthorizationRule.objects.create(
        plan=sunrise,
        line_of_business=MEDICAID,
        procedure_code="70551",
        place_of_service="23",
        required=False,
        description="MRI of the brain",
    )
    AuthorizationRule.objects.create(
        plan=sunrise,
        line_of_business=LineOfBusiness.MEDICARE_ADVANTAGE,
        procedure_code="97110",
        description="Physical therapy",
        documentation="Plan of care.",
        auto_approve=True,
    )
    # Another plan's rule never answers for Sunrise.
    AuthorizationRule.objects.create(
        plan=world.lakeshore,
        line_of_business=MEDICAID,
        procedure_code="99213",
        description="Office visit at Lakeshore",
    )


def test_a_rule_for_any_place_answers_with_its_documentation(world: World, rules: None) -> None:
    answer = requirement_for(plan=world.sunrise, line_of_business=MEDICAID, procedure_code="70551")
    assert answer.required
    assert answer.documentation == "Clinical notes from the last 60 days."
    office = requirement_for(
        plan=world.sunrise, line_of_business=MEDICAID, procedure_code="70551", place_of_service="11"
    )
    assert office.required
    assert office.rule_place_of_service == ""


def test_a_place_specific_rule_wins_over_the_rule_for_any_place(world: World, rules: None) -> None:
    answer = requirement_for(
        plan=world.sunrise, line_of_business=MEDICAID, procedure_code="70551", place_of_service="23"
    )
    assert not answer.required
    assert answer.documentation == ""


def test_a_code_without_a_rule_needs_no_authorization(world: World, rules: None) -> None:
    answer = requirement_for(plan=world.sunrise, line_of_business=MEDICAID, procedure_code="99213")
    assert not answer.required
    assert answer.description == ""


def test_the_line_of_business_matters(world: World, rules: None) -> None:
    answer = requirement_for(
        plan=world.sunrise, line_of_business=LineOfBusiness.COMMERCIAL, procedure_code="70551"
    )
    assert not answer.required
    pt = requirement_for(
        plan=world.sunrise,
        line_of_business=LineOfBusiness.MEDICARE_ADVANTAGE,
        procedure_code="97110",
    )
    assert pt.required
    assert pt.auto_approve


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("procedure_code", {"procedure_code": "7055"}),
        ("procedure_code", {"procedure_code": "MRI!!"}),
        ("place_of_service", {"procedure_code": "70551", "place_of_service": "ER"}),
        ("line_of_business", {"procedure_code": "70551", "line_of_business": "gold"}),
    ],
)
def test_bad_input_names_its_field(world: World, field: str, kwargs: dict[str, str]) -> None:
    with pytest.raises(RuleInputError) as raised:
        requirement_for(plan=world.sunrise, **({"line_of_business": MEDICAID} | kwargs))
    assert raised.value.field == field


def test_the_office_page_answers_several_codes(world: World, rules: None) -> None:
    page = world.client_for(world.frank).get(
        "/authorizations/required/",
        {"line_of_business": MEDICAID, "procedure_codes": "70551, 99213"},
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Clinical notes from the last 60 days." in body
    assert "Not required" in body


def test_the_office_page_names_a_bad_code(world: World) -> None:
    page = world.client_for(world.frank).get(
        "/authorizations/required/", {"line_of_business": MEDICAID, "procedure_codes": "7O551"}
    )
    assert page.status_code == 400
    assert "7O551 is not a CPT or HCPCS code" in page.content.decode()


def test_the_eligibility_link_preselects_the_line_of_business(world: World) -> None:
    page = world.client_for(world.frank).get(
        "/authorizations/required/", {"line_of_business": MEDICAID}
    )
    assert page.status_code == 200
    assert 'value="medicaid" selected' in page.content.decode()


def test_an_office_sees_only_its_own_plans_rules(world: World, rules: None) -> None:
    # Prairie is at Lakeshore: 70551 has no rule there, 99213 has one.
    page = (
        world.client_for(world.olga)
        .get(
            "/authorizations/required/",
            {"line_of_business": MEDICAID, "procedure_codes": "70551 99213"},
        )
        .content.decode()
    )
    assert "Clinical notes" not in page
    assert "Office visit at Lakeshore" in page


def test_the_claim_form_links_to_the_lookup(world: World) -> None:
    page = world.client_for(world.bill).get("/claims/new/").content.decode()
    assert "/authorizations/required/" in page


# -- JSON API --------------------------------------------------------------------------------


@pytest.fixture
def token(world: World) -> str:
    return api_token(office=world.bluebonnet.office, actor=world.alice, scopes=["authorizations"])


def test_the_api_answers_with_the_same_rules(world: World, rules: None, token: str) -> None:
    response = Client().get(
        "/api/v1/authorizations/requirements",
        {"line_of_business": MEDICAID, "procedure_code": ["70551", "99213"]},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["plan"] == "sunrise-tx"
    first, second = data["requirements"]
    assert first["authorization_required"] is True
    assert first["documentation_required"] == "Clinical notes from the last 60 days."
    assert second["authorization_required"] is False


def test_the_api_names_bad_parameters_in_a_problem(world: World, token: str) -> None:
    response = Client().get(
        "/api/v1/authorizations/requirements",
        {"line_of_business": "gold", "procedure_code": "12"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    errors = json.loads(response.content)["errors"]
    assert set(errors) == {"line_of_business", "procedure_code"}


def test_the_api_needs_the_authorizations_scope(world: World) -> None:
    raw = api_token(office=world.bluebonnet.office, actor=world.alice, scopes=["eligibility"])
    response = Client().get(
        "/api/v1/authorizations/requirements",
        {"line_of_business": MEDICAID, "procedure_code": "70551"},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403


# -- the plan's editor -----------------------------------------------------------------------


def test_a_reviewer_adds_a_rule_and_offices_see_it(world: World) -> None:
    petra = world.client_for(world.petra)
    response = petra.post(
        "/payer/authorization-rules/",
        {
            "line_of_business": MEDICAID,
            "procedure_code": "27447",
            "place_of_service": "",
            "description": "Total knee replacement",
            "required": "on",
            "documentation": "Weight-bearing X-rays.",
        },
    )
    assert response.status_code == 302
    rule = AuthorizationRule.objects.get(plan=world.sunrise, procedure_code="27447")
    assert AuditEvent.objects.filter(action="authorizations.rule_created").exists()
    answer = requirement_for(plan=world.sunrise, line_of_business=MEDICAID, procedure_code="27447")
    assert answer.required
    assert answer.documentation == "Weight-bearing X-rays."
    # Edited: no longer required.
    petra.post(
        f"/payer/authorization-rules/{rule.pk}/",
        {
            "line_of_business": MEDICAID,
            "procedure_code": "27447",
            "place_of_service": "",
            "description": "Total knee replacement",
        },
    )
    rule.refresh_from_db()
    assert not rule.required
    petra.post(f"/payer/authorization-rules/{rule.pk}/delete/")
    assert not AuthorizationRule.objects.filter(pk=rule.pk).exists()


def test_a_duplicate_rule_is_refused_next_to_the_code(world: World, rules: None) -> None:
    response = world.client_for(world.petra).post(
        "/payer/authorization-rules/",
        {
            "line_of_business": MEDICAID,
            "procedure_code": "70551",
            "place_of_service": "",
            "description": "MRI again",
            "required": "on",
        },
    )
    assert response.status_code == 400
    assert "already has a rule" in response.content.decode()


def test_another_plans_rule_is_not_found_by_a_reviewer(world: World, rules: None) -> None:
    other = AuthorizationRule.objects.get(plan=world.lakeshore)
    petra = world.client_for(world.petra)
    assert petra.get(f"/payer/authorization-rules/{other.pk}/").status_code == 404
    assert petra.post(f"/payer/authorization-rules/{other.pk}/delete/").status_code == 404
    assert (
        "Office visit at Lakeshore" not in petra.get("/payer/authorization-rules/").content.decode()
    )


def test_office_users_cannot_open_the_rule_editor(world: World, rules: None) -> None:
    rule = AuthorizationRule.objects.filter(plan=world.sunrise).first()
    assert rule is not None
    alice = world.client_for(world.alice)
    assert alice.get("/payer/authorization-rules/").status_code == 404
    assert alice.get(f"/payer/authorization-rules/{rule.pk}/").status_code == 404
    assert alice.post(f"/payer/authorization-rules/{rule.pk}/delete/").status_code == 404


def test_without_a_place_the_answer_names_where_a_place_rule_applies(world: World) -> None:
    AuthorizationRule.objects.create(
        plan=world.sunrise,
        line_of_business=MEDICAID,
        procedure_code="95810",
        place_of_service="22",
        description="Attended sleep study",
        documentation="Sleep questionnaire.",
    )
    anywhere = requirement_for(
        plan=world.sunrise, line_of_business=MEDICAID, procedure_code="95810"
    )
    assert anywhere.required
    assert anywhere.rule_place_of_service == "22"
    at_office = requirement_for(
        plan=world.sunrise, line_of_business=MEDICAID, procedure_code="95810", place_of_service="11"
    )
    assert not at_office.required


def test_the_dashboard_links_to_the_lookup(world: World) -> None:
    page = world.client_for(world.frank).get("/dashboard/").content.decode()
    assert "/authorizations/required/" in page


def test_the_api_answers_from_the_tokens_own_plan(world: World, rules: None) -> None:
    raw = api_token(office=world.prairie.office, actor=world.olga, scopes=["authorizations"])
    data = (
        Client()
        .get(
            "/api/v1/authorizations/requirements",
            {"line_of_business": MEDICAID, "procedure_code": ["70551", "99213"]},
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        .json()
    )
    assert data["plan"] == "lakeshore-il"
    mri, visit = data["requirements"]
    assert mri["authorization_required"] is False
    assert visit["service"] == "Office visit at Lakeshore"
