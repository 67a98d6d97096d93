"""Credential stuffing and password spraying against the sign-in page, scripted and bounded
(a few hundred attempts, under a minute), with the production limits of ADR 0002.

The attacker works from loopback (127.0.0.1 and its neighbours); the people the portal
serves sign in from their office networks. Requests go through Django's test client, so
nothing leaves the process."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from healtheos.accounts.models import SignInAttempt, SignInOutcome, User
from tests.conftest import World
from tests.factories import TEST_PASSWORD, totp_code

ATTACKER = "127.0.0.1"
OFFICE = "198.51.100.7"
PROXY = "127.0.0.1"
#: The run's bounds: it must prove the limits within these, or the limits are too loose.
MAX_ATTEMPTS = 400
MAX_SECONDS = 45.0
THROTTLE_MESSAGE = "Too many failed login attempts"

#: A breached list: real user names with passwords from elsewhere, names that do not exist,
#: and one pair that is right (alice reused her portal password on a breached site).
BREACHED_PASSWORDS = [f"Summer{year}!" for year in range(2000, 2030)]
KNOWN_NAMES = ["alice", "bill", "frank", "clara", "rita", "bianca", "olga"]


def _post(client: Client, login: str, password: str, **extra: Any) -> Any:
    return client.post("/accounts/login/", {"login": login, "password": password}, **extra)


def _fresh(client: Client) -> Client:
    """The same client with no cookies: a new bot of the botnet. (Reusing the client keeps
    the run fast; each new Client loads the middleware again.)"""
    client.cookies.clear()
    return client


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _sign_in_fully(address: str, username: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    response = _post(client, username, TEST_PASSWORD)
    assert response.status_code == 302, response.content[:300]
    assert response["Location"] == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200
    return client


def test_a_stuffing_and_spraying_run_takes_over_nothing_and_is_throttled(world: World) -> None:
    # bill and alice last signed in from their office; an attacker's lock must not keep
    # them out.
    User.objects.filter(username__in=["alice", "bill"]).update(
        last_sign_in_network="198.51.100.0/24"
    )
    started = time.monotonic()
    attempts = 0
    answers: Counter[str] = Counter()
    attacker = Client(REMOTE_ADDR=ATTACKER)

    # 1. The one right pair from the breach gets as far as the second factor, no further.
    response = _post(attacker, "alice", TEST_PASSWORD)
    attempts += 1
    assert response["Location"] == "/accounts/2fa/authenticate/"
    for code in ["000000", "123456", "999999", "111111", "654321"]:
        attacker.post("/accounts/2fa/authenticate/", {"code": code})
        attempts += 1
    assert not _signed_in(attacker)
    assert attacker.get("/dashboard/").status_code == 302

    # 2. Stuffing: every known name with every breached password, then names that do not
    # exist; a fresh client (new cookies) for every attempt, as a botnet would.
    pairs = [(name, password) for password in BREACHED_PASSWORDS for name in KNOWN_NAMES]
    pairs += [(f"user{n}", "Summer2024!") for n in range(40)]
    bot = Client(REMOTE_ADDR=ATTACKER)
    for name, password in pairs[: MAX_ATTEMPTS - attempts - 60]:
        client = _fresh(bot)
        response = _post(client, name, password)
        attempts += 1
        assert response.status_code == 200
        assert not _signed_in(client)
        errors = str(response.context["form"].errors)
        answers["throttled" if THROTTLE_MESSAGE in errors else "refused"] += 1

    # 3. Spraying from neighbouring addresses of the same network, with a forged
    # X-Forwarded-For (no proxy is configured, so the header must not matter).
    for n in range(60):
        client = _fresh(bot)
        response = _post(
            client,
            KNOWN_NAMES[n % len(KNOWN_NAMES)],
            "Password1!",
            REMOTE_ADDR=f"127.0.0.{2 + n}",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
        attempts += 1
        assert THROTTLE_MESSAGE in str(response.context["form"].errors)

    elapsed = time.monotonic() - started
    assert attempts <= MAX_ATTEMPTS
    assert elapsed < MAX_SECONDS

    # Nobody was signed in by the attacker, at any stage.
    assert not SignInAttempt.objects.filter(
        outcome=SignInOutcome.SUCCESS, network="127.0.0.0/24"
    ).exists()

    # The per-network limit stopped the run after exactly the configured number of failures:
    # everything after it was answered with the throttle, without checking a password.
    limit = settings.NETWORK_FAILURE_LIMIT
    counted = SignInAttempt.objects.filter(
        network="127.0.0.0/24",
        outcome__in=[
            SignInOutcome.BAD_PASSWORD,
            SignInOutcome.UNKNOWN_ACCOUNT,
            SignInOutcome.LOCKED,
        ],
    ).count()
    assert counted == limit
    assert answers["refused"] == limit
    assert answers["throttled"] > 0
    throttled = SignInAttempt.objects.filter(outcome=SignInOutcome.THROTTLED_ADDRESS).count()
    assert throttled == answers["throttled"] + 60

    # The per-account limit held: no account had more consecutive wrong passwords checked
    # than the lock threshold, and those that reached it are locked.
    per_account = Counter(
        SignInAttempt.objects.filter(outcome=SignInOutcome.BAD_PASSWORD).values_list(
            "user__username", flat=True
        )
    )
    assert per_account
    assert max(per_account.values()) <= settings.LOCKOUT_THRESHOLD
    now = timezone.now()
    for username, failures in per_account.items():
        if failures >= settings.LOCKOUT_THRESHOLD:
            assert User.objects.get(username=username).is_locked(now=now)

    # The people the portal serves still sign in from their own networks, including the
    # owners of accounts the attacker locked.
    for username in ["bill", "alice", "frank"]:
        _sign_in_fully(OFFICE, username)


def test_a_locked_account_refuses_even_the_right_password_from_the_attackers_network(
    world: World,
) -> None:
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for n in range(settings.LOCKOUT_THRESHOLD):
        _post(attacker, "frank", f"guess-{n}")
    assert User.objects.get(username="frank").is_locked(now=timezone.now())
    response = _post(attacker, "frank", TEST_PASSWORD)
    assert response.status_code == 403
    assert not _signed_in(attacker)
    # Guesses during the lock are not counted, so they cannot stretch it.
    locked_until = User.objects.get(username="frank").locked_until
    _post(attacker, "frank", "another guess")
    assert User.objects.get(username="frank").locked_until == locked_until


@override_settings(BEHIND_PROXY=True)
def test_behind_the_proxy_the_attacker_is_throttled_by_their_own_address(world: World) -> None:
    """Every request reaches the portal from the proxy's address. The client is the entry
    the proxy appended, so one attacker throttles only their own network, and the entries
    they put in front of it themselves change nothing."""
    bot = Client(REMOTE_ADDR=PROXY)
    for n in range(settings.NETWORK_FAILURE_LIMIT + 5):
        _post(
            _fresh(bot),
            KNOWN_NAMES[n % len(KNOWN_NAMES)],
            "Winter2026!",
            HTTP_X_FORWARDED_FOR=f"10.{n}.0.1, 203.0.113.66",
        )
    throttled = SignInAttempt.objects.filter(outcome=SignInOutcome.THROTTLED_ADDRESS)
    assert throttled.count() == 5
    assert set(throttled.values_list("network", flat=True)) == {"203.0.113.0/24"}

    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OFFICE)
    response = _post(client, "clara", TEST_PASSWORD)
    assert response.status_code == 302
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert client.get("/dashboard/").status_code == 200
    assert User.objects.get(username="clara").last_sign_in_network == "198.51.100.0/24"


@override_settings(BEHIND_PROXY=True, LOCKOUT_THRESHOLD=3)
def test_behind_the_proxy_the_owners_way_through_a_lock_is_not_everyones(world: World) -> None:
    """The owner's network passes a lock. Were the proxy's address taken for the client's,
    every person (attackers included) would share the owner's network."""
    User.objects.filter(username="bill").update(last_sign_in_network="198.51.100.0/24")
    bot = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    for n in range(3):
        _post(_fresh(bot), "bill", f"guess-{n}")
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.66")
    assert _post(attacker, "bill", TEST_PASSWORD).status_code == 403
    owner = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OFFICE)
    assert _post(owner, "bill", TEST_PASSWORD).status_code == 302


def test_without_a_proxy_a_forged_forwarded_for_header_is_ignored(world: World) -> None:
    client = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=OFFICE)
    _post(client, "alice", "wrong")
    assert SignInAttempt.objects.get().network == "127.0.0.0/24"
