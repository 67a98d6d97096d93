"""ASVS 5.3.4: classic SQL injection strings, sent through every way a search reaches the
hand-written statements of ``core/rows.py`` (the eligibility lookup behind the portal, the
JSON API, X12 270 and FHIR) and the ORM searches (claims, messages), get the ordinary
"not found" or validation answer: never a server error, never anyone's data, and the
tables are untouched afterwards."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from healtheos.accounts.models import User
from healtheos.claims.models import Claim
from healtheos.interop.x12 import Interchange, build_interchange, read_271
from healtheos.members.models import Member
from healtheos.messaging.models import Thread
from tests.conftest import World
from tests.eligibility.conftest import Family, family
from tests.factories import api_token

__all__ = ["family"]  # the eligibility tests' family, as a fixture here too

MEMBERS = Member._meta.db_table

#: Each fits the member-ID fields (30 characters), so that it reaches the query.
INJECTIONS = [
    "' OR '1'='1",
    "' OR 1=1 --",
    "') OR ('a'='a",
    '" OR ""="',
    f"';DROP TABLE {MEMBERS}--",
    "' UNION SELECT NULL, NULL--",
    "%' OR 'x' LIKE '%",
    "1; DELETE FROM " + MEMBERS,  # noqa: S608 (an attack string, sent as data)
    "\\'; SELECT 1; --",
    "TM%",
]
#: X12's own separators (element, segment, component, repetition) are not data in a 270.
X12_SAFE = [text for text in INJECTIONS if not set(text) & set("*~:^")]
BORN = "1980-05-17"


@pytest.fixture
def token(world: World) -> str:
    return api_token(office=world.bluebonnet.office, actor=world.alice, scopes=["eligibility"])


def _counts() -> dict[str, int]:
    return {
        "members": Member.objects.count(),
        "users": User.objects.count(),
        "claims": Claim.objects.payer_wide().count(),
        "threads": Thread.objects.payer_wide().count(),
    }


def _nobody_in(body: bytes, family: Family, world: World) -> None:
    text = body.decode(errors="replace")
    for member in (family.subscriber, family.child, world.prairie.member, world.bluebonnet.member):
        assert member.member_id not in text
        assert member.last_name not in text


def test_the_portals_eligibility_search_answers_not_found(world: World, family: Family) -> None:
    before = _counts()
    frank = world.client_for(world.frank)
    for text in INJECTIONS:
        for fields in (
            {"member_id": text, "date_of_birth": BORN},
            {"last_name": text, "first_name": text, "date_of_birth": BORN},
        ):
            response = frank.post("/eligibility/", fields)
            assert response.status_code in (200, 400), (text, fields)
            assert b"No member found" in response.content or response.status_code == 400
            _nobody_in(response.content, family, world)
    assert _counts() == before


def test_the_json_api_answers_not_found_or_names_the_bad_field(
    world: World, family: Family, token: str
) -> None:
    before = _counts()
    for text in INJECTIONS:
        for fields in (
            {"member_id": text, "date_of_birth": BORN},
            {"last_name": text, "first_name": text, "date_of_birth": BORN},
        ):
            response = Client().post(
                "/api/v1/eligibility",
                data=json.dumps(fields),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            assert response.status_code in (200, 400), (text, response.status_code)
            if response.status_code == 200:
                assert response.json()["outcome"] != "active"
            _nobody_in(response.content, family, world)
    assert _counts() == before


def _270(world: World, last: str, first: str, member_id: str = "") -> str:
    body = [
        ["BHT", "0022", "13", "REF-4711", "20261204", "0930"],
        ["HL", "1", "", "20", "1"],
        ["NM1", "PR", "2", "SUNRISE HEALTH", "", "", "", "", "PI", "SUNTX"],
        ["HL", "2", "1", "21", "1"],
        ["NM1", "1P", "1", "DOE", "JO", "", "", "", "XX", world.bluebonnet.practitioner.npi],
        ["HL", "3", "2", "22", "0"],
        ["TRN", "1", "TRACE-0001", "9877281234"],
        ["NM1", "IL", "1", last, first, *(["", "", "", "MI", member_id] if member_id else [])],
        ["DMG", "D8", "19800517"],
        ["EQ", "30"],
    ]
    envelope = Interchange(
        "ZZ", "CLEARINGHOUSE", "ZZ", "SUNTX", 4711, "HS", "CLEARINGHOUSE", "SUNTX", "005010X279A1"
    )
    return build_interchange(envelope, [("270", body)], at=dt.datetime(2026, 12, 4, 9, 30))


def test_an_x12_270_with_injected_subject_names_is_answered_not_found(
    world: World, family: Family, token: str
) -> None:
    before = _counts()
    asked = [_270(world, text, text) for text in X12_SAFE]
    asked += [_270(world, "DOE", "JO", member_id=text) for text in X12_SAFE]
    for interchange in asked:
        response = Client().post(
            "/x12/v1/realtime",
            data=interchange,
            content_type="application/edi-x12",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 200, interchange
        _nobody_in(response.content, family, world)
        if b"ST*271*" in response.content:
            level = read_271(response.content).level("3")
            # 72: not a valid member ID; 75: no such subscriber.
            codes = [r.code for r in level.rejections]
            assert codes in (["72"], ["75"]), interchange
            assert level.benefits == ()
        else:  # refused as unreadable: a 999 or TA1, still not a server error
            assert b"ST*999*" in response.content or b"TA1*" in response.content
    assert _counts() == before


def test_fhir_eligibility_and_searches_answer_not_found(
    world: World, family: Family, token: str
) -> None:
    from tests.fhirapi.test_eligibility_api import request_body

    before = _counts()
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for text in INJECTIONS:
        response = Client().post(
            "/fhir/r4/CoverageEligibilityRequest",
            data=json.dumps(request_body(text, BORN)),
            content_type="application/fhir+json",
            **headers,
        )
        assert response.status_code in (200, 400), text
        if response.status_code == 200:
            assert response.json()["outcome"] == "error"
        _nobody_in(response.content, family, world)
        for path in ("/fhir/r4/Coverage", "/fhir/r4/Patient"):
            response = Client().get(path, {"patient": text, "identifier": text}, **headers)
            assert response.status_code in (200, 400, 404), (path, text)
            _nobody_in(response.content, family, world)
    assert _counts() == before


def test_claim_and_message_searches_find_nothing(world: World, family: Family) -> None:
    before = _counts()
    bill = world.client_for(world.bill)
    claim_number = world.bluebonnet.claim.claim_number
    for text in INJECTIONS:
        for query in ({"number": text}, {"member_id": text, "date_of_birth": BORN}):
            response = bill.get("/claims/", query)
            assert response.status_code == 200, (text, query)
            assert b"No claims match." in response.content
            assert claim_number not in response.content.decode()
        response = bill.get("/messages/", {"q": text})
        assert response.status_code == 200
        assert world.bluebonnet.thread.subject not in response.content.decode()
    assert _counts() == before
    # The tables and the accounts in them still work.
    assert Member.objects.filter(pk=family.subscriber.pk).exists()
    assert bill.get("/claims/", {"number": claim_number}).content.count(claim_number.encode()) > 0
