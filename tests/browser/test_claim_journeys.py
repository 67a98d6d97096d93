"""Billing journeys: search → detail in plain words; claim form → acknowledgments → paid;
an appeal with a document. Every page scanned with axe."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from healtheos.claims.models import Claim, ClaimAdjustment
from healtheos.directory.models import Location
from tests.browser.conftest import (
    assert_accessible,
    screenshot,
    sign_in,
    zoom_and_reflow_screenshots,
)
from tests.conftest import World


@pytest.fixture(autouse=True)
def _setup(settings: object, world: World, tmp_path: Path) -> None:
    settings.TASK_BACKEND = "inline"  # type: ignore[attr-defined]
    settings.VAR_DIR = str(tmp_path)  # type: ignore[attr-defined]
    Location.objects.create(
        organization=world.bluebonnet.office.organization,
        address_line="400 Congress Ave",
        city="Austin",
        state="TX",
        postal_code="78701",
        phone="512-555-0100",
        is_primary=True,
    )


def test_search_to_a_claim_detail_in_plain_words(page: Page, world: World) -> None:
    claim = world.bluebonnet.claim
    ClaimAdjustment.objects.create(
        claim=claim, line=claim.lines.get(), group_code="CO", reason_code="197", amount=200
    )
    Claim.objects.payer_wide().filter(pk=claim.pk).update(status="denied")
    sign_in(page, "bill")
    page.get_by_role("link", name="Claims", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Claim number or patient account number").fill(claim.patient_account_number)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=claim.claim_number).click()
    expect(page.get_by_text("authorization or notification was absent")).to_be_visible()
    assert_accessible(page)
    zoom_and_reflow_screenshots(page, "claim-detail")


def test_a_claim_from_the_form_is_acknowledged_adjudicated_and_paid(
    page: Page, world: World
) -> None:
    member = world.bluebonnet.member
    sign_in(page, "bill")
    page.goto("/claims/new/")
    assert_accessible(page)
    page.get_by_label("Member ID").fill(member.member_id)
    page.get_by_label("Patient's date of birth").fill(member.birth_date.isoformat())
    page.get_by_label("Patient account number").fill("WEB-1")
    page.get_by_label("Diagnoses (ICD-10-CM)").fill("J06.9")
    page.get_by_label("Date of service").fill("2026-11-03")
    page.get_by_label("CPT/HCPCS").fill("99213")
    page.get_by_label("Charge ($)").fill("150.00")
    page.get_by_role("button", name="Submit the claim").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Submission")
    expect(page.get_by_text("1 claim: 1 accepted, 0 rejected")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "claim-submission")
    page.get_by_role("link", name="Download the 277CA").is_visible()
    claim = Claim.objects.for_office(world.bluebonnet.office).get(patient_account_number="WEB-1")
    page.get_by_role("link", name=claim.claim_number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Paid")
    assert_accessible(page)
    screenshot(page, "claim-paid")


def test_a_bad_claim_form_names_each_field(page: Page, world: World) -> None:
    sign_in(page, "bill")
    page.goto("/claims/new/")
    page.get_by_label("Diagnoses (ICD-10-CM)").fill("not a code")
    page.get_by_label("CPT/HCPCS").fill("ABCDE")
    page.get_by_role("button", name="Submit the claim").click()
    expect(page.get_by_role("alert").first).to_contain_text("Please correct the claim")
    expect(page.get_by_text("Not ICD-10-CM codes").first).to_be_visible()
    assert_accessible(page)


def test_an_appeal_with_a_document(page: Page, world: World, tmp_path: Path) -> None:
    claim = world.bluebonnet.claim
    Claim.objects.payer_wide().filter(pk=claim.pk).update(
        status="denied", adjudicated_at=timezone.now() - dt.timedelta(days=3)
    )
    record = tmp_path / "records.pdf"
    record.write_bytes(b"%PDF-1.4\n% synthetic\n")
    sign_in(page, "bill")
    page.goto(f"/claims/{claim.claim_number}/")
    page.get_by_role("link", name="Ask for a reconsideration or appeal").click()
    expect(page.get_by_label("Why")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why").select_option(label="An authorization was on file")
    page.get_by_label("Explain what should change").fill("Authorization was approved.")
    page.get_by_label("Supporting documents").set_input_files(str(record))
    page.get_by_role("button", name="Send to the plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reconsideration")
    expect(page.get_by_role("link", name="records.pdf")).to_be_visible()
    assert_accessible(page)
