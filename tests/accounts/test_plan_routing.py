from __future__ import annotations

from django.test import Client, override_settings

from healtheos.accounts.models import SignInAttempt, SignInOutcome
from tests.conftest import World
from tests.factories import TEST_PASSWORD


def _hosts(world: World) -> None:
    world.sunrise.host = "portal.sunrise.test"
    world.sunrise.save()
    world.lakeshore.host = "providers.lakeshore.test"
    world.lakeshore.save()


@override_settings(ALLOWED_HOSTS=["*"])
def test_an_office_user_at_another_plans_portal_is_sent_to_the_right_one(world: World) -> None:
    _hosts(world)
    response = Client(HTTP_HOST="providers.lakeshore.test").post(
        "/accounts/login/", {"login": "alice", "password": TEST_PASSWORD}
    )
    assert response.status_code == 403
    assert b"This is the portal of Lakeshore Health" in response.content
    assert b"https://portal.sunrise.test/accounts/login/" in response.content
    assert SignInAttempt.objects.filter(user=world.alice, outcome=SignInOutcome.WRONG_PLAN).exists()


@override_settings(ALLOWED_HOSTS=["*"])
def test_the_right_portal_and_a_billing_service_of_both_plans_sign_in(world: World) -> None:
    _hosts(world)
    for host, user in (("portal.sunrise.test", "alice"), ("providers.lakeshore.test", "bianca")):
        response = Client(HTTP_HOST=host).post(
            "/accounts/login/", {"login": user, "password": TEST_PASSWORD}
        )
        assert response.status_code == 302, (host, user)


def test_a_host_that_names_no_plan_serves_every_plan(world: World) -> None:
    response = Client().post("/accounts/login/", {"login": "olga", "password": TEST_PASSWORD})
    assert response.status_code == 302


@override_settings(ALLOWED_HOSTS=["*"])
def test_at_a_plans_portal_a_billing_service_acts_for_its_office_of_that_plan(world: World) -> None:
    _hosts(world)
    client = Client(HTTP_HOST="providers.lakeshore.test")
    client.force_login(world.bianca)
    page = client.get("/dashboard/")
    assert page.context["acting_office"] == world.prairie.office
    assert b"Bluebonnet" not in page.content
