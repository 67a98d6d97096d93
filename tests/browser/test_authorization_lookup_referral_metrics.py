"""Prior authorization without a request: an office checks whether codes need it, a PCP
office refers a patient from the eligibility result, the specialist's office finds the
referral, a reviewer keeps the rules and watches the clocks, and anyone reads the public
metrics. Every page is scanned with axe."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from healtheos.accounts.models import User
from healtheos.authorizations.models import (
    AuthorizationEvent,
    AuthorizationRule,
    AuthorizationStatus,
    Referral,
)
from healtheos.directory.models import NetworkParticipation
from healtheos.plans.models import LineOfBusiness
from tests import factories as f
from tests.browser.conftest import (
    AXE_SCRIPT,
    assert_accessible,
    screenshot,
    sign_in,
    zoom_and_reflow_screenshots,
)
from tests.conftest import World


@pytest.fixture
def rules(world: World) -> None:
    AuthorizationRule.objects.create(
        plan=world.sunrise,
        line_of_business=LineOfBusiness.COMMERCIAL,
        procedure_code="70551",
        description="MRI of the brain",
        documentation="Clinical notes from the last 60 days; prior imaging results.",
    )


def test_an_office_checks_whether_codes_need_authorization(
    page: Page, world: World, rules: None
) -> None:
    sign_in(page, "clara")
    page.goto("/authorizations/required/")
    assert_accessible(page)
    page.get_by_label("Line of business").select_option(label="Commercial")
    page.get_by_label("Procedure codes (CPT/HCPCS)").fill("70551 99213")
    page.get_by_role("button", name="Check").click()
    answers = page.locator("#answers")
    expect(answers.get_by_text("Required", exact=True)).to_be_visible()
    expect(answers.get_by_text("Clinical notes from the last 60 days")).to_be_visible()
    expect(answers.get_by_text("Not required")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "authorization-lookup")
    zoom_and_reflow_screenshots(page, "authorization-lookup")
    # A mistyped code is named next to the field.
    page.get_by_label("Procedure codes (CPT/HCPCS)").fill("7O551")
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#id_procedure_codes-error")).to_contain_text("7O551")
    assert_accessible(page)


def _specialist(world: World) -> User:
    organization = f.OrganizationFactory(tin="751112223", legal_name="Lone Star Orthopedics")
    office = f.OfficeFactory(plan=world.sunrise, organization=organization)
    f.ProviderFactory(npi=f.npi_for(3003), organizations=[organization], last_name="Okafor")
    NetworkParticipation.objects.create(
        organization=organization,
        plan=world.sunrise,
        line_of_business=LineOfBusiness.COMMERCIAL,
        effective_date=dt.date(2020, 1, 1),
    )
    sam = f.UserFactory(username="sam")
    f.MembershipFactory(user=sam, office=office, role="clinical")
    return sam


def test_a_pcp_refers_from_eligibility_and_the_specialist_sees_it(
    page: Page, world: World, browser: Browser, live_server: object
) -> None:
    _specialist(world)
    coverage = world.bluebonnet.member.coverages.get()
    coverage.benefit_plan.requires_referral = True
    coverage.benefit_plan.product_type = "HMO"
    coverage.benefit_plan.save()
    member = world.bluebonnet.member
    sign_in(page, "clara")
    page.goto("/eligibility/")
    page.get_by_label("Member ID").fill(member.member_id)
    page.get_by_label("Date of birth").fill("1980-05-17")
    page.get_by_role("button", name="Check eligibility").click()
    expect(page.get_by_text("A referral from the PCP is required")).to_be_visible()
    page.get_by_role("button", name="Refer this patient to a specialist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer a patient to a specialist")
    expect(page.get_by_label("Member ID")).to_have_value(member.member_id)
    assert member.member_id not in page.url
    assert_accessible(page)
    page.get_by_label("Specialist's NPI").fill(f.npi_for(3003))
    page.get_by_label("Diagnoses (ICD-10-CM)").fill("M17.11")
    page.get_by_label("Reason for the referral").fill("Knee pain despite physical therapy")
    page.get_by_label("Number of visits").fill("3")
    page.get_by_role("button", name="Send the referral").click()
    referral = Referral.objects.payer_wide().get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(referral.referral_number)
    assert_accessible(page)
    zoom_and_reflow_screenshots(page, "referral-detail")

    other = browser.new_context(base_url=live_server.url)  # type: ignore[attr-defined]
    other.add_init_script(path=str(AXE_SCRIPT))
    specialist = other.new_page()
    sign_in(specialist, "sam")
    specialist.get_by_role("link", name="Referrals").click()
    specialist.get_by_label("Show").select_option(label="Addressed to your office")
    specialist.get_by_role("button", name="Show").click()
    assert_accessible(specialist)
    specialist.get_by_role("link", name=referral.referral_number).click()
    expect(specialist.get_by_text("Addressed to your office")).to_be_visible()
    specialist.get_by_role("button", name="Record a visit").click()
    expect(specialist.get_by_text("1 used of 3")).to_be_visible()
    assert_accessible(specialist)
    other.close()


def test_anyone_reads_the_public_metrics_and_a_reviewer_keeps_the_rules(
    page: Page, world: World, rules: None, browser: Browser, live_server: object
) -> None:
    now = dt.datetime.now(tz=dt.UTC)
    decided = f.AuthorizationFactory(
        plan=world.sunrise,
        member=world.bluebonnet.member,
        requesting_organization=world.bluebonnet.office.organization,
        requesting_provider=world.bluebonnet.practitioner,
        line_of_business=LineOfBusiness.MEDICAID,
        status=AuthorizationStatus.APPROVED,
    )
    AuthorizationEvent.objects.create(
        authorization=decided, status=AuthorizationStatus.SUBMITTED, at=now - dt.timedelta(days=2)
    )
    AuthorizationEvent.objects.create(
        authorization=decided, status=AuthorizationStatus.APPROVED, at=now - dt.timedelta(days=1)
    )
    page.goto("/prior-authorization-metrics/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Prior-authorization metrics")
    page.get_by_label("Plan").select_option(label="Sunrise Health (TX)")
    page.get_by_label("Year").select_option(str(now.astimezone().year))
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("24.0 hours").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "public-metrics")
    zoom_and_reflow_screenshots(page, "public-metrics")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    assert Path(download.value.path()).read_text().startswith("plan,year,line_of_business")

    staff = browser.new_context(base_url=live_server.url)  # type: ignore[attr-defined]
    staff.add_init_script(path=str(AXE_SCRIPT))
    reviewer = staff.new_page()
    sign_in(reviewer, "petra")
    reviewer.get_by_role("link", name="Authorization rules").click()
    assert_accessible(reviewer)
    form = reviewer.locator("form[method=post]")
    form.get_by_label("Line of business").select_option(label="Medicaid")
    form.get_by_label("Procedure code (CPT/HCPCS)").fill("27447")
    form.get_by_label("Service, as offices know it").fill("Total knee replacement")
    form.get_by_label("Documentation the plan requires").fill("Weight-bearing X-rays.")
    reviewer.get_by_role("button", name="Add the rule").click()
    expect(reviewer.get_by_text("Rule for 27447 added.")).to_be_visible()
    assert_accessible(reviewer)
    reviewer.get_by_role("link", name="Decision clocks").click()
    expect(reviewer.get_by_role("heading", name="Decision clocks", level=2)).to_be_visible()
    assert_accessible(reviewer)
    screenshot(reviewer, "decision-clocks")
    staff.close()
