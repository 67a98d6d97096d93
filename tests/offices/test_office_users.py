from __future__ import annotations

from django.test import RequestFactory

from healtheos.accounts.models import SignInOutcome
from healtheos.accounts.signin import record_attempt
from tests.conftest import World


def test_the_administrator_sees_the_offices_people_and_the_nudge_for_a_second_admin(
    world: World,
) -> None:
    page = world.client_for(world.alice).get("/office/users/")
    assert page.status_code == 200
    for username in ("alice", "frank", "bill", "clara", "rita", "bianca"):
        assert username.encode() in page.content
    assert b"olga" not in page.content
    assert b"Add a second administrator" in page.content


def test_failures_are_counted_by_week_and_category(world: World) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.3")
    for _ in range(3):
        record_attempt(
            request=request, outcome=SignInOutcome.BAD_PASSWORD, user=world.frank, username="frank"
        )
    record_attempt(
        request=request, outcome=SignInOutcome.MFA_FAILED, user=world.bill, username="bill"
    )
    page = world.client_for(world.alice).get("/office/users/")
    assert page.context["failure_categories"] == ["Second factor failed", "Wrong password"]
    assert page.context["failure_weeks"][0][1] == [1, 3]


def test_a_users_sign_in_history_is_shown_to_their_administrator(world: World) -> None:
    record_attempt(
        request=RequestFactory().get("/"),
        outcome=SignInOutcome.BAD_PASSWORD,
        user=world.frank,
        username="frank",
    )
    membership = world.frank.memberships.get()
    page = world.client_for(world.alice).get(f"/office/users/{membership.pk}/sign-ins/")
    assert page.status_code == 200
    assert b"Wrong password" in page.content


def test_another_offices_person_is_not_found(world: World) -> None:
    olgas = world.olga.memberships.get()
    assert (
        world.client_for(world.alice).get(f"/office/users/{olgas.pk}/sign-ins/").status_code == 404
    )


def test_only_administrators_manage_users(world: World) -> None:
    response = world.client_for(world.frank).get("/office/users/")
    assert response.status_code == 403
    assert b"Office administrator" in response.content
