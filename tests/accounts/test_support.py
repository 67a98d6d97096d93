from __future__ import annotations

from django.utils import timezone

from healtheos.accounts.models import PayerRole, Realm, SignInOutcome
from healtheos.accounts.signin import record_attempt
from healtheos.audit.models import AuditEvent
from tests.conftest import World
from tests.factories import UserFactory


def _support(world: World):
    agent = UserFactory(
        username="sam",
        realm=Realm.PAYER,
        payer_role=PayerRole.PROVIDER_SERVICES,
        plan=world.sunrise,
    )
    return world.client_for(agent)


def test_support_finds_a_person_and_sees_why_they_cannot_get_in(world: World, rf) -> None:
    bill = world.bill
    bill.locked_until = timezone.now() + timezone.timedelta(minutes=10)
    bill.save()
    record_attempt(
        request=rf.get("/", REMOTE_ADDR="198.51.100.3"),
        outcome=SignInOutcome.BAD_PASSWORD,
        user=bill,
        username="bill",
    )
    client = _support(world)
    found = client.get("/payer/support/sign-in/", {"q": "bill@example.test"})
    assert b"/payer/support/sign-in/" in found.content
    page = client.get(f"/payer/support/sign-in/{bill.pk}/")
    assert b"Locked after repeated wrong passwords" in page.content
    assert b"Wrong password" in page.content
    assert b"198.51.100.0/24" in page.content
    assert AuditEvent.objects.filter(action="support.view_account", object_id=str(bill.pk)).exists()


def test_support_can_end_a_lock(world: World) -> None:
    world.bill.locked_until = timezone.now() + timezone.timedelta(minutes=10)
    world.bill.save()
    response = _support(world).post(f"/payer/support/sign-in/{world.bill.pk}/unlock/")
    assert response.status_code == 302
    world.bill.refresh_from_db()
    assert world.bill.locked_until is None
    assert AuditEvent.objects.filter(action="account.unlocked").exists()


def test_office_users_and_other_payer_roles_cannot_use_support(world: World) -> None:
    analyst = UserFactory(
        username="ana", realm=Realm.PAYER, payer_role=PayerRole.ANALYST, plan=world.sunrise
    )
    for person in (world.alice, analyst, world.mona):
        client = world.client_for(person)
        assert client.get("/payer/support/sign-in/").status_code == 404
        assert client.get(f"/payer/support/sign-in/{world.bill.pk}/").status_code == 404


def test_support_staff_see_only_accounts_of_their_plan(world: World) -> None:
    client = _support(world)  # a Sunrise Health agent
    assert (
        client.get(f"/payer/support/sign-in/{world.olga.pk}/").status_code == 404
    )  # Lakeshore only
    assert client.post(f"/payer/support/sign-in/{world.olga.pk}/unlock/").status_code == 404
    assert not client.get("/payer/support/sign-in/", {"q": "olga"}).context["matches"]
    assert (
        client.get(f"/payer/support/sign-in/{world.bianca.pk}/").status_code == 200
    )  # works for both
