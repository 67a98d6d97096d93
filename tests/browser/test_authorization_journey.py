"""Prior authorization between an office's clinician and the plan's reviewer, in a real
browser: a draft survives a session timeout, the request is submitted, pended, answered,
approved, and the office reads the decision letter. Every page is scanned with axe."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    AXE_SCRIPT,
    assert_accessible,
    screenshot,
    sign_in,
    zoom_and_reflow_screenshots,
)
from tests.conftest import World

NOTES = "Six weeks of daily headaches; no relief from two preventive medications."


def test_draft_timeout_submit_pend_answer_approve_letter(
    page: Page, world: World, settings: Any, browser: Any, live_server: Any, tmp_path: Path
) -> None:
    settings.IDLE_TIMEOUT_SECONDS = 10
    settings.IDLE_WARNING_SECONDS = 4
    office = world.bluebonnet
    sign_in(page, "clara", next_path="/authorizations/new/")
    expect(page).to_have_url(re.compile(r"/authorizations/new/$"))
    assert_accessible(page)
    page.get_by_label("Member ID").fill(office.member.member_id)
    page.get_by_label("Date of birth").fill(office.member.birth_date.isoformat())
    page.get_by_label("Servicing provider NPI").fill(office.practitioner.npi)
    expect(page.get_by_text("On file:")).to_be_visible()
    page.get_by_label("Diagnoses (ICD-10-CM)").fill("G43.909")
    page.get_by_label("Place of service").fill("11")
    page.locator("#id_services-0-procedure_code").fill("70551")
    page.locator("#id_services-0-units").fill("1")
    page.locator("#id_services-0-service_from").fill("2026-12-10")
    page.locator("#id_services-0-service_to").fill("2026-12-31")
    page.get_by_label("Clinical notes").fill(NOTES)
    expect(page.locator("#he-draft-status")).to_contain_text("Draft saved", timeout=5000)
    expect(page).to_have_url(re.compile(r"/authorizations/drafts/\d+/$"))
    draft_path = re.sub(r"^https?://[^/]+", "", page.url)
    screenshot(page, "authorization-form")

    # Idle past the limit: signed out, then back to the draft with everything in place.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="), timeout=20000)
    assert_accessible(page)
    settings.IDLE_TIMEOUT_SECONDS = 900
    sign_in(page, "clara", step=1, next_path=draft_path)
    expect(page).to_have_url(re.compile(re.escape(draft_path) + "$"))
    expect(page.get_by_label("Clinical notes")).to_have_value(NOTES)
    expect(page.get_by_label("Member ID")).to_have_value(office.member.member_id)
    expect(page.locator("#id_services-0-procedure_code")).to_have_value("70551")
    assert_accessible(page)
    zoom_and_reflow_screenshots(page, "authorization-form")
    page.get_by_role("link", name="your office's drafts").click()
    expect(page.get_by_role("link", name=re.compile(r"Resume draft"))).to_be_visible()
    assert_accessible(page)
    page.go_back()

    record = tmp_path / "neurology.pdf"
    record.write_bytes(b"%PDF-1.4\n% synthetic neurology note\n")
    page.get_by_label("Clinical documents").set_input_files(str(record))
    page.get_by_role("button", name="Submit the request").click()
    expect(page.get_by_role("heading", name=re.compile(r"Prior authorization PA"))).to_be_visible()
    expect(page.get_by_text("Decision due by")).to_be_visible()
    tracking = page.get_by_role("heading", level=1).inner_text().split()[-1]
    assert_accessible(page)
    screenshot(page, "authorization-detail")

    # The plan's reviewer pends the request for information.
    staff = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    staff.add_init_script(path=str(AXE_SCRIPT))
    reviewer = staff.new_page()
    sign_in(reviewer, "petra", next_path="/payer/authorizations/")
    expect(reviewer.get_by_role("link", name=tracking)).to_be_visible()
    assert_accessible(reviewer)
    zoom_and_reflow_screenshots(reviewer, "authorization-queue")
    reviewer.get_by_role("link", name=tracking).click()
    assert_accessible(reviewer)
    zoom_and_reflow_screenshots(reviewer, "authorization-review-case")
    reviewer.get_by_label("What the office should send").fill("Send the neurology consult note.")
    reviewer.get_by_role("button", name="Pend for information").click()
    expect(reviewer.get_by_text("Pended: the office has been asked")).to_be_visible()
    assert_accessible(reviewer)

    # The office answers in the same case.
    page.reload()
    expect(page.get_by_role("heading", name="The plan needs more information")).to_be_visible()
    expect(page.get_by_text("Send the neurology consult note.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your answer").fill("Consult note attached; see page 2.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Answer sent.")).to_be_visible()
    assert_accessible(page)

    # The reviewer approves.
    reviewer.goto(f"/payer/authorizations/{tracking}/")
    expect(reviewer.get_by_text("Consult note attached; see page 2.")).to_be_visible()
    reviewer.get_by_text("Approve", exact=True).click()
    reviewer.get_by_role("button", name="Record the decision").click()
    expect(reviewer.get_by_text(f"{tracking}: approved")).to_be_visible()
    assert_accessible(reviewer)
    staff.close()

    # The office sees the decision and its letter.
    page.goto("/authorizations/")
    expect(page.get_by_text(re.compile(r"\d+ updates?"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=tracking).click()
    expect(page.get_by_text("Authorization number")).to_be_visible()
    assert_accessible(page)
    zoom_and_reflow_screenshots(page, "authorization-decided")
    letter = page.get_by_role("link", name="Decision letter (PDF)")
    response = page.request.get(letter.get_attribute("href") or "")
    assert response.status == 200
    assert response.body().startswith(b"%PDF")
