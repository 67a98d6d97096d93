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
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, transaction
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
from healtheos.synthetic.writer import TableWriter

#: Claim payments stored per database transaction (a group closes after the set that
#: reaches it, so a payment is never split).
GROUP_CLAIMS = 5000

_ZERO = Decimal("0")


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

    def __init__(self) -> None:
        self.plans: dict[tuple[str, str], Plan | None] = {}
        self.payees: dict[tuple[str, str], ProviderOrganization | None] = {}
        self.only_plan: Plan | None = None

    def plan(self, remittance: Remittance835) -> Plan:
        key = (remittance.payer.identifier, remittance.trace.originator)
        if key not in self.plans:
            candidates = [c for c in key if c]
            self.plans[key] = Plan.objects.filter(payer_id__in=candidates).first()
        plan = self.plans[key]
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


def _check(remittance: Remittance835, directory: _Directory) -> _Checked:
    """The checks that need nothing but the set and the directory; raises SetRejected."""
    problems = check_balance(remittance)
    if problems:
        raise SetRejected(problems[0].message)
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
    numbers = {p.payer_claim_number for c in group for p in c.remittance.claims}
    claims: dict[tuple[int, int, str], tuple[int, str]] = {}
    listed = sorted(numbers)
    for start in range(0, len(listed), 5000):
        for pk, number, plan_id, organization_id, status in (
            Claim.objects.payer_wide()
            .filter(claim_number__in=listed[start : start + 5000])
            .values_list("pk", "claim_number", "plan_id", "billing_organization_id", "status")
        ):
            claims[(plan_id, organization_id, number)] = (pk, status)
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
    rows = TableWriter(
        ClaimPayment,
        [
            "payment_id",
            "claim_id",
            "status_code",
            "billed_amount",
            "paid_amount",
            "patient_responsibility",
        ],
        batch=20_000,
    )
    adjustments = []
    paid: dict[int, str] = {}
    for c, payment in zip(group, payments, strict=True):
        pk = payment.pk
        for claim_id, p in zip(c.claim_ids, c.remittance.claims, strict=True):
            rows.add(
                pk,
                claim_id,
                p.status[:2],
                p.charge,
                p.paid,
                p.patient_responsibility or _ZERO,
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
    rows.flush()
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
    except IntegrityError:
        if len(good) == 1:
            index, checked = good[0]
            trace = checked.remittance.trace.reference
            results[index] = _rejected(
                checked.remittance,
                f"a payment with trace number {trace} (TRN02) is already on file",
            )
            return results
        # The group was refused whole: store its payments one by one to find which.
        for index, checked in good:
            results[index] = _store_group([checked], digest, at)[0]
        return results
    for (index, checked), payment in zip(good, payments, strict=True):
        results[index] = _stored(checked, payment)
    return results


def remittance_ingest(*, path: Path, progress: Callable[[int], None] | None = None) -> IngestReport:
    """Ingest one 835 file, set by set (see the module's docstring)."""
    report = IngestReport(path.name)
    digest = _digest(path)
    if Remittance.objects.filter(file_sha256=digest).exists():
        report.already_ingested = True
        return report
    at = timezone.now()
    directory = _Directory()
    # Each entry is a checked set, or a set rejected before its group was stored.
    pending: list[_Checked | SetResult] = []
    claims = 0

    def flush() -> None:
        nonlocal claims
        group = [entry for entry in pending if isinstance(entry, _Checked)]
        stored = _store_group(group, digest, at) if group else {}
        index = 0
        for entry in pending:
            if isinstance(entry, SetResult):
                report._add(entry)
            else:
                report._add(stored[index])
                index += 1
        pending.clear()
        claims = 0

    with open(path, "rb") as source:
        try:
            for remittance in iter_835(source, progress=progress, keep_segments=True):
                try:
                    pending.append(_check(remittance, directory))
                except SetRejected as error:
                    pending.append(_rejected(remittance, str(error)))
                claims += len(remittance.claims)
                if claims >= GROUP_CLAIMS:
                    flush()
        except X12SyntaxError as error:
            where = f"segment {error.segment_position}" if error.segment_position else "the file"
            report.fault = (
                f"{error} (at {where}{f' {error.segment_id}' if error.segment_id else ''})"
            )
    flush()
    return report
