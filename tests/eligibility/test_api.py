"""``POST /api/v1/eligibility``: the portal's search as JSON for an office's systems."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from healtheos.eligibility.models import Inquiry
from tests.conftest import World
from tests.eligibility.conftest import Family
from tests.factories import api_token

URL = "/api/v1/eligibility"


@pytest.fixture
def token(world: World) -> str:
    return api_token(office=world.bluebonnet.office, actor=world.alice, scopes=["eligibility"])


def post(token: str, body: object) -> object:
    return Client().post(
        URL,
        data=body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_it_answers_with_the_portals_facts(world: World, family: Family, token: str) -> None:
    response = post(
        token, {"member_id": family.subscriber.member_id, "date_of_birth": "1980-05-17"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["outcome"] == "active"
    assert data["member"]["member_id"] == family.subscriber.member_id
    (coverage,) = data["coverages"]
    deductible = next(
        s
        for s in coverage["cost_shares"]
        if (s["kind"], s["network"], s["level"]) == ("deductible", "in", "individual")
    )
    assert (deductible["amount"], deductible["remaining"]) == ("1000.00", "600.00")
    assert Inquiry.objects.for_office(world.bluebonnet.office).get().channel == "api"


def test_bad_fields_are_named_in_a_problem_document(world: World, token: str) -> None:
    response = post(token, {"member_id": "TM1", "date_of_birth": "05/17/1980x"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "date_of_birth" in response.json()["errors"]


@pytest.mark.parametrize("body", ["[]", "nope", json.dumps({"service_types": "30"})])
def test_a_body_that_is_not_a_search_is_a_clear_400(world: World, token: str, body: str) -> None:
    assert post(token, body).status_code == 400


def test_another_offices_member_is_not_found(world: World, family: Family, token: str) -> None:
    other = world.prairie.member
    data = post(
        token, {"member_id": other.member_id, "date_of_birth": other.birth_date.isoformat()}
    ).json()
    assert data["outcome"] == "not_found"
    assert data["member"] is None


def test_it_needs_the_eligibility_scope(world: World) -> None:
    assert post("nope", {}).status_code == 401
