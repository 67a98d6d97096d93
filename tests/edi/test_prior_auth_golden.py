"""Golden 278 request/response pairs through ``POST /x12/v1/realtime``: what an office's
system sends and exactly what it gets back, with the values that differ from run to run
(member, names, NPIs, tracking and authorization numbers, times, control numbers) replaced
by placeholders. ``HEALTHEOS_UPDATE_GOLDEN=1`` rewrites the files."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

from healtheos.authorizations.models import AuthorizationRule, PriorAuthorization
from healtheos.authorizations.services import authorization_decide
from healtheos.interop.x12.services_review import RequestedService
from tests.conftest import World
from tests.edi.test_prior_auth_278 import DECEMBER, post, text_278, token_for

GOLDEN = Path(__file__).resolve().parent / "golden"


def placeholders(world: World, text: str) -> str:
    office = world.bluebonnet
    member = office.member
    values = {
        member.member_id: "{MEMBER_ID}",
        office.practitioner.npi: "{NPI}",
        member.last_name.upper(): "{LAST}",
        member.first_name.upper(): "{FIRST}",
    }
    for request in PriorAuthorization.objects.for_office(office.office):
        values[request.tracking_number] = "{TRACKING}"
        if request.authorization_number:
            values[request.authorization_number] = "{AUTH}"
    for value, name in sorted(values.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(value, name)
    text = re.sub(r"\*\d{6}\*\d{4}\*\^\*00501\*\d{9}\*", "*YYMMDD*HHMM*^*00501*#########*", text)
    text = re.sub(r"(GS\*HI\*[^*]*\*[^*]*)\*\d{8}\*\d{4}\*\d+\*", r"\1*CCYYMMDD*HHMM*#*", text)
    text = re.sub(r"(BHT\*0007\*11\*[^*]*)\*\d{8}\*\d{4}", r"\1*CCYYMMDD*HHMM", text)
    text = re.sub(r"(GE\*1)\*\d+~", r"\1*#~", text)
    text = re.sub(r"IEA\*1\*\d{9}~", "IEA*1*#########~", text)
    text = re.sub(r"DTP\*102\*D8\*\d{8}", "DTP*102*D8*CCYYMMDD", text)
    return text.replace("~", "~\n")


def check(world: World, name: str, request: str, response: bytes) -> None:
    pair = {
        f"{name}.278": placeholders(world, request),
        f"{name}-response.278": placeholders(world, response.decode()),
    }
    if os.environ.get("HEALTHEOS_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        for file_name, text in pair.items():
            (GOLDEN / file_name).write_text(text)
    for file_name, text in pair.items():
        assert (GOLDEN / file_name).read_text() == text, file_name


@pytest.fixture
def token(world: World) -> str:
    return token_for(world, world.bluebonnet)


def test_golden_pended(world: World, token: str) -> None:
    request = text_278(world.bluebonnet)
    check(world, "278-pended", request, post(token, request).content)


def test_golden_approved_by_the_plans_rule(world: World, token: str) -> None:
    AuthorizationRule.objects.create(
        plan=world.bluebonnet.office.plan,
        line_of_business="commercial",
        procedure_code="70551",
        description="MRI brain",
        auto_approve=True,
    )
    request = text_278(
        world.bluebonnet, services=(RequestedService("70551", Decimal(1), DECEMBER),)
    )
    check(world, "278-approved-by-rule", request, post(token, request).content)


def test_golden_inquiry_denied(world: World, token: str) -> None:
    post(token, text_278(world.bluebonnet))
    stored = PriorAuthorization.objects.for_office(world.bluebonnet.office).get(channel="x12")
    authorization_decide(
        authorization=stored,
        reviewer=world.petra,
        decision="deny",
        reason_code="MED_NEC",
        reason_text="The records do not show six weeks of conservative care.",
    )
    request = text_278(
        world.bluebonnet,
        reference="INQ-1",
        trace="TRN-INQ-1",
        tracking_number=stored.tracking_number,
    )
    check(world, "278-inquiry-denied", request, post(token, request).content)


def test_golden_subscriber_not_found(world: World, token: str) -> None:
    unknown = world.bluebonnet.member.member_id[:-4] + "9999"
    request = text_278(world.bluebonnet, member_id=unknown)
    response = post(token, request).content
    request = request.replace(unknown, "{UNKNOWN_ID}")
    check(
        world,
        "278-subscriber-not-found",
        request,
        response.replace(unknown.encode(), b"{UNKNOWN_ID}"),
    )
