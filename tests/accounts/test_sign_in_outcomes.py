"""Each login state of the product brief is a distinct outcome, and nothing is revealed
before the password is verified."""

from __future__ import annotations

import time

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from healtheos.accounts.models import SignInAttempt, SignInOutcome, User
from healtheos.offices.models import MembershipStatus, OfficeStatus
from tests.conftest import World
from tests.factories import TEST_PASSWORD, MembershipFactory, OfficeFactory, UserFactory, totp_code

OFFICE = "198.51.100.7"
ELSEWHERE = "203.0.113.9"


def sign_in(
    username: str,
    password: str = TEST_PASSWORD,
    address: str = OFFICE,
    path: str = "/accounts/login/",
):
    client = Client(REMOTE_ADDR=address)
    response = client.post(path, {"login": username, "password": password})
    return client, response


def test_a_correct_password_leads_to_the_second_factor_and_then_the_dashboard(world: World) -> None:
    client, response = sign_in("alice")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200
    attempt = SignInAttempt.objects.get(user=world.alice)
    assert attempt.outcome == SignInOutcome.SUCCESS
    assert "totp" in attempt.factor
    assert attempt.network == "198.51.100.0/24"


def test_a_wrong_second_factor_is_recorded_and_does_not_sign_in(world: World) -> None:
    client, _ = sign_in("alice")
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert client.get("/dashboard/").status_code == 302
    assert SignInAttempt.objects.filter(user=world.alice, outcome=SignInOutcome.MFA_FAILED).exists()


def test_wrong_password_and_unknown_account_read_exactly_the_same(world: World) -> None:
    _, wrong = sign_in("alice", "not it")
    _, unknown = sign_in("nobody-here", "not it")
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].errors == unknown.context["form"].errors
    outcomes = set(SignInAttempt.objects.values_list("outcome", flat=True))
    assert outcomes == {SignInOutcome.BAD_PASSWORD, SignInOutcome.UNKNOWN_ACCOUNT}


@override_settings(LOCKOUT_THRESHOLD=3, LOCKOUT_MINUTES=15)
def test_repeated_failures_lock_the_account_and_say_until_when_after_the_password(
    world: World,
) -> None:
    for _ in range(3):
        sign_in("bill", "wrong", address=ELSEWHERE)
    bill = User.objects.get(username="bill")
    assert bill.locked_until is not None
    # Still a wrong password: the same generic answer as ever.
    _, response = sign_in("bill", "wrong", address=ELSEWHERE)
    assert response.status_code == 200
    # The right password from a strange network: the lock, with its end time.
    _, response = sign_in("bill", address=ELSEWHERE)
    assert response.status_code == 403
    assert b"locked until" in response.content
    assert User.objects.get(username="bill").locked_until == bill.locked_until


@override_settings(LOCKOUT_THRESHOLD=3)
def test_the_owner_still_gets_in_from_the_usual_network_during_a_lock(world: World) -> None:
    User.objects.filter(username="bill").update(last_sign_in_network="198.51.100.0/24")
    for _ in range(3):
        sign_in("bill", "wrong", address=ELSEWHERE)
    assert User.objects.get(username="bill").is_locked(now=timezone.now())
    _, response = sign_in("bill", address=OFFICE)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"


@override_settings(NETWORK_FAILURE_LIMIT=5, LOCKOUT_THRESHOLD=50)
def test_a_network_that_keeps_failing_is_throttled_but_others_are_not(world: World) -> None:
    for name in ["alice", "bill", "frank", "clara", "rita"]:
        sign_in(name, "spray-password", address="192.0.2.10")
    _, response = sign_in("alice", address="192.0.2.99")
    assert response.status_code == 200
    assert "Too many failed login attempts" in str(response.context["form"].errors)
    assert SignInAttempt.objects.filter(outcome=SignInOutcome.THROTTLED_ADDRESS).exists()
    _, response = sign_in("alice", address=OFFICE)
    assert response.status_code == 302


def test_a_deactivated_account_is_told_so_after_the_password(world: World) -> None:
    User.objects.filter(username="rita").update(is_active=False)
    _, wrong = sign_in("rita", "wrong")
    assert wrong.status_code == 200
    _, right = sign_in("rita")
    assert right.status_code == 403
    assert b"deactivated" in right.content


def test_a_member_account_at_the_provider_portal_is_pointed_to_the_member_portal(
    world: World,
) -> None:
    _, response = sign_in("mona")
    assert response.status_code == 403
    assert b"/member/login/" in response.content
    assert SignInAttempt.objects.filter(user=world.mona, outcome=SignInOutcome.WRONG_REALM).exists()


def test_a_registrant_whose_office_awaits_approval_sees_the_status(world: World) -> None:
    office = OfficeFactory(plan=world.sunrise, status=OfficeStatus.PENDING, name="Pending Clinic")
    user = UserFactory(username="paz")
    MembershipFactory(user=user, office=office, role="office_admin")
    _, response = sign_in("paz")
    assert response.status_code == 403
    assert b"waiting for approval" in response.content
    assert b"Pending Clinic" in response.content


def test_a_person_removed_from_their_office_is_told_they_have_no_role(world: World) -> None:
    world.frank.memberships.update(status=MembershipStatus.DEACTIVATED)
    _, response = sign_in("frank")
    assert response.status_code == 403
    assert b"no active role" in response.content
    assert b"Bluebonnet Family Medicine" in response.content


def test_an_account_without_a_second_factor_must_enroll_before_anything_else(world: World) -> None:
    user = UserFactory(username="newbie", mfa=False)
    MembershipFactory(user=user, office=world.bluebonnet.office, role="front_desk")
    client, response = sign_in("newbie")
    assert response.status_code == 302
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_a_successful_sign_in_clears_the_failure_count(world: World) -> None:
    sign_in("alice", "wrong")
    assert User.objects.get(username="alice").failed_sign_ins == 1
    client, _ = sign_in("alice")
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert User.objects.get(username="alice").failed_sign_ins == 0


def test_an_authenticator_code_works_once_for_as_long_as_it_is_accepted(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ASVS 2.8.4: a code that signed someone in is refused for any later sign-in, right away
    and for the whole time the code would otherwise still be accepted (one 30-second step
    either side of its own, ``MFA_TOTP_TOLERANCE``), while a fresh code still works."""
    step = 30
    start = (int(time.time()) // step) * step + 1  # one second into a step
    clock = {"now": float(start)}
    monkeypatch.setattr(time, "time", lambda: clock["now"])
    code = totp_code()

    first, _ = sign_in("alice")
    assert first.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert first.get("/dashboard/").status_code == 200

    # Late in the next step: the code itself is still accepted by the tolerance.
    for seconds_later in (0, 20, step + 25):
        clock["now"] = start + seconds_later
        replay, response = sign_in("alice")
        assert response["Location"] == "/accounts/2fa/authenticate/"
        response = replay.post("/accounts/2fa/authenticate/", {"code": code})
        assert response.status_code == 200, seconds_later
        assert "Incorrect code" in str(response.context["form"].errors)
        assert replay.get("/dashboard/").status_code == 302

    assert (
        SignInAttempt.objects.filter(user=world.alice, outcome=SignInOutcome.MFA_FAILED).count()
        == 3
    )
    fresh, _ = sign_in("alice")
    assert fresh.post("/accounts/2fa/authenticate/", {"code": totp_code()}).status_code == 302
    assert fresh.get("/dashboard/").status_code == 200


def test_the_code_that_signed_in_does_not_also_confirm_a_factor_change_later(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = (int(time.time()) // 30) * 30 + 1
    clock = {"now": float(start)}
    monkeypatch.setattr(time, "time", lambda: clock["now"])
    code = totp_code()
    client, _ = sign_in("alice")
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    clock["now"] = start + 55
    response = client.post("/accounts/2fa/reauthenticate/", {"code": code})
    assert response.status_code == 200
    assert "Incorrect code" in str(response.context["form"].errors)
    response = client.post("/accounts/2fa/reauthenticate/", {"code": totp_code()})
    assert response.status_code == 302
