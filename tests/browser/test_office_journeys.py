"""Invite → accept → first sign-in; lockout → recovery by email; the office switcher."""

from __future__ import annotations

import re

from django.core import mail
from django.test import override_settings
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.conftest import World
from tests.factories import TEST_PASSWORD, totp_code

NEW_PASSWORD = "a fresh passphrase for nadia"


def test_invite_accept_and_first_sign_in(page: Page, world: World) -> None:
    sign_in(page, "alice")
    page.get_by_role("link", name="Office users").click()
    page.get_by_label("Their work email").fill("nadia@bluebonnet.example")
    page.get_by_label("Their role").select_option(label="Clinical")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status").first).to_contain_text("Invitation sent")
    assert_accessible(page)
    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body)
    assert link is not None
    page.context.clear_cookies()
    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Bluebonnet Family Medicine")
    assert_accessible(page)
    page.get_by_label("Your first name").fill("Nadia")
    page.get_by_label("Your last name").fill("Ivers")
    page.get_by_label("Choose a username").fill("nadia")
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.get_by_label("Username or email").fill("nadia")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    secret = page.get_by_label("Key, if you cannot scan the code").input_value()
    page.get_by_label("Code from the app").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on").click()
    page.goto("/dashboard/")
    expect(page.get_by_label("Acting for")).to_contain_text("Clinical")


@override_settings(LOCKOUT_THRESHOLD=3)
def test_lockout_then_recovery_by_password_reset(page: Page, world: World) -> None:
    page.goto("/accounts/login/")
    for _ in range(3):
        page.get_by_label("Username or email").fill("bill")
        page.get_by_label("Password").fill("not my password")
        page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Username or email").fill("bill")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is locked for now")
    assert_accessible(page)
    screenshot(page, "locked")
    page.get_by_role("link", name="Reset your password").click()
    assert_accessible(page)
    page.get_by_label("Email").fill("bill@example.test")
    page.get_by_role("button", name="Send the reset link").click()
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[-1].body)
    assert link is not None
    page.goto(link.group(0))
    page.get_by_label("New password", exact=True).fill("bills brand new passphrase")
    page.get_by_label("New password again").fill("bills brand new passphrase")
    assert_accessible(page)
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is changed")
    # The emailed reset lifts the lock; the second factor still follows the password.
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username or email").fill("bill")
    page.get_by_label("Password").fill("bills brand new passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Authenticator or recovery code").fill(totp_code())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Acting for")).to_contain_text("Billing")


def test_a_billing_service_switches_between_its_offices(page: Page, world: World) -> None:
    sign_in(page, "bianca")
    expect(page.get_by_label("Acting for")).to_contain_text("Bluebonnet Family Medicine")
    page.get_by_label("Switch office").select_option(value=str(world.prairie.office.pk))
    page.get_by_role("button", name="Switch").click()
    expect(page.get_by_label("Acting for")).to_contain_text("Prairie Pediatrics")
    expect(page.get_by_label("Acting for")).to_contain_text("36-1234567")
    assert_accessible(page)
