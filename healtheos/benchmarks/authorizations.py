"""``healtheos bench authorizations``: prior authorization requests with a 1 MB document,
through the JSON API on the production server (each with its own Idempotency-Key), against
the trivial endpoint of the same server; and the same service called in-process."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import time
import uuid
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from healtheos.benchmarks.suites import BenchSettings
    from healtheos.members.models import Member
    from healtheos.offices.models import Office

ATTACHMENT_BYTES = 1024 * 1024
IN_PROCESS_REQUESTS = 100


def _document() -> bytes:
    # Incompressible filler behind a PDF header: the size is what is being measured.
    return b"%PDF-1.4\n" + os.urandom(ATTACHMENT_BYTES - 9)


def _request_body(
    office: Office, member: Member, line_of_business: str, npi: str
) -> dict[str, Any]:
    start = dt.date.today() + dt.timedelta(days=7)  # noqa: DTZ011 (a date of service)
    return {
        "member": {"member_id": member.member_id, "birth_date": member.birth_date.isoformat()},
        "line_of_business": line_of_business,
        "requesting_npi": npi,
        "servicing_npi": npi,
        "urgency": "standard",
        "place_of_service": "11",
        "diagnosis_codes": ["M54.50"],
        "services": [
            {
                "procedure_code": "72148",
                "units": 1,
                "service_from": start.isoformat(),
                "service_to": (start + dt.timedelta(days=30)).isoformat(),
            }
        ],
        "clinical_notes": "Benchmark request.",
        "attachments": [{"name": "record.pdf", "data": base64.b64encode(_document()).decode()}],
    }


def _lua(body: str, token: str, prefix: str) -> str:
    return (
        "local counter = 1\n"
        "function setup(thread)\n"
        '  thread:set("id", counter)\n'
        "  counter = counter + 1\n"
        "end\n"
        'wrk.method = "POST"\n'
        f'wrk.headers["Authorization"] = "Bearer {token}"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = [==[{body}]==]\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        f'  wrk.headers["Idempotency-Key"] = "{prefix}-" .. id .. "-" .. n\n'
        "  return wrk.format()\n"
        "end\n"
    )


def _pick(office: Office, members: list[Member]) -> tuple[Member, str]:
    from healtheos.authorizations.selectors import coverage_lines_of_business

    on = dt.date.today() + dt.timedelta(days=7)  # noqa: DTZ011
    for member in members:
        covered = coverage_lines_of_business(member=member, on=on)
        if len(covered) == 1:
            covered_later = coverage_lines_of_business(member=member, on=on + dt.timedelta(days=30))
            if covered_later == covered:
                return member, covered[0]
    raise RuntimeError("no member covered over the benchmark's dates")


def _cleanup(office: Office, prefix: str) -> int:
    """Remove the benchmark's requests and their stored documents."""
    from healtheos.authorizations.models import AuthorizationAttachment, PriorAuthorization
    from healtheos.core import attachments

    made = PriorAuthorization.objects.for_office(office).filter(idempotency_key__startswith=prefix)
    for storage_name in AuthorizationAttachment.objects.filter(authorization__in=made).values_list(
        "storage_name", flat=True
    ):
        attachments.remove(storage_name)
    count = made.count()
    made.delete()
    return count


def authorizations(settings: BenchSettings) -> str:
    from django.db import connection
    from django.test import override_settings

    from healtheos.apiclients.services import apiclient_create, token_issue
    from healtheos.authorizations.models import Channel
    from healtheos.authorizations.services import (
        ServiceLine,
        Upload,
        authorization_submit,
    )
    from healtheos.benchmarks.eligibility import _office_and_members
    from healtheos.benchmarks.load import run_wrk
    from healtheos.benchmarks.report import load_table, record
    from healtheos.benchmarks.server import running_server
    from healtheos.benchmarks.suites import measure_ceiling
    from healtheos.directory.models import Provider

    office, members = _office_and_members()
    member, line_of_business = _pick(office, members)
    npi = (
        Provider.objects.filter(organizations=office.organization_id)
        .order_by("pk")
        .values_list("npi", flat=True)
        .first()
    )
    if npi is None:
        raise RuntimeError("the office has no providers")
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    body = _request_body(office, member, line_of_business, npi)

    settings.say("in-process submissions")
    start = dt.date.today() + dt.timedelta(days=7)  # noqa: DTZ011
    line = ServiceLine("72148", (), 1, start, start + dt.timedelta(days=30))
    document = _document()
    started = time.perf_counter()
    with override_settings(TASK_BACKEND="inline"):
        for index in range(IN_PROCESS_REQUESTS):
            authorization_submit(
                office=office,
                actor=None,
                member=member,
                line_of_business=line_of_business,
                requesting_provider=npi,
                servicing_provider=npi,
                urgency="standard",
                expedited_justification="",
                place_of_service="11",
                diagnosis_codes=["M54.50"],
                services=[line],
                clinical_notes="Benchmark request.",
                attachments=[Upload("record.pdf", io.BytesIO(document))],
                idempotency_key=f"{prefix}-p-{index}",
                channel=Channel.PORTAL,
            )
    in_process = time.perf_counter() - started

    client, _ = apiclient_create(
        office=office, actor=None, name="bench authorizations", scopes=["authorizations"]
    )
    token, _ = token_issue(client=client, scopes=["authorizations"])
    lua = _lua(json.dumps(body), token, prefix)
    connections = min(settings.connections, 8)
    with running_server(workers=settings.workers) as url:
        settings.say("ceiling")
        baseline = measure_ceiling(url, settings)
        settings.say("JSON submissions")
        submitted = run_wrk(
            "POST /api/v1/authorizations, 1 MB PDF (base64 JSON)",
            f"{url}/api/v1/authorizations",
            connections=connections,
            seconds=settings.seconds,
            lua=lua,
        )
    client.revoked_at = client.created_at
    client.save(update_fields=["revoked_at"])
    removed = _cleanup(office, prefix)
    size = len(json.dumps(body)) / 1e6
    load = os.getloadavg()[0]
    text = (
        f"Data set: {connection.vendor}. gunicorn sync workers: {settings.workers}; wrk, "
        f"{connections} connections for submissions ({size:.1f} MB bodies), "
        f"{settings.connections} for the ceiling, {settings.seconds} s.\n\n"
        + load_table([baseline, submitted], baseline)
        + "\n\n| measure | value |\n|---|---:|\n"
        f"| `authorization_submit` in-process, {IN_PROCESS_REQUESTS} requests with a 1 MB "
        f"document (check, store, fsync the file, timeline, audit) | {in_process:.1f} s "
        f"({IN_PROCESS_REQUESTS / in_process:,.1f} requests/s) |\n"
        f"| requests stored by the run (removed afterwards) | {removed:,} |\n"
        f"\nLoad average when the run ended: {load:.1f} on 2 cores (other work shares this "
        "machine; compare ratios, not absolute figures).\n"
    )
    if settings.record:
        record(
            f"authorizations-{connection.vendor}", "## Prior authorization submission\n\n" + text
        )
    return text
