"""Reading 270 inquiries and answering them with 271 responses (005010X279A1)."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healtheos.interop.x12 import (
    BenefitLine,
    DateRange,
    Delimiters,
    Member,
    Provider,
    Rejection,
    SubjectAnswer,
    X12SyntaxError,
    acknowledge,
    build_271,
    read_270,
    read_271,
    read_envelope,
    receive_270,
    tokenize,
)
from healtheos.interop.x12.eligibility import (
    INSURANCE_TYPES,
    REJECT_REASONS,
    insurance_type_for,
    npi_is_valid,
)
from healtheos.interop.x12.samples import generate_270_batch
from tests.interop.x12_fixtures import (
    AT,
    NPI,
    SAMPLES,
    assert_sound_acknowledgment,
    body_270,
    edited,
    interchange,
    replace_segment,
)

ANSWERED_AT = dt.datetime(2026, 11, 24, 9, 31)
GOLD = BenefitLine("1", "IND", ("30",), "HM", "GOLD HMO 250")


def answers() -> dict[str, SubjectAnswer]:
    return {
        "3": SubjectAnswer(
            member=Member(
                "DOE",
                "JANE",
                member_id="SUN000000001",
                group_number="GRP0042",
                group_name="BLUEBONNET ISD",
                address_lines=("12 ELM ST",),
                city="AUSTIN",
                state="TX",
                postal_code="78701",
                birth_date=dt.date(1980, 5, 17),
                gender="F",
            ),
            plan_begin=dt.date(2026, 1, 1),
            plan_end=dt.date(2026, 12, 31),
            eligibility_begin=dt.date(2024, 3, 1),
            service_dates=DateRange(dt.date(2026, 11, 24), dt.date(2026, 11, 24)),
            benefits=(
                GOLD,
                BenefitLine("B", "IND", ("98",), "HM", "", "27", Decimal("25.00"), in_network="Y"),
                BenefitLine("A", "IND", ("98",), percent=Decimal("0.2"), in_network="N"),
                BenefitLine("C", "FAM", ("30",), "", "GOLD HMO 250", "23", Decimal("500")),
                BenefitLine("C", "FAM", ("30",), "", "GOLD HMO 250", "29", Decimal("312.5")),
                BenefitLine(
                    "L",
                    messages=("PCP assignment effective 2026-01-01",),
                    provider=Provider("WELBY", "MARCUS", npi=NPI),
                ),
            ),
        ),
        "4": SubjectAnswer(rejections=(Rejection("67", "N", True),)),
    }


def test_it_reads_envelope_bht_and_hierarchy() -> None:
    inquiry = read_270(interchange())
    assert (inquiry.sender_qualifier, inquiry.sender_id) == ("ZZ", "CLEARINGHOUSE")
    assert (inquiry.receiver_id, inquiry.interchange_control_number) == ("SUNTX", "000000017")
    assert (inquiry.application_sender, inquiry.group_control_number) == ("CLEARINGHOUSE", "17")
    assert (inquiry.set_control_number, inquiry.version, inquiry.usage) == (
        "0001",
        "005010X279A1",
        "P",
    )
    assert (inquiry.reference, inquiry.date, inquiry.time) == (
        "TRACE1",
        dt.date(2026, 11, 24),
        "0930",
    )
    [source] = inquiry.sources
    assert (source.hl_id, source.name.last, source.name.identifier) == (
        "1",
        "SUNRISE HEALTH",
        "SUNTX",
    )
    [receiver] = source.receivers
    assert (receiver.npi, receiver.name.last, receiver.problems) == (
        NPI,
        "BLUEBONNET FAMILY MEDICINE",
        (),
    )
    subscriber, dependent = receiver.subjects
    assert (subscriber.hl_id, subscriber.parent_id, subscriber.level) == ("3", "2", "22")
    assert (subscriber.member_id, subscriber.last_name, subscriber.first_name) == (
        "SUN000000001",
        "DOE",
        "JANE",
    )
    assert subscriber.reference("6P") == "GRP0042"
    assert (subscriber.birth_date, subscriber.gender) == (dt.date(1980, 5, 17), "F")
    assert subscriber.service_dates == DateRange(dt.date(2026, 11, 24), dt.date(2026, 11, 24))
    assert subscriber.service_types == ("30", "98")
    assert subscriber.traces[0].reference == "93175-012547"
    assert dependent.is_dependent
    assert dependent.subscriber == subscriber
    assert dependent.service_types == ("30",)  # no EQ: health benefit plan coverage
    assert dependent.service_dates == DateRange(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert dependent.traces[0].supplemental == "DEPT7"


def test_the_repetition_separator_declared_in_isa_is_honored() -> None:
    odd = Delimiters("|", "}", ">", "!")
    inquiry = read_270(interchange(delimiters=odd))
    assert next(inquiry.subjects()).service_types == ("30", "98")


def test_newlines_as_segment_terminator_and_between_segments_are_fine() -> None:
    assert read_270(interchange(delimiters=Delimiters("*", "^", ":", "\n"))).reference == "TRACE1"
    wrapped = interchange(newline=True).replace("~\n", "~\r\n ")
    assert len(list(read_270(wrapped).subjects())) == 2


def test_an_impossible_date_of_birth_is_a_subject_problem_58_not_a_crash() -> None:
    inquiry = read_270(interchange(body_270(dob="19800231")))
    subscriber = next(inquiry.subjects())
    assert subscriber.birth_date is None
    assert [(p.code, p.follow_up) for p in subscriber.problems] == [("58", "C")]


def test_no_member_id_and_no_name_is_problem_15() -> None:
    body = body_270()
    body[7] = ["NM1", "IL", "1"]
    subscriber = next(read_270(interchange(body)).subjects())
    assert [p.code for p in subscriber.problems] == ["15"]


def test_a_name_search_without_a_birth_date_is_problem_58() -> None:
    body = [s for s in body_270() if s[:2] != ["DMG", "D8"] or s[2] != "19800517"]
    body[7] = ["NM1", "IL", "1", "DOE", "JANE"]
    subscriber = next(read_270(interchange(body)).subjects())
    assert [p.code for p in subscriber.problems] == ["58"]


def test_a_bad_date_of_service_is_problem_57() -> None:
    body = body_270()
    body[10] = ["DTP", "291", "RD8", "20261130-20261101"]
    assert [p.code for p in next(read_270(interchange(body)).subjects()).problems] == ["57"]


def test_an_npi_with_a_wrong_check_digit_is_receiver_problem_43() -> None:
    body = body_270()
    body[4] = ["NM1", "1P", "2", "CLINIC", "", "", "", "", "XX", "1234567890"]
    [receiver] = read_270(interchange(body)).sources[0].receivers
    assert [p.code for p in receiver.problems] == ["43"]


def test_missing_bht_is_a_required_segment_fault_for_a_999() -> None:
    with pytest.raises(X12SyntaxError, match="BHT") as info:
        read_270(interchange(body_270()[1:]))
    assert (info.value.segment_id, info.value.code, info.value.position_in_set) == ("BHT", "3", 2)


def test_an_hl_whose_parent_points_nowhere_is_refused() -> None:
    body = body_270()
    body[5] = ["HL", "3", "9", "22", "1"]
    with pytest.raises(X12SyntaxError, match="HL02") as info:
        read_270(interchange(body))
    assert (info.value.segment_id, info.value.element_position, info.value.code) == ("HL", 2, "7")


def test_a_subject_without_nm1_is_a_required_segment_fault() -> None:
    body = [s for s in body_270() if s[:2] != ["NM1", "03"]]
    with pytest.raises(X12SyntaxError, match="NM1") as info:
        read_270(interchange(body))
    assert (info.value.segment_id, info.value.code) == ("NM1", "3")


def test_wrong_counts_are_raised_with_their_envelope_codes() -> None:
    with pytest.raises(X12SyntaxError) as info:
        read_270(replace_segment(interchange(), "SE*", "SE*5*0001"))
    assert info.value.set_code == "4"


def test_golden_270_to_271_round_trip() -> None:
    inquiry = read_270(interchange())
    text = build_271(inquiry, answers(), at=ANSWERED_AT, control_number=901)
    assert "EB*1*IND*30*HM*GOLD HMO 250~" in text
    assert "EB*A*IND*98*****.2****N~" in text
    assert "LS*2120~NM1*P3*1*WELBY*MARCUS****XX*1234567893~LE*2120~" in text
    response = read_271(text)
    assert (response.sender_id, response.receiver_id) == ("SUNTX", "CLEARINGHOUSE")
    assert response.interchange_control_number == "000000901"
    assert response.reference == "TRACE1"
    assert [(lv.hl_id, lv.parent_id, lv.level) for lv in response.levels] == [
        ("1", "", "20"),
        ("2", "1", "21"),
        ("3", "2", "22"),
        ("4", "3", "23"),
    ]
    subscriber = response.level("3")
    assert [(t.type_code, t.reference, t.originator) for t in subscriber.traces] == [
        ("2", "93175-012547", "9877281234")
    ]
    assert subscriber.name is not None
    assert subscriber.name.identifier == "SUN000000001"
    assert subscriber.references == (("6P", "GRP0042"),)
    assert subscriber.date("346") == DateRange(dt.date(2026, 1, 1), dt.date(2026, 1, 1))
    assert subscriber.date("347") is not None
    assert subscriber.date("356") is not None
    assert [b.information for b in subscriber.benefits] == ["1", "B", "A", "C", "C", "L"]
    assert subscriber.benefits[1].amount == Decimal("25")
    assert subscriber.benefits[2].percent == Decimal(".2")
    assert subscriber.benefits[4].time_period == "29"
    pcp = subscriber.benefits[5]
    assert pcp.provider is not None
    assert pcp.provider.npi == NPI
    assert pcp.messages == ("PCP assignment effective 2026-01-01",)
    dependent = response.level("4")
    assert dependent.traces[0].supplemental == "DEPT7"
    assert [(r.code, r.follow_up, r.valid_request) for r in dependent.rejections] == [
        ("67", "N", True)
    ]
    assert dependent.name is not None
    assert dependent.name.identifier == ""


def test_the_271_repeats_service_types_with_the_270s_repetition_separator() -> None:
    odd = Delimiters("|", "}", ">", "!")
    inquiry = read_270(interchange(delimiters=odd))
    line = BenefitLine("B", "IND", ("98", "UC"), "HM", "", "27", Decimal(30))
    text = build_271(inquiry, {"3": SubjectAnswer(benefits=(line,))}, at=AT, control_number=2)
    assert "EB|B|IND|98}UC|HM||27|30!" in text
    assert read_271(text).level("3").benefits[0].service_types == ("98", "UC")


def test_a_rejected_receiver_is_answered_at_2100b_without_its_subjects() -> None:
    inquiry = read_270(interchange())
    text = build_271(
        inquiry,
        {},
        at=AT,
        control_number=3,
        receiver_rejections={"2": [Rejection("51", "N", True)]},
    )
    response = read_271(text)
    assert [lv.hl_id for lv in response.levels] == ["1", "2"]
    assert [r.code for r in response.level("2").rejections] == ["51"]
    assert "HL*2*1*21*0~" in text


def test_reading_problems_become_aaa_segments_in_the_271() -> None:
    inquiry = read_270(interchange(body_270(dob="19801340")))
    response = read_271(build_271(inquiry, answers(), at=AT, control_number=4))
    assert [(r.code, r.follow_up, r.valid_request) for r in response.level("3").rejections] == [
        ("58", "C", False)
    ]


def test_a_subject_without_an_answer_is_unable_to_respond_now() -> None:
    inquiry = read_270(interchange())
    response = read_271(build_271(inquiry, {}, at=AT, control_number=5))
    assert response.level("3").rejections == ()  # it carries a dependent
    assert [r.code for r in response.level("4").rejections] == ["42"]


def test_eb05_is_required_for_coverage_of_service_type_30() -> None:
    inquiry = read_270(interchange())
    with pytest.raises(ValueError, match="EB05"):
        build_271(
            inquiry,
            {"3": SubjectAnswer(benefits=(BenefitLine("1", "IND", ("30",)),))},
            at=AT,
            control_number=6,
        )


@pytest.mark.parametrize(
    "line",
    [
        BenefitLine("A", percent=Decimal(20)),
        BenefitLine("B", authorization_required="maybe"),
        BenefitLine("B", in_network="X"),
        BenefitLine("B", provider=Provider("WELBY")),
    ],
)
def test_benefit_lines_the_guide_forbids_are_refused(line: BenefitLine) -> None:
    inquiry = read_270(interchange())
    with pytest.raises(ValueError, match="EB"):
        build_271(inquiry, {"3": SubjectAnswer(benefits=(line,))}, at=AT, control_number=6)


def test_delimiters_in_free_text_cannot_split_segments() -> None:
    inquiry = read_270(interchange())
    member = Member("O*BRIEN~", "ANN:E", member_id="X1")
    text = build_271(inquiry, {"3": SubjectAnswer(member=member)}, at=AT, control_number=7)
    name = read_271(text).level("3").name
    assert name is not None
    assert (name.last, name.first) == ("O BRIEN", "ANN E")


def test_a_batch_of_many_subjects_reads_in_order() -> None:
    inquiry = read_270(generate_270_batch(2_000, seed=7))
    subjects = list(inquiry.subjects())
    assert len(subjects) == 2_000
    assert all(not s.problems for s in subjects)
    assert all(npi_is_valid(r.npi) for r in inquiry.sources[0].receivers)
    assert sum(s.is_dependent for s in subjects) > 300
    text = build_271(inquiry, {}, at=AT, control_number=8)
    assert len(read_271(text).levels) == 1 + len(inquiry.sources[0].receivers) + 2_000


def test_the_batch_generator_is_deterministic() -> None:
    assert generate_270_batch(50, seed=3) == generate_270_batch(50, seed=3)
    assert generate_270_batch(50, seed=3) != generate_270_batch(50, seed=4)


def test_several_270_sets_are_read_with_receive_270() -> None:
    receipt = receive_270(interchange(sets=3))
    assert receipt.errors == ()
    assert len(receipt.inquiries) == 3
    with pytest.raises(X12SyntaxError, match="receive_270"):
        read_270(interchange(sets=3))


def test_code_tables_speak_in_words() -> None:
    assert REJECT_REASONS["58"] == "Invalid/missing date of birth"
    assert Rejection("75").reason == "Subscriber/insured not found"
    assert insurance_type_for("HMO") == "HM"
    assert insurance_type_for("medicaid") == "MC"
    assert insurance_type_for("QM") == "QM"
    assert insurance_type_for("spaceship") == "OT"
    assert INSURANCE_TYPES["C1"] == "Commercial"


def _samples(kind: str) -> list[Path]:
    folder = SAMPLES / kind
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.exists() else []


@pytest.mark.skipif(not (SAMPLES / "270_005010X279A1").exists(), reason="no public samples")
def test_the_public_270_samples_read_without_crashing() -> None:
    files = _samples("270_005010X279A1")
    assert files
    for path in files:
        receipt = receive_270(path.read_bytes())
        for inquiry in receipt.inquiries:
            text = build_271(inquiry, {}, at=AT, control_number=9)
            assert read_271(text).reference == inquiry.reference
        assert receipt.inquiries or receipt.errors


@pytest.mark.skipif(not (SAMPLES / "271_005010X279A1").exists(), reason="no public samples")
def test_the_public_271_samples_read_or_report_their_known_defects() -> None:
    for path in _samples("271_005010X279A1"):
        segments, delimiters = tokenize(path.read_bytes())
        _, errors = read_envelope(segments, delimiters)
        if errors:
            # One sample's SE02 does not match its ST02: reported with its 999 code.
            assert [(e.segment_id, e.set_code) for e in errors] == [("SE", "3")]
            with pytest.raises(X12SyntaxError, match="SE02"):
                read_271(path.read_bytes())
        else:
            assert read_271(path.read_bytes()).levels


VALID = interchange()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_give_an_inquiry_or_an_x12_syntax_error(data: bytes) -> None:
    with contextlib.suppress(X12SyntaxError):
        read_270(data)
    receipt = receive_270(data)
    kind, text = acknowledge(data, list(receipt.errors), at=AT, control_number=1)
    assert kind in ("999", "TA1")
    assert text.startswith("ISA")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited(VALID))
def test_mutated_270s_give_an_inquiry_or_an_x12_syntax_error_and_a_999(text: str) -> None:
    with contextlib.suppress(X12SyntaxError):
        inquiry = read_270(text)
        build_271(inquiry, {}, at=AT, control_number=2)
    assert_sound_acknowledgment(text, receive_270(text).errors)
