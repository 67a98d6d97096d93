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


def test_an_office_and_the_plan_hold_a_conversation_with_attachments(
    page: Page, world: World, tmp_path: Path, browser: object, live_server: object
) -> None:
    from healtheos.accounts.models import PayerRole, Realm
    from tests import factories as f

    record = tmp_path / "eob.pdf"
    record.write_bytes(b"%PDF-1.4\n% synthetic\n")
    sign_in(page, "bill")
    page.goto("/messages/new/")
    page.get_by_label("To").select_option(label="Claims")
    page.get_by_label("Subject").fill("Denied line, records attached")
    page.get_by_label("Your message").fill("See the attached record.")
    page.get_by_label("Attachments").set_input_files(str(record))
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("link", name="eob.pdf")).to_be_visible()

    f.UserFactory(
        username="sam",
        realm=Realm.PAYER,
        payer_role=PayerRole.PROVIDER_SERVICES,
        plan=world.sunrise,
    )
    staff = browser.new_context(base_url=live_server.url)  # type: ignore[attr-defined]
    staff.add_init_script(
        path=str(Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js")
    )
    payer = staff.new_page()
    sign_in(payer, "sam")
    payer.goto("/messages/plan/")
    assert_accessible(payer)
    payer.get_by_role("link", name="Denied line, records attached").click()
    expect(payer.get_by_role("link", name="eob.pdf")).to_be_visible()
    assert_accessible(payer)
    payer.get_by_label("Your message").fill("Thank you; the line will be reprocessed.")
    payer.get_by_role("button", name="Send").click()
    expect(payer.get_by_text("the line will be reprocessed")).to_be_visible()
    staff.close()

    page.reload()
    expect(page.get_by_text("the line will be reprocessed")).to_be_visible()
    assert_accessible(page)
