"""The five core journeys done with the keyboard alone (WCAG 2.1.1, 2.4.3, 2.4.7).

Each journey starts by typing an address, then uses Tab, typing, Enter and Space only: no
clicks and no filling of fields by script. Every control passed on the way must show its
focus (``tests/browser/keyboard.py``), and each page reached is scanned with axe. Choosing
a file cannot be done from a page's keyboard (the system's file dialog does it), so
attachments are left to the mouse journeys of the other files.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from healtheos.claims.models import Claim
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.keyboard import activate, choose, type_date, type_into
from tests.conftest import World
from tests.factories import TEST_PASSWORD, totp_code


@pytest.fixture(autouse=True)
def _setup(settings: object, tmp_path: object) -> None:
    settings.TASK_BACKEND = "inline"  # type: ignore[attr-defined]
    settings.VAR_DIR = str(tmp_path)  # type: ignore[attr-defined]


def test_sign_in_with_a_second_factor_by_keyboard(page: Page, world: World) -> None:
    page.goto("/accounts/login/")
    type_into(page, page.get_by_label("Username or email"), "frank")
    type_into(page, page.get_by_label("Password"), TEST_PASSWORD)
    activate(page, page.get_by_role("button", name="Sign in"))
    code = page.get_by_label("Authenticator or recovery code")
    expect(code).to_be_visible()
    assert_accessible(page)
    type_into(page, code, totp_code())
    activate(page, page.get_by_role("button", name="Continue"))
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    assert_accessible(page)


def test_an_eligibility_check_by_keyboard(page: Page, world: World) -> None:
    member = world.bluebonnet.member
    sign_in(page, "frank")
    type_into(page, page.get_by_label("Member ID"), member.member_id)
    type_date(page, page.get_by_label("Date of birth"), member.birth_date.isoformat())
    activate(page, page.get_by_role("button", name="Check eligibility"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(member.first_name)
    expect(page.get_by_role("table", name="Benefits by service type")).to_be_visible()
    assert_accessible(page)


def test_a_claim_status_by_keyboard(page: Page, world: World) -> None:
    claim = world.bluebonnet.claim
    Claim.objects.payer_wide().filter(pk=claim.pk).update(status="in_process")
    sign_in(page, "bill")
    activate(page, page.get_by_role("link", name="Claims", exact=True))
    field = page.get_by_label("Claim number or patient account number")
    type_into(page, field, claim.claim_number)
    activate(page, page.get_by_role("button", name="Search"))
    activate(page, page.get_by_role("link", name=claim.claim_number))
    expect(page.get_by_role("heading", level=1)).to_contain_text(claim.claim_number)
    expect(page.get_by_text("In process").first).to_be_visible()
    assert_accessible(page)


def test_an_authorization_request_by_keyboard(page: Page, world: World) -> None:
    office = world.bluebonnet
    sign_in(page, "clara")
    activate(page, page.get_by_role("link", name="Prior authorizations", exact=True))
    activate(page, page.get_by_role("link", name="New request"))
    expect(page.get_by_label("Member ID")).to_be_visible()
    type_into(page, page.get_by_label("Member ID"), office.member.member_id)
    type_date(page, page.get_by_label("Date of birth"), office.member.birth_date.isoformat())
    type_into(page, page.get_by_label("Servicing provider NPI"), office.practitioner.npi)
    type_into(page, page.get_by_label("Diagnoses (ICD-10-CM)"), "G43.909")
    expect(page.get_by_text("On file:")).to_be_visible()
    type_into(page, page.get_by_label("Place of service"), "11")
    type_into(page, page.locator("#id_services-0-procedure_code"), "70551")
    type_into(page, page.locator("#id_services-0-units"), "1")
    type_date(page, page.locator("#id_services-0-service_from"), "2026-12-10")
    type_date(page, page.locator("#id_services-0-service_to"), "2026-12-31")
    type_into(page, page.get_by_label("Clinical notes"), "Daily headaches for six weeks.")
    activate(page, page.get_by_role("button", name="Submit the request"))
    heading = page.get_by_role("heading", name=re.compile(r"Prior authorization PA"))
    expect(heading).to_be_visible()
    expect(page.get_by_text("Decision due by")).to_be_visible()
    assert_accessible(page)


def test_a_message_to_the_plan_by_keyboard(page: Page, world: World) -> None:
    sign_in(page, "bill")
    activate(page, page.get_by_role("link", name="Messages"))
    activate(page, page.get_by_role("link", name="New message"))
    choose(page, page.get_by_label("To"), "Claims")
    expect(page.get_by_label("To")).to_have_value("claims")
    type_into(page, page.get_by_label("Subject"), "Status of a corrected claim")
    type_into(page, page.get_by_label("Your message"), "Has the corrected claim arrived?")
    activate(page, page.get_by_role("button", name="Send"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Status of a corrected claim")
    expect(page.get_by_text("Has the corrected claim arrived?")).to_be_visible()
    assert_accessible(page)


def test_the_skip_link_is_the_first_stop_and_moves_past_the_navigation(
    page: Page, world: World
) -> None:
    sign_in(page, "bill")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=re.compile("Skip to main content", re.I))
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    in_main = page.evaluate("() => !!document.activeElement.closest('main')")
    assert in_main, "after the skip link, Tab should land inside the main content"


def test_tab_order_follows_the_page_and_never_traps(page: Page, world: World) -> None:
    """From the top of the dashboard, Tab visits every control once, top to bottom, and
    comes back round to the address bar's side (the body) instead of getting stuck."""
    sign_in(page, "bill")
    seen: list[str] = []
    tops: list[float] = []
    for _ in range(120):
        page.keyboard.press("Tab")
        state = page.evaluate(
            "() => { const el = document.activeElement;"
            " if (!el || el === document.body) return null;"
            " return {id: el.outerHTML.slice(0, 120), top: el.getBoundingClientRect().top"
            " + window.scrollY}; }"
        )
        if state is None or (seen and state["id"] == seen[0]):
            break
        # A date field keeps the focus for its month, day, year and calendar button.
        assert seen[-4:].count(state["id"]) < 4, f"focus stuck on {state['id']}"
        seen.append(state["id"])
        tops.append(state["top"])
    else:
        pytest.fail(f"Tab did not leave the page after 120 presses: {seen[-5:]}")
    assert len(seen) > 5
    backwards = [i for i in range(1, len(tops)) if tops[i] < tops[i - 1] - 200]
    assert len(backwards) <= 1, (
        f"tab order jumps back up the page at {[seen[i] for i in backwards]}"
    )
