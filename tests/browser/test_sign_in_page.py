from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, screenshot, zoom_and_reflow_screenshots
from tests.conftest import World
from tests.factories import TEST_PASSWORD, totp_code


def test_the_sign_in_page_is_accessible_and_reflows(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the provider portal")
    assert_accessible(page)
    screenshot(page, "sign-in")
    zoom_and_reflow_screenshots(page, "sign-in")


def test_a_wrong_password_is_reported_at_the_form(page: Page, world: World) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill("alice")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)


def test_a_signed_in_user_sees_the_office_they_act_for(page: Page, world: World) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill("alice")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    assert_accessible(page)
    page.get_by_label("Authenticator or recovery code").fill(totp_code())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Acting for")).to_contain_text("Bluebonnet Family Medicine")
    expect(page.get_by_label("Acting for")).to_contain_text("74-1234567")
    assert_accessible(page)
    screenshot(page, "dashboard")
