"""Trusted devices and the step-up rules: a stable device skips the second factor within the
plan's window; a new device, a new network, recent failures or a password change ask again;
the person, their office administrator and payer support can revoke the trust."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from healtheos.accounts.devices import cookie_name, devices_revoke_all
from healtheos.accounts.models import SignInAttempt, SignInOutcome, TrustedDevice, User
from healtheos.offices.models import Membership
from tests.conftest import World
from tests.factories import TEST_PASSWORD, totp_code

OFFICE = "198.51.100.7"
SAME_NETWORK = "198.51.100.99"
ELSEWHERE = "203.0.113.9"
MFA = "/accounts/2fa/authenticate/"


def password_step(client: Client, username: str = "alice") -> str:
    response = client.post("/accounts/login/", {"login": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return str(response["Location"])


def trusted_client(username: str = "alice", address: str = OFFICE) -> Client:
    """A browser that signed in with the second factor and ticked "trust this browser",
    then signed out."""
    client = Client(REMOTE_ADDR=address)
    assert password_step(client, username) == MFA
    response = client.post(MFA, {"code": totp_code(), "trust_device": "on"})
    assert response.status_code == 302
    assert cookie_name() in response.cookies
    client.post("/accounts/logout/")
    return client


def test_the_second_factor_page_offers_the_plans_window(world: World) -> None:
    world.sunrise.trusted_device_days = 14
    world.sunrise.save()
    client = Client(REMOTE_ADDR=OFFICE)
    password_step(client)
    page = client.get(MFA)
    assert b"Trust this browser for 14 days" in page.content
    assert b"is not one you chose to trust" in page.content


def test_a_trusted_browser_skips_the_second_factor_next_time(world: World) -> None:
    client = trusted_client()
    device = TrustedDevice.objects.get(user=world.alice)
    assert device.network == "198.51.100.0/24"
    assert device.expires_at - device.created_at == datetime.timedelta(days=30)
    client.defaults["REMOTE_ADDR"] = SAME_NETWORK
    assert password_step(client) != MFA
    assert client.get("/dashboard/").status_code == 200
    latest = SignInAttempt.objects.filter(user=world.alice).first()
    assert latest is not None
    assert "trusted_device" in latest.factor
    device.refresh_from_db()
    assert device.last_used_at is not None


def test_without_the_box_ticked_nothing_is_trusted(world: World) -> None:
    client = Client(REMOTE_ADDR=OFFICE)
    password_step(client)
    response = client.post(MFA, {"code": totp_code()})
    assert cookie_name() not in response.cookies
    assert not TrustedDevice.objects.exists()
    client.post("/accounts/logout/")
    assert password_step(client) == MFA


def test_another_browser_is_asked(world: World) -> None:
    trusted_client()
    assert password_step(Client(REMOTE_ADDR=OFFICE)) == MFA


def test_a_new_network_is_asked_and_told_why(world: World) -> None:
    client = trusted_client()
    client.defaults["REMOTE_ADDR"] = ELSEWHERE
    assert password_step(client) == MFA
    assert b"different network" in client.get(MFA).content


def test_recent_failures_ask_again(world: World) -> None:
    client = trusted_client()
    for _ in range(3):
        Client(REMOTE_ADDR=ELSEWHERE).post(
            "/accounts/login/", {"login": "alice", "password": "not it"}
        )
    assert password_step(client) == MFA
    assert b"failed sign-in attempts" in client.get(MFA).content


def test_a_password_change_ends_every_trust(world: World) -> None:
    client = trusted_client()
    password_step(client)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": TEST_PASSWORD,
            "password1": "a brand new passphrase 77",
            "password2": "a brand new passphrase 77",
        },
    )
    assert response.status_code == 302
    assert not TrustedDevice.objects.filter(user=world.alice, revoked_at__isnull=True).exists()


def test_a_trust_ends_when_the_window_does(world: World) -> None:
    client = trusted_client()
    TrustedDevice.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert password_step(client) == MFA


def test_a_plan_can_switch_trust_off(world: World) -> None:
    world.sunrise.trusted_device_days = 0
    world.sunrise.save()
    client = Client(REMOTE_ADDR=OFFICE)
    password_step(client)
    assert b"Trust this browser" not in client.get(MFA).content
    client.post(MFA, {"code": totp_code(), "trust_device": "on"})
    assert not TrustedDevice.objects.exists()


def test_a_tampered_cookie_is_no_trust(world: World) -> None:
    client = trusted_client()
    client.cookies[cookie_name()] = client.cookies[cookie_name()].value + "x"
    assert password_step(client) == MFA


def test_one_browser_remembers_each_person_separately(world: World) -> None:
    client = trusted_client("alice")
    assert password_step(client, "frank") == MFA
    client.post(MFA, {"code": totp_code(), "trust_device": "on"})
    client.post("/accounts/logout/")
    assert password_step(client, "alice") != MFA
    client.post("/accounts/logout/")
    assert password_step(client, "frank") != MFA


def test_people_list_and_revoke_their_own_devices(world: World) -> None:
    client = trusted_client()
    password_step(client)
    page = client.get("/accounts/sessions/")
    assert b"this browser" in page.content
    assert b"Stop trusting" in page.content
    device = TrustedDevice.objects.get(user=world.alice)
    response = client.post(f"/accounts/devices/{device.pk}/revoke/")
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.revoked_at is not None
    client.post("/accounts/logout/")
    assert password_step(client) == MFA


def test_nobody_revokes_another_persons_device_by_id(world: World) -> None:
    trusted_client("alice")
    device = TrustedDevice.objects.get(user=world.alice)
    frank = world.client_for(world.frank)
    assert frank.post(f"/accounts/devices/{device.pk}/revoke/").status_code == 404
    device.refresh_from_db()
    assert device.revoked_at is None


def test_office_administrator_revokes_a_users_devices(world: World) -> None:
    trusted_client("frank")
    membership = Membership.objects.get(user=world.frank, office=world.bluebonnet.office)
    admin = world.client_for(world.alice)
    page = admin.get(f"/office/users/{membership.pk}/sign-ins/")
    assert b"Revoke all trusted devices" in page.content
    response = admin.post(f"/office/users/{membership.pk}/revoke-devices/")
    assert response.status_code == 302
    assert not TrustedDevice.objects.filter(user=world.frank, revoked_at__isnull=True).exists()


def test_another_offices_administrator_cannot(world: World) -> None:
    trusted_client("frank")
    membership = Membership.objects.get(user=world.frank, office=world.bluebonnet.office)
    olga = world.client_for(world.olga)
    assert olga.post(f"/office/users/{membership.pk}/revoke-devices/").status_code == 404
    assert TrustedDevice.objects.filter(user=world.frank, revoked_at__isnull=True).exists()


def test_payer_support_revokes_devices_of_its_own_plan_only(world: World) -> None:
    from tests.factories import UserFactory

    agent = UserFactory(
        username="sam", realm="payer", payer_role="provider_services", plan=world.sunrise
    )
    trusted_client("frank")
    trusted_client("olga")
    support = world.client_for(agent)
    assert (
        support.post(f"/payer/support/sign-in/{world.frank.pk}/revoke-devices/").status_code == 302
    )
    assert not TrustedDevice.objects.filter(user=world.frank, revoked_at__isnull=True).exists()
    assert (
        support.post(f"/payer/support/sign-in/{world.olga.pk}/revoke-devices/").status_code == 404
    )
    assert TrustedDevice.objects.filter(user=world.olga, revoked_at__isnull=True).exists()


def test_resetting_the_second_factor_ends_trust(world: World) -> None:
    from healtheos.accounts.services import mfa_reset

    trusted_client("frank")
    mfa_reset(user=world.frank, actor=world.alice, reason="lost phone")
    assert not TrustedDevice.objects.filter(user=world.frank, revoked_at__isnull=True).exists()


def test_revoking_is_audited(world: World) -> None:
    from healtheos.audit.models import AuditEvent

    trusted_client("frank")
    assert devices_revoke_all(user=User.objects.get(username="frank"), actor=None, reason="t") == 1
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"device.trusted", "device.revoked_all"} <= actions
    assert SignInAttempt.objects.filter(outcome=SignInOutcome.SUCCESS).exists()
