"""``healtheos bench x12-278``: X12 278 prior authorization submissions per second on the
production server, with the trivial-endpoint ceiling measured in the same run.

Every request is a new submission: the TRN of each body carries the run, the wrk thread
and a counter, so no request is a resend (a resend is answered from the stored request and
would flatter the figure). Each is stored through ``authorization_submit`` (request,
services, timeline event, audit event, notices) and answered with a 278. The load rotates
through a few hundred members of one office's plan with coverage today.
"""

from __future__ import annotations

import datetime as dt
import time
import urllib.request
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from healtheos.benchmarks.suites import BenchSettings
    from healtheos.members.models import Member
    from healtheos.offices.models import Office

MARK = "@@N@@"


def _lua(bodies: list[str], headers: dict[str, str]) -> str:
    quoted = ",\n".join(f"[==[{body}]==]" for body in bodies)
    header_lines = "\n".join(f'headers["{k}"] = "{v}"' for k, v in headers.items())
    return (
        "local counter = 1\n"
        "function setup(thread)\n"
        '  thread:set("id", counter)\n'
        "  counter = counter + 1\n"
        "end\n"
        f"local bodies = {{\n{quoted}\n}}\n"
        "local headers = {}\n"
        f"{header_lines}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i + 1\n"
        "  local body = bodies[(i % #bodies) + 1]\n"
        f'  body = string.gsub(body, "{MARK}", tostring(id) .. "-" .. tostring(i))\n'
        '  return wrk.format("POST", nil, headers, body)\n'
        "end\n"
    )


def _bodies(office: Office, members: list[Member], run: str) -> list[str]:
    from django.utils import timezone

    from healtheos.interop.x12.eligibility.segments import DateRange
    from healtheos.interop.x12.services_review import (
        RequestedService,
        RequestSpec,
        build_278_request,
    )

    npi = office.organization.providers.order_by("pk").values_list("npi", flat=True).first()
    today = timezone.localdate()
    dates = DateRange(today, today)
    at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    bodies = []
    for index, member in enumerate(members):
        spec = RequestSpec(
            reference=f"B{index}",
            trace=f"{run}-{MARK}",
            member_id=member.member_id,
            subscriber_last=member.last_name.upper(),
            subscriber_first=member.first_name.upper(),
            birth_date=member.birth_date,
            requester_npi=npi or "",
            requester_name="OFFICE",
            diagnoses=("G43909",),
            services=(RequestedService("70551", Decimal(1), dates),),
            servicing_npi=npi or "",
            umo_id=office.plan.payer_id,
        )
        bodies.append(build_278_request(spec, at=at, receiver_id=office.plan.payer_id))
    return bodies


def _check(url: str, body: str, token: str) -> None:
    """One submission before the load: it must be stored, not refused."""
    from healtheos.interop.x12.services_review import read_278_response

    request = urllib.request.Request(  # noqa: S310 (loopback benchmark server)
        f"{url}/x12/v1/realtime",
        data=body.replace(MARK, "check").encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/edi-x12"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        answer = read_278_response(response.read())
    if answer.rejections or answer.event is None or not answer.event.tracking_number:
        raise RuntimeError(f"the benchmark 278 was refused: {answer.rejections}")


def x12_278(settings: BenchSettings) -> str:
    from healtheos.apiclients.services import apiclient_create, token_issue
    from healtheos.authorizations.models import PriorAuthorization
    from healtheos.benchmarks.eligibility import _data_set, _office_and_members
    from healtheos.benchmarks.load import run_wrk
    from healtheos.benchmarks.report import load_table, record
    from healtheos.benchmarks.server import running_server
    from healtheos.benchmarks.suites import measure_ceiling

    office, members = _office_and_members()
    client, _ = apiclient_create(
        office=office, actor=None, name="benchmark", scopes=["authorizations"]
    )
    token, _ = token_issue(client=client, scopes=["authorizations"])
    run = f"R{int(time.time())}"
    bodies = _bodies(office, members, run)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/edi-x12"}
    lua = _lua(bodies, headers)
    before = PriorAuthorization.objects.payer_wide().filter(api_client=client).count()
    with running_server(workers=settings.workers) as url:
        _check(url, bodies[0], token)
        settings.say("warming up")
        run_wrk("warm-up", f"{url}/x12/v1/realtime", connections=4, seconds=2, lua=lua)
        settings.say("ceiling")
        baseline = measure_ceiling(url, settings)
        settings.say("X12 278 submissions")
        submissions = run_wrk(
            "X12 278 submission POST /x12/v1/realtime",
            f"{url}/x12/v1/realtime",
            connections=settings.connections,
            seconds=settings.seconds,
            lua=lua.replace(run, run + "L"),
        )
    stored = PriorAuthorization.objects.payer_wide().filter(api_client=client).count() - before
    client.revoked_at = client.created_at
    client.save(update_fields=["revoked_at"])
    body = (
        f"Data set: {_data_set()}. gunicorn sync workers: {settings.workers}; wrk, "
        f"{settings.connections} connections, {settings.seconds} s per operation; every "
        f"request a new submission (unique TRN) for one of {len(members)} members, one "
        f"service (70551), no attachment; {stored:,} requests stored in this run "
        "(warm-up and check included).\n\n" + load_table([baseline, submissions], baseline)
    )
    if settings.record:
        from django.db import connection

        record(
            f"x12-278-{connection.vendor}", "## X12 278 prior authorization submissions\n\n" + body
        )
    return body
