from __future__ import annotations

from playwright.sync_api import Page, expect

from healtheos.accounts.models import PayerRole, Realm
from tests.browser.conftest import (
    assert_accessible,
    screenshot,
    sign_in,
    zoom_and_reflow_screenshots,
)
from tests.conftest import World
from tests.factories import UserFactory


def test_an_administrator_reviews_users_and_a_sign_in_history(page: Page, world: World) -> None:
    sign_in(page, "alice")
    page.get_by_role("link", name="Office users").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users of Bluebonnet Family Medicine")
    assert_accessible(page)
    zoom_and_reflow_screenshots(page, "office-users")
    page.get_by_role("link", name="History of frank").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign-in history")
    assert_accessible(page)


def test_payer_support_looks_up_a_locked_out_user(page: Page, world: World) -> None:
    UserFactory(
        username="sam",
        realm=Realm.PAYER,
        payer_role=PayerRole.PROVIDER_SERVICES,
        plan=world.sunrise,
    )
    sign_in(page, "sam")
    page.get_by_role("link", name="Sign-in support").click()
    page.get_by_label("Username or email").fill("bill")
    page.get_by_role("button", name="Look up").click()
    assert_accessible(page)
    page.get_by_role("link", name="bill").click()
    expect(page.get_by_role("heading", name="What stands in the way")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "support-user")


def test_the_member_portal_sign_in_is_accessible(page: Page, world: World) -> None:
    page.goto("/member/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the member portal")
    assert_accessible(page)


def test_a_reviewer_releases_and_denies_pended_claims(page: Page, world: World) -> None:
    from decimal import Decimal

    from healtheos.claims.models import ClaimStatus
    from tests import factories as f

    held = []
    for _ in range(2):
        claim = f.ClaimFactory(
            plan=world.sunrise,
            member=world.bluebonnet.member,
            billing_organization=world.bluebonnet.office.organization,
            billing_provider=world.bluebonnet.practitioner,
            total_charge=Decimal("24500.00"),
            status=ClaimStatus.PENDED,
        )
        f.ClaimLineFactory(claim=claim, line_number=1, charge=Decimal("24500.00"))
        held.append(claim)
    sign_in(page, "petra")
    page.get_by_role("link", name="Pended claims").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Claims held for review")
    assert_accessible(page)
    screenshot(page, "pended-claims")
    zoom_and_reflow_screenshots(page, "pended-claims")
    first, second = (page.get_by_role("region", name=f"Claim {c.claim_number}") for c in held)
    first.get_by_label("Decision").select_option("deny")
    first.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Choose the reason the claim is denied for.")).to_be_visible()
    assert_accessible(page)
    first = page.get_by_role("region", name=f"Claim {held[0].claim_number}")
    first.get_by_label("Decision").select_option("deny")
    first.get_by_label("Reason, when denying").select_option("50")
    first.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text(f"Claim {held[0].claim_number}: denied.")).to_be_visible()
    assert_accessible(page)
    second.get_by_label("Decision").select_option("release")
    second.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text(f"Claim {held[1].claim_number}:")).to_be_visible()
    expect(page.get_by_text("None: no claim is held for review.")).to_be_visible()
    assert_accessible(page)
