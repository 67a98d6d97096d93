"""837 submission: stored before acknowledged, 999 for the file, 277CA for each claim,
duplicates not counted twice, corrections and voids linked to their original."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.management.base import CommandError

from healtheos.claims.models import Claim, Submission, SubmissionChannel
from healtheos.claims.submission import SubmissionRefused, submission_receive
from healtheos.interop.x12 import read_277ca, read_999
from tests.claims.x12_submissions import file_837, office_claim
from tests.conftest import World
from tests.interop.x12_837_fixtures import line


@pytest.fixture(autouse=True)
def _inline(settings: object) -> None:
    settings.TASK_BACKEND = "inline"  # type: ignore[attr-defined]


def receive(world: World, data: bytes) -> Submission:
    return submission_receive(
        office=world.bluebonnet.office,
        data=data,
        file_name="claims.837",
        channel=SubmissionChannel.PORTAL,
        user=world.bill,
        background=False,
    )


def statuses(submission: Submission) -> list[tuple[str, str]]:
    response = read_277ca(submission.ack_277ca)
    return [
        (c.answer.statuses[0].category, c.answer.statuses[0].code)
        for level in response.levels
        if level.level == "PT"
        for c in level.claims
    ]


def test_a_good_claim_is_stored_and_acknowledged_with_999_and_277ca(world: World) -> None:
    submission = receive(world, file_837(world))
    assert submission.status == "done"
    assert (submission.claims_accepted, submission.claims_rejected) == (1, 0)
    assert submission.ack_kind == "999"
    (group,) = read_999(submission.ack)
    assert group.status == "A"
    assert statuses(submission) == [("A2", "20")]
    claim = Claim.objects.for_office(world.bluebonnet.office).get(submission=submission)
    assert claim.patient_account_number == "ACCT-9001"
    assert claim.total_charge == Decimal("150.00")
    assert claim.lines.get().procedure_code == "99213"
    assert claim.claim_number.startswith(world.sunrise.payer_id[:3])
    (reported,) = [
        c
        for level in read_277ca(submission.ack_277ca).levels
        if level.level == "PT"
        for c in level.claims
    ]
    assert reported.answer.payer_claim_number == claim.claim_number


def test_the_same_file_twice_is_one_submission_and_one_claim(world: World) -> None:
    data = file_837(world)
    first, second = receive(world, data), receive(world, data)
    assert first.pk == second.pk
    assert Claim.objects.for_office(world.bluebonnet.office).filter(submission=first).count() == 1


def test_the_same_claim_in_another_file_is_rejected_as_a_duplicate(world: World) -> None:
    receive(world, file_837(world, control=1))
    again = receive(world, file_837(world, control=2))
    assert (again.claims_accepted, again.claims_rejected) == (0, 1)
    assert statuses(again) == [("A3", "54")]


def test_valid_claims_go_through_and_invalid_ones_are_rejected_with_a_reason(
    world: World,
) -> None:
    good = office_claim(world, "ACCT-1")
    unknown_member = office_claim(
        world,
        "ACCT-2",
        subscriber=replace(
            good.subscriber, name=replace(good.subscriber.name, identifier="TM999999999")
        ),
    )
    wrong_total = office_claim(world, "ACCT-3", total_charge=Decimal("999.00"))
    submission = receive(world, file_837(world, good, unknown_member, wrong_total))
    assert (submission.claims_accepted, submission.claims_rejected) == (1, 2)
    outcomes = list(
        submission.claims.values_list("patient_control_number", "accepted", "status_code")
    )
    assert outcomes[0] == ("ACCT-1", True, "20")
    assert outcomes[1][:2] == ("ACCT-2", False)
    assert outcomes[1][2] == "33"
    assert outcomes[2][:2] == ("ACCT-3", False)
    assert outcomes[2][2] == "178"
    assert (
        Claim.objects.for_office(world.bluebonnet.office).filter(submission=submission).count() == 1
    )


def test_another_offices_billing_provider_is_rejected(world: World) -> None:
    claim = office_claim(world)
    foreign = replace(
        claim,
        billing_provider=replace(
            claim.billing_provider,
            tin="361234567",
            name=replace(claim.billing_provider.name, identifier=world.prairie.practitioner.npi),
        ),
    )
    submission = receive(world, file_837(world, foreign))
    assert submission.claims.get().status_code == "562"


def test_a_broken_envelope_gets_a_rejecting_999_and_stores_nothing(world: World) -> None:
    text = file_837(world).decode()
    start = text.index("~SE*") + 4
    broken = text[:start] + "999" + text[text.index("*", start) :]
    submission = receive(world, broken.encode())
    assert submission.ack_kind == "999"
    (group,) = read_999(submission.ack)
    assert group.sets[0].status == "R"
    assert submission.claims_total == 0
    assert (
        not Claim.objects.for_office(world.bluebonnet.office).filter(submission=submission).exists()
    )


def test_something_that_is_not_x12_is_answered_with_a_ta1(world: World) -> None:
    submission = receive(world, b"this is not a claim file")
    assert submission.ack_kind == "TA1"
    assert submission.raw == "this is not a claim file"


@pytest.mark.parametrize("data", [b"", b"   ", b"\x00\x01binary"])
def test_an_empty_or_binary_upload_is_refused(world: World, data: bytes) -> None:
    with pytest.raises(SubmissionRefused):
        receive(world, data)


def test_a_corrected_claim_and_a_void_reference_the_original(world: World) -> None:
    first = receive(world, file_837(world, control=1))
    original = Claim.objects.for_office(world.bluebonnet.office).get(submission=first)
    corrected = office_claim(
        world,
        frequency="7",
        original_claim_number=original.claim_number,
        total_charge=Decimal("175.00"),
        lines=(line(1, "99214", "175.00"),),
    )
    second = receive(world, file_837(world, corrected, control=2))
    assert second.claims_accepted == 1
    replacement = Claim.objects.for_office(world.bluebonnet.office).get(submission=second)
    assert replacement.original_claim_id == original.pk
    assert replacement.frequency_code == "7"
    unknown = office_claim(world, "ACCT-X", frequency="8", original_claim_number="NOPE123")
    third = receive(world, file_837(world, unknown, control=3))
    assert third.claims.get().status_code == "21"


def test_the_ingest_command_submits_files_and_writes_their_acknowledgments(
    world: World, tmp_path: object
) -> None:
    from pathlib import Path

    from django.core.management import call_command

    folder = Path(str(tmp_path))
    (folder / "monday.837").write_bytes(file_837(world))
    (folder / "junk.837").write_bytes(b"")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "ingest",
            str(folder / "monday.837"),
            str(folder / "junk.837"),
            ack_dir=str(folder / "acks"),
            stdout=out,
        )
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("monday.837: 837 for Bluebonnet Family Medicine")
    assert "1 claims, 1 accepted, 0 rejected" in lines[0]
    assert lines[1].startswith("junk.837: not taken: The file is empty.")
    assert read_999((folder / "acks" / "monday.837.999").read_text())[0].status == "A"
    assert (folder / "acks" / "monday.837.277ca").read_text().startswith("ISA")


def test_an_accepted_claim_is_adjudicated_and_paid_in_the_demo_flow(world: World) -> None:
    submission = receive(world, file_837(world))
    claim = Claim.objects.for_office(world.bluebonnet.office).get(submission=submission)
    assert claim.status == "paid"
    assert claim.paid_amount > 0
    assert claim.payments.count() == 1
    history = list(claim.history.values_list("status", flat=True))
    assert history[0] == "received"
    assert history[-1] == "paid"


def test_without_pay_after_adjudication_the_claim_waits_for_the_cycle(
    world: World, settings: object
) -> None:
    settings.PAY_AFTER_ADJUDICATION = False  # type: ignore[attr-defined]
    submission = receive(world, file_837(world))
    claim = Claim.objects.for_office(world.bluebonnet.office).get(submission=submission)
    assert claim.status == "adjudicated"
    from django.core.management import call_command

    out = io.StringIO()
    call_command("payment_cycle", plan=world.sunrise.code, stdout=out)
    claim.refresh_from_db()
    assert claim.status == "paid"
    assert out.getvalue().startswith(f"{world.sunrise.code}: 1 payments")
