"""Periodic access review: the administrator confirms each user, removals take effect in the
same step, the office's last administrator cannot be removed, and the nudge follows the
plan's period."""

from __future__ import annotations

import datetime

from django.utils import timezone

from healtheos.audit.models import AuditEvent
from healtheos.offices.access_review import access_review_status
from healtheos.offices.models import AccessReview, Membership, MembershipStatus
from tests.conftest import World

URL = "/office/users/review/"


def _decisions(world: World, **overrides: str) -> dict[str, str]:
    office = world.bluebonnet.office
    data = {}
    for m in Membership.objects.filter(office=office, status=MembershipStatus.ACTIVE):
        data[f"m{m.pk}"] = overrides.get(m.user.username, "keep")
    return data


def test_the_review_lists_every_active_user_of_the_acting_office_only(world: World) -> None:
    page = world.client_for(world.alice).get(URL)
    assert page.status_code == 200
    for name in (b"frank", b"bill", b"clara", b"rita", b"bianca"):
        assert name in page.content
    assert b"olga" not in page.content


def test_a_decision_is_needed_for_everyone(world: World) -> None:
    data = _decisions(world)
    data.pop(next(iter(data)))
    response = world.client_for(world.alice).post(URL, data)
    assert response.status_code == 400
    assert b"still needs access" in response.content
    assert not AccessReview.objects.exists()


def test_removals_take_effect_and_the_review_is_recorded(world: World) -> None:
    response = world.client_for(world.alice).post(URL, _decisions(world, rita="remove"))
    assert response.status_code == 302
    rita = Membership.objects.get(user=world.rita, office=world.bluebonnet.office)
    assert rita.status == MembershipStatus.DEACTIVATED
    review = AccessReview.objects.get()
    assert (review.kept, review.removed) == (5, 1)
    assert review.reviewer == world.alice
    assert AuditEvent.objects.filter(action="office.access_review").exists()
    assert not access_review_status(world.bluebonnet.office).overdue


def test_the_last_administrator_cannot_be_removed(world: World) -> None:
    response = world.client_for(world.alice).post(URL, _decisions(world, alice="remove"))
    assert response.status_code == 400
    assert b"only active administrator" in response.content
    assert not AccessReview.objects.exists()
    assert Membership.objects.get(user=world.alice).status == MembershipStatus.ACTIVE


def test_only_office_administrators_review(world: World) -> None:
    assert world.client_for(world.frank).get(URL).status_code in (403, 404)
    assert world.client_for(world.frank).post(URL, _decisions(world)).status_code in (403, 404)


def test_another_offices_people_cannot_be_smuggled_into_a_review(world: World) -> None:
    data = _decisions(world)
    olga = Membership.objects.get(user=world.olga)
    data[f"m{olga.pk}"] = "remove"
    world.client_for(world.alice).post(URL, data)
    assert Membership.objects.get(pk=olga.pk).status == MembershipStatus.ACTIVE


def test_the_users_page_nudges_when_a_review_is_due(world: World) -> None:
    office = world.bluebonnet.office
    office.approved_at = timezone.now() - datetime.timedelta(days=200)
    office.save()
    page = world.client_for(world.alice).get("/office/users/")
    assert b"Access review due" in page.content
    world.sunrise.access_review_days = 365
    world.sunrise.save()
    page = world.client_for(world.alice).get("/office/users/")
    assert b"Access review due" not in page.content
    assert b"Next access review due" in page.content
