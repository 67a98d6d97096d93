"""WCAG 2.2.1 in a real browser: a warning before the idle limit with one action to stay,
and after the limit, signing in again brings back the page and what was typed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, screenshot
from tests.conftest import World
from tests.factories import TEST_PASSWORD, totp_code

pytestmark = pytest.mark.urls("tests.draft_urls")


@pytest.fixture
def short_sessions(settings: object) -> None:
    settings.IDLE_TIMEOUT_SECONDS = 8  # type: ignore[attr-defined]
    settings.IDLE_WARNING_SECONDS = 6  # type: ignore[attr-defined]


def _sign_in(page: Page, username: str, next_path: str = "/test/notes/") -> None:
    page.goto(f"/accounts/login/?next={next_path}")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Authenticator or recovery code").fill(totp_code())
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(re.escape(next_path)))


def test_the_idle_warning_can_be_answered_with_one_action(
    page: Page, world: World, short_sessions: None
) -> None:
    _sign_in(page, "clara")
    heading = page.get_by_role("heading", name="Are you still there?")
    expect(heading).to_be_visible(timeout=6000)
    expect(page.get_by_role("timer")).to_contain_text("0:0")
    assert_accessible(page)
    screenshot(page, "session-warning")
    page.get_by_role("button", name="Stay signed in").click()
    expect(heading).to_be_hidden()
    page.wait_for_timeout(3000)
    expect(page).to_have_url(re.compile(r"/test/notes/$"))


def test_after_the_limit_signing_in_again_restores_the_half_filled_form(
    page: Page, world: World, short_sessions: None
) -> None:
    _sign_in(page, "clara")
    page.get_by_label("Notes").fill("Knee pain for six weeks; physical therapy failed.")
    expect(page).to_have_url(
        re.compile(r"/accounts/login/\?next=%2Ftest%2Fnotes%2F&ended=idle"), timeout=15000
    )
    expect(page.get_by_role("status")).to_contain_text("signed out after a period without activity")
    assert_accessible(page)
    page.get_by_label("Username or email").fill("clara")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # A code works once: the first sign-in used this step's code, so use the next step's.
    page.get_by_label("Authenticator or recovery code").fill(totp_code(step=1))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/test/notes/$"))
    expect(page.get_by_label("Notes")).to_have_value(
        "Knee pain for six weeks; physical therapy failed."
    )
    expect(page.get_by_text("Restored what you typed.")).to_be_visible()
