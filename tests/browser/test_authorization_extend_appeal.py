"""The plan's reviewer extends a standard request's time frame, then denies it; the office
reads the new due date and the reason, appeals from its page, and the reviewer approves the
appeal. Every page is scanned with axe."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from healtheos.authorizations.models import PriorAuthorization
from healtheos.authorizations.services import authorization_decide
from tests.authorizations.helpers import submit
from tests.browser.conftest import (
    AXE_SCRIPT,
    assert_accessible,
    screenshot,
    sign_in,
    zoom_and_reflow_screenshots,
)
from tests.conftest import World


def test_extend_deny_appeal_approve(
    page: Page, world: World, browser: Any, live_server: Any
) -> None:
    request = submit(world)
    tracking = request.tracking_number

    staff = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    staff.add_init_script(path=str(AXE_SCRIPT))
    reviewer = staff.new_page()
    sign_in(reviewer, "petra", next_path=f"/payer/authorizations/{tracking}/")
    reviewer.get_by_label("Days to add").fill("10")
    reviewer.get_by_label("Why the plan needs more time").fill(
        "Waiting for the radiologist's second reading."
    )
    reviewer.get_by_role("button", name="Extend the time frame").click()
    expect(reviewer.get_by_text("time frame extended; the office sees")).to_be_visible()
    expect(reviewer.get_by_role("button", name="Extend the time frame")).to_have_count(0)
    assert_accessible(reviewer)
    zoom_and_reflow_screenshots(reviewer, "authorization-extended-review-case")

    authorization_decide(
        authorization=PriorAuthorization.objects.payer_wide().get(pk=request.pk),
        reviewer=world.petra,
        decision="deny",
        reason_code="INSUFF_DOC",
        reason_text="The notes do not show six weeks of treatment.",
    )

    sign_in(page, "clara", next_path=f"/authorizations/{tracking}/")
    expect(page.get_by_text("Time frame extended by 10 days")).to_be_visible()
    expect(page.get_by_text("Waiting for the radiologist's second reading.")).to_be_visible()
    expect(page.get_by_text("within 60 days of the decision")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "authorization-appeal-form")
    page.get_by_label("Why the decision should be changed").fill(
        "Treatment records for the six weeks are attached."
    )
    page.get_by_role("button", name="Send the appeal").click()
    expect(page.get_by_text("Appeal sent.")).to_be_visible()
    expect(page.get_by_text("Appealed by the office")).to_be_visible()
    expect(page.get_by_text("Decision due by")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "authorization-appealed")
    zoom_and_reflow_screenshots(page, "authorization-appealed")

    reviewer.goto("/payer/authorizations/")
    reviewer.get_by_role("link", name=tracking).click()
    expect(
        reviewer.get_by_text("Treatment records for the six weeks are attached.")
    ).to_be_visible()
    reviewer.get_by_text("Approve", exact=True).click()
    reviewer.get_by_role("button", name="Record the decision").click()
    expect(reviewer.get_by_text(f"{tracking}: approved")).to_be_visible()
    assert_accessible(reviewer)
    staff.close()
    request.refresh_from_db()
    assert request.approved_after_appeal is True
    page.reload()
    expect(page.get_by_text(re.compile(r"Authorization number"))).to_be_visible()
