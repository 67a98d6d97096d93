"""An office writes to the plan and reads the thread; every page scanned with axe."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_in, zoom_and_reflow_screenshots
from tests.conftest import World


@pytest.fixture(autouse=True)
def _files(settings: object, tmp_path: Path) -> None:
    settings.VAR_DIR = str(tmp_path)  # type: ignore[attr-defined]


def test_an_office_sends_a_message_and_reads_the_thread(page: Page, world: World) -> None:
    sign_in(page, "bill")
    page.get_by_role("link", name="Messages").click()
    assert_accessible(page)
    page.get_by_role("link", name="New message").click()
    assert_accessible(page)
    page.get_by_label("To").select_option(label="Claims")
    page.get_by_label("Subject").fill("A question about a denial")
    page.get_by_label("Your message").fill("Why was this denied?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A question about a denial")
    expect(page.get_by_text("Why was this denied?")).to_be_visible()
    assert_accessible(page)
    zoom_and_reflow_screenshots(page, "message-thread")
