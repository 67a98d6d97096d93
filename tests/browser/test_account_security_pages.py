"""The second-factor management pages (allauth's, in the portal's design system)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    assert_accessible,
    screenshot,
    sign_in,
    zoom_and_reflow_screenshots,
)
from tests.conftest import World
from tests.factories import TEST_PASSWORD


def test_a_user_reviews_and_regenerates_their_second_factors(page: Page, world: World) -> None:
    sign_in(page, "alice")
    page.get_by_role("link", name="Account security").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account security")
    assert_accessible(page)
    page.get_by_role("link", name="Manage second factors").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "mfa-index")
    zoom_and_reflow_screenshots(page, "mfa-index")

    # Changing a factor asks for the password again first (allauth's reauthentication).
    page.goto("/accounts/2fa/recovery-codes/generate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Access")
    assert_accessible(page)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    assert_accessible(page)
    screenshot(page, "mfa-recovery-generate")
    page.get_by_role("button", name="Generate").click()
    expect(page.get_by_text("recovery codes", exact=False).first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "mfa-recovery-codes")

    page.goto("/accounts/2fa/webauthn/")
    assert_accessible(page)
    screenshot(page, "mfa-passkeys")
    page.goto("/accounts/2fa/webauthn/add/")
    assert_accessible(page)
    screenshot(page, "mfa-passkey-add")

    page.goto("/accounts/2fa/totp/deactivate/")
    assert_accessible(page)
    screenshot(page, "mfa-totp-deactivate")
