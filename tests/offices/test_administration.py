"""An office administrator invites, changes roles, removes people and resets second factors."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client
from django.utils import timezone

from healtheos.audit.models import AuditEvent
from healtheos.offices.models import Invitation, Membership, MembershipStatus
from tests.conftest import World
from tests.factories import TEST_PASSWORD

PASSWORD = "a passphrase for the new colleague"


def _invite(
    world: World, capture: Any, email: str = "nadia@bluebonnet.example", role: str = "front_desk"
) -> str:
    with capture(execute=True):
        response = world.client_for(world.alice).post(
            "/office/users/invite/", {"email": email, "role": role}
        )
    assert response.status_code == 302
    link = re.search(r"https?://\S+/invitations/(\S+)/", mail.outbox[-1].body)
    assert link is not None
    return link.group(1)


def test_an_invited_person_creates_an_account_with_the_invited_role(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    token = _invite(world, django_capture_on_commit_callbacks)
    assert "Sunrise Health" in mail.outbox[-1].subject
    page = Client().get(f"/invitations/{token}/")
    assert b"Front desk" in page.content
    response = Client().post(
        f"/invitations/{token}/",
        {
            "first_name": "Nadia",
            "last_name": "Ivers",
            "username": "nadia",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="nadia")
    assert (membership.office, membership.role) == (world.bluebonnet.office, "front_desk")
    client = Client()
    assert (
        client.post("/accounts/login/", {"login": "nadia", "password": PASSWORD}).status_code == 302
    )
    assert client.get("/dashboard/")["Location"] == "/accounts/2fa/totp/activate/"


def test_an_invitation_works_once(world: World, django_capture_on_commit_callbacks: Any) -> None:
    token = _invite(world, django_capture_on_commit_callbacks)
    data = {
        "first_name": "N",
        "last_name": "I",
        "username": "nadia",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    Client().post(f"/invitations/{token}/", data)
    again = Client().get(f"/invitations/{token}/")
    assert again.status_code == 410
    assert b"already been used" in again.content


def test_an_expired_or_made_up_invitation_says_so(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    token = _invite(world, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert b"expired" in Client().get(f"/invitations/{token}/").content
    assert Client().get("/invitations/not-a-real-token/").status_code == 410


def test_someone_from_another_office_joins_with_their_own_account(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    token = _invite(
        world, django_capture_on_commit_callbacks, email=world.olga.email, role="billing"
    )
    client = world.client_for(world.olga)
    assert client.post(f"/invitations/{token}/").status_code == 302
    assert set(world.olga.memberships.values_list("office__name", flat=True)) == {
        "Prairie Pediatrics",
        "Bluebonnet Family Medicine",
    }


def test_the_last_administrator_cannot_be_demoted_or_removed(world: World) -> None:
    client = world.client_for(world.bianca)  # billing: not an administrator
    assert (
        client.post(
            "/office/users/invite/", {"email": "x@example.test", "role": "billing"}
        ).status_code
        == 403
    )
    other_admin = Membership.objects.get(user=world.alice)
    # alice cannot act on herself from the page; another admin acting on her is the real case.
    frank = Membership.objects.get(user=world.frank)
    admin = world.client_for(world.alice)
    admin.post(f"/office/users/{frank.pk}/role/", {"role": "office_admin"})
    frank_client = world.client_for(world.frank)
    frank_client.post(f"/office/users/{other_admin.pk}/role/", {"role": "billing"})
    frank_client.post(f"/office/users/{frank.pk}/role/", {"role": "billing"})
    other_admin.refresh_from_db()
    frank.refresh_from_db()
    assert other_admin.role == "billing"
    assert frank.role == "office_admin"  # refused: he had become the only administrator
    response = frank_client.post(f"/office/users/{frank.pk}/deactivate/", follow=True)
    assert b"only active administrator" in response.content


def test_removing_someone_ends_their_session_at_once(world: World) -> None:
    frank = Client()
    frank.force_login(world.frank)
    assert frank.get("/dashboard/").status_code == 200
    membership = Membership.objects.get(user=world.frank)
    world.client_for(world.alice).post(f"/office/users/{membership.pk}/deactivate/")
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.DEACTIVATED
    assert frank.get("/dashboard/").status_code == 302  # signed out
    assert AuditEvent.objects.filter(
        action="sessions.revoked", object_id=str(world.frank.pk)
    ).exists()


def test_removing_a_billing_service_from_one_office_keeps_the_other(world: World) -> None:
    bianca = Client()
    bianca.force_login(world.bianca)
    membership = Membership.objects.get(user=world.bianca, office=world.bluebonnet.office)
    world.client_for(world.alice).post(f"/office/users/{membership.pk}/deactivate/")
    page = bianca.get("/dashboard/")
    assert page.status_code == 200
    assert b"Prairie Pediatrics" in page.content


def test_an_administrator_resets_a_lost_second_factor(world: World) -> None:
    membership = Membership.objects.get(user=world.rita)
    assert Authenticator.objects.filter(user=world.rita).exists()
    world.client_for(world.alice).post(f"/office/users/{membership.pk}/reset-second-factor/")
    assert not Authenticator.objects.filter(user=world.rita).exists()
    client = Client()
    client.post("/accounts/login/", {"login": "rita", "password": TEST_PASSWORD})
    assert client.get("/dashboard/")["Location"] == "/accounts/2fa/totp/activate/"
    assert AuditEvent.objects.filter(action="mfa.reset").exists()


def test_another_offices_people_cannot_be_touched(world: World) -> None:
    olgas = Membership.objects.get(user=world.olga)
    client = world.client_for(world.alice)
    for action in ("role", "deactivate", "reactivate", "reset-second-factor"):
        assert (
            client.post(f"/office/users/{olgas.pk}/{action}/", {"role": "billing"}).status_code
            == 404
        )
    olgas.refresh_from_db()
    assert (olgas.role, olgas.status) == ("office_admin", "active")


def test_bad_invitation_input_is_reported_at_the_field(world: World) -> None:
    response = world.client_for(world.alice).post(
        "/office/users/invite/", {"email": "nope", "role": "wizard"}
    )
    assert response.status_code == 400
    errors = response.context["invite_form"].errors
    assert "email" in errors
    assert "role" in errors
