"""The message center: stored before "sent", never duplicated by a retry, attachments that
fail fail the send, the plan answers from its inbox, mail without health information;
another office never sees a thread."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from healtheos.accounts.models import PayerRole, Realm
from healtheos.messaging.models import Message, Thread
from tests import factories as f
from tests.conftest import World

PDF = b"%PDF-1.4\n% synthetic\n"


@pytest.fixture(autouse=True)
def _attachments(settings: object, tmp_path: object) -> None:
    settings.VAR_DIR = str(tmp_path)  # type: ignore[attr-defined]


def new(world: World, *, key: str = "", files: tuple[bytes, ...] = (), **extra: str):  # type: ignore[no-untyped-def]
    data = {
        "department": "claims",
        "subject": "Why was line 2 denied?",
        "body": "Please explain the denial of line 2.",
        "key": key or uuid.uuid4().hex,
        "documents": [SimpleUploadedFile(f"doc{i}.pdf", b) for i, b in enumerate(files)],
        **extra,
    }
    return world.client_for(world.bill).post("/messages/new/", data)


def test_a_message_is_stored_and_listed(world: World) -> None:
    response = new(world, files=(PDF,), claim_number=world.bluebonnet.claim.claim_number)
    assert response.status_code == 302
    thread = Thread.objects.for_office(world.bluebonnet.office).get(
        subject="Why was line 2 denied?"
    )
    assert thread.claim == world.bluebonnet.claim
    message = thread.messages.get()
    assert message.attachments.get().original_name == "doc0.pdf"
    page = world.client_for(world.bill).get(response["Location"]).content.decode()
    assert "Please explain the denial" in page
    download = world.client_for(world.bill).get(
        f"/messages/{thread.pk}/attachments/{message.attachments.get().pk}/"
    )
    assert download.content == PDF


def test_a_retried_send_is_one_message(world: World) -> None:
    key = uuid.uuid4().hex
    new(world, key=key)
    new(world, key=key)
    assert Message.objects.filter(idempotency_key=key).count() == 1


def test_a_bad_attachment_fails_the_send_visibly(world: World) -> None:
    response = new(world, files=(b"MZ not a document",))
    assert response.status_code == 400
    assert "Not sent" in response.content.decode()
    assert (
        not Thread.objects.for_office(world.bluebonnet.office)
        .filter(subject="Why was line 2 denied?")
        .exists()
    )


def test_the_plan_answers_and_the_office_is_mailed_without_health_information(
    world: World,
) -> None:
    new(world)
    thread = Thread.objects.for_office(world.bluebonnet.office).get(
        subject="Why was line 2 denied?"
    )
    sam = f.UserFactory(
        username="sam",
        realm=Realm.PAYER,
        payer_role=PayerRole.PROVIDER_SERVICES,
        plan=world.sunrise,
    )
    staff = world.client_for(sam)
    assert thread.subject in staff.get("/messages/plan/").content.decode()
    with pytest.MonkeyPatch.context() as patch:
        from django.db import transaction

        patch.setattr(transaction, "on_commit", lambda fn, **kw: fn())
        staff.post(
            f"/messages/plan/{thread.pk}/", {"body": "Line 2 was bundled (CO-97).", "key": "k1"}
        )
    thread.refresh_from_db()
    assert thread.status == "waiting_on_office"
    assert mail.outbox
    assert "bundled" not in mail.outbox[-1].body
    assert thread.subject not in mail.outbox[-1].subject
    inbox = staff.get("/messages/plan/", {"status": "waiting_on_office"}).content.decode()
    assert "Response times, last 30 days" in inbox
    times = inbox[inbox.index("Response times") :]
    assert "0.0 h" in times, times[:1500]  # the claims department's median first answer
    staff.post(f"/messages/plan/{thread.pk}/update/", {"status": "closed", "assign": "me"})
    thread.refresh_from_db()
    assert (thread.status, thread.assigned_to) == ("closed", sam)


def test_it_rejects_another_offices_thread(world: World) -> None:
    thread = world.bluebonnet.thread
    olga = world.client_for(world.olga)
    assert olga.get(f"/messages/{thread.pk}/").status_code == 404
    assert thread.subject not in olga.get("/messages/").content.decode()
    other_plan_staff = f.UserFactory(
        username="lea",
        realm=Realm.PAYER,
        payer_role=PayerRole.PROVIDER_SERVICES,
        plan=world.lakeshore,
    )
    assert world.client_for(other_plan_staff).get(f"/messages/plan/{thread.pk}/").status_code == 404


def test_read_only_users_read_but_cannot_send(world: World) -> None:
    rita = world.client_for(world.rita)
    assert rita.get("/messages/").status_code == 200
    assert rita.get("/messages/new/").status_code == 403


def test_search_finds_a_thread_by_its_words(world: World) -> None:
    new(world)
    page = world.client_for(world.bill).get("/messages/", {"q": "denial of line"}).content.decode()
    assert "Why was line 2 denied?" in page


def test_a_message_about_a_patient_needs_two_identifiers(world: World) -> None:
    member = world.bluebonnet.member
    response = new(world, member_id=member.member_id, date_of_birth="1999-01-01")
    assert response.status_code == 400
    assert "No member has this member ID" in response.content.decode()
    response = new(world, member_id=member.member_id, date_of_birth=member.birth_date.isoformat())
    assert response.status_code == 302
    assert Thread.objects.for_office(world.bluebonnet.office).get(member=member)
