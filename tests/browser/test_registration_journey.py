"""From registering an office to its first dashboard, as the people involved do it."""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import Page, expect

from healtheos.accounts.models import PayerRole, Realm
from healtheos.directory.models import NetworkParticipation
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.conftest import World
from tests.factories import OrganizationFactory, ProviderFactory, UserFactory, npi_for, totp_code

PASSWORD = "cedar creek passphrase 2026"


def test_register_approve_first_sign_in_with_an_authenticator(page: Page, world: World) -> None:
    org = OrganizationFactory(
        tin="745550001", legal_name="Cedar Creek Family Practice, PLLC", npi=npi_for(777, 2)
    )
    doctor = ProviderFactory(npi=npi_for(7777), organizations=[org])
    NetworkParticipation.objects.create(
        organization=org,
        plan=world.sunrise,
        line_of_business="commercial",
        effective_date="2024-01-01",
    )
    UserFactory(
        username="sam",
        realm=Realm.PAYER,
        payer_role=PayerRole.PROVIDER_SERVICES,
        plan=world.sunrise,
    )

    # The practice manager registers, first with a typo in the tax ID.
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Register your office").click()
    page.get_by_label("Health plan").select_option(label="Sunrise Health")
    page.get_by_label("Organization's legal name").fill("Cedar Creek Family Practice")
    page.get_by_label("Tax ID (TIN)").fill("74-5550002")
    page.get_by_label("NPIs").fill(f"{org.npi}, {doctor.npi}")
    page.get_by_label("Street address").fill("12 Cedar St")
    page.get_by_label("City").fill("Austin")
    page.get_by_label("State").fill("TX")
    page.get_by_label("ZIP code").fill("78701")
    page.get_by_label("Your first name").fill("Paz")
    page.get_by_label("Your last name").fill("Merriweather")
    page.get_by_label("Your role at the office").fill("Practice manager")
    page.get_by_label("Your work email").fill("paz@cedarcreek.example")
    page.get_by_label("Choose a username").fill("paz.cc")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("alert").first).to_contain_text("not on file with Sunrise Health")
    assert_accessible(page)
    screenshot(page, "registration-mismatch")
    page.get_by_label("Tax ID (TIN)").fill("74-5550001")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("We received your registration")
    assert_accessible(page)

    # Confirming the email address.
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
    assert link is not None
    page.goto(link.group(0))
    page.get_by_role("button", name=re.compile("Confirm")).click()

    # Signing in before the decision shows where things stand.
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill("paz.cc")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your office registration is waiting for approval"
    )
    assert_accessible(page)

    # Provider services approves.
    page.context.clear_cookies()
    sign_in(page, "sam")
    page.get_by_role("link", name="Registrations").click()
    page.get_by_role("link", name="Cedar Creek Family Practice").click()
    expect(page.get_by_text("match the provider records")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("every registration has been decided")).to_be_visible()
    page.context.clear_cookies()

    # The first sign-in: set up the authenticator, then the dashboard.
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill("paz.cc")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    assert_accessible(page)
    secret = page.get_by_label("Key, if you cannot scan the code").input_value()
    page.get_by_label("Code from the app").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on").click()
    page.goto("/dashboard/")
    expect(page.get_by_label("Acting for")).to_contain_text("Cedar Creek Family Practice")
    expect(page.get_by_label("Acting for")).to_contain_text("74-5550001")
    assert_accessible(page)
    screenshot(page, "first-dashboard")
