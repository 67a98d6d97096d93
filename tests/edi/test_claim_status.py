"""``POST /x12/v1/realtime`` for claim status: 276 in, 277 out, for the office's claims."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healtheos.claims.models import Claim
from healtheos.edi.models import Exchange
from healtheos.interop.x12 import Interchange, build_interchange, read_277
from tests.conftest import World
from tests.factories import api_token

URL = "/x12/v1/realtime"
AT = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def token(world: World) -> str:
    return api_token(office=world.bluebonnet.office, actor=world.alice, scopes=["claims.read"])


def x12_276(
    world: World, claim: Claim, *, number: str = "", account: str = "", npi: str = ""
) -> str:
    member = claim.member
    reference = ["REF", "1K", number] if number else ["REF", "EJ", account]
    body = [
        ["BHT", "0010", "13", "STATUS9", "20261204", "0930"],
        ["HL", "1", "", "20", "1"],
        ["NM1", "PR", "2", "SUNRISE HEALTH", "", "", "", "", "PI", "SUNTX"],
        ["HL", "2", "1", "21", "1"],
        ["NM1", "41", "2", "CLEARINGHOUSE INC", "", "", "", "", "46", "ETIN0042"],
        ["HL", "3", "2", "19", "1"],
        [
            "NM1",
            "1P",
            "2",
            "BLUEBONNET",
            "",
            "",
            "",
            "",
            "XX",
            npi or world.bluebonnet.practitioner.npi,
        ],
        ["HL", "4", "3", "22", "0"],
        ["DMG", "D8", member.birth_date.strftime("%Y%m%d"), "F"],
        ["NM1", "IL", "1", member.last_name.upper(), "X", "", "", "", "MI", member.member_id],
        ["TRN", "1", "CS-0001"],
        reference,
        ["DTP", "472", "D8", claim.service_from.strftime("%Y%m%d")],
    ]
    envelope = Interchange(
        "ZZ", "CLEARINGHOUSE", "ZZ", "SUNTX", 812, "HR", "CLEARINGHOUSE", "SUNTX", "005010X212"
    )
    return build_interchange(envelope, [("276", body)], at=AT)


def post(token: str, text: str) -> object:
    return Client().post(
        URL, data=text, content_type="application/edi-x12", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_a_276_by_payer_claim_number_is_answered_with_the_claims_status(
    world: World, token: str
) -> None:
    claim = world.bluebonnet.claim
    Claim.objects.payer_wide().filter(pk=claim.pk).update(status="paid", paid_amount="150.00")
    response = post(token, x12_276(world, claim, number=claim.claim_number))
    assert response.status_code == 200
    answer = read_277(response.content)
    reported = [c for level in answer.levels for c in level.claims]
    assert len(reported) == 1
    assert reported[0].trace.reference == "CS-0001"
    status = reported[0].answer.statuses[0]
    assert (status.category, status.code) == ("F1", "65")
    assert reported[0].answer.payer_claim_number == claim.claim_number
    exchange = Exchange.objects.for_office(world.bluebonnet.office).get()
    assert (exchange.transaction_set, exchange.response_set) == ("276", "277")


def test_the_patient_account_number_finds_the_claim_too(world: World, token: str) -> None:
    claim = world.bluebonnet.claim
    answer = read_277(
        post(token, x12_276(world, claim, account=claim.patient_account_number)).content
    )
    (reported,) = [c for level in answer.levels for c in level.claims]
    assert reported.answer.statuses[0].category == "A1"


def test_another_offices_claim_is_not_found(world: World, token: str) -> None:
    other = world.prairie.claim
    answer = read_277(post(token, x12_276(world, other, number=other.claim_number)).content)
    (reported,) = [c for level in answer.levels for c in level.claims]
    assert (reported.answer.statuses[0].category, reported.answer.statuses[0].code) == ("D0", "35")


def test_a_provider_not_on_file_is_rejected_at_its_level(world: World, token: str) -> None:
    claim = world.bluebonnet.claim
    text = x12_276(world, claim, number=claim.claim_number, npi=world.prairie.practitioner.npi)
    answer = read_277(post(token, text).content)
    assert not [c for level in answer.levels for c in level.claims if c.answer.payer_claim_number]


def test_claim_status_needs_the_claims_scope(world: World) -> None:
    raw = api_token(
        office=world.bluebonnet.office, actor=world.alice, scopes=["eligibility"], name="Elig"
    )
    claim = world.bluebonnet.claim
    response = post(raw, x12_276(world, claim, number=claim.claim_number))
    assert response.status_code == 403


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_276s_are_answered_with_a_277_999_or_ta1_never_a_server_error(
    world: World, token: str, data: st.DataObject
) -> None:
    text = x12_276(world, world.bluebonnet.claim, number=world.bluebonnet.claim.claim_number)
    raw = text.encode()
    position = data.draw(st.integers(0, len(raw) - 1))
    junk = data.draw(st.binary(max_size=8) | st.sampled_from([b"*", b"~", b":", b"^", b""]))
    mutated = raw[:position] + junk + raw[position + data.draw(st.integers(0, 12)) :]
    response = Client().post(
        URL, data=mutated, content_type="application/edi-x12", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        answer = response.content
        assert answer.startswith(b"ISA")
        # The answer is a 277, a 999 (rejections in IK3/IK4/IK5) or a TA1.
        assert b"ST*277" in answer or b"ST*999" in answer or b"TA1*" in answer, answer[:300]
