"""``POST /x12/v1/realtime`` for prior authorization: a 278 request is stored through the
same service as the portal's form and answered with a 278 response; a later 278 quoting
the tracking number returns the decision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healtheos.apiclients.services import apiclient_create, token_issue
from healtheos.authorizations.models import AuthorizationStatus, PriorAuthorization
from healtheos.authorizations.services import authorization_decide
from healtheos.edi.models import Exchange
from healtheos.interop.x12 import read_999
from healtheos.interop.x12.core_envelope import build_multipart, parse_core_response
from healtheos.interop.x12.eligibility.segments import DateRange, Rejection
from healtheos.interop.x12.services_review import (
    RequestedService,
    RequestSpec,
    build_278_request,
    read_278_response,
)
from tests.conftest import OfficeWorld, World
from tests.eligibility.conftest import Family, family

__all__ = ["family"]

URL = "/x12/v1/realtime"
AT = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.UTC)
DECEMBER = DateRange(dt.date(2026, 12, 10), dt.date(2026, 12, 31))
SCOPE = "authorizations"


def token_for(world: World, office: OfficeWorld, scopes: list[str] | None = None) -> str:
    client, _ = apiclient_create(
        office=office.office, actor=world.alice, name="PM", scopes=scopes or [SCOPE]
    )
    raw, _ = token_issue(client=client, scopes=scopes or [SCOPE])
    return raw


@pytest.fixture
def token(world: World) -> str:
    return token_for(world, world.bluebonnet)


def spec(office: OfficeWorld, **changes: Any) -> RequestSpec:
    member = office.member
    values: dict[str, Any] = {
        "reference": "REQ-0001",
        "trace": "TRN-0001",
        "member_id": member.member_id,
        "subscriber_last": member.last_name.upper(),
        "subscriber_first": member.first_name.upper(),
        "birth_date": member.birth_date,
        "requester_npi": office.practitioner.npi,
        "requester_name": "BLUEBONNET FAMILY MEDICINE",
        "diagnoses": ("G43909",),
        "services": (
            RequestedService("70551", Decimal(1), DECEMBER),
            RequestedService("97110", Decimal(12), DECEMBER),
        ),
        "servicing_npi": office.practitioner.npi,
        "servicing_name": "IMAGING",
    }
    values.update(changes)
    return RequestSpec(**values)


def text_278(office: OfficeWorld, **changes: Any) -> str:
    return build_278_request(spec(office, **changes), at=AT.replace(tzinfo=None))


def post(token: str, text: str) -> Any:
    return Client().post(
        URL, data=text, content_type="application/edi-x12", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def stored(office: OfficeWorld) -> list[PriorAuthorization]:
    return list(
        PriorAuthorization.objects.for_office(office.office).filter(channel="x12").order_by("pk")
    )


def test_a_278_is_stored_and_answered_pended_with_its_tracking_number(
    world: World, token: str
) -> None:
    response = post(token, text_278(world.bluebonnet))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/edi-x12"
    answer = read_278_response(response.content)
    [request] = stored(world.bluebonnet)
    assert request.status == AuthorizationStatus.SUBMITTED
    assert request.urgency == "standard"
    assert request.diagnosis_codes == ["G43.909"]
    assert [(s.procedure_code, s.requested_units) for s in request.services.order_by("pk")] == [
        ("70551", 1),
        ("97110", 12),
    ]
    assert answer.event is not None
    assert (answer.event.action, answer.event.tracking_number) == ("A4", request.tracking_number)
    assert answer.event.plan_traces == [request.tracking_number]
    assert answer.event.echoed_traces == ["TRN-0001"]
    exchange = Exchange.objects.for_office(world.bluebonnet.office).get()
    assert (exchange.transaction_set, exchange.response_set, exchange.outcome) == (
        "278",
        "278",
        "answered",
    )
    assert exchange.control_numbers["TRN02"] == "TRN-0001"


def test_the_same_278_sent_twice_is_one_request(world: World, token: str) -> None:
    first = read_278_response(post(token, text_278(world.bluebonnet)).content)
    second = read_278_response(post(token, text_278(world.bluebonnet)).content)
    assert len(stored(world.bluebonnet)) == 1
    assert first.event is not None
    assert second.event is not None
    assert first.event.tracking_number == second.event.tracking_number
    other = read_278_response(post(token, text_278(world.bluebonnet, trace="TRN-0002")).content)
    assert other.event is not None
    assert other.event.tracking_number != first.event.tracking_number
    assert len(stored(world.bluebonnet)) == 2


def test_an_urgent_278_is_expedited(world: World, token: str) -> None:
    post(token, text_278(world.bluebonnet, level_of_service="U"))
    [request] = stored(world.bluebonnet)
    assert request.urgency == "expedited"
    assert "UM06 U" in request.expedited_justification


def test_an_inquiry_returns_the_decision_with_the_portals_numbers(world: World, token: str) -> None:
    pended = read_278_response(post(token, text_278(world.bluebonnet)).content)
    assert pended.event is not None
    [request] = stored(world.bluebonnet)
    lines = list(request.services.order_by("pk"))
    authorization_decide(
        authorization=request,
        reviewer=world.petra,
        decision="partial",
        approved_units={lines[0].pk: 1, lines[1].pk: 6},
        reason_code="ALT_CARE",
        reason_text="Six visits first, then a review.",
    )
    request.refresh_from_db()
    inquiry = text_278(
        world.bluebonnet,
        reference="INQ-1",
        trace="TRN-INQ-1",
        tracking_number=pended.event.tracking_number,
    )
    answer = read_278_response(post(token, inquiry).content)
    assert answer.event is not None
    assert (answer.event.action, answer.event.authorization_number) == (
        "A2",
        request.authorization_number,
    )
    assert answer.event.reason == "ALT_CARE"
    assert answer.event.valid == DateRange(request.valid_from, request.valid_to)  # type: ignore[arg-type]
    assert [(s.action, s.approved_units) for s in answer.services] == [("A1", "1"), ("A2", "6")]
    assert len(stored(world.bluebonnet)) == 1  # an inquiry stores nothing


def test_an_inquiry_for_another_offices_tracking_number_is_not_found(world: World) -> None:
    prairie_token = token_for(world, world.prairie)
    prairie = world.prairie
    sent = post(prairie_token, text_278(prairie, umo_id=prairie.office.plan.payer_id))
    assert read_278_response(sent.content).rejections == {}
    theirs = PriorAuthorization.objects.for_office(prairie.office).filter(channel="x12").get()
    mine = token_for(world, world.bluebonnet)
    inquiry = text_278(world.bluebonnet, tracking_number=theirs.tracking_number, trace="T9")
    answer = read_278_response(post(mine, inquiry).content)
    assert [r.code for r in answer.rejections["2000E"]] == ["AA"]
    assert answer.event is not None
    assert answer.event.action == ""


def test_an_unknown_member_is_aaa_75_and_nothing_is_stored(world: World, token: str) -> None:
    unknown = world.bluebonnet.member.member_id[:-4] + "9999"
    answer = read_278_response(post(token, text_278(world.bluebonnet, member_id=unknown)).content)
    assert [r.code for r in answer.rejections["2010C"]] == ["75"]
    answer = read_278_response(post(token, text_278(world.bluebonnet, member_id="X1")).content)
    assert [r.code for r in answer.rejections["2010C"]] == ["72"]
    assert stored(world.bluebonnet) == []


def test_another_plans_member_is_not_found(world: World, token: str) -> None:
    other = world.prairie.member
    text = text_278(world.bluebonnet, member_id=other.member_id, birth_date=other.birth_date)
    answer = read_278_response(post(token, text).content)
    if world.prairie.office.plan_id != world.bluebonnet.office.plan_id:
        assert [r.code for r in answer.rejections["2010C"]] == ["75"]
    assert stored(world.bluebonnet) == [] or all(
        r.member_id != other.pk for r in stored(world.bluebonnet)
    )


def test_a_wrong_birth_date_is_aaa_71(world: World, token: str) -> None:
    text = text_278(world.bluebonnet, birth_date=dt.date(1901, 1, 2))
    answer = read_278_response(post(token, text).content)
    assert [r.code for r in answer.rejections["2010C"]] == ["71"]


def test_a_requesting_provider_not_on_file_is_aaa_51_at_2010b(world: World, token: str) -> None:
    text = text_278(world.bluebonnet, requester_npi="1245319599")
    answer = read_278_response(post(token, text).content)
    assert [r.code for r in answer.rejections["2010B"]] == ["51"]
    assert stored(world.bluebonnet) == []


def test_a_servicing_provider_not_on_file_is_aaa_51_where_it_is_named(
    world: World, token: str
) -> None:
    text = text_278(world.bluebonnet, servicing_npi="1245319599")
    answer = read_278_response(post(token, text).content)
    assert [r.code for r in answer.rejections["2010EA:SJ"]] == ["51"]


def test_a_service_outside_the_members_coverage_is_aaa_57_on_the_service(
    world: World, token: str
) -> None:
    old = DateRange(dt.date(1990, 1, 1), dt.date(1990, 1, 2))
    text = text_278(
        world.bluebonnet,
        services=(
            RequestedService("70551", Decimal(1), DECEMBER),
            RequestedService("97110", Decimal(1), old),
        ),
    )
    answer = read_278_response(post(token, text).content)
    assert answer.rejections == {"2000F:6": [Rejection("57", "C")]}
    assert [level for _, _, level in answer.levels] == ["20", "21", "22", "EV", "SS"]
    assert stored(world.bluebonnet) == []


def test_another_payers_identifier_is_aaa_79_at_the_umo(world: World, token: str) -> None:
    answer = read_278_response(post(token, text_278(world.bluebonnet, umo_id="OTHERPAYER")).content)
    assert [r.code for r in answer.rejections["2010A"]] == ["79"]


def test_invalid_x12_is_answered_with_a_999(world: World, token: str) -> None:
    text = text_278(world.bluebonnet).replace("UM*HS*I*3*11:B**E", "UM*ZZ*I*3*11:B**E")
    response = post(token, text)
    assert response.status_code == 200
    [group] = read_999(response.content)
    [note] = group.sets[0].segments
    assert (note.segment_id, note.elements[0].position) == ("UM", "1")
    assert stored(world.bluebonnet) == []


def test_a_token_without_the_scope_is_refused(world: World) -> None:
    eligibility_only = token_for(world, world.bluebonnet, ["eligibility"])
    response = post(eligibility_only, text_278(world.bluebonnet))
    assert response.status_code == 403
    assert "authorizations" in response.json()["detail"]


def test_two_278_sets_in_one_real_time_request_are_refused(world: World, token: str) -> None:
    text = build_278_request(
        spec(world.bluebonnet), at=AT.replace(tzinfo=None), sets=[spec(world.bluebonnet)]
    )
    assert post(token, text).status_code == 400


def test_the_core_envelope_carries_a_278_and_its_answer(world: World, token: str) -> None:
    fields = [
        ("PayloadType", b"X12_278_Request_005010X217E1_2"),
        ("ProcessingMode", b"RealTime"),
        ("PayloadID", b"7d0b2a4e-4b4e-4d7e-9f55-1c2f0e9d8a01"),
        ("TimeStamp", b"2026-12-04T09:30:00Z"),
        ("SenderID", b"CLEARINGHOUSE"),
        ("ReceiverID", b"SUNTX"),
        ("CORERuleVersion", b"2.2.0"),
        ("Payload", text_278(world.bluebonnet).encode()),
    ]
    content_type, body = build_multipart(fields)
    response = Client().post(
        URL, data=body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    parts = parse_core_response(response["Content-Type"], response.content)
    assert parts["PayloadType"] == b"X12_278_Response_005010X217E1_2"
    answer = read_278_response(parts["Payload"])
    assert answer.event is not None
    assert answer.event.tracking_number == stored(world.bluebonnet)[0].tracking_number


def test_a_dependent_is_found_by_name_and_birth_date_under_the_subscriber(
    world: World, family: Family, token: str
) -> None:
    child = family.child
    text = text_278(
        world.bluebonnet,
        dependent=(child.last_name.upper(), child.first_name.upper(), child.birth_date),
    )
    answer = read_278_response(post(token, text).content)
    assert answer.rejections == {}
    [request] = stored(world.bluebonnet)
    assert request.member_id == child.pk
    assert [level for _, _, level in answer.levels][:5] == ["20", "21", "22", "23", "EV"]


def test_an_unknown_dependent_is_aaa_67_at_2010d(world: World, family: Family, token: str) -> None:
    text = text_278(world.bluebonnet, dependent=("NOBODY", "AT ALL", family.child.birth_date))
    answer = read_278_response(post(token, text).content)
    assert [r.code for r in answer.rejections["2010D"]] == ["67"]


SEGMENTS = build_278_request(
    RequestSpec(
        reference="R",
        trace="T",
        member_id="M1",
        subscriber_last="A",
        subscriber_first="B",
        birth_date=dt.date(1980, 1, 1),
        requester_npi="1234567893",
        requester_name="X",
        diagnoses=("G43909",),
        services=(RequestedService("70551", Decimal(1), DECEMBER),),
    ),
    at=AT.replace(tzinfo=None),
).split("~")[:-1]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(st.integers(0, len(SEGMENTS) - 1), min_size=1, max_size=3),
    st.sampled_from(["drop", "garble", "duplicate"]),
)
def test_damaged_278s_through_the_endpoint_get_a_278_999_or_ta1_never_a_500(
    world: World, token: str, positions: list[int], damage: str
) -> None:
    segments = text_278(world.bluebonnet).split("~")[:-1]
    for position in positions:
        position = min(position, len(segments) - 1)
        if damage == "drop":
            del segments[position]
        elif damage == "garble":
            segments[position] = segments[position][:3] + "*?*" + segments[position][3:]
        else:
            segments.insert(position, segments[position])
        if not segments:
            break
    response = post(token, "~".join(segments) + "~")
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        kinds = {
            s.split("*")[1] for s in response.content.decode().split("~") if s.startswith("ST*")
        }
        kinds |= {"TA1"} if "TA1*" in response.content.decode() else set()
        assert kinds & {"278", "999", "TA1"}


def test_a_cancel_quoting_the_tracking_number_withdraws_an_open_request(
    world: World, token: str
) -> None:
    pended = read_278_response(post(token, text_278(world.bluebonnet)).content)
    assert pended.event is not None
    cancel = text_278(
        world.bluebonnet,
        trace="TRN-CANCEL",
        certification_type="3",
        tracking_number=pended.event.tracking_number,
    )
    answer = read_278_response(post(token, cancel).content)
    assert answer.event is not None
    assert answer.event.action == "C"
    [request] = stored(world.bluebonnet)
    assert request.status == AuthorizationStatus.WITHDRAWN
    # Once decided (withdrawn here), a second cancel changes nothing and says so.
    again = read_278_response(post(token, cancel).content)
    assert again.event is not None
    assert again.event.action == "C"
