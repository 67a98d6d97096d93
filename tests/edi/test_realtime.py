"""``POST /x12/v1/realtime`` for eligibility: 270 in, 271 (or 999/TA1) out, raw or in the
CAQH CORE envelope; the same facts as the portal; another office's member is not found."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healtheos.edi.models import Exchange
from healtheos.eligibility.models import Inquiry
from healtheos.interop.x12 import (
    Interchange,
    build_interchange,
    read_271,
    read_999,
)
from healtheos.interop.x12.core_envelope import build_multipart, parse_core_response
from tests.conftest import World
from tests.eligibility.conftest import Family
from tests.factories import api_token

URL = "/x12/v1/realtime"
AT = dt.datetime(2026, 12, 4, 9, 30)


@pytest.fixture
def token(world: World) -> str:
    return api_token(office=world.bluebonnet.office, actor=world.alice, scopes=["eligibility"])


def x12_270(
    world: World,
    family: Family,
    *,
    member_id: str = "",
    dob: str = "19800517",
    payer_id: str = "SUNTX",
    npi: str = "",
    dependent: bool = True,
) -> str:
    body = [
        ["BHT", "0022", "13", "REF-4711", "20261204", "0930"],
        ["HL", "1", "", "20", "1"],
        ["NM1", "PR", "2", "SUNRISE HEALTH", "", "", "", "", "PI", payer_id],
        ["HL", "2", "1", "21", "1"],
        ["NM1", "1P", "1", "DOE", "JO", "", "", "", "XX", npi or world.bluebonnet.practitioner.npi],
        ["HL", "3", "2", "22", "1" if dependent else "0"],
        ["TRN", "1", "TRACE-0001", "9877281234"],
        ["NM1", "IL", "1", "X", "Y", "", "", "", "MI", member_id or family.subscriber.member_id],
        ["DMG", "D8", dob],
        ["DTP", "291", "D8", "20261204"],
        ["EQ", "30"],
    ]
    if dependent:
        body += [
            ["HL", "4", "3", "23", "0"],
            ["TRN", "1", "TRACE-0002", "9877281234"],
            ["NM1", "03", "1", family.child.last_name.upper(), "ROBIN"],
            ["DMG", "D8", "20150302"],
            ["EQ", "98"],
        ]
    envelope = Interchange(
        "ZZ", "CLEARINGHOUSE", "ZZ", "SUNTX", 4711, "HS", "CLEARINGHOUSE", "SUNTX", "005010X279A1"
    )
    return build_interchange(envelope, [("270", body)], at=AT)


def post_raw(token: str, data: str | bytes) -> object:
    return Client().post(
        URL, data=data, content_type="application/edi-x12", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_a_270_is_answered_with_a_271_that_echoes_trace_and_hierarchy(
    world: World, family: Family, token: str
) -> None:
    response = post_raw(token, x12_270(world, family))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/edi-x12"
    answer = read_271(response.content)
    assert answer.reference == "REF-4711"
    subscriber, child = answer.level("3"), answer.level("4")
    assert subscriber.parent_id == "2"
    assert child.parent_id == "3"
    assert [(t.type_code, t.reference) for t in subscriber.traces] == [("2", "TRACE-0001")]
    assert [(t.type_code, t.reference) for t in child.traces] == [("2", "TRACE-0002")]
    assert subscriber.name is not None
    assert subscriber.name.identifier == family.subscriber.member_id
    codes = {(b.information, b.service_types, b.in_network) for b in subscriber.benefits}
    assert ("1", ("30",), "") in codes
    deductibles = [
        b for b in subscriber.benefits if b.information == "C" and b.coverage_level == "IND"
    ]
    assert {(b.time_period, b.amount, b.in_network) for b in deductibles} >= {
        ("23", Decimal("1000"), "Y"),
        ("29", Decimal("600"), "Y"),
    }
    copays = [b for b in child.benefits if b.information == "B" and b.service_types == ("98",)]
    assert [(c.amount, c.in_network) for c in copays] == [(Decimal("25"), "Y")]
    plan_line = next(b for b in subscriber.benefits if b.information == "1")
    assert plan_line.plan_description == family.coverage.benefit_plan.name


def test_the_271_states_the_same_facts_as_the_portal(
    world: World, family: Family, token: str
) -> None:
    page = world.client_for(world.frank).post(
        "/eligibility/", {"member_id": family.subscriber.member_id, "date_of_birth": "1980-05-17"}
    )
    assert "$600" in page.content.decode()
    answer = read_271(post_raw(token, x12_270(world, family, dependent=False)).content)
    remaining = next(
        b
        for b in answer.level("3").benefits
        if (b.information, b.time_period, b.coverage_level, b.in_network) == ("C", "29", "IND", "Y")
    )
    assert remaining.amount == Decimal("600")


def test_the_core_envelope_is_answered_in_the_same_envelope(
    world: World, family: Family, token: str
) -> None:
    payload_id = str(uuid.uuid4())
    fields = [
        ("PayloadType", b"X12_270_Request_005010X279A1"),
        ("ProcessingMode", b"RealTime"),
        ("PayloadID", payload_id.encode()),
        ("TimeStamp", b"2026-12-04T09:30:00Z"),
        ("SenderID", b"CLEARINGHOUSE"),
        ("ReceiverID", b"SUNTX"),
        ("CORERuleVersion", b"2.2.0"),
        ("Payload", x12_270(world, family).encode()),
    ]
    content_type, body = build_multipart(fields)
    response = Client().post(
        URL, data=body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    parts = parse_core_response(response["Content-Type"], response.content)
    assert parts["PayloadType"] == b"X12_271_Response_005010X279A1"
    assert parts["PayloadID"] == payload_id.encode()
    assert parts["ErrorCode"] == b"Success"
    assert read_271(parts["Payload"]).level("3").traces[0].reference == "TRACE-0001"
    exchange = Exchange.objects.for_office(world.bluebonnet.office).get()
    assert exchange.envelope == "core"
    assert exchange.payload_id == payload_id


def test_a_broken_core_envelope_gets_a_core_error(token: str, world: World) -> None:
    content_type, body = build_multipart([("PayloadType", b"X12_270_Request_005010X279A1")])
    response = Client().post(
        URL, data=body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 400
    parts = parse_core_response(response["Content-Type"], response.content)
    assert parts["ErrorCode"] not in (b"", b"Success")


@pytest.mark.parametrize(
    ("change", "level", "code"),
    [
        ({"member_id": "TM999999999"}, "3", "75"),
        ({"dob": "19800230"}, "3", "58"),
        ({"dob": "19811231"}, "3", "71"),
        ({"payer_id": "NOTUS"}, "1", "79"),
        ({"npi": "1000000004"}, "2", "51"),
    ],
)
def test_rejections_are_aaa_segments_at_the_right_level(
    world: World, family: Family, token: str, change: dict[str, str], level: str, code: str
) -> None:
    response = post_raw(token, x12_270(world, family, dependent=False, **change))
    assert response.status_code == 200
    answer = read_271(response.content)
    assert [r.code for r in answer.level(level).rejections] == [code]


def test_another_offices_member_is_not_found(world: World, family: Family, token: str) -> None:
    other = world.prairie.member
    response = post_raw(
        token,
        x12_270(
            world,
            family,
            member_id=other.member_id,
            dob=other.birth_date.strftime("%Y%m%d"),
            dependent=False,
        ),
    )
    level = read_271(response.content).level("3")
    assert [r.code for r in level.rejections] == ["75"]
    assert level.benefits == ()


def test_wrong_counts_get_a_999_that_names_the_segment_and_element(
    world: World, family: Family, token: str
) -> None:
    text = x12_270(world, family)
    start = text.index("~SE*") + 4
    end = text.index("*", start)
    broken = text[:start] + "99" + text[end:]
    response = post_raw(token, broken)
    assert response.status_code == 200
    (group,) = read_999(response.content)
    (set_ack,) = group.sets
    assert set_ack.status == "R"
    assert "4" in set_ack.codes
    assert any(note.segment_id == "SE" for note in set_ack.segments)
    assert Exchange.objects.for_office(world.bluebonnet.office).get().response_set == "999"


def test_something_that_is_not_x12_gets_a_ta1(token: str, world: World) -> None:
    response = post_raw(token, b"hello, is this the eligibility desk?")
    assert response.status_code == 200
    assert response.content.startswith(b"ISA")
    assert b"TA1" in response.content


def test_several_270_sets_in_one_real_time_request_are_refused(
    world: World, family: Family, token: str
) -> None:
    text = x12_270(world, family)
    segments = text.split("~")
    st_index = next(i for i, s in enumerate(segments) if s.startswith("ST*"))
    se_index = next(i for i, s in enumerate(segments) if s.startswith("SE*"))
    second = [s.replace("*0001", "*0002") for s in segments[st_index : se_index + 1]]
    ge = next(i for i, s in enumerate(segments) if s.startswith("GE*"))
    segments[ge] = segments[ge].replace("GE*1*", "GE*2*")
    doubled = segments[: se_index + 1] + second + segments[se_index + 1 :]
    response = post_raw(token, "~".join(doubled))
    assert response.status_code == 400
    assert "one 270 transaction set" in response.json()["detail"]


def test_it_needs_a_token_with_the_eligibility_scope(world: World, family: Family) -> None:
    assert post_raw("nope", x12_270(world, family)).status_code == 401
    raw = api_token(
        office=world.bluebonnet.office, actor=world.alice, scopes=["claims.read"], name="Claims"
    )
    response = post_raw(raw, x12_270(world, family))
    assert response.status_code == 403
    assert "eligibility" in response.json()["detail"]


def test_other_media_types_are_refused_clearly(token: str) -> None:
    response = Client().post(
        URL, data="{}", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"


def test_each_exchange_and_inquiry_is_logged_with_its_control_numbers(
    world: World, family: Family, token: str
) -> None:
    post_raw(token, x12_270(world, family))
    exchange = Exchange.objects.for_office(world.bluebonnet.office).get()
    assert exchange.transaction_set == "270"
    assert exchange.response_set == "271"
    assert exchange.outcome == "answered"
    assert exchange.control_numbers["ISA13"] == "000004711"
    assert exchange.control_numbers["BHT03"] == "REF-4711"
    assert "TRACE-0001" in exchange.control_numbers["TRN02"]
    assert exchange.duration_ms is not None
    inquiries = Inquiry.objects.for_office(world.bluebonnet.office).filter(channel="x12")
    assert inquiries.count() == 2
    assert {i.outcome for i in inquiries} == {"active"}
    assert inquiries.first().control_numbers["ST02"] == "0001"  # type: ignore[union-attr]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_270s_never_cause_a_server_error(
    world: World, family: Family, token: str, data: st.DataObject
) -> None:
    text = x12_270(world, family).encode()
    position = data.draw(st.integers(0, len(text) - 1))
    junk = data.draw(st.binary(min_size=0, max_size=8))
    mutated = text[:position] + junk + text[position + data.draw(st.integers(0, 8)) :]
    response = post_raw(token, mutated)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.content.startswith(b"ISA")


def test_a_set_the_endpoint_does_not_answer_gets_a_999_saying_so(
    world: World, family: Family, token: str
) -> None:
    text = x12_270(world, family).replace("ST*270*", "ST*834*").replace("GS*HS*", "GS*BE*")
    response = post_raw(token, text)
    assert response.status_code == 200
    (group,) = read_999(response.content)
    assert group.sets[0].status == "R"
    assert "1" in group.sets[0].codes
