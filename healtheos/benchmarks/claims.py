"""``healtheos bench claims``: 837P ingest end to end (parse, check, store, 999 and 277CA)
and adjudication on the configured database, the 837 reader against pyx12 validating the
same claims, and real-time 276→277 against the trivial endpoint of the same server."""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
import time
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from healtheos.benchmarks.suites import BenchSettings
    from healtheos.claims.models import Claim
    from healtheos.members.models import Member
    from healtheos.offices.models import Office

INGEST_CLAIMS = 2_000
READER_CLAIMS = 20_000
PYX12_CLAIMS = 500
STATUS_CLAIMS = 300


def _office_file(office: Office, members: list[Member], n: int, seed: int) -> bytes:
    from healtheos.interop.x12 import build_837p
    from healtheos.interop.x12.claims import (
        Address,
        BillingProvider,
        Claim,
        ClaimBatch,
        Contact,
        HealthCode,
        Procedure,
        ServiceLine,
        Submitter,
        Subscriber,
    )
    from healtheos.interop.x12.eligibility.segments import DateRange, Name

    organization = office.organization
    npi = organization.providers.order_by("pk").values_list("npi", flat=True).first() or ""
    billing = BillingProvider(
        name=Name("85", "2", "BENCH OFFICE", id_qualifier="XX", identifier=npi),
        address=Address(("1 MAIN ST",), "AUSTIN", "TX", "78701"),
        tin=organization.tin,
    )
    day = dt.date(2026, 11, 2)
    claims = []
    for index in range(n):
        member = members[index % len(members)]
        subscriber = Subscriber(
            "P",
            "18",
            "",
            "",
            "CI",
            Name(
                "IL",
                "1",
                member.last_name.upper(),
                member.first_name.upper(),
                id_qualifier="MI",
                identifier=member.member_id,
            ),
            Name(
                "PR",
                "2",
                office.plan.name.upper(),
                id_qualifier="PI",
                identifier=office.plan.payer_id,
            ),
            birth_date=member.birth_date,
            gender=member.sex,
        )
        claims.append(
            Claim(
                patient_control_number=f"B{seed}-{index}",
                total_charge=Decimal("150.00"),
                facility_code="11",
                facility_qualifier="B",
                frequency="1",
                billing_provider=billing,
                subscriber=subscriber,
                diagnoses=(HealthCode("ABK", "J069"),),
                lines=(
                    ServiceLine(
                        1,
                        Procedure("HC", "99213"),
                        Decimal("150.00"),
                        "UN",
                        Decimal(1),
                        DateRange(day, day),
                        place_of_service="11",
                        diagnosis_pointers=(1,),
                    ),
                ),
            )
        )
    batch = ClaimBatch(
        submitter=Submitter(
            Name("41", "2", "BENCH", id_qualifier="46", identifier="BENCH"),
            (Contact("DESK", (("TE", "5125550100"),)),),
        ),
        receiver=Name("40", "2", "PLAN", id_qualifier="46", identifier=office.plan.payer_id),
        claims=tuple(claims),
        reference=f"BENCH{seed}",
    )
    at = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
    return build_837p(batch, at=at, control_number=seed % 999_999_999 or 1).encode()


def _pyx12_seconds(text: str) -> float:
    import pyx12.error_handler
    import pyx12.params
    import pyx12.x12n_document

    params = pyx12.params.params()
    with tempfile.TemporaryDirectory() as folder:
        source = os.path.join(folder, "in.837")
        with open(source, "w") as out:
            out.write(text)
        started = time.perf_counter()
        with open(source) as src:
            pyx12.x12n_document.x12n_document(
                param=params, src_file=src, fd_997=io.StringIO(), fd_html=None, fd_xmldoc=None
            )
        return time.perf_counter() - started


def _status_lua(office: Office, claims: list[Claim], token: str) -> str:
    from healtheos.benchmarks.eligibility import _lua

    bodies = status_bodies(office, claims)
    return _lua(bodies, {"Authorization": f"Bearer {token}", "Content-Type": "application/edi-x12"})


def status_bodies(office: Office, claims: list[Claim]) -> list[str]:
    """One real-time 276 claim status inquiry per claim, as the office's system sends it."""
    from healtheos.interop.x12 import Interchange, build_interchange

    npi = office.organization.providers.order_by("pk").values_list("npi", flat=True).first() or ""
    envelope = Interchange(
        "ZZ",
        "BENCH",
        "ZZ",
        office.plan.payer_id,
        1,
        "HR",
        "BENCH",
        office.plan.payer_id,
        "005010X212",
    )
    at = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)
    bodies = []
    for index, claim in enumerate(claims):
        member = claim.member
        body = [
            ["BHT", "0010", "13", f"S{index}", "20261204", "0900"],
            ["HL", "1", "", "20", "1"],
            ["NM1", "PR", "2", "PLAN", "", "", "", "", "PI", office.plan.payer_id],
            ["HL", "2", "1", "21", "1"],
            ["NM1", "41", "2", "BENCH", "", "", "", "", "46", "BENCH"],
            ["HL", "3", "2", "19", "1"],
            ["NM1", "1P", "2", "OFFICE", "", "", "", "", "XX", npi],
            ["HL", "4", "3", "22", "0"],
            ["DMG", "D8", member.birth_date.strftime("%Y%m%d")],
            ["NM1", "IL", "1", "X", "Y", "", "", "", "MI", member.member_id],
            ["TRN", "1", f"T{index}"],
            ["REF", "1K", claim.claim_number],
        ]
        bodies.append(build_interchange(envelope, [("276", body)], at=at))
    return bodies


def claims(settings: BenchSettings) -> str:
    from django.db import connection
    from django.test import override_settings

    from healtheos.apiclients.services import apiclient_create, token_issue
    from healtheos.benchmarks.eligibility import _office_and_members
    from healtheos.benchmarks.load import run_wrk
    from healtheos.benchmarks.report import load_table, record
    from healtheos.benchmarks.server import running_server
    from healtheos.benchmarks.suites import measure_ceiling
    from healtheos.claims.adjudication.services import claim_adjudicate
    from healtheos.claims.models import Claim, SubmissionChannel
    from healtheos.claims.submission import submission_receive
    from healtheos.interop.x12 import receive_837
    from healtheos.interop.x12.claims.samples import generate_837p_batch

    office, members = _office_and_members()
    seed = int(time.time())
    data = _office_file(office, members, INGEST_CLAIMS, seed)
    settings.say("837 ingest")
    started = time.perf_counter()
    with override_settings(TASK_BACKEND="inline"):
        submission = submission_receive(
            office=office,
            data=data,
            file_name="bench.837",
            channel=SubmissionChannel.FILE,
            background=False,
            adjudicate=False,
        )
    ingest = time.perf_counter() - started
    stored = list(Claim.objects.payer_wide().filter(submission=submission).select_related("member"))
    settings.say("adjudication")
    started = time.perf_counter()
    for claim in stored:
        claim_adjudicate(claim=claim)
    adjudication = time.perf_counter() - started
    settings.say("837 reader and pyx12")
    text = generate_837p_batch(READER_CLAIMS, seed=7)
    started = time.perf_counter()
    receipt = receive_837(text)
    read = time.perf_counter() - started
    small = generate_837p_batch(PYX12_CLAIMS, seed=7)
    started = time.perf_counter()
    receive_837(small)
    read_small = time.perf_counter() - started
    pyx12 = _pyx12_seconds(small)
    client, _ = apiclient_create(
        office=office, actor=None, name="bench claims", scopes=["claims.read"]
    )
    token, _ = token_issue(client=client, scopes=["claims.read"])
    lua = _status_lua(office, stored[:STATUS_CLAIMS], token)
    with running_server(workers=settings.workers) as url:
        run_wrk("warm-up", f"{url}/x12/v1/realtime", connections=4, seconds=2, lua=lua)
        baseline = measure_ceiling(url, settings)
        status = run_wrk(
            "X12 276→277 POST /x12/v1/realtime",
            f"{url}/x12/v1/realtime",
            connections=settings.connections,
            seconds=settings.seconds,
            lua=lua,
        )
    client.revoked_at = client.created_at
    client.save(update_fields=["revoked_at"])
    n = submission.claims_accepted
    body = (
        f"Data set: {connection.vendor}. gunicorn sync workers: {settings.workers}; wrk, "
        f"{settings.connections} connections, {settings.seconds} s.\n\n"
        + load_table([baseline, status], baseline)
        + "\n\n| measure | value |\n|---|---:|\n"
        f"| 837P ingest end to end ({INGEST_CLAIMS:,} claims: read, check, store, 999, 277CA) | "
        f"{ingest:.1f} s ({INGEST_CLAIMS / ingest:,.0f} claims/s; {n:,} accepted) |\n"
        f"| reference adjudication of those claims | {adjudication:.1f} s "
        f"({len(stored) / max(adjudication, 1e-9):,.0f} claims/s) |\n"
        f"| 837 reader, {READER_CLAIMS:,} claims ({len(text) / 1e6:.1f} MB) | {read:.2f} s "
        f"({READER_CLAIMS / read:,.0f} claims/s; {len(receipt.claims):,} read) |\n"
        f"| pyx12 validating {PYX12_CLAIMS:,} of the same claims vs the reader | "
        f"{pyx12:.2f} s vs {read_small:.2f} s ({pyx12 / read_small:.0f}× slower) |\n"
    )
    if settings.record:
        record(f"claims-{connection.vendor}", "## Claims\n\n" + body)
    return body
