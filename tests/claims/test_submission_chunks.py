"""837 files stored a chunk at a time: the outcome of every claim is the one it would have
had alone, whichever chunk it falls in; a claim the database refuses takes no other claim
with it; an interrupted submission is finished without storing a claim twice; progress is
reported as the file is read and stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import DatabaseError

from healtheos.claims import intake
from healtheos.claims.models import Claim, Submission, SubmissionChannel, SubmittedClaim
from healtheos.claims.submission import submission_process, submission_receive
from healtheos.interop.x12 import read_277ca
from healtheos.interop.x12.eligibility.segments import DateRange
from tests.claims.x12_submissions import file_837, office_claim
from tests.conftest import World
from tests.interop.x12_837_fixtures import line


@pytest.fixture(autouse=True)
def _inline_small_chunks(settings: object, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.TASK_BACKEND = "inline"  # type: ignore[attr-defined]
    monkeypatch.setattr(intake, "CHUNK", 3)
    monkeypatch.setattr("healtheos.claims.submission.CHUNK", 3)


def _claims(world: World, count: int, *, bad_every: int = 0):  # type: ignore[no-untyped-def]
    claims = []
    for number in range(count):
        day = dt.date(2026, 10, 1) + dt.timedelta(days=number)
        claim = office_claim(
            world,
            f"ACCT-{number:03d}",
            lines=(line(1, "99213", "150.00", service_dates=DateRange(day, day)),),
        )
        if bad_every and number % bad_every == bad_every - 1:
            claim = replace(claim, total_charge=Decimal("999.00"))  # totals do not add up
        claims.append(claim)
    return claims


def _receive(world: World, data: bytes) -> Submission:
    return submission_receive(
        office=world.bluebonnet.office,
        data=data,
        file_name="claims.837",
        channel=SubmissionChannel.PORTAL,
        user=world.bill,
        background=False,
        adjudicate=False,
    )


def _stored(world: World, submission: Submission) -> list[str]:
    return list(
        Claim.objects.for_office(world.bluebonnet.office)
        .filter(submission=submission)
        .order_by("patient_account_number")
        .values_list("patient_account_number", flat=True)
    )


def test_mixed_claims_across_chunk_boundaries_keep_their_own_outcomes(world: World) -> None:
    submission = _receive(world, file_837(world, *_claims(world, 10, bad_every=4)))
    assert (submission.claims_total, submission.claims_accepted) == (10, 8)
    outcomes = list(submission.claims.values_list("sequence", "accepted", "status_code"))
    assert [o[0] for o in outcomes] == list(range(1, 11))
    assert [o[2] for o in outcomes if not o[1]] == ["178", "178"]
    assert _stored(world, submission) == [f"ACCT-{n:03d}" for n in range(10) if n not in (3, 7)]
    # Every stored claim is whole: its line and its first status are there.
    for claim in Claim.objects.for_office(world.bluebonnet.office).filter(submission=submission):
        assert claim.lines.count() == 1
        assert claim.history.get().status == "received"
        assert claim.claim_number.startswith(world.sunrise.payer_id[:3])
    acknowledged = [
        (c.trace.reference, c.answer.statuses[0].category)
        for level in read_277ca(submission.ack_277ca).levels
        if level.level == "PT"
        for c in level.claims
    ]
    assert len(acknowledged) == 10
    assert acknowledged[3] == ("ACCT-003", "A7")


def test_a_claim_sent_twice_in_one_file_is_a_duplicate_even_in_another_chunk(
    world: World,
) -> None:
    claims = _claims(world, 5)
    submission = _receive(world, file_837(world, *claims, claims[1]))
    (duplicate,) = submission.claims.filter(accepted=False)
    assert (duplicate.sequence, duplicate.status_category, duplicate.status_code) == (6, "A3", "54")
    assert len(_stored(world, submission)) == 5


def test_the_same_file_again_stores_nothing_more(world: World) -> None:
    data = file_837(world, *_claims(world, 7))
    first = _receive(world, data)
    second = _receive(world, data)
    assert first.pk == second.pk
    assert len(_stored(world, first)) == 7


def test_an_interrupted_submission_is_finished_without_storing_a_claim_twice(
    world: World,
) -> None:
    submission = _receive(world, file_837(world, *_claims(world, 8)))
    stored_before = _stored(world, submission)
    # As if the worker had stopped after the first chunk: the later outcomes are lost and
    # their claims were never written (each chunk is one transaction).
    later = SubmittedClaim.objects.filter(submission=submission, sequence__gt=3)
    Claim.objects.payer_wide().filter(
        pk__in=later.exclude(claim=None).values_list("claim", flat=True)
    ).delete()
    later.delete()
    # ... and had shown no progress since (its lease is free to take).
    Submission.objects.payer_wide().filter(pk=submission.pk).update(
        status="processing", heartbeat_at=None
    )
    submission_process(submission_id=submission.pk, adjudicate=False)
    submission.refresh_from_db()
    assert submission.status == "done"
    assert (submission.claims_total, submission.claims_accepted) == (8, 8)
    assert _stored(world, submission) == stored_before
    assert submission.claims.count() == 8


def test_a_claim_the_database_refuses_does_not_take_its_chunk_with_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = intake.ChunkIntake._create

    def refuse_acct_004(self, accepted, originals):  # type: ignore[no-untyped-def]
        if any(r.claim.patient_control_number == "ACCT-004" for r, _, _ in accepted):
            raise DatabaseError("refused")
        return original(self, accepted, originals)

    monkeypatch.setattr(intake.ChunkIntake, "_create", refuse_acct_004)
    submission = _receive(world, file_837(world, *_claims(world, 6)))
    assert (submission.claims_accepted, submission.claims_rejected) == (5, 1)
    refused = submission.claims.get(accepted=False)
    assert (refused.patient_control_number, refused.status_code) == ("ACCT-004", "21")
    assert "ACCT-004" not in _stored(world, submission)
    assert len(_stored(world, submission)) == 5


def test_progress_is_reported_while_the_file_is_processed(world: World) -> None:
    seen: list[tuple[int, int, str]] = []
    submission_receive(
        office=world.bluebonnet.office,
        data=file_837(world, *_claims(world, 7)),
        file_name="claims.837",
        channel=SubmissionChannel.PORTAL,
        user=world.bill,
        background=False,
        adjudicate=False,
        progress=lambda s: seen.append((s.percent, s.claims_total, s.ack_kind)),
    )
    percents = [p for p, _, _ in seen]
    assert percents == sorted(percents)
    assert percents[-1] == 100
    # The 999 is written before the claims are stored; the claims are counted by chunk.
    assert [t for _, t, kind in seen if kind][:1] == [0]
    assert {3, 6, 7} <= {t for _, t, _ in seen}


def _peak_processing(world: World, count: int) -> int:
    import tracemalloc

    data = file_837(world, *_claims(world, count), control=count)
    submission = submission_receive(
        office=world.bluebonnet.office,
        data=data,
        file_name="big.837",
        channel=SubmissionChannel.FILE,
        background=True,  # stored only: processed below, under measurement
        adjudicate=False,
    )
    Submission.objects.payer_wide().filter(pk=submission.pk).update(status="received")
    tracemalloc.start()
    try:
        submission_process(submission_id=submission.pk, adjudicate=False)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_grows_by_little_more_than_the_file_and_its_acknowledgments(
    world: World, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TASK_BACKEND = "thread"  # type: ignore[attr-defined]
    monkeypatch.setattr("healtheos.claims.submission.run_after_commit", lambda *a, **k: None)
    monkeypatch.setattr(intake, "CHUNK", 50)
    monkeypatch.setattr("healtheos.claims.submission.CHUNK", 50)
    monkeypatch.setattr("healtheos.claims.submission.READ_CHUNK", 16_384)
    small, large = _peak_processing(world, 300), _peak_processing(world, 1_200)
    # Per claim: its share of the file's text and its 277CA loop, kept as text (well under
    # 1.5 KB); the claims themselves are let go chunk by chunk (several KB each).
    assert (large - small) / 900 < 1_500, (small, large)


def test_a_file_of_several_sets_gets_one_277ca_with_a_set_for_each(
    world: World, tmp_path: object
) -> None:
    import importlib.util
    from pathlib import Path

    from healtheos.interop.x12.claims import build_837p_sets
    from tests.interop.x12_837_fixtures import AT, BATCH

    claims = _claims(world, 5, bad_every=5)
    batches = [
        replace(BATCH, claims=tuple(claims[:3]), reference="SET-A"),
        replace(BATCH, claims=tuple(claims[3:]), reference="SET-B"),
    ]
    data = build_837p_sets(batches, at=AT, control_number=91).encode()
    submission = _receive(world, data)
    assert (submission.claims_accepted, submission.claims_rejected) == (4, 1)
    text = submission.ack_277ca
    assert text.count("ISA*") == 1
    assert text.count("ST*277*") == 2
    assert "TRN*2*SET-A~" in text
    assert "TRN*2*SET-B~" in text
    if importlib.util.find_spec("pyx12") is not None:
        from tests.interop.pyx12_check import pyx12_errors, repaired_maps

        maps = repaired_maps(Path(str(tmp_path)))
        assert pyx12_errors(text, maps) == []
