"""Reading 276 claim status requests and answering them with 277 responses (005010X212)."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healtheos.interop.x12 import (
    STATUS_CATEGORIES,
    STATUS_CODES,
    ClaimStatus,
    ClaimStatusAnswer,
    DateRange,
    Delimiters,
    LineStatus,
    X12SyntaxError,
    acknowledge,
    build_277,
    read_276,
    read_277,
    read_999,
    receive_276,
)
from tests.interop.x12_fixtures import (
    AT,
    NPI,
    SAMPLES,
    assert_sound_acknowledgment,
    body_276,
    edited,
    interchange_276,
)

ANSWERED_AT = dt.datetime(2026, 11, 24, 9, 31)
PAID = ClaimStatus("F1", "65")
PENDING = ClaimStatus("P1", "20")


def day(text: str) -> DateRange:
    value = dt.date.fromisoformat(text)
    return DateRange(value, value)


def answers() -> dict[str, ClaimStatusAnswer]:
    return {
        "4/1": ClaimStatusAnswer(
            statuses=(PAID, ClaimStatus("F1", "1")),
            payer_claim_number="PCN7001",
            payment_amount=Decimal("200.00"),
            adjudication_date=dt.date(2026, 11, 20),
            check_date=dt.date(2026, 11, 21),
            check_number="EFT-889",
        ),
        "4/2": ClaimStatusAnswer(
            statuses=(PENDING,),
            payer_claim_number="PCN7002",
            lines=(
                LineStatus(
                    (PENDING,),
                    "99213",
                    modifiers=("25",),
                    charge=Decimal(150),
                    units=Decimal(1),
                    control_number="LINE-1",
                    service_dates=day("2026-11-03"),
                ),
                LineStatus(
                    (ClaimStatus("F2", "88", "QC"),),
                    "80053",
                    charge=Decimal(1050),
                    revenue_code="0300",
                    units=Decimal(2),
                    service_dates=day("2026-11-04"),
                ),
            ),
        ),
        "5/1": ClaimStatusAnswer(not_found=True),
    }


def test_it_reads_envelope_bht_and_the_claim_status_hierarchy() -> None:
    inquiry = read_276(interchange_276())
    assert (inquiry.sender_id, inquiry.receiver_id, inquiry.version) == (
        "CLEARINGHOUSE",
        "SUNTX",
        "005010X212",
    )
    assert (inquiry.reference, inquiry.date, inquiry.time) == (
        "STATUS1",
        dt.date(2026, 11, 24),
        "0930",
    )
    [source] = inquiry.sources
    assert (source.hl_id, source.name.entity, source.name.identifier) == ("1", "PR", "SUNTX")
    [receiver] = source.receivers
    assert (receiver.hl_id, receiver.name.entity, receiver.name.identifier) == (
        "2",
        "41",
        "ETIN0042",
    )
    [provider] = receiver.providers
    assert (provider.hl_id, provider.npi, provider.problems) == ("3", NPI, ())
    subscriber, dependent = provider.patients
    assert (subscriber.level, subscriber.member_id, subscriber.birth_date) == (
        "22",
        "SUN000000001",
        dt.date(1980, 5, 17),
    )
    assert dependent.is_dependent
    assert dependent.subscriber == subscriber
    assert (dependent.name.last, dependent.gender) == ("DOE", "M")


def test_each_trn_starts_a_claim_inquiry_with_its_references_amount_and_dates() -> None:
    first, second, third = read_276(interchange_276()).claims()
    assert (first.key, first.trace.type_code, first.trace.reference) == ("4/1", "1", "CS-0001")
    assert (first.payer_claim_number, first.patient_account_number) == ("PCN7001", "ACCT-1")
    assert (first.total_charge, first.service_dates) == (Decimal("250.00"), day("2026-11-01"))
    assert (second.key, second.bill_type, second.total_charge) == ("4/2", "131", Decimal(1200))
    assert second.service_dates == DateRange(dt.date(2026, 11, 3), dt.date(2026, 11, 5))
    line_1, line_2 = second.lines
    assert (line_1.procedure_qualifier, line_1.procedure_code, line_1.modifiers) == (
        "HC",
        "99213",
        ("25",),
    )
    assert (line_1.charge, line_1.units, line_1.control_number) == (
        Decimal(150),
        Decimal(1),
        "LINE-1",
    )
    assert (line_2.revenue_code, line_2.service_dates) == ("0300", day("2026-11-04"))
    assert (third.key, third.patient_account_number) == ("5/1", "ACCT-3")
    assert all(not claim.problems for claim in (first, second, third))


def test_golden_276_to_277_round_trip() -> None:
    text = build_277(read_276(interchange_276()), answers(), at=ANSWERED_AT, control_number=901)
    assert "ST*277*0001*005010X212~BHT*0010*08*STATUS1*20261124*0931*DG~" in text
    assert "GS*HN*SUNTX*CLEARINGHOUSE*20261124*0931*901*X*005010X212~" in text
    assert (
        "TRN*2*CS-0001~STC*F1:65*20261124**250*200*20261120**20261121*EFT-889*F1:1~"
        "REF*1K*PCN7001~REF*EJ*ACCT-1~DTP*472*D8*20261101~"
    ) in text
    assert (
        "SVC*HC:99213:25*150*0****1~STC*P1:20*20261124~REF*FJ*LINE-1~DTP*472*D8*20261103~"
        "SVC*HC:80053*1050*0*0300***2~STC*F2:88:QC*20261124~DTP*472*D8*20261104~"
    ) in text
    assert "HL*5*4*23~NM1*QC*1*DOE*JOHNNY~TRN*2*CS-0003~STC*D0:35*20261124**80~" in text
    response = read_277(text)
    assert (response.sender_id, response.receiver_id, response.reference) == (
        "SUNTX",
        "CLEARINGHOUSE",
        "STATUS1",
    )
    assert (response.interchange_control_number, response.transaction_type) == ("000000901", "DG")
    assert [(lv.hl_id, lv.parent_id, lv.level) for lv in response.levels] == [
        ("1", "", "20"),
        ("2", "1", "21"),
        ("3", "2", "19"),
        ("4", "3", "22"),
        ("5", "4", "23"),
    ]
    paid, pending = response.level("4").claims
    assert (paid.trace.type_code, paid.trace.reference) == ("2", "CS-0001")
    assert paid.statuses == (PAID, ClaimStatus("F1", "1"))
    assert paid.answer.payment_amount == Decimal(200)
    assert (paid.answer.check_date, paid.answer.check_number) == (dt.date(2026, 11, 21), "EFT-889")
    assert paid.answer.adjudication_date == dt.date(2026, 11, 20)
    assert (paid.answer.payer_claim_number, paid.answer.patient_account_number) == (
        "PCN7001",
        "ACCT-1",
    )
    assert pending.answer.bill_type == "131"
    assert [line.procedure_code for line in pending.answer.lines] == ["99213", "80053"]
    assert pending.answer.lines[0].statuses == (PENDING,)
    assert pending.answer.lines[0].control_number == "LINE-1"
    assert pending.answer.lines[1].units == Decimal(2)
    [missing] = response.level("5").claims
    assert missing.statuses == (ClaimStatus("D0", "35"),)
    assert missing.answer.payer_claim_number == ""


def test_a_claim_without_an_answer_is_answered_response_not_possible() -> None:
    response = read_277(build_277(read_276(interchange_276()), {}, at=AT, control_number=2))
    assert [c.statuses for c in response.claims()] == [(ClaimStatus("E1", "0"),)] * 3
    assert response.level("4").claims[0].answer.payer_claim_number == "PCN7001"  # echoed


def test_more_than_three_statuses_continue_in_a_second_stc() -> None:
    statuses = tuple(ClaimStatus("F2", code) for code in ("88", "84", "96", "109"))
    text = build_277(
        read_276(interchange_276()),
        {"4/1": ClaimStatusAnswer(statuses=statuses)},
        at=ANSWERED_AT,
        control_number=3,
    )
    assert "STC*F2:88*20261124**250******F2:84*F2:96~STC*F2:109*20261124~" in text
    assert read_277(text).level("4").claims[0].statuses == statuses


def test_a_bad_service_date_is_answered_with_e0_187() -> None:
    inquiry = read_276(interchange_276(body_276(service_date="20261131")))
    claim = next(inquiry.claims())
    assert (claim.service_dates, claim.problems) == (None, (ClaimStatus("E0", "187"),))
    text = build_277(inquiry, answers(), at=ANSWERED_AT, control_number=4)
    # The answer is overruled by the request's own error; the bad date is not echoed.
    assert "TRN*2*CS-0001~STC*E0:187*20261124**250~REF*1K*PCN7001~REF*EJ*ACCT-1~TRN" in text
    assert read_277(text).level("4").claims[0].statuses == (ClaimStatus("E0", "187"),)


def test_a_claim_without_any_service_date_is_e0_187() -> None:
    body = [s for s in body_276() if s[:3] != ["DTP", "472", "D8"] or s[3] != "20261110"]
    dependent_claim = list(read_276(interchange_276(body)).claims())[2]
    assert dependent_claim.problems == (ClaimStatus("E0", "187"),)


def test_a_subscriber_without_member_id_is_a_required_element_fault() -> None:
    body = body_276()
    body[9] = ["NM1", "IL", "1", "DOE", "JANE"]
    fault = _fault(body)
    assert (fault.segment_id, fault.element_position, fault.code) == ("NM1", 9, "1")


def test_an_impossible_dependent_birth_date_is_e0_158_qc() -> None:
    body = body_276()
    body[26] = ["DMG", "D8", "20150231", "M"]
    assert list(read_276(interchange_276(body)).claims())[2].problems == (
        ClaimStatus("E0", "158", "QC"),
    )


def test_an_npi_failing_its_check_digit_is_answered_at_the_provider_without_patients() -> None:
    inquiry = read_276(interchange_276(body_276(npi="1234567890")))
    [provider] = inquiry.sources[0].receivers[0].providers
    assert provider.problems == (ClaimStatus("E0", "562", "1P"),)
    text = build_277(inquiry, answers(), at=ANSWERED_AT, control_number=5)
    assert "HL*3*2*19*0~NM1*1P*2*BLUEBONNET FAMILY MEDICINE*****XX*1234567890~" in text
    assert "TRN*1*STATUS1~STC*E0:562:1P*20261124~SE" in text
    assert [lv.hl_id for lv in read_277(text).levels] == ["1", "2", "3"]


def test_a_rejected_receiver_is_answered_at_2200b() -> None:
    inquiry = read_276(interchange_276())
    text = build_277(
        inquiry,
        answers(),
        at=ANSWERED_AT,
        control_number=6,
        receiver_statuses={"2": [ClaimStatus("E0", "24", "41")]},
    )
    assert "HL*2*1*21*0~NM1*41*2*CLEARINGHOUSE INC*****46*ETIN0042~TRN*2*STATUS1~" in text
    response = read_277(text)
    assert [lv.hl_id for lv in response.levels] == ["1", "2"]
    assert response.level("2").claims[0].statuses == (ClaimStatus("E0", "24", "41"),)


def test_an_answer_without_a_status_is_refused() -> None:
    with pytest.raises(ValueError, match="no status"):
        build_277(
            read_276(interchange_276()),
            {"4/1": ClaimStatusAnswer()},
            at=AT,
            control_number=7,
        )


def test_a_line_without_units_is_refused() -> None:
    line = LineStatus((PAID,), "99213", charge=Decimal(10))
    with pytest.raises(ValueError, match="SVC07"):
        build_277(
            read_276(interchange_276()),
            {"4/2": ClaimStatusAnswer((PAID,), lines=(line,))},
            at=AT,
            control_number=8,
        )


def test_other_delimiters_are_read_and_answered_in_kind() -> None:
    odd = Delimiters("|", "}", ">", "!")
    inquiry = read_276(interchange_276(delimiters=odd))
    assert list(inquiry.claims())[1].lines[0].modifiers == ("25",)
    text = build_277(inquiry, answers(), at=ANSWERED_AT, control_number=9)
    assert "SVC|HC>99213>25|150|0||||1!" in text
    assert "STC|F1>65|20261124||250|200|20261120||20261121|EFT-889|F1>1!" in text
    assert read_277(text).level("4").claims[1].answer.lines[0].modifiers == ("25",)


def test_delimiters_in_free_text_cannot_split_segments() -> None:
    answer = ClaimStatusAnswer((PAID,), payer_claim_number="A*B~C", check_number="9:9")
    text = build_277(read_276(interchange_276()), {"4/1": answer}, at=AT, control_number=10)
    claim = read_277(text).level("4").claims[0]
    assert (claim.answer.payer_claim_number, claim.answer.check_number) == ("A B C", "9 9")


def test_several_276_sets_are_read_with_receive_276() -> None:
    receipt = receive_276(interchange_276(sets=2))
    assert (receipt.errors, len(receipt.inquiries)) == ((), 2)
    with pytest.raises(X12SyntaxError, match="receive_276"):
        read_276(interchange_276(sets=2))


def _fault(body: list[list[str]]) -> X12SyntaxError:
    with pytest.raises(X12SyntaxError) as info:
        read_276(interchange_276(body))
    return info.value


def test_structural_faults_carry_what_a_999_needs() -> None:
    missing_bht = _fault(body_276()[1:])
    assert (missing_bht.segment_id, missing_bht.code, missing_bht.position_in_set) == (
        "BHT",
        "3",
        2,
    )
    body = body_276()
    body[0] = ["BHT", "0010", "08", "STATUS1", "20261124", "0930"]
    assert (_fault(body).element_position, _fault(body).code) == (2, "7")
    body = body_276()
    body[7] = ["HL", "4", "9", "22", "1"]
    assert (_fault(body).segment_id, _fault(body).element_position) == ("HL", 2)
    body = body_276()
    body[13] = ["AMT", "T3", "25O.00"]
    assert (_fault(body).segment_id, _fault(body).element_position, _fault(body).code) == (
        "AMT",
        2,
        "6",
    )
    body = [s for s in body_276() if s[:3] != ["TRN", "1", "CS-0003"]]
    assert _fault(body).segment_id == "REF"  # REF before any TRN in the dependent loop
    body = [s for s in body_276() if s[:2] != ["NM1", "QC"]]
    assert (_fault(body).segment_id, _fault(body).code) == ("TRN", "2")  # TRN before any NM1


def test_a_dependent_without_claim_is_a_missing_trn() -> None:
    body = body_276()[:-4]  # the dependent HL keeps only its DMG and NM1
    fault = _fault(body)
    assert (fault.segment_id, fault.code) == ("TRN", "3")


def test_structural_faults_are_acknowledged_with_a_999() -> None:
    body = body_276()
    body[13] = ["AMT", "T3", "lots"]
    text = interchange_276(body)
    receipt = receive_276(text)
    assert receipt.inquiries == ()
    kind, ack = acknowledge(text, list(receipt.errors), at=AT, control_number=11)
    assert kind == "999"
    [group] = read_999(ack)
    [answer] = group.sets
    assert answer.status == "R"
    assert [(note.segment_id, note.position) for note in answer.segments] == [("AMT", 15)]
    assert [(e.position, e.code) for e in answer.segments[0].elements] == [("2", "6")]


def test_a_non_276_set_in_a_claim_status_group_is_refused() -> None:
    text = interchange_276(set_id="277")
    receipt = receive_276(text)
    assert [e.set_code for e in receipt.errors] == ["6"]  # a 277 in an HR group
    assert acknowledge(text, list(receipt.errors), at=AT, control_number=12)[0] == "999"


def test_code_tables_speak_in_words() -> None:
    assert STATUS_CATEGORIES["F1"] == "Finalized/Payment"
    assert STATUS_CATEGORIES["A4"] == "Acknowledgement/Not Found"
    assert STATUS_CODES["35"] == "Claim/encounter not found"
    assert ClaimStatus("D0", "35").category_words == "Data Search Unsuccessful"
    assert ClaimStatus("E0", "187").code_words == "Date(s) of service"
    assert ClaimStatus("ZZ", "99999").code_words == "Unknown status"
    assert len(STATUS_CATEGORIES) >= 30
    assert len(STATUS_CODES) >= 30


def _samples(kind: str) -> list[Path]:
    folder = SAMPLES / kind
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.exists() else []


@pytest.mark.skipif(not (SAMPLES / "276_005010X212").exists(), reason="no public samples")
def test_the_public_276_samples_read_and_are_answered() -> None:
    files = _samples("276_005010X212")
    assert files
    for path in files:
        receipt = receive_276(path.read_bytes())
        assert receipt.errors == ()
        [inquiry] = receipt.inquiries
        response = read_277(build_277(inquiry, {}, at=AT, control_number=13))
        assert response.reference == inquiry.reference == "ABC276XXX"
        # The guide's example NPIs (1666666661 and kin) fail the check digit, so every
        # example is answered at the provider level with E0:562:1P.
        providers = [lv for lv in response.levels if lv.level == "19"]
        assert providers
        assert all(lv.claims[0].statuses == (ClaimStatus("E0", "562", "1P"),) for lv in providers)


@pytest.mark.skipif(not (SAMPLES / "276_005010X212").exists(), reason="no public samples")
def test_the_public_276_claim_and_line_inquiries_are_read() -> None:
    inquiry = read_276((SAMPLES / "276_005010X212" / "claim-level-status.276").read_bytes())
    claims = list(inquiry.claims())
    assert [c.trace.reference for c in claims] == ["ABCXYZ1", "ABCXYZ2", "ABCXYZ3"]
    assert (claims[0].bill_type, claims[0].total_charge) == ("111", Decimal("8513.88"))
    assert [line.procedure_code for line in claims[2].lines] == ["99203"]


@pytest.mark.skipif(not (SAMPLES / "277_005010X212").exists(), reason="no public samples")
def test_the_public_277_samples_are_read() -> None:
    files = _samples("277_005010X212")
    assert files
    for path in files:
        response = read_277(path.read_bytes())
        assert response.reference == "277X212"
        assert response.claims()
    claim_level = read_277((SAMPLES / "277_005010X212" / "claim-level-status.277").read_bytes())
    [dependent_claim] = claim_level.level("8").claims
    assert dependent_claim.statuses == (ClaimStatus("F2", "88", "QC"),)
    assert dependent_claim.answer.lines[0].procedure_code == "99203"
    ncpdp = read_277((SAMPLES / "277_005010X212" / "claim-level-status-ncpdp.277").read_bytes())
    assert ncpdp.claims()[0].statuses == (ClaimStatus("F2", "80", "", "RX"),)


VALID = interchange_276()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_give_an_inquiry_or_an_x12_syntax_error(data: bytes) -> None:
    with contextlib.suppress(X12SyntaxError):
        read_276(data)
    receipt = receive_276(data)
    kind, text = acknowledge(data, list(receipt.errors), at=AT, control_number=1)
    assert kind in ("999", "TA1")
    assert text.startswith("ISA")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited(VALID))
def test_mutated_276s_give_an_inquiry_or_an_x12_syntax_error_and_a_999(text: str) -> None:
    with contextlib.suppress(X12SyntaxError):
        inquiry = read_276(text)
        read_277(build_277(inquiry, {}, at=AT, control_number=2))
    assert_sound_acknowledgment(text, receive_276(text).errors)


needs_pyx12 = pytest.mark.skipif(
    importlib.util.find_spec("pyx12") is None, reason="pyx12 is not installed"
)


@pytest.fixture(scope="module")
def pyx12_maps(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.interop.pyx12_check import repaired_maps

    return repaired_maps(tmp_path_factory.mktemp("pyx12-maps"))


@needs_pyx12
def test_pyx12_finds_no_error_in_the_277(pyx12_maps: Path) -> None:
    from tests.interop.pyx12_check import pyx12_errors

    text = build_277(read_276(interchange_276()), answers(), at=ANSWERED_AT, control_number=14)
    assert pyx12_errors(text, pyx12_maps) == []


@needs_pyx12
def test_pyx12_finds_no_error_in_a_277_of_rejections(pyx12_maps: Path) -> None:
    from tests.interop.pyx12_check import pyx12_errors

    body = body_276(service_date="20261399")
    body[26] = ["DMG", "D8", "20150231", "M"]
    inquiry = read_276(interchange_276(body))
    text = build_277(inquiry, {}, at=ANSWERED_AT, control_number=15)
    assert "TRN*2*CS-0001~STC*E0:187*" in text
    assert "TRN*2*CS-0003~STC*E0:158:QC*" in text
    assert pyx12_errors(text, pyx12_maps) == []
    rejected = build_277(
        read_276(interchange_276(body_276(npi="1234567890"))),
        {},
        at=ANSWERED_AT,
        control_number=16,
        receiver_statuses={},
    )
    assert pyx12_errors(rejected, pyx12_maps) == []


@needs_pyx12
def test_pyx12_with_the_repaired_map_still_catches_a_defect(pyx12_maps: Path) -> None:
    from tests.interop.pyx12_check import pyx12_errors

    text = build_277(read_276(interchange_276()), answers(), at=ANSWERED_AT, control_number=17)
    broken = text.replace("STC*D0:35*", "STC*D0:35:ZQ*")
    assert any("STC01-03" in error for error in pyx12_errors(broken, pyx12_maps))


GOLDEN_277 = build_277(read_276(VALID), answers(), at=ANSWERED_AT, control_number=18)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=len(GOLDEN_277)), st.sampled_from("*~:^0A.-")),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_277s_give_a_response_or_an_x12_syntax_error(edits: list[tuple[int, str]]) -> None:
    text = GOLDEN_277
    for position, char in edits:
        text = text[:position] + char + text[position + 1 :]
    with contextlib.suppress(X12SyntaxError):
        read_277(text)
