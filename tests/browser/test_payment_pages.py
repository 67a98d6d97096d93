"""The remittance pages a biller reads, scanned with axe."""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import Page, expect

from healtheos.payments.models import ClaimPayment
from tests.browser.conftest import assert_accessible, sign_in, zoom_and_reflow_screenshots
from tests.conftest import World


def test_a_biller_finds_a_payment_and_reads_the_remittance(page: Page, world: World) -> None:
    ClaimPayment.objects.create(
        payment=world.bluebonnet.payment,
        claim=world.bluebonnet.claim,
        status_code="1",
        billed_amount=Decimal("200.00"),
        paid_amount=Decimal("150.00"),
    )
    sign_in(page, "bill")
    page.get_by_role("link", name="Payments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Payments and remittances")
    assert_accessible(page)
    page.get_by_role("link", name=world.bluebonnet.payment.trace_number).click()
    expect(page.get_by_role("table")).to_contain_text(world.bluebonnet.claim.claim_number)
    assert_accessible(page)
    zoom_and_reflow_screenshots(page, "remittance")
