from __future__ import annotations

from django.test import Client

from healtheos.accounts.models import SignInAttempt, SignInOutcome
from tests.conftest import World
from tests.factories import TEST_PASSWORD


def test_a_member_signs_in_at_the_member_portal_and_lands_on_the_member_home(world: World) -> None:
    client = Client()
    response = client.post(
        "/member/login/", {"login": "mona", "password": TEST_PASSWORD, "next": "/member/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/member/"
    page = client.get("/member/")
    assert page.status_code == 200
    assert b"member portal of Sunrise Health" in page.content


def test_a_provider_account_at_the_member_portal_is_pointed_to_the_provider_portal(
    world: World,
) -> None:
    response = Client().post("/member/login/", {"login": "alice", "password": TEST_PASSWORD})
    assert response.status_code == 403
    assert b"This is the member portal" in response.content
    assert b"/accounts/login/" in response.content
    assert SignInAttempt.objects.filter(
        user=world.alice, outcome=SignInOutcome.WRONG_REALM
    ).exists()


def test_the_member_home_is_not_for_provider_accounts(world: World) -> None:
    assert world.client_for(world.alice).get("/member/").status_code == 404


def test_a_member_account_cannot_act_for_an_office(world: World) -> None:
    response = world.client_for(world.mona).get("/dashboard/")
    assert response.status_code == 403
