"""Reading 837 professional and institutional claims, writing 837P, and the two kinds of
fault: syntax for the 999, business problems on the claim for the 277CA."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from healtheos.interop.x12 import (
    ClaimBatch,
    Delimiters,
    X12SyntaxError,
    acknowledge,
    read_837,
    read_999,
    receive_837,
)
from healtheos.interop.x12.claims import CLAIM_STATUS_CODES, dotted_diagnosis, procedure_shaped
from healtheos.interop.x12.claims.samples import generate_837p_batch, synthetic_batch
from healtheos.interop.x12.eligibility import npi_is_valid
from tests.interop.x12_837_fixtures import (
    AT,
    BATCH,
    CLAIM,
    TODAY,
    build,
    recount,
    replace_segment,
    with_claim,
)
from tests.interop.x12_fixtures import SAMPLES


def ack(text: str, *, today: dt.date = TODAY):  # type: ignore[no-untyped-def]
    receipt = receive_837(text, today=today)
    kind, out = acknowledge(
        text, list(receipt.errors), envelope=receipt.envelope, at=AT, control_number=9
    )
    assert kind == "999"
    [group] = read_999(out)
    return receipt, group


# -- round trip --------------------------------------------------------------------------


def test_a_built_837p_reads_back_as_the_same_batch() -> None:
    batch = read_837(build(), today=TODAY)
    assert batch == BATCH
    assert batch.controls.interchange == "000000077"
    assert batch.controls.transaction_set == "0001"


def test_the_read_claim_carries_hierarchy_codes_and_lines() -> None:
    claim = read_837(build(), today=TODAY).claims[0]
    assert claim.billing_provider.npi == "1234567893"
    assert claim.billing_provider.tin == "741234567"
    assert claim.billing_provider.pay_to is not None
    assert claim.subscriber.member_id == "SUN000000001"
    assert claim.patient is not None
    assert claim.patient.relationship == "19"
    assert claim.principal_diagnosis is not None
    assert [code.dotted for code in claim.diagnoses] == ["J06.9", "R05.1", "E11.9"]
    assert claim.referring is not None
    assert claim.referring.npi == "1679576722"
    assert claim.rendering is not None
    assert claim.facility is not None
    assert claim.lines[0].procedure is not None
    assert claim.lines[0].procedure.modifiers == ("25",)
    assert claim.lines[1].units == Decimal(2)
    assert claim.lines[1].rendering is not None
    assert claim.lines[2].control_number == "LINE3"
    assert claim.total_charge == claim.line_total == Decimal("215.50")
    assert claim.accepted
    assert claim.position > 0
    assert claim.lines[0].position > claim.position


def test_a_synthetic_batch_round_trips_and_has_no_problems() -> None:
    batch = synthetic_batch(40, seed=11, providers=3)
    text = generate_837p_batch(40, seed=11, providers=3)
    read = read_837(text, today=TODAY)
    assert read == batch
    assert all(claim.accepted for claim in read.claims)
    assert len({claim.billing_provider.npi for claim in read.claims}) == 3


def test_a_batch_written_with_other_delimiters_reads_the_same() -> None:
    for delimiters in (Delimiters("|", "!", ">", "~"), Delimiters("^", "{", "\\", "'")):
        assert read_837(build(delimiters=delimiters), today=TODAY) == BATCH
    assert read_837(build(newline=True), today=TODAY) == BATCH


def test_two_sets_in_one_interchange_are_two_batches() -> None:
    text = build()
    body = text[text.index("ST*") : text.index("GE*")]
    second = body.replace("ST*837*0001", "ST*837*0002").replace("SE*", "SE*", 1)
    second = second.replace("*0001~", "*0002~")
    doubled = text.replace("GE*1*", second + "GE*2*")
    receipt = receive_837(doubled, today=TODAY)
    assert receipt.errors == ()
    assert len(receipt.batches) == 2
    assert len(receipt.claims) == 4


# -- syntax faults: the 999 -------------------------------------------------------------


def _notes(group):  # type: ignore[no-untyped-def]
    [answer] = group.sets
    return answer, [
        (note.segment_id, note.code, [(e.position, e.code) for e in note.elements])
        for note in answer.segments
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("CLM*PCN-0001", "CLM*PCN-0001*ABC***11:B:1*Y*A*Y*Y", ("CLM", "8", [("2", "6")])),
        ("CLM*PCN-0001", "CLM*PCN-0001*215.50***11:Z:1*Y*A*Y*Y", ("CLM", "8", [("5", "7")])),
        ("CLM*PCN-0001", "CLM*PCN-0001*215.50***11:B:1*Y*A*Y", ("CLM", "8", [("9", "1")])),
        ("DTP*472", "DTP*472*D8*20261341", ("DTP", "8", [("3", "8")])),
        ("DTP*472", "DTP*472*D8*20261103*X", ("DTP", "8", [("4", "3")])),
        ("SV1*HC:99214", "SV1*HC:99214:25*140.00*XX*1*11**1:2", ("SV1", "8", [("3", "7")])),
        ("SV1*HC:99214", "SV1*HC:99214:25*1.4E2*UN*1*11**1:2", ("SV1", "8", [("2", "6")])),
        ("SV1*HC:99214", "SV1*HC:99214:25*140.00*UN*1*11**1:13", ("SV1", "8", [("7", "7")])),
        ("HI*ABK", "HI*ZZZ:J069", ("HI", "8", [("1", "7")])),
        ("DMG*D8*2015", "DMG*D8*20150231*M", ("DMG", "8", [("2", "8")])),
        ("SBR*P", "", ("SBR", "3", [])),
        ("NM1*85", "", ("NM1", "3", [])),
        ("HI*ABK", "", ("HI", "3", [])),
        ("SV1*HC:87880", "", ("SV1", "3", [])),
        ("HL*2*1*22", "HL*2*9*22*1", ("HL", "8", [("2", "7")])),
        ("NTE", "", None),
    ],
)
def test_a_structural_fault_is_rejected_in_the_999_naming_segment_and_element(
    old: str, new: str, expected: tuple[str, str, list[tuple[str, str]]] | None
) -> None:
    text = build()
    if expected is None:
        text = recount(text.replace("~LX*1~", "~NTE*ADD*NOTE~LX*1~", 1))
        receipt, group = ack(text)
        assert receipt.errors == ()
        assert group.sets[0].status == "A"
        return
    receipt, group = ack(replace_segment(text, old, new))
    assert receipt.batches == ()
    answer, notes = _notes(group)
    assert answer.status == "R"
    assert expected in notes
    error = receipt.errors[0]
    assert error.segment_position > 0
    assert error.position_in_set > 0


def test_a_set_missing_its_claims_names_the_missing_clm() -> None:
    text = build(replace(BATCH, claims=(CLAIM,)))
    start = text.index("~CLM*") + 1
    end = text.index("~SE*") + 1
    receipt, _ = ack(recount(text[:start] + text[end:]))
    assert any(e.segment_id == "CLM" and e.code == "3" for e in receipt.errors)


def test_faults_carry_the_loop_for_ik303() -> None:
    _receipt, group = ack(replace_segment(build(), "DTP*472", "DTP*472*D8*2026"))
    answer, _ = _notes(group)
    assert answer.segments[0].loop_id == "2400"


def test_one_broken_set_does_not_reject_its_sound_neighbour() -> None:
    text = build()
    body = text[text.index("ST*") : text.index("GE*")]
    broken = body.replace("ST*837*0001", "ST*837*0002").replace("*0001~", "*0002~")
    broken = broken.replace("*UN*1*11", "*UN*ONE*11", 1)
    receipt, group = ack(text.replace("GE*1*", broken + "GE*2*"))
    assert len(receipt.batches) == 1
    assert [s.status for s in group.sets] == ["A", "R"]


def test_an_unsupported_version_or_set_is_refused() -> None:
    text = build().replace("005010X222A1", "005010X279A1")
    receipt = receive_837(text, today=TODAY)
    assert receipt.batches == ()
    assert receipt.errors


def test_read_837_raises_the_first_fault() -> None:
    with pytest.raises(X12SyntaxError):
        read_837(replace_segment(build(), "SBR*P", ""))
    with pytest.raises(X12SyntaxError):
        read_837("not x12 at all")


# -- business problems: on the claim, accepted by the 999 --------------------------------


def _codes(text: str, *, today: dt.date = TODAY) -> list[str]:
    receipt, group = ack(text, today=today)
    assert group.sets[0].status == "A", receipt.errors
    return [problem.code for problem in receipt.claims[0].problems]


def test_a_total_that_is_not_the_sum_of_the_lines_is_a_charges_problem() -> None:
    assert _codes(with_claim(total_charge=Decimal("999.00"))) == ["178"]


def test_an_npi_failing_its_check_digit_is_an_npi_problem_for_its_entity() -> None:
    provider = replace(
        CLAIM.billing_provider, name=replace(CLAIM.billing_provider.name, identifier="1234567890")
    )
    receipt = receive_837(with_claim(billing_provider=provider), today=TODAY)
    [problem] = receipt.claims[0].problems
    assert (problem.code, problem.entity, problem.element_position) == ("562", "85", 9)
    assert problem.segment_position == receipt.claims[0].billing_provider.position


def test_a_code_that_is_not_icd10_shaped_is_a_diagnosis_problem() -> None:
    diagnoses = (CLAIM.diagnoses[0], replace(CLAIM.diagnoses[1], code="R05.1"))
    receipt = receive_837(with_claim(diagnoses=(*diagnoses, CLAIM.diagnoses[2])), today=TODAY)
    [problem] = receipt.claims[0].problems
    assert (problem.code, problem.element_position) == ("255", 2)


def test_a_procedure_that_is_not_cpt_shaped_is_a_procedure_problem() -> None:
    lines = (replace(CLAIM.lines[0], procedure=replace(CLAIM.lines[0].procedure, code="9921")),)
    lines += CLAIM.lines[1:]
    assert _codes(with_claim(lines=lines)) == ["454"]


def test_a_service_date_in_the_future_is_a_dates_problem() -> None:
    assert _codes(build(), today=dt.date(2026, 11, 1)).count("187") == 3


def test_a_replacement_without_the_original_claim_number_is_missing_information() -> None:
    assert _codes(with_claim(frequency="7")) == ["21"]
    claim = read_837(with_claim(frequency="8", original_claim_number="PAYER123"), today=TODAY)
    assert claim.claims[0].original_claim_number == "PAYER123"
    assert claim.claims[0].frequency == "8"
    assert claim.claims[0].accepted


def test_every_problem_code_has_words() -> None:
    receipt = receive_837(
        with_claim(frequency="7", total_charge=Decimal(1)), today=dt.date(2020, 1, 1)
    )
    assert {p.code for p in receipt.claims[0].problems} <= set(CLAIM_STATUS_CODES)


# -- codes --------------------------------------------------------------------------------


def test_codes_have_the_shapes_the_guides_expect() -> None:
    assert dotted_diagnosis("E119") == "E11.9"
    assert dotted_diagnosis("I10") == "I10"
    assert dotted_diagnosis("E8490", "BK") == "E849.0"
    assert [procedure_shaped(c) for c in ("99213", "3074F", "G0439", "9921", "A12B4")] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert npi_is_valid("1234567893")
    assert not npi_is_valid("1234567890")


# -- public samples -------------------------------------------------------------------------

#: file -> (claims, total charge) for samples that read, or the (segment, element) of the
#: defect that rejects them. Several samples use ">" as component separator while ISA16
#: declares ":"; they read once ISA16 says ">".
EXPECTED = {
    "demo.autoaccident.837": (1, "185.00"),
    "demo.cob.example3.A.837": (1, "79.04"),
    "demo.cob.example3.B.837": (1, "79.04"),
    "demo.cob.example3.C.837": (1, "79.04"),
    "demo.cob.example4.837": (1, "120.00"),
    "demo.drug.example10.1.837": (1, "103.37"),
    "demo.drug.example10.2.837": (1, "2232.93"),
    "demo.drug.example10.3.837": (1, "2232.93"),
    "demo.example1.837": (1, "100.00"),
    "demo.example2.837": (1, "100.00"),
    "demo.example7.837": (1, "520.24"),
    "demo.example8.837": (1, "75.00"),
    "institutional-claim.837i": (1, "89.93"),
    "two-claims-single-provider.837i": (2, "139.95"),
}
WRONG_COMPONENT = {
    "demo.cob.2ndary.example4.837": (1, "145.50"),
    "demo.example11.837": (1, "28.75"),
    "demo.example12.837": (1, "252.71"),
    "demo.example6.837": (1, "145.50"),
    "out-of-network-repriced-claim.837i": (1, "14.84"),
    "ppo-repriced-claim.837i": (1, "237.50"),
}
DEFECTIVE = {
    "demo.ambulance.example5.837": ("CLM", 5),  # CLM05 41::1 has no facility qualifier
    "demo.example9.837": ("SV1", 7),  # SV107 1.00 is not a pointer (and ">" as above)
}
SAMPLE_FILES = sorted(
    [*SAMPLES.glob("837_005010X222A2/*.837"), *SAMPLES.glob("837_005010X223A3/*.837i")]
)


@pytest.mark.skipif(not SAMPLE_FILES, reason="public X12 samples are not present")
def test_every_public_837_sample_is_expected() -> None:
    assert {path.name for path in SAMPLE_FILES} == set(EXPECTED) | set(WRONG_COMPONENT) | set(
        DEFECTIVE
    )


def _fix_component(text: str) -> str:
    start = text.index("ISA")
    return text[: start + 104] + ">" + text[start + 105 :]


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda path: path.name)
def test_a_public_sample_reads_with_its_claims_and_totals(path: Path) -> None:
    text = path.read_text()
    receipt = receive_837(text, today=TODAY)
    kind, out = acknowledge(
        text, list(receipt.errors), envelope=receipt.envelope, at=AT, control_number=3
    )
    assert kind == "999"
    if path.name in DEFECTIVE:
        segment_id, element = DEFECTIVE[path.name]
        if ">" in text[text.index("ISA") + 106 :]:
            receipt = receive_837(_fix_component(text), today=TODAY)
        assert receipt.batches == ()
        assert (receipt.errors[0].segment_id, receipt.errors[0].element_position) == (
            segment_id,
            element,
        )
        return
    if path.name in WRONG_COMPONENT:
        assert receipt.batches == ()
        assert read_999(out)[0].sets[0].status == "R"
        receipt = receive_837(_fix_component(text), today=TODAY)
        claims, total = WRONG_COMPONENT[path.name]
    else:
        claims, total = EXPECTED[path.name]
    assert receipt.errors == ()
    [batch] = receipt.batches
    assert len(batch.claims) == claims
    assert batch.total_charge == Decimal(total)
    assert all(claim.total_charge == claim.line_total for claim in batch.claims)
    assert batch.is_professional == path.name.endswith(".837")


@pytest.mark.skipif(not SAMPLE_FILES, reason="public X12 samples are not present")
def test_an_institutional_sample_gives_statement_dates_cl1_and_revenue_codes() -> None:
    path = SAMPLES / "837_005010X223A3" / "two-claims-single-provider.837i"
    batch: ClaimBatch = receive_837(path.read_text(), today=TODAY).batches[0]
    first = batch.claims[0]
    assert first.date("434") is not None
    assert (first.admission_type, first.patient_status) == ("1", "01")
    assert [line.revenue_code for line in first.lines] == ["0305", "0730"]
    assert first.provider("71") is not None
    assert first.facility_qualifier == "A"
    assert {claim.subscriber.member_id for claim in batch.claims} == {"030005074", "123405074"}


@pytest.mark.skipif(not SAMPLE_FILES, reason="public X12 samples are not present")
def test_an_institutional_claim_with_a_professional_clm05_is_rejected_at_clm05() -> None:
    path = SAMPLES / "837_005010X223A3" / "two-claims-single-provider.837i"
    text = path.read_text().replace("13:A:1", "13:B:1", 1)
    receipt, group = ack(text)
    assert receipt.batches == ()
    _, notes = _notes(group)
    assert ("CLM", "8", [("5", "7")]) in notes


def test_the_submitter_contact_and_receiver_are_read() -> None:
    batch = read_837(build(), today=TODAY)
    [contact] = batch.submitter.contacts
    assert contact.numbers == (("TE", "5125550100"), ("EX", "12"))
    assert batch.receiver.identifier == "SUNTX"
    assert batch.submitter.name.entity == "41"
