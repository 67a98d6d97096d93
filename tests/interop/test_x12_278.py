"""Reading 278 requests for review and answering them with 278 responses (005010X217)."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healtheos.interop.x12 import X12SyntaxError, acknowledge, read_999, read_ta1
from healtheos.interop.x12.eligibility.segments import DateRange, Rejection
from healtheos.interop.x12.services_review import (
    ACTION_CODES,
    REJECT_REASONS,
    Decision,
    ServiceDecision,
    build_278_response,
    read_278,
    read_278_response,
    receive_278,
)
from tests.interop.x12_278_fixtures import (
    ANSWERED_AT,
    DECEMBER,
    GOLDEN,
    NPI,
    SERVICING_NPI,
    request_text,
)

APPROVED = Decision(
    "A1",
    "AUTH0001",
    tracking_number="PA2026000001",
    valid=DECEMBER,
    issued=dt.date(2026, 11, 24),
)


def answer(text: str, decision: Decision | None, **kwargs: object) -> str:
    request = read_278(text)
    return build_278_response(
        request,
        decision,
        at=ANSWERED_AT,
        control_number=41,
        **kwargs,  # type: ignore[arg-type]
    )


def ack(text: str) -> tuple[str, str]:
    receipt = receive_278(text)
    return acknowledge(
        text, list(receipt.errors), envelope=receipt.envelope, at=ANSWERED_AT, control_number=9
    )


# -- reading -----------------------------------------------------------------------------


def test_it_reads_the_umo_requester_subscriber_event_and_services() -> None:
    request = read_278(request_text())
    assert (request.reference, request.version, request.set_control_number) == (
        "REQ20261124A",
        "005010X217",
        "0001",
    )
    assert request.umo.name.identifier == "SUNTX"
    assert request.requester.npi == NPI
    assert request.requester.taxonomy == "207Q00000X"
    assert (request.subscriber.member_id, request.subscriber.birth_date) == (
        "SUN000000001",
        dt.date(1980, 5, 17),
    )
    assert request.dependent is None
    assert request.patient is request.subscriber
    event = request.event
    assert (event.review.category, event.review.certification_type) == ("HS", "I")
    assert (event.review.place_of_service, event.review.level_of_service) == ("11", "E")
    assert not event.expedited
    assert [(d.qualifier, d.code) for d in event.diagnoses] == [("ABK", "M545"), ("ABF", "M5416")]
    assert [t.reference for t in request.traces()] == ["CLH-278-0001", "CLH-278-0001-1"]
    servicing = event.servicing_provider()
    assert servicing is not None
    assert servicing.npi == SERVICING_NPI
    first, second = event.services
    assert (first.procedure_code, first.units, first.service_dates) == (
        "72148",
        Decimal(1),
        DECEMBER,
    )
    assert (second.procedure_code, second.modifiers, second.units) == (
        "97110",
        ("GP",),
        Decimal(12),
    )
    assert not request.problems
    assert not request.is_inquiry


def test_urgent_and_emergency_levels_of_service_are_expedited() -> None:
    assert read_278(request_text(level_of_service="U")).event.expedited
    assert read_278(request_text(level_of_service="03")).event.expedited


def test_a_dependent_patient_is_read_under_the_subscriber() -> None:
    request = read_278(request_text(dependent=("DOE", "JOHNNY", dt.date(2015, 3, 1))))
    assert request.dependent is not None
    assert request.patient.name.first == "JOHNNY"
    assert request.patient.birth_date == dt.date(2015, 3, 1)
    assert request.event.parent_id == request.dependent.hl_id


def test_a_request_quoting_the_tracking_number_is_an_inquiry() -> None:
    request = read_278(request_text(tracking_number="PA2026000001", services=()))
    assert request.is_inquiry
    assert request.event.tracking_number == "PA2026000001"


def test_an_institutional_service_with_a_revenue_code_is_read() -> None:
    text = request_text().replace("SV1*HC:72148**UN*1", "SV2*0450*HC:72148*1200*UN*1")
    service = read_278(text).event.services[0]
    assert (service.revenue_code, service.procedure_code, service.charge) == (
        "0450",
        "72148",
        Decimal(1200),
    )


# -- data problems are AAA segments --------------------------------------------------------


def test_an_impossible_birth_date_is_answered_with_aaa_58_at_the_subscriber() -> None:
    text = request_text().replace("DMG*D8*19800517", "DMG*D8*19801317")
    request = read_278(text)
    assert [r.code for r in request.problems["2010C"]] == ["58"]
    response = read_278_response(answer(text, None))
    assert [r.code for r in response.rejections["2010C"]] == ["58"]
    assert response.event is None


def test_an_npi_with_a_wrong_check_digit_is_answered_with_aaa_43_at_the_requester() -> None:
    text = request_text(requester_npi="1234567890")
    response = read_278_response(answer(text, APPROVED))
    assert [(r.code, r.follow_up) for r in response.rejections["2010B"]] == [("43", "C")]
    assert [level for _, _, level in response.levels] == ["20", "21"]


def test_a_diagnosis_that_is_no_icd10_code_is_aaa_af_at_the_event() -> None:
    text = request_text(diagnoses=("M54.5",))
    response = read_278_response(answer(text, APPROVED))
    assert [r.code for r in response.rejections["2000E"]] == ["AF"]
    assert response.event is not None
    assert response.event.action == ""
    assert response.services == []


def test_a_procedure_that_is_no_cpt_code_is_aaa_ag_on_its_service_only() -> None:
    text = request_text().replace("HC:97110:GP", "HC:9711:GP")
    response = read_278_response(answer(text, APPROVED))
    assert [r.code for r in response.rejections["2000F:6"]] == ["AG"]
    first, second = response.services
    assert first.action == "A1"
    assert second.action == ""


def test_subject_not_found_is_answered_at_2010c_without_the_event() -> None:
    text = request_text()
    response = read_278_response(answer(text, None, rejections={"2010C": [Rejection("75")]}))
    assert [(r.code, r.follow_up, r.valid_request) for r in response.rejections["2010C"]] == [
        ("75", "C", False)
    ]
    assert [level for _, _, level in response.levels] == ["20", "21", "22"]


def test_provider_not_on_file_is_answered_at_2010b() -> None:
    response = read_278_response(
        answer(request_text(), None, rejections={"2010B": [Rejection("51", "N", True)]})
    )
    assert [(r.code, r.follow_up, r.valid_request) for r in response.rejections["2010B"]] == [
        ("51", "N", True)
    ]


# -- structural faults are 999s ----------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "segment_id", "element", "code"),
    [
        ("UM*HS*I*3*11:B**E", "UM*XX*I*3*11:B**E", "UM", "1", "7"),
        ("UM*HS*I*3*11:B**E", "UM*HS*Q*3*11:B**E", "UM", "2", "7"),
        ("UM*HS*I*3*11:B**E", "UM*HS*I*3*11:B**Z", "UM", "6", "7"),
        ("BHT*0007*13", "BHT*0007*11", "BHT", "2", "7"),
        ("HL*3*2*22*1", "HL*3*9*22*1", "HL", "2", "7"),
        ("SV1*HC:72148**UN*1", "SV1*HC:72148**UN*one", "SV1", "4", "6"),
        ("NM1*IL*1*DOE*JANE****MI*SUN000000001", "NM1*IL*1*DOE*JANE", "NM1", "9", "1"),
        ("TRN*1*CLH-278-0001*", "TRN*3*CLH-278-0001*", "TRN", "1", "7"),
    ],
)
def test_structural_faults_are_acknowledged_with_a_999_naming_segment_and_element(
    old: str, new: str, segment_id: str, element: str, code: str
) -> None:
    text = request_text()
    assert old in text
    kind, out = ack(text.replace(old, new, 1))
    assert kind == "999"
    [group] = read_999(out)
    [acknowledged] = group.sets
    assert acknowledged.status == "R"
    [note] = acknowledged.segments
    assert note.segment_id == segment_id
    assert [(e.position, e.code) for e in note.elements] == [(element, code)]


def drop_segment(text: str, segment: str) -> str:
    count = text.split("~SE*")[1].split("*")[0]
    text = text.replace(segment + "~", "", 1)
    return text.replace(f"~SE*{count}*", f"~SE*{int(count) - 1}*")


def test_a_missing_um_is_a_required_segment_fault() -> None:
    text = drop_segment(request_text(), "UM*HS*I*3*11:B**E")
    [group] = read_999(ack(text)[1])
    assert [(n.segment_id, n.code) for n in group.sets[0].segments] == [("UM", "3")]


def test_a_missing_patient_event_is_a_required_loop_fault() -> None:
    text = request_text(services=(), servicing_npi="")
    text = drop_segment(text, "HL*4*3*EV*0")
    text = drop_segment(text, "TRN*1*CLH-278-0001*9CLEARHSE1")
    text = drop_segment(text, "UM*HS*I*3*11:B**E")
    text = drop_segment(text, "HI*ABK:M545*ABF:M5416")
    [group] = read_999(ack(text)[1])
    assert [(n.segment_id, n.code) for n in group.sets[0].segments] == [("HL", "3")]


def test_a_wrong_segment_count_is_ik5_4() -> None:
    text = request_text()
    count = text.split("~SE*")[1].split("*")[0]
    [group] = read_999(ack(text.replace(f"~SE*{count}*", f"~SE*{int(count) + 1}*"))[1])
    assert group.sets[0].status == "R"
    assert "4" in group.sets[0].codes


def test_an_unknown_version_is_refused_at_the_group() -> None:
    text = request_text().replace("005010X217", "005010X999")
    [group] = read_999(ack(text)[1])
    assert group.status == "R"
    assert "2" in group.codes


def test_a_broken_interchange_header_gets_a_ta1() -> None:
    kind, out = ack(request_text().replace("*00501*", "*00401*", 1))
    assert kind == "TA1"
    assert read_ta1(out).status == "R"


def test_another_transaction_set_is_refused_as_unsupported() -> None:
    text = request_text().replace("ST*278", "ST*270").replace("GS*HI", "GS*HS")
    receipt = receive_278(text)
    assert [e.set_code for e in receipt.errors] == ["1"]


# -- responses ---------------------------------------------------------------------------


def test_the_response_turns_the_envelope_around_and_echoes_traces_and_hierarchy() -> None:
    text = request_text()
    out = answer(text, APPROVED)
    assert "GS*HI*SUNTX*CLEARINGHOUSE*20261124*0931*41*X*005010X217~" in out
    assert "BHT*0007*11*REQ20261124A*20261124*0931*18~" in out
    response = read_278_response(out)
    assert [(h, p, c) for h, p, c in response.levels] == [
        ("1", "", "20"),
        ("2", "1", "21"),
        ("3", "2", "22"),
        ("4", "3", "EV"),
        ("5", "4", "SS"),
        ("6", "4", "SS"),
    ]
    assert response.event is not None
    assert response.event.echoed_traces == ["CLH-278-0001"]
    assert response.event.plan_traces == ["PA2026000001"]
    assert response.services[0].echoed_traces == ["CLH-278-0001-1"]
    assert (response.event.action, response.event.authorization_number) == ("A1", "AUTH0001")
    assert response.event.tracking_number == "PA2026000001"
    assert response.event.valid == DECEMBER


def test_a_partial_approval_states_the_approved_units_per_service() -> None:
    decision = Decision(
        "A2",
        "AUTH0002",
        tracking_number="PA2026000002",
        valid=DECEMBER,
        services={
            "6": ServiceDecision("A2", "AUTH0002", approved_units=Decimal(6), valid=DECEMBER)
        },
    )
    response = read_278_response(answer(request_text(), decision))
    assert [(s.action, s.approved_units) for s in response.services] == [("A2", ""), ("A2", "6")]


def test_a_denial_carries_its_reason_and_no_validity() -> None:
    decision = Decision(
        "A3", reason="MN01", tracking_number="PA2026000003", message="Not medically necessary"
    )
    response = read_278_response(answer(request_text(), decision))
    assert response.event is not None
    assert (response.event.action, response.event.reason, response.event.valid) == (
        "A3",
        "MN01",
        None,
    )
    assert response.event.message == "Not medically necessary"


def test_a_pended_answer_carries_the_tracking_number_without_a_certification() -> None:
    decision = Decision("A4", tracking_number="PA2026000004")
    out = answer(request_text(), decision)
    response = read_278_response(out)
    assert response.event is not None
    assert (response.event.action, response.event.authorization_number) == ("A4", "")
    assert response.event.tracking_number == "PA2026000004"
    assert "BHT*0007*11*REQ20261124A*20261124*0931~" in out  # more to follow


def test_an_unknown_action_code_is_refused() -> None:
    with pytest.raises(ValueError, match="action code"):
        Decision("A9")


def test_delimiters_in_free_text_cannot_split_segments() -> None:
    decision = Decision("A3", reason="X*Y", message="see~letter*now")
    out = answer(request_text(), decision)
    assert "MSG*see letter now~" in out
    assert "HCR*A3**X Y~" in out


def test_code_tables_speak_in_words() -> None:
    assert ACTION_CODES["A4"] == "Pended"
    assert REJECT_REASONS["75"] == "Subscriber/insured not found"


# -- golden pairs --------------------------------------------------------------------------

GOLDEN_CASES = {
    "approved": ({}, APPROVED, None),
    "partially-approved": (
        {},
        Decision(
            "A2",
            "AUTH0002",
            tracking_number="PA2026000002",
            valid=DECEMBER,
            services={
                "6": ServiceDecision("A2", "AUTH0002", approved_units=Decimal(6), valid=DECEMBER)
            },
        ),
        None,
    ),
    "denied": (
        {"level_of_service": "U"},
        Decision(
            "A3", reason="MN01", tracking_number="PA2026000003", message="Not medically necessary"
        ),
        None,
    ),
    "pended": ({}, Decision("A4", tracking_number="PA2026000004"), None),
    "dependent-approved": (
        {"dependent": ("DOE", "JOHNNY", dt.date(2015, 3, 1)), "birth_date": None},
        APPROVED,
        None,
    ),
    "subscriber-not-found": ({}, None, {"2010C": [Rejection("75")]}),
    "inquiry-approved": (
        {"tracking_number": "PA2026000001", "services": (), "reference": "INQ1"},
        APPROVED,
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden_request_and_response_pairs(name: str) -> None:
    changes, decision, rejections = GOLDEN_CASES[name]
    request = request_text(**changes)  # type: ignore[arg-type]
    response = answer(request, decision, rejections=rejections)
    pair = {f"{name}.278": request, f"{name}-response.278": response}
    if os.environ.get("HEALTHEOS_UPDATE_GOLDEN"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for file_name, text in pair.items():
            (GOLDEN / file_name).write_text(text.replace("~", "~\n"))
    for file_name, text in pair.items():
        assert (GOLDEN / file_name).read_text() == text.replace("~", "~\n"), file_name
    # The golden request reads back (newlines between segments are allowed).
    assert read_278((GOLDEN / f"{name}.278").read_text()).reference == read_278(request).reference
    assert ack(request)[0] == "999"
    assert read_999(ack(request)[1])[0].status == "A"


# -- nothing but X12 faults, whatever comes in --------------------------------------------

VALID = request_text(dependent=("DOE", "JOHNNY", dt.date(2015, 3, 1)))
SEGMENTS = VALID.split("~")[:-1]
CHARACTERS = st.sampled_from(list("*:~^|>0159AZ.-+ \n\x00é"))


@st.composite
def damaged(draw: st.DrawFn) -> str:
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["replace", "insert", "delete", "segment"]))
        if kind == "segment":
            segments = text.split("~")
            index = draw(st.integers(0, len(segments) - 1))
            action = draw(st.sampled_from(["drop", "duplicate", "foreign"]))
            if action == "drop":
                del segments[index]
            elif action == "duplicate":
                segments.insert(index, segments[index])
            else:
                segments.insert(index, draw(st.sampled_from(SEGMENTS)))
            text = "~".join(segments)
            continue
        if not text:
            break
        position = draw(st.integers(0, len(text) - 1))
        if kind == "replace":
            text = text[:position] + draw(CHARACTERS) + text[position + 1 :]
        elif kind == "insert":
            text = text[:position] + draw(st.text(CHARACTERS, max_size=4)) + text[position:]
        else:
            text = text[:position] + text[position + draw(st.integers(1, 12)) :]
    return text


def _answer_everything(text: str | bytes) -> None:
    receipt = receive_278(text)
    assert all(isinstance(error, X12SyntaxError) for error in receipt.errors)
    if receipt.errors or not receipt.requests:
        kind, out = acknowledge(
            text, list(receipt.errors), envelope=receipt.envelope, at=ANSWERED_AT, control_number=3
        )
        if kind == "999":
            assert read_999(out)
        else:
            assert read_ta1(out).status in ("A", "E", "R")
        return
    for request in receipt.requests:
        for decision in (APPROVED, Decision("A4", tracking_number="PA1"), None):
            out = build_278_response(
                request,
                decision,
                at=ANSWERED_AT,
                control_number=3,
                rejections=None if decision else {"2010C": [Rejection("75")]},
            )
            assert read_278_response(out).purpose == "11"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_mutated_278s_give_a_response_or_a_999_never_an_exception(text: str) -> None:
    _answer_everything(text)


def test_a_line_break_inside_an_isa_element_is_refused_with_the_element() -> None:
    """Found by the fuzzer: the ISA's place is checked on the raw text, and a line break in
    ISA07 was then dropped with the others, leaving a one-character qualifier that the
    answer's own ISA copied (and so broke)."""
    text = request_text()
    isa = text.split("~", 1)[0].split("*")
    isa[7] = "\nZ"
    damaged = "*".join(isa) + "~" + text.split("~", 1)[1]
    receipt = receive_278(damaged)
    assert receipt.errors
    assert receipt.errors[0].element_position == 7
    assert "ISA07 has 1 character(s); it must have exactly 2." in str(receipt.errors[0])
    _answer_everything(damaged)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_give_a_ta1_or_999_never_an_exception(data: bytes) -> None:
    _answer_everything(data)


def test_valid_dates_survive_a_round_trip() -> None:
    one_day = Decision("A1", "AUTH9", valid=DateRange(dt.date(2026, 12, 2), dt.date(2026, 12, 2)))
    response = read_278_response(answer(request_text(), one_day))
    assert response.event is not None
    assert response.event.valid == one_day.valid
