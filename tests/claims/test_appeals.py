"""Reconsiderations and appeals: filed from a claim with documents, a tracking number and
a decision deadline; filing limits; one appeal per retry; another office never sees it."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from healtheos.claims.appeals import appeal_decide
from healtheos.claims.models import Appeal, AppealDecision, Claim
from tests.conftest import World

PDF = b"%PDF-1.4\n% synthetic test document\n"


@pytest.fixture(autouse=True)
def _attachments(settings: object, tmp_path: object) -> None:
    settings.VAR_DIR = str(tmp_path)  # type: ignore[attr-defined]


@pytest.fixture
def denied(world: World) -> Claim:
    claim = world.bluebonnet.claim
    Claim.objects.payer_wide().filter(pk=claim.pk).update(
        status="denied", adjudicated_at=timezone.now() - dt.timedelta(days=10)
    )
    claim.refresh_from_db()
    return claim


def post(
    world: World, claim: Claim, *, key: str = "", files: tuple[bytes, ...] = (PDF,), **extra: str
):  # type: ignore[no-untyped-def]
    data = {
        "kind": "reconsideration",
        "reason": "authorization",
        "explanation": "Authorization A123 was approved before the visit.",
        "key": key or uuid.uuid4().hex,
        "documents": [SimpleUploadedFile(f"record{i}.pdf", f) for i, f in enumerate(files)],
        **extra,
    }
    return world.client_for(world.bill).post(f"/claims/{claim.claim_number}/appeal/", data)


def test_a_reconsideration_is_filed_with_documents_and_a_deadline(
    world: World, denied: Claim
) -> None:
    page = world.client_for(world.bill).get(f"/claims/{denied.claim_number}/appeal/").content
    assert b"file by" in page
    response = post(world, denied)
    assert response.status_code == 302
    appeal = Appeal.objects.for_office(world.bluebonnet.office).get()
    assert appeal.tracking_number.startswith("RC")
    assert (appeal.due_at - appeal.submitted_at).days == 30
    detail = world.client_for(world.bill).get(response["Location"]).content.decode()
    assert appeal.tracking_number in detail
    assert "record0.pdf" in detail
    document = appeal.attachments.get()
    download = world.client_for(world.bill).get(
        f"/claims/appeals/{appeal.pk}/documents/{document.pk}/"
    )
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"


def test_a_double_submission_is_one_appeal(world: World, denied: Claim) -> None:
    key = uuid.uuid4().hex
    post(world, denied, key=key)
    post(world, denied, key=key)
    assert Appeal.objects.for_office(world.bluebonnet.office).count() == 1


def test_documents_are_checked_by_their_content(world: World, denied: Claim) -> None:
    response = post(world, denied, files=(b"MZ\x90\x00 not a pdf",))
    assert response.status_code == 400
    assert "Attach a PDF, PNG or JPEG file." in response.content.decode()
    assert not Appeal.objects.for_office(world.bluebonnet.office).exists()


def test_a_claim_without_a_decision_cannot_be_reconsidered(world: World) -> None:
    response = post(world, world.bluebonnet.claim)
    assert response.status_code == 400
    assert "no decision yet" in response.content.decode()


def test_the_filing_limit_is_enforced(world: World, denied: Claim) -> None:
    Claim.objects.payer_wide().filter(pk=denied.pk).update(
        adjudicated_at=timezone.now() - dt.timedelta(days=400)
    )
    response = post(world, denied)
    assert "The filing limit passed" in response.content.decode()


def test_an_appeal_follows_a_decided_reconsideration(world: World, denied: Claim) -> None:
    assert (
        "follows a decided reconsideration" in post(world, denied, kind="appeal").content.decode()
    )
    post(world, denied)
    appeal_decide(
        appeal=Appeal.objects.for_office(world.bluebonnet.office).get(),
        decision=AppealDecision.UPHELD,
        note="The rule applies.",
        actor=world.petra,
    )
    response = post(world, denied, kind="appeal")
    assert response.status_code == 302
    second = Appeal.objects.for_office(world.bluebonnet.office).get(kind="appeal")
    assert second.tracking_number.startswith("AP")
    page = world.client_for(world.bill).get(f"/claims/{denied.claim_number}/").content.decode()
    assert "Upheld" in page


def test_it_rejects_another_offices_appeal_and_documents(world: World, denied: Claim) -> None:
    post(world, denied)
    appeal = Appeal.objects.for_office(world.bluebonnet.office).get()
    document = appeal.attachments.get()
    olga = world.client_for(world.olga)
    assert olga.get(f"/claims/appeals/{appeal.pk}/").status_code == 404
    assert olga.get(f"/claims/appeals/{appeal.pk}/documents/{document.pk}/").status_code == 404
    assert appeal.tracking_number not in olga.get("/claims/appeals/").content.decode()
    assert olga.get(f"/claims/{denied.claim_number}/appeal/").status_code == 404
