"""The plan's review queue and case page."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from healtheos.accounts.models import PayerRole, Realm
from healtheos.authorizations.models import AuthorizationStatus, PriorAuthorization
from tests import factories as f
from tests.authorizations.helpers import submit
from tests.conftest import World

EXPEDITED = {
    "urgency": "expedited",
    "expedited_justification": "Rapidly worsening symptoms; waiting risks harm.",
}


def test_the_queue_puts_expedited_first_then_by_due_time(world: World) -> None:
    now = timezone.now()
    late = submit(world, at=now - dt.timedelta(days=8))
    standard = submit(world, at=now)
    expedited = submit(world, at=now, **EXPEDITED)
    page = world.client_for(world.petra).get("/payer/authorizations/").content.decode()
    order = [page.index(r.tracking_number) for r in (expedited, late, standard)]
    assert order == sorted(order)
    assert "he-overdue" in page
    assert "<strong>1</strong> past the decision clock" in page
    # The other plan's request is not in Sunrise's queue.
    assert world.prairie.authorization.tracking_number not in page


def test_a_reviewer_pends_then_decides(world: World) -> None:
    request = submit(world)
    client = world.client_for(world.petra)
    number = request.tracking_number
    assert client.get(f"/payer/authorizations/{number}/").status_code == 200
    assert client.post(f"/payer/authorizations/{number}/start/").status_code == 302
    response = client.post(
        f"/payer/authorizations/{number}/request-info/", {"question": "Send imaging."}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == AuthorizationStatus.PENDED
    # Pended: no decision until the office answers.
    refused = client.post(f"/payer/authorizations/{number}/decide/", {"decision": "approve"})
    assert refused.status_code == 400


def test_a_reviewer_denies_with_a_coded_reason(world: World) -> None:
    request = submit(world)
    client = world.client_for(world.petra)
    url = f"/payer/authorizations/{request.tracking_number}/decide/"
    missing = client.post(url, {"decision": "deny"})
    assert missing.status_code == 400
    assert 'id="id_reason_code-error"' in missing.content.decode()
    response = client.post(
        url, {"decision": "deny", "reason_code": "MED_NEC", "reason_text": "Not yet indicated."}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == AuthorizationStatus.DENIED
    assert (
        client.get(f"/payer/authorizations/{request.tracking_number}/letter.pdf").status_code == 200
    )


def test_a_partial_approval_sets_units_per_service(world: World) -> None:
    request = submit(world)
    line = request.services.get()
    client = world.client_for(world.petra)
    response = client.post(
        f"/payer/authorizations/{request.tracking_number}/decide/",
        {
            "decision": "partial",
            f"approved_units_{line.pk}": "0",
            "reason_code": "ALT_CARE",
            "reason_text": "Try therapy first.",
        },
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.approved_units == 0


def test_office_users_and_other_payer_staff_cannot_open_the_queue(world: World) -> None:
    analyst = f.UserFactory(
        username="andy", realm=Realm.PAYER, payer_role=PayerRole.ANALYST, plan=world.sunrise
    )
    for user in (world.alice, world.clara, analyst):
        assert world.client_for(user).get("/payer/authorizations/").status_code == 404


def test_another_plans_reviewer_reaches_none_of_the_case(world: World) -> None:
    request: PriorAuthorization = submit(world)
    document = request.attachments.get().pk
    lakeshore_reviewer = f.UserFactory(
        username="luke", realm=Realm.PAYER, payer_role=PayerRole.UM_REVIEWER, plan=world.lakeshore
    )
    client = world.client_for(lakeshore_reviewer)
    number = request.tracking_number
    for method, path in [
        ("get", f"/payer/authorizations/{number}/"),
        ("post", f"/payer/authorizations/{number}/start/"),
        ("post", f"/payer/authorizations/{number}/request-info/"),
        ("post", f"/payer/authorizations/{number}/decide/"),
        ("get", f"/payer/authorizations/{number}/letter.pdf"),
        ("get", f"/payer/authorizations/{number}/documents/{document}/"),
    ]:
        assert getattr(client, method)(path).status_code == 404, path
