"""``healtheos bench claims``: 837P ingest end to end (read, check, store, 999 and 277CA)
of a generated 100,000-claim file on the configured database, the streaming 837 reader
alone and pyx12 validating the same file, adjudication, and real-time 276→277 against the
trivial endpoint of the same server.

The file is written by a child process, so that the peak memory reported is the
ingest's own (holding 100,000 claims as objects, to write them, takes about a gigabyte)."""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing
import os
import resource
import tempfile
import time
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from healtheos.benchmarks.suites import BenchSettings
    from healtheos.claims.models import Claim
    from healtheos.interop.x12.claims import Claim as Claim837
    from healtheos.members.models import Member
    from healtheos.offices.models import Office

INGEST_CLAIMS = 100_000
CLAIMS_PER_SET = 5_000
ADJUDICATE_CLAIMS = 2_000
STATUS_CLAIMS = 300

#: What the child process writes the file from: TIN, NPI, plan name, payer ID, and the
#: members' (member ID, last name, first name, date of birth, sex).
Facts = tuple[str, str, str, str, list[tuple[str, str, str, dt.date, str]]]


def _facts(office: Office, members: list[Member]) -> Facts:
    organization = office.organization
    npi = organization.providers.order_by("pk").values_list("npi", flat=True).first() or ""
    return (
        organization.tin,
        npi,
        office.plan.name,
        office.plan.payer_id,
        [(m.member_id, m.last_name, m.first_name, m.birth_date, m.sex) for m in members],
    )


def _claim(facts: Facts, index: int, seed: int) -> Claim837:
    from healtheos.interop.x12.claims import (
        Address,
        BillingProvider,
        HealthCode,
        Procedure,
        ServiceLine,
        Subscriber,
    )
    from healtheos.interop.x12.claims import Claim as Claim837
    from healtheos.interop.x12.eligibility.segments import DateRange, Name

    tin, npi, plan_name, payer_id, members = facts
    member_id, last, first, born, sex = members[index % len(members)]
    day = dt.date(2026, 11, 2)
    return Claim837(
        patient_control_number=f"B{seed}-{index}",
        total_charge=Decimal("150.00"),
        facility_code="11",
        facility_qualifier="B",
        frequency="1",
        billing_provider=BillingProvider(
            name=Name("85", "2", "BENCH OFFICE", id_qualifier="XX", identifier=npi),
            address=Address(("1 MAIN ST",), "AUSTIN", "TX", "78701"),
            tin=tin,
        ),
        subscriber=Subscriber(
            "P",
            "18",
            "",
            "",
            "CI",
            Name("IL", "1", last.upper(), first.upper(), id_qualifier="MI", identifier=member_id),
            Name("PR", "2", plan_name.upper(), id_qualifier="PI", identifier=payer_id),
            birth_date=born,
            gender=sex,
        ),
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


def office_file(office: Office, members: list[Member], n: int, seed: int) -> bytes:
    """A small 837P of ``n`` claims for ``office``'s members, in memory (the load proof
    submits many of these)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "claims.837")
        _write_file(_facts(office, members), n, seed, path)
        with open(path, "rb") as written:
            return written.read()


def _write_file(facts: Facts, n: int, seed: int, path: str) -> None:
    """The 837P, in sets of :data:`CLAIMS_PER_SET` claims (the guide's advice)."""
    from healtheos.interop.x12.claims import ClaimBatch, Contact, Submitter, build_837p_sets
    from healtheos.interop.x12.eligibility.segments import Name

    submitter = Submitter(
        Name("41", "2", "BENCH", id_qualifier="46", identifier="BENCH"),
        (Contact("DESK", (("TE", "5125550100"),)),),
    )
    receiver = Name("40", "2", "PLAN", id_qualifier="46", identifier=facts[3])
    batches = [
        ClaimBatch(
            submitter=submitter,
            receiver=receiver,
            claims=tuple(
                _claim(facts, i, seed) for i in range(start, min(n, start + CLAIMS_PER_SET))
            ),
            reference=f"BENCH{seed}-{start // CLAIMS_PER_SET}",
        )
        for start in range(0, n, CLAIMS_PER_SET)
    ]
    at = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
    with open(path, "w") as out:
        out.write(build_837p_sets(batches, at=at, control_number=seed % 999_999_999 or 1))


def _written(facts: Facts, n: int, seed: int, path: str) -> None:
    child = multiprocessing.get_context("spawn").Process(
        target=_write_file, args=(facts, n, seed, path)
    )
    child.start()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError("the child process writing the 837 failed")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
    from healtheos.interop.x12.claims import ClaimStream

    office, members = _office_and_members()
    seed = int(time.time())
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "bench.837")
        settings.say(f"writing a {INGEST_CLAIMS:,}-claim 837P")
        _written(_facts(office, members), INGEST_CLAIMS, seed, path)
        with open(path, "rb") as source:
            data = source.read()
    settings.say("837 reader alone (one streaming pass)")
    started = time.perf_counter()
    stream = ClaimStream(data, today=dt.datetime.now(dt.UTC).date())
    read_claims = sum(1 for _ in stream)
    read = time.perf_counter() - started
    settings.say(f"  {read:.1f} s, {read_claims / read:,.0f} claims/s")
    settings.say("837 ingest end to end")
    peak_before = _peak_mb()
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
    peak_after = _peak_mb()
    settings.say(
        f"  {ingest:.1f} s, {INGEST_CLAIMS / ingest:,.0f} claims/s; max RSS {peak_before:,.0f}"
        f" → {peak_after:,.0f} MB; load {os.getloadavg()}"
    )
    text = data.decode()
    del data
    settings.say("pyx12 validating the same file")
    pyx12 = _pyx12_seconds(text)
    settings.say(f"  {pyx12:.1f} s")
    del text
    load_after = os.getloadavg()
    stored = list(
        Claim.objects.payer_wide()
        .filter(submission=submission)
        .select_related("member")
        .order_by("pk")[:ADJUDICATE_CLAIMS]
    )
    settings.say("adjudication")
    started = time.perf_counter()
    for claim in stored:
        claim_adjudicate(claim=claim)
    adjudication = time.perf_counter() - started
    client, _ = apiclient_create(
        office=office, actor=None, name="bench claims", scopes=["claims.read"]
    )
    token, _ = token_issue(client=client, scopes=["claims.read"])
    lua = _status_lua(office, stored[:STATUS_CLAIMS], token)
    with running_server(workers=settings.workers) as url:
        run_wrk("warm-up", f"{url}/x12/v1/realtime", connections=4, seconds=2, lua=lua)
        baseline = measure_ceiling(url, settings)
        try:
            status_table = load_table(
                [
                    baseline,
                    run_wrk(
                        "X12 276→277 POST /x12/v1/realtime",
                        f"{url}/x12/v1/realtime",
                        connections=settings.connections,
                        seconds=settings.seconds,
                        lua=lua,
                    ),
                ],
                baseline,
            )
        except ValueError as error:  # wrk timed every request out: say so, keep the rest
            status_table = load_table([baseline], baseline) + (
                f"\n\nX12 276→277: no latency figures ({str(error).splitlines()[0]})"
            )
    client.revoked_at = client.created_at
    client.save(update_fields=["revoked_at"])
    n = submission.claims_accepted
    megabytes = submission.size / 1e6
    sets = -(-INGEST_CLAIMS // CLAIMS_PER_SET)
    body = (
        f"Data set: {connection.vendor}. gunicorn sync workers: {settings.workers}; wrk, "
        f"{settings.connections} connections, {settings.seconds} s. Load average (1, 5, 15 "
        f"min) {', '.join(f'{x:.1f}' for x in load_before)} before the ingest and "
        f"{', '.join(f'{x:.1f}' for x in load_after)} after pyx12 (two cores, shared).\n\n"
        + status_table
        + "\n\n| measure | value |\n|---|---:|\n"
        f"| 837P ingest end to end ({INGEST_CLAIMS:,} claims in {sets} "
        f"sets, {megabytes:.1f} MB: read twice, check, store, 999, 277CA) | {ingest:.1f} s "
        f"(**{INGEST_CLAIMS / ingest:,.0f} claims/s**; {n:,} accepted) |\n"
        f"| peak memory of the process (max RSS) before → after the ingest | "
        f"{peak_before:,.0f} MB → {peak_after:,.0f} MB |\n"
        f"| 837 reader alone, one streaming pass over the same file | {read:.1f} s "
        f"({read_claims / read:,.0f} claims/s) |\n"
        f"| pyx12 validating the same file | {pyx12:.1f} s ({INGEST_CLAIMS / pyx12:,.0f} "
        f"claims/s): the reader is **{pyx12 / read:.0f}×** faster, the whole ingest "
        f"{pyx12 / ingest:.1f}× |\n"
        f"| reference adjudication of {len(stored):,} of those claims | {adjudication:.1f} s "
        f"({len(stored) / max(adjudication, 1e-9):,.0f} claims/s) |\n"
    )
    if settings.record:
        record(f"claims-{connection.vendor}", "## Claims\n\n" + body)
    return body
