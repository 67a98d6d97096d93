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


# -- path prefixes: /p/<plan code>/ on a host that names no plan ------------------------------


def test_a_path_prefix_selects_the_plan_and_every_generated_url_keeps_it(world: World) -> None:
    client = Client()
    page = client.get(f"/p/{world.sunrise.code}/accounts/login/")
    assert page.status_code == 200
    assert f'action="/p/{world.sunrise.code}/accounts/login/"'.encode() in page.content
    response = client.post(
        f"/p/{world.sunrise.code}/accounts/login/", {"login": "alice", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(f"/p/{world.sunrise.code}/")


def test_at_another_plans_prefix_the_user_is_pointed_to_their_own(world: World) -> None:
    response = Client().post(
        f"/p/{world.lakeshore.code}/accounts/login/", {"login": "alice", "password": TEST_PASSWORD}
    )
    assert response.status_code == 403
    assert b"This is the portal of Lakeshore Health" in response.content
    assert f"/p/{world.sunrise.code}/accounts/login/".encode() in response.content


def test_an_unknown_plan_prefix_is_not_found(world: World) -> None:
    assert Client().get("/p/no-such-plan/accounts/login/").status_code == 404


def test_at_a_plan_prefix_a_billing_service_acts_for_that_plans_office(world: World) -> None:
    client = Client()
    client.force_login(world.bianca)
    page = client.get(f"/p/{world.lakeshore.code}/dashboard/")
    assert page.status_code == 200
    assert page.context["acting_office"] == world.prairie.office
    # Without the prefix, the same session reaches its other plan's page again.
    assert client.get("/dashboard/").status_code == 200
