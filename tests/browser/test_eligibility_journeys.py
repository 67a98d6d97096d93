"""Front desk journeys: sign-in to a complete benefits result in three page loads, a miss
with its hint, a schedule upload with results and changes, the patient list."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    assert_accessible,
    screenshot,
    sign_in,
    zoom_and_reflow_screenshots,
)
from tests.conftest import World
from tests.eligibility.conftest import Family, family

__all__ = ["family"]


@pytest.fixture(autouse=True)
def _inline_tasks(settings: object) -> None:
    settings.TASK_BACKEND = "inline"  # type: ignore[attr-defined]


def test_sign_in_to_a_complete_benefits_result_in_three_page_loads(
    page: Page, world: World, family: Family
) -> None:
    loads: list[str] = []
    page.on("load", lambda p: loads.append(p.url))
    sign_in(page, "frank")
    after_sign_in = len(loads)
    # The second factor page and the dashboard were two of the loads; the result is the third.
    assert page.url.endswith("/dashboard/")
    assert_accessible(page)
    page.get_by_label("Member ID").fill(family.subscriber.member_id)
    page.get_by_label("Date of birth").fill("1980-05-17")
    page.get_by_role("button", name="Check eligibility").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(family.subscriber.first_name)
    assert len(loads) - after_sign_in == 1
    assert len(loads) <= 4  # sign-in form, second factor, dashboard, result
    expect(page.get_by_text("Active", exact=True)).to_be_visible()
    expect(page.get_by_role("table", name="Benefits by service type")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "eligibility-result")
    zoom_and_reflow_screenshots(page, "eligibility-result")


def test_a_miss_explains_the_likely_mistake_and_keeps_the_form(
    page: Page, world: World, family: Family
) -> None:
    sign_in(page, "frank")
    page.get_by_role("link", name="Eligibility").first.click()
    assert_accessible(page)
    page.get_by_label("Member ID").fill(family.child.member_id)
    page.get_by_label("Date of birth").fill("1980-05-17")
    page.get_by_role("button", name="Check eligibility").click()
    expect(page.get_by_role("alert")).to_contain_text("the subscriber's, not this patient's")
    expect(page.get_by_label("Member ID")).to_have_value(family.child.member_id)
    assert_accessible(page)
    page.get_by_role("button", name="Check eligibility").click()  # an empty birth date now?
    page.get_by_label("Date of birth").fill("")
    page.get_by_role("button", name="Check eligibility").click()
    expect(page.get_by_role("alert").first).to_contain_text("Please correct")
    assert_accessible(page)


def test_a_schedule_upload_shows_results_and_malformed_lines(
    page: Page, world: World, family: Family, tmp_path: Path
) -> None:
    schedule = tmp_path / "tomorrow.csv"
    schedule.write_text(
        "member_id,date_of_birth,last_name,first_name,patient_account\n"
        f"{family.subscriber.member_id},1980-05-17,,,A-1\n"
        f",2015-03-02,{family.child.last_name},Robin,A-2\n"
        "TM1,not a date,,,A-3\n"
    )
    sign_in(page, "frank")
    page.goto("/eligibility/batch/")
    assert_accessible(page)
    page.get_by_label("Schedule (CSV)").set_input_files(str(schedule))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("tomorrow.csv")
    expect(page.get_by_text("Line 4: date_of_birth is not a date")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text(family.child.first_name)
    assert_accessible(page)
    screenshot(page, "eligibility-batch")
    zoom_and_reflow_screenshots(page, "eligibility-batch")


def test_the_patient_list_is_accessible_and_filters(
    page: Page, world: World, family: Family
) -> None:
    sign_in(page, "frank")
    page.get_by_role("link", name="Patients").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Patient list")
    expect(page.get_by_role("table")).to_contain_text(family.subscriber.member_id)
    assert_accessible(page)
    page.get_by_label("Line of business").select_option(label="Medicaid")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("0 patients.")).to_be_visible()
    assert_accessible(page)
    zoom_and_reflow_screenshots(page, "patient-list")
