"""Batch eligibility: a CSV of tomorrow's schedule, checked row by row in the background.

Columns (a header row is required; names are case-insensitive, order is free):

``member_id``, ``date_of_birth``, ``last_name``, ``first_name``, ``date_of_service``,
``service_types``, ``patient_account``

Each row needs a date of birth and either a member ID or both names. ``date_of_service``
defaults to the day of the upload; ``service_types`` is a list of X12 codes separated by
spaces or semicolons (default 30). ``patient_account`` is the office's own reference and is
echoed back. Dates may be written 2026-12-07 or 12/07/2026.

A malformed row is reported with its line number and reason; the good rows still run.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from healtheos.audit.services import audit_record
from healtheos.core.recovery import LeaseLost, Resumer, lease_take, lease_update
from healtheos.core.tasks import run_after_commit
from healtheos.eligibility.benefits import PlanTables
from healtheos.eligibility.models import BatchRow, BatchRun, BatchStatus, Inquiry, LastCheck
from healtheos.eligibility.result import Channel, EligibilityQuery, EligibilityResult, Outcome
from healtheos.eligibility.service_types import is_service_type_code
from healtheos.eligibility.services import eligibility_answers

if TYPE_CHECKING:
    from healtheos.accounts.models import User
    from healtheos.offices.models import Office

COLUMNS = [
    "member_id",
    "date_of_birth",
    "last_name",
    "first_name",
    "date_of_service",
    "service_types",
    "patient_account",
]
TEMPLATE_ROWS = [
    ["SUN000000001", "1980-05-17", "", "", "", "30", "ACCT-1001"],
    ["", "2012-03-02", "Garcia", "Mateo", "2026-12-07", "30;98", "ACCT-1002"],
]
MAX_FIELD = 80
PROGRESS_EVERY = 200


class BatchFileError(ValueError):
    """The file as a whole cannot be read (not CSV, no header, too many rows)."""


@dataclass(frozen=True)
class ParsedRow:
    line_number: int
    source: dict[str, str]
    query: EligibilityQuery | None
    error: str


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    return out.getvalue()


def _date(value: str) -> dt.date:
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%Y%m%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(value)


def _row(line_number: int, source: dict[str, str], default_day: dt.date) -> ParsedRow:
    def failed(reason: str) -> ParsedRow:
        return ParsedRow(line_number, source, None, reason)

    for name, value in source.items():
        if len(value) > MAX_FIELD:
            return failed(f"{name} is longer than {MAX_FIELD} characters.")
    member_id = source.get("member_id", "").strip()
    last, first = source.get("last_name", "").strip(), source.get("first_name", "").strip()
    if not source.get("date_of_birth", "").strip():
        return failed("date_of_birth is missing: every row needs it.")
    try:
        birth = _date(source["date_of_birth"])
    except ValueError:
        return failed("date_of_birth is not a date (use 2026-12-07 or 12/07/2026).")
    if not member_id and not (last and first):
        return failed("Give member_id, or both last_name and first_name, with date_of_birth.")
    day = default_day
    if source.get("date_of_service", "").strip():
        try:
            day = _date(source["date_of_service"])
        except ValueError:
            return failed("date_of_service is not a date (use 2026-12-07 or 12/07/2026).")
    raw_types = source.get("service_types", "").replace(";", " ").replace(",", " ").split()
    types = [t.upper() for t in raw_types] or ["30"]
    bad = [t for t in types if not is_service_type_code(t)]
    if bad:
        return failed(f"service_types has codes that are not X12 service types: {', '.join(bad)}.")
    query = EligibilityQuery(
        birth_date=birth,
        member_id=member_id,
        last_name="" if member_id else last,
        first_name="" if member_id else first,
        date_of_service=day,
        service_types=tuple(types),
    )
    return ParsedRow(line_number, source, query, "")


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise BatchFileError("The file is not text. Upload a CSV file.") from error


def parse_schedule(data: bytes, *, today: dt.date) -> list[ParsedRow]:
    """Every data row of the file, good or malformed, with its line number."""
    text = _text(data)
    if "\0" in text:
        raise BatchFileError("The file is not text. Upload a CSV file.")
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration as error:
        raise BatchFileError("The file is empty.") from error
    except csv.Error as error:
        raise BatchFileError(f"The file is not valid CSV: {error}.") from error
    names = [h.strip().lower().replace(" ", "_") for h in header]
    if "date_of_birth" not in names:
        raise BatchFileError(
            "The first line must name the columns, including date_of_birth. "
            "Download the template to see them."
        )
    unknown = sorted(set(names) - set(COLUMNS) - {""})
    if unknown:
        raise BatchFileError(f"Unknown columns: {', '.join(unknown)}. Known: {', '.join(COLUMNS)}.")
    rows: list[ParsedRow] = []
    limit = settings.ELIGIBILITY_BATCH_MAX_ROWS
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= limit:
                raise BatchFileError(f"The file has more than {limit:,} rows; split it.")
            if len(values) > len(names):
                source = dict(zip(names, values, strict=False))
                rows.append(
                    ParsedRow(line, source, None, f"{len(values)} values for {len(names)} columns.")
                )
                continue
            source = {n: v for n, v in zip(names, values, strict=False) if n}
            rows.append(_row(line, source, today))
    except csv.Error as error:
        raise BatchFileError(f"Line {reader.line_num} is not valid CSV: {error}.") from error
    if not rows:
        raise BatchFileError("The file has a header but no rows.")
    return rows


def batch_run_start(*, office: Office, user: User, file_name: str, data: bytes) -> BatchRun:
    """Store the upload as a run, then check it in the background. The file as a whole is
    checked here (a file that is no schedule is refused with the reason); its rows are
    stored with their results as they are checked. The same file uploaded again by the same
    office is the same run (no second check, no second set of rows)."""
    digest = hashlib.sha256(data).hexdigest()
    existing = BatchRun.objects.for_office(office).filter(digest=digest).first()
    if existing is not None:
        return existing
    parsed = parse_schedule(data, today=timezone.localdate())
    try:
        with transaction.atomic():
            run = BatchRun.objects.create(
                office=office,
                user=user,
                file_name=file_name[:200],
                digest=digest,
                upload=_text(data),
                total_rows=len(parsed),
                created_at=timezone.now(),
            )
            audit_record(
                action="eligibility.batch_submitted",
                actor=user,
                office=office,
                obj=run,
                detail={"rows": len(parsed)},
            )
    except IntegrityError:
        # The same file, uploaded twice at once: the other request stored it.
        return BatchRun.objects.for_office(office).get(digest=digest)
    run_after_commit("healtheos.eligibility.batch.batch_run_process", run_id=run.pk)
    return run


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def summarize(result: EligibilityResult) -> dict[str, Any]:
    """The facts a results table shows and the next run compares against."""
    summary: dict[str, Any] = {"outcome": result.outcome.value, "hint": result.hint}
    if result.member is not None:
        summary["member_id"] = result.member.member_id
        summary["name"] = f"{result.member.first_name} {result.member.last_name}"
    if result.coverages:
        coverage = result.coverages[0]
        deductible = coverage.cost_share("deductible", "in", "individual")
        oop = coverage.cost_share("out_of_pocket", "in", "individual")
        # The office visit is what a front desk collects at check-in.
        primary = next((b for b in coverage.benefits if b.service_type == "98"), None) or next(
            (b for b in coverage.benefits if b.service_type != "30"), None
        )
        in_net = primary.in_network if primary else None
        summary.update(
            plan=coverage.plan_name,
            plan_code=coverage.plan_code,
            line_of_business=coverage.line_of_business_label,
            coverage_start=coverage.start_date.isoformat(),
            coverage_end=coverage.end_date.isoformat() if coverage.end_date else "",
            deductible_remaining=_money(deductible.remaining if deductible else None),
            out_of_pocket_remaining=_money(oop.remaining if oop else None),
            office_copay=_money(in_net.copay if in_net else None),
            pcp=coverage.pcp.name if coverage.pcp else "",
            referral_required=coverage.referral_required,
        )
    return summary


def compare(previous: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """What a front desk should notice since the last check of the same patient."""
    if not previous:
        return []
    changes = []
    was, now = previous.get("outcome"), current.get("outcome")
    if was == "active" and now == "inactive":
        ended = current.get("coverage_end")
        changes.append(f"Coverage ended{f' on {ended}' if ended else ''}.")
    elif was == "inactive" and now == "active":
        changes.append("Coverage is active again.")
    elif was != now and now in ("not_found", "ambiguous"):
        changes.append("No longer found with these identifiers.")
    if now == "active" and was == "active":
        if previous.get("plan_code") != current.get("plan_code"):
            changes.append(f"New plan: {current.get('plan')} (was {previous.get('plan')}).")
        if (
            previous.get("deductible_remaining") not in ("", "0.00")
            and current.get("deductible_remaining") == "0.00"
        ):
            changes.append("Deductible met.")
        if previous.get("pcp") != current.get("pcp") and current.get("pcp"):
            changes.append(f"Primary care provider is now {current.get('pcp')}.")
    return changes


def _previous_summaries(office: Office, member_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The last batch result of each member for the office."""
    return dict(
        LastCheck.objects.for_office(office)
        .filter(member_id__in=member_ids)
        .values_list("member_id", "summary")
    )


def _check_chunk(
    run: BatchRun, rows: list[ParsedRow], tables: PlanTables
) -> tuple[list[BatchRow], list[Inquiry], list[LastCheck]]:
    good = [r for r in rows if r.query is not None]
    started = time.perf_counter()
    results = eligibility_answers(
        office=run.office, queries=[r.query for r in good if r.query], tables=tables
    )
    per_row_ms = (time.perf_counter() - started) * 1000 / max(len(good), 1)
    by_line = dict(zip((r.line_number for r in good), results, strict=True))
    found = [r.member.member_pk for r in results if r.member is not None]
    previous = _previous_summaries(run.office, found)
    now = timezone.now()
    batch_rows: list[BatchRow] = []
    inquiries: list[Inquiry] = []
    last: dict[int, LastCheck] = {}
    for row in rows:
        result = by_line.get(row.line_number)
        if result is None:
            batch_rows.append(
                BatchRow(
                    run=run,
                    line_number=row.line_number,
                    source=row.source,
                    error=row.error,
                    outcome=Outcome.INVALID,
                )
            )
            continue
        member_pk = result.member.member_pk if result.member else None
        summary = summarize(result)
        batch_rows.append(
            BatchRow(
                run=run,
                line_number=row.line_number,
                source=row.source,
                member_id=member_pk,
                outcome=result.outcome.value,
                summary=summary,
                changes=compare(previous.get(member_pk, {}), summary) if member_pk else [],
            )
        )
        inquiries.append(
            Inquiry(
                office_id=run.office_id,
                user_id=run.user_id,
                channel=Channel.BATCH,
                outcome=result.outcome,
                problem=result.problem or "",
                member_id=member_pk,
                date_of_service=result.date_of_service,
                service_types=",".join(result.query.service_types)[:120],
                server_ms=per_row_ms,
                created_at=now,
            )
        )
        if member_pk is not None:
            last[member_pk] = LastCheck(
                office_id=run.office_id, member_id=member_pk, summary=summary, checked_at=now
            )
    return batch_rows, inquiries, list(last.values())


#: Runs whose check has not ended.
UNFINISHED = Q(status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING])


def batch_run_process(*, run_id: int, lease: str = "") -> None:
    """Check the rows of a run in chunks, storing each chunk's rows, inquiry log entries and
    progress in one transaction. An interrupted run picks up after its last stored row.
    The run holds the lease of the batch (``lease``: the token the recovery sweep took for
    it); while another process is making progress on it, this call does nothing."""
    run = BatchRun.objects.payer_wide().select_related("office__plan", "user").get(pk=run_id)
    if run.status == BatchStatus.DONE:
        return
    runs = BatchRun.objects.payer_wide()
    token = lease_take(runs, run.pk, unfinished=UNFINISHED, token=lease)
    if not token:
        return
    lease_update(runs, run.pk, token, status=BatchStatus.RUNNING)
    tables = PlanTables()
    stored = set(run.rows.values_list("line_number", flat=True))
    pending = [
        r
        for r in parse_schedule(
            run.upload.encode(), today=timezone.localtime(run.created_at).date()
        )
        if r.line_number not in stored
    ]
    done = len(stored)
    try:
        for start in range(0, len(pending), PROGRESS_EVERY):
            rows, inquiries, last = _check_chunk(
                run, pending[start : start + PROGRESS_EVERY], tables
            )
            with transaction.atomic():
                # First, so that a run whose lease was taken over stores nothing more.
                lease_update(runs, run.pk, token, done_rows=done + len(rows))
                BatchRow.objects.bulk_create(rows)
                Inquiry.objects.bulk_create(inquiries)
                LastCheck.objects.bulk_create(
                    last,
                    update_conflicts=True,
                    unique_fields=["office", "member"],
                    update_fields=["summary", "checked_at"],
                )
                done += len(rows)
    except LeaseLost:
        raise  # the process that took the run over finishes it
    except Exception as error:
        runs.filter(pk=run.pk, lease_token=token).update(
            status=BatchStatus.FAILED, error=f"Stopped at row {done + 1}: {type(error).__name__}"
        )
        raise
    lease_update(
        runs,
        run.pk,
        token,
        status=BatchStatus.DONE,
        done_rows=run.total_rows,
        finished_at=timezone.now(),
    )


def batch_run_give_up(run_id: int) -> None:
    """The check stopped again and again without finishing: stop resuming it and say so."""
    BatchRun.objects.payer_wide().filter(UNFINISHED, pk=run_id).update(
        status=BatchStatus.FAILED,
        error=(
            "The check stopped repeatedly before it finished; the rows shown were checked. "
            "Upload the others as a new file."
        ),
    )


RESUMER = Resumer(
    name="eligibility.batch",
    rows=lambda: BatchRun.objects.payer_wide().defer("upload"),
    unfinished=UNFINISHED,
    started="created_at",
    task="healtheos.eligibility.batch.batch_run_process",
    argument="run_id",
    give_up=batch_run_give_up,
)
