"""835 ingest: remittance files from the plan's payment system, stored per payment.

Each transaction set (one payment) is balanced before anything of it is stored (payment
total = Σ claim payments − provider-level adjustments; each claim: billed − adjustments =
paid; each line likewise) and stored with its claim payments, provider adjustments, the
claims' status change and the 835 itself as received; a set that does not balance, or
names a payee or claim that is not on file, is rejected with the exact reason and location
and leaves nothing behind. The same file ingested again changes nothing (its SHA-256 is
kept), and so does a payment whose trace number is already on file.

Speed: sets are checked as they are read and stored in groups of about
:data:`GROUP_CLAIMS` claim payments, each group in one database transaction of bulk
statements (COPY on PostgreSQL): one lookup of the group's trace numbers, one of its
claims, one insert per table and one status update. Every check that can reject a payment
runs before the group's transaction starts, so a group's transaction only writes payments
that are already known to be good. Should the database still refuse the group (a
concurrent ingest took a trace number in between), the whole group is rolled back and its
payments are stored again one transaction each, which finds the one that is refused: a
payment is always stored whole or not at all. Payments stored before a fault in the file
stand, as before.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone

from healtheos.audit.services import audit_record_many
from healtheos.claims.adjudication.services import claims_mark_paid_by_key
from healtheos.claims.models import Claim, ClaimStatus
from healtheos.directory.models import ProviderOrganization
from healtheos.interop.x12 import X12SyntaxError, check_balance, iter_835
from healtheos.interop.x12.remittance import Remittance as Remittance835
from healtheos.interop.x12.remittance.writer import wrap_835
from healtheos.payments.models import (
    ClaimPayment,
    Payment,
    PaymentMethod,
    ProviderAdjustment,
    Remittance,
)
from healtheos.plans.models import Plan

#: Claim payments stored per database transaction (a group closes after the set that
#: reaches it, so a payment is never split).
GROUP_CLAIMS = 5000

_ZERO = Decimal("0")
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class SetResult:
    """What became of one transaction set: stored (with the payment's key) or rejected
    with the reason, which names the segment and its position in the file."""

    trace_number: str
    position: int
    stored: bool
    claim_payments: int
    total: Decimal
    reason: str = ""
    payment_id: int | None = None


@dataclass
class IngestReport:
    file_name: str
    already_ingested: bool = False
    payments: int = 0
    claim_payments: int = 0
    total: Decimal = Decimal("0")
    rejected: list[str] = field(default_factory=list)
    fault: str = ""
    #: Every set read, in file order.
    results: list[SetResult] = field(default_factory=list)

    def line(self) -> str:
        if self.already_ingested:
            return f"{self.file_name}: 835 already ingested; nothing changed"
        text = (
            f"{self.file_name}: 835 · {self.payments} payments, {self.claim_payments} claim "
            f"payments, ${self.total:,.2f} stored"
        )
        if self.rejected:
            text += f" · {len(self.rejected)} rejected: " + "; ".join(self.rejected)
        if self.fault:
            text += f" · stopped: {self.fault}"
        return text

    def _add(self, result: SetResult) -> None:
        self.results.append(result)
        if result.stored:
            self.payments += 1
            self.claim_payments += result.claim_payments
            self.total += result.total
        else:
            self.rejected.append(f"payment {result.trace_number}: {result.reason}")


class SetRejected(ValueError):
    pass


@dataclass
class _Checked:
    """A set that balances and whose plan and payee are on file: ready for its group."""

    remittance: Remittance835
    plan: Plan
    payee: ProviderOrganization
    claim_ids: list[int] = field(default_factory=list)
    mark_paid: list[int] = field(default_factory=list)


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


class _Directory:
    """The plan and payee lookups of one file, each made once."""

    def __init__(self, plan: Plan | None = None) -> None:
        self.plans: dict[tuple[str, str], Plan | None] = {}
        self.payees: dict[tuple[str, str], ProviderOrganization | None] = {}
        self.only_plan: Plan | None = None
        self.sender = plan

    def plan(self, remittance: Remittance835) -> Plan:
        key = (remittance.payer.identifier, remittance.trace.originator)
        if key not in self.plans:
            candidates = [c for c in key if c]
            self.plans[key] = Plan.objects.filter(payer_id__in=candidates).first()
        plan = self.plans[key]
        if self.sender is not None:
            if plan is None or plan.pk != self.sender.pk:
                raise SetRejected(
                    f"the payer {remittance.payer.identifier or remittance.payer.name!r} "
                    f"(N1*PR) is not the sending plan ({self.sender.payer_id})"
                )
            return plan
        if plan is None:
            if self.only_plan is None and Plan.objects.count() == 1:
                self.only_plan = Plan.objects.get()
            if self.only_plan is not None:
                return self.only_plan
            raise SetRejected(
                f"the payer {remittance.payer.identifier or remittance.payer.name!r} (N1*PR) "
                "is not a plan of this deployment"
            )
        return plan

    def payee(self, remittance: Remittance835) -> ProviderOrganization:
        payee = remittance.payee
        key = (payee.tin, payee.npi)
        if key not in self.payees:
            self.payees[key] = _find_payee(payee.tin, payee.npi)
        organization = self.payees[key]
        if organization is None:
            raise SetRejected(f"the payee {payee.name!r} (N1*PE) has no TIN or NPI on file")
        return organization


def _find_payee(tin: str, npi: str) -> ProviderOrganization | None:
    if tin:
        organization = ProviderOrganization.objects.filter(tin=tin.replace("-", "")).first()
        if organization is not None:
            return organization
    if npi:
        return (
            ProviderOrganization.objects.filter(npi=npi).first()
            or ProviderOrganization.objects.filter(providers__npi=npi).first()
        )
    return None


def _rejected(remittance: Remittance835, reason: str) -> SetResult:
    return SetResult(
        trace_number=remittance.trace.reference,
        position=remittance.origin.position if remittance.origin else 0,
        stored=False,
        claim_payments=len(remittance.claims),
        total=remittance.total_paid,
        reason=reason,
    )


#: What the payment tables hold: trace numbers of 50 characters, payment totals below
#: 10^11 and claim amounts below 10^9, in cents.
_LIMITS = (Decimal(10) ** 11, Decimal(10) ** 9)


def _does_not_fit(remittance: Remittance835) -> str:
    """Why the set cannot be stored as it is, when a value is beyond what is kept."""
    trace = remittance.trace.reference
    if len(trace) > 50:
        return f"TRN02 {trace[:20]!r}… is longer than 50 characters"
    amounts = [("BPR02", remittance.position, remittance.total_paid, _LIMITS[0])]
    for claim in remittance.claims:
        for name, value in (
            ("CLP03", claim.charge),
            ("CLP04", claim.paid),
            ("CLP05", claim.patient_responsibility or _ZERO),
        ):
            amounts.append((name, claim.position, value, _LIMITS[1]))
    for plb in remittance.provider_adjustments:
        amounts.append(("PLB", plb.position, plb.amount, _LIMITS[1]))
    for name, position, value, limit in amounts:
        if abs(value) >= limit or value != value.quantize(_CENT):
            return f"{name} {value} at segment {position} is not an amount in cents within range"
    return ""


def _check(remittance: Remittance835, directory: _Directory) -> _Checked:
    """The checks that need nothing but the set and the directory; raises SetRejected."""
    problems = check_balance(remittance)
    if problems:
        raise SetRejected(problems[0].message)
    too_long = _does_not_fit(remittance)
    if too_long:
        raise SetRejected(too_long)
    return _Checked(remittance, directory.plan(remittance), directory.payee(remittance))


def _check_group(
    group: list[_Checked],
) -> tuple[list[tuple[int, _Checked]], dict[int, SetResult]]:
    """The checks against what is on file, for a whole group in two queries: trace numbers
    already used, and claims that are not the payee's. Returns the payments that pass and
    the rejections by their index in the group."""
    traces = {(c.plan.pk, c.remittance.trace.reference) for c in group}
    taken = set(
        Payment.objects.payer_wide()
        .filter(
            plan_id__in={plan for plan, _ in traces},
            trace_number__in={trace for _, trace in traces},
        )
        .values_list("plan_id", "trace_number")
    )
    numbers = sorted({p.payer_claim_number for c in group for p in c.remittance.claims})
    claims: dict[tuple[int, int, str], tuple[int, str]] = {
        (plan_id, organization_id, number): (pk, status)
        for pk, number, plan_id, organization_id, status in _claims_by_number(numbers)
    }
    good: list[tuple[int, _Checked]] = []
    rejected: dict[int, SetResult] = {}
    seen: set[tuple[int, str]] = set()
    paying: set[int] = set()
    for index, checked in enumerate(group):
        remittance = checked.remittance
        trace = remittance.trace.reference
        key = (checked.plan.pk, trace)
        if key in taken or key in seen:
            rejected[index] = _rejected(
                remittance, f"a payment with trace number {trace} (TRN02) is already on file"
            )
            continue
        ids: list[int] = []
        mark: list[int] = []
        missing = None
        for payment in remittance.claims:
            found = claims.get((checked.plan.pk, checked.payee.pk, payment.payer_claim_number))
            if found is None:
                missing = payment
                break
            ids.append(found[0])
            if found[1] == ClaimStatus.ADJUDICATED and payment.paid >= 0 and found[0] not in paying:
                mark.append(found[0])
        if missing is not None:
            rejected[index] = _rejected(
                remittance,
                f"claim {missing.payer_claim_number or '(no CLP07)'} at segment "
                f"{missing.position} is not one of the payee's claims on file",
            )
            continue
        seen.add(key)
        paying.update(mark)
        checked.claim_ids, checked.mark_paid = ids, mark
        good.append((index, checked))
    return good, rejected


def _claims_by_number(numbers: list[str]) -> list[tuple[int, str, int, int, str]]:
    """(key, claim number, plan, billing organization, status) of the claims with these
    numbers: one statement with an array parameter on PostgreSQL (an IN list of thousands
    of parameters costs more to build than to run)."""
    columns = ("pk", "claim_number", "plan_id", "billing_organization_id", "status")
    if connection.vendor != "postgresql":
        rows: list[tuple[int, str, int, int, str]] = []
        for start in range(0, len(numbers), 500):
            chunk = numbers[start : start + 500]
            rows += Claim.objects.payer_wide().filter(claim_number__in=chunk).values_list(*columns)
        return rows
    table = Claim._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, claim_number, plan_id, billing_organization_id, status FROM {table} "  # noqa: S608
            "WHERE claim_number = ANY(%s)",
            [numbers],
        )
        return list(cursor.fetchall())


def _copy_claim_payments(rows: list[tuple[int, int, str, Decimal, Decimal, Decimal]]) -> None:
    """Insert claim-payment rows: COPY on PostgreSQL (the values are keys, a validated
    status code and amounts, so they need no escaping), executemany elsewhere."""
    if not rows:
        return
    table = ClaimPayment._meta.db_table
    columns = (
        "payment_id, claim_id, status_code, billed_amount, paid_amount, patient_responsibility"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(
                    "".join([f"{a}\t{b}\t{c}\t{d}\t{e}\t{f}\n" for a, b, c, d, e, f in rows])
                )
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)",  # noqa: S608
                [(a, b, c, str(d), str(e), str(f)) for a, b, c, d, e, f in rows],
            )


def _raw(checked: _Checked, payment: Payment, at: dt.datetime) -> str:
    remittance = checked.remittance
    origin = remittance.origin
    assert origin is not None
    return wrap_835(
        remittance.segments,
        at=at,
        control_number=payment.pk % 999_999_999 or 1,
        sender_id=checked.plan.payer_id,
        receiver_id=checked.payee.tin,
        usage=origin.usage,
        delimiters=origin.delimiters,
    )


def _write(group: list[_Checked], digest: str, at: dt.datetime) -> list[Payment]:
    """Store checked payments with bulk statements; call inside a transaction."""
    payments = Payment.objects.bulk_create(
        Payment(
            plan=c.plan,
            payee_organization=c.payee,
            trace_number=c.remittance.trace.reference,
            method=c.remittance.method if c.remittance.method in PaymentMethod.values else "NON",
            payment_date=c.remittance.payment_date,
            total_amount=c.remittance.total_paid,
        )
        for c in group
    )
    if any(payment.pk is None for payment in payments):  # pragma: no cover - no such backend
        raise RuntimeError("the database did not return the new payments' keys")
    Remittance.objects.bulk_create(
        Remittance(
            payment=payment,
            interchange_control_number=(c.remittance.origin.interchange_control_number)[:9]
            if c.remittance.origin
            else "",
            transaction_control_number=(c.remittance.origin.set_control_number)[:9]
            if c.remittance.origin
            else "",
            file_sha256=digest,
            raw_x12=_raw(c, payment, at),
        )
        for c, payment in zip(group, payments, strict=True)
    )
    rows: list[tuple[int, int, str, Decimal, Decimal, Decimal]] = []
    adjustments = []
    paid: dict[int, str] = {}
    for c, payment in zip(group, payments, strict=True):
        pk = payment.pk
        for claim_id, p in zip(c.claim_ids, c.remittance.claims, strict=True):
            rows.append(
                (pk, claim_id, p.status[:2], p.charge, p.paid, p.patient_responsibility or _ZERO)
            )
        adjustments += [
            ProviderAdjustment(
                payment=payment,
                reason_code=a.reason[:2],
                reference=a.reference[:50],
                amount=a.amount,
            )
            for a in c.remittance.provider_adjustments
        ]
        trace = c.remittance.trace.reference
        for claim_id in c.mark_paid:
            paid[claim_id] = trace
    _copy_claim_payments(rows)
    ProviderAdjustment.objects.bulk_create(adjustments)
    claims_mark_paid_by_key(paid=paid, at=at)
    audit_record_many(
        action="payments.remittance_ingested",
        objects=[
            (payment, {"claims": len(c.remittance.claims), "total": str(c.remittance.total_paid)})
            for c, payment in zip(group, payments, strict=True)
        ],
    )
    return payments


def _stored(checked: _Checked, payment: Payment) -> SetResult:
    remittance = checked.remittance
    return SetResult(
        trace_number=remittance.trace.reference,
        position=remittance.origin.position if remittance.origin else 0,
        stored=True,
        claim_payments=len(remittance.claims),
        total=payment.total_amount,
        payment_id=payment.pk,
    )


def _store_group(group: list[_Checked], digest: str, at: dt.datetime) -> dict[int, SetResult]:
    """Store a group of checked sets; the result of each by its index in the group."""
    good, results = _check_group(group)
    if not good:
        return results
    try:
        with transaction.atomic():
            payments = _write([checked for _, checked in good], digest, at)
    except (IntegrityError, DataError) as error:
        if len(good) == 1:
            index, checked = good[0]
            trace = checked.remittance.trace.reference
            taken = Payment.objects.payer_wide().filter(plan=checked.plan, trace_number=trace)
            results[index] = _rejected(
                checked.remittance,
                f"a payment with trace number {trace} (TRN02) is already on file"
                if isinstance(error, IntegrityError) and taken.exists()
                else f"the database refused it ({type(error).__name__})",
            )
            return results
        # The group was refused whole: store its payments one by one to find which.
        for index, checked in good:
            results[index] = _store_group([checked], digest, at)[0]
        return results
    for (index, checked), payment in zip(good, payments, strict=True):
        results[index] = _stored(checked, payment)
    return results


class _Groups:
    """Sets in file order, stored a group at a time. On PostgreSQL, outside any enclosing
    transaction, a group is stored by a worker thread with its own connection while the
    next group is read (the reader holds the interpreter, the store mostly waits for the
    database), with at most one group in flight; elsewhere groups are stored in line."""

    def __init__(self, report: IngestReport, digest: str, at: dt.datetime) -> None:
        self.report, self.digest, self.at = report, digest, at
        self.pending: list[_Checked | SetResult] = []
        self.claims = 0
        self.in_flight: tuple[list[_Checked | SetResult], Future[dict[int, SetResult]]] | None = (
            None
        )
        self.worker: ThreadPoolExecutor | None = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-835")

    def add(self, entry: _Checked | SetResult, claims: int) -> None:
        self.pending.append(entry)
        self.claims += claims
        if self.claims >= GROUP_CLAIMS:
            self.flush()

    def flush(self) -> None:
        entries, self.pending, self.claims = self.pending, [], 0
        group = [entry for entry in entries if isinstance(entry, _Checked)]
        self._collect()
        if self.worker is None:
            self._report(entries, _store_group(group, self.digest, self.at) if group else {})
            gc.collect(1)
        else:
            self.in_flight = (entries, self.worker.submit(self._store, group))

    def _store(self, group: list[_Checked]) -> dict[int, SetResult]:
        try:
            return _store_group(group, self.digest, self.at) if group else {}
        finally:
            gc.collect(1)

    def _collect(self) -> None:
        if self.in_flight is not None:
            entries, future = self.in_flight
            self.in_flight = None
            self._report(entries, future.result())

    def _report(self, entries: list[_Checked | SetResult], stored: dict[int, SetResult]) -> None:
        index = 0
        for entry in entries:
            if isinstance(entry, SetResult):
                self.report._add(entry)
            else:
                self.report._add(stored[index])
                index += 1

    def close(self) -> None:
        """Store what is pending and wait until it is stored."""
        self.flush()
        self._collect()

    def shut_down(self) -> None:
        """Wait for the worker (a group it is storing commits or rolls back whole) and
        close its connection."""
        if self.worker is not None:
            self.worker.submit(_close_connection)
            self.worker.shutdown(wait=True)


def _close_connection() -> None:
    """Run on the worker: its own connection (the one it stored with) is closed."""
    connection.close()


def remittance_ingest(
    *,
    path: Path,
    progress: Callable[[int], None] | None = None,
    plan: Plan | None = None,
) -> IngestReport:
    """Ingest one 835 file, set by set (see the module's docstring). With ``plan`` (the
    sender is that plan's own system or administrator) a set whose payer is another plan,
    or no plan on file, is rejected."""
    report = IngestReport(path.name)
    digest = _digest(path)
    if Remittance.objects.filter(file_sha256=digest).exists():
        report.already_ingested = True
        return report
    groups = _Groups(report, digest, timezone.now())
    directory = _Directory(plan)
    # Neither the reader nor the store makes reference cycles worth a collection per set:
    # the cyclic collector is paused for the file and run over the young objects after each
    # group (collections walking objects that reference counting frees took a third of
    # the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        with open(path, "rb") as source:
            try:
                for remittance in iter_835(source, progress=progress, keep_segments=True):
                    try:
                        entry: _Checked | SetResult = _check(remittance, directory)
                    except SetRejected as error:
                        entry = _rejected(remittance, str(error))
                    groups.add(entry, len(remittance.claims))
            except X12SyntaxError as error:
                where = (
                    f"segment {error.segment_position}" if error.segment_position else "the file"
                )
                report.fault = (
                    f"{error} (at {where}{f' {error.segment_id}' if error.segment_id else ''})"
                )
        groups.close()
    finally:
        try:
            groups.shut_down()
        finally:
            if collecting:
                gc.enable()
    return report
