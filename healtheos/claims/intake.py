"""Checking and storing an 837's claims a chunk at a time, with a handful of queries per
chunk whatever its size.

Every claim of a chunk is checked before anything of the chunk is written: the members,
billing and rendering providers, originals of corrected and void claims, coverage spans,
authorizations and possible duplicates are looked up for the whole chunk at once. The
chunk's accepted claims, their lines and first status, and every claim's outcome are then
written in one transaction with bulk inserts. A claim is therefore stored whole or not at
all; should the chunk's write fail, each of its claims is tried again on its own, so one
claim the database refuses does not take the others with it.

What a claim is checked for, and the reasons given, are in :meth:`ChunkIntake._problem`.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import DatabaseError, connection, transaction
from django.db.models import CharField, Model, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils import timezone

from healtheos.authorizations.models import PriorAuthorization
from healtheos.claims.models import (
    Claim,
    ClaimLine,
    ClaimStatus,
    ClaimStatusEvent,
    ClaimType,
    Submission,
    SubmittedClaim,
)
from healtheos.claims.selectors import office_claims
from healtheos.directory.models import Provider
from healtheos.eligibility.lookup import normalize_member_id
from healtheos.interop.x12.claims import Claim as Claim837
from healtheos.interop.x12.claims import ClaimProblem
from healtheos.interop.x12.eligibility.segments import DateRange
from healtheos.members.models import Coverage, Member

if TYPE_CHECKING:
    import datetime as dt

    from healtheos.offices.models import Office

#: Claims checked and stored together (one transaction, a few queries).
CHUNK = 1000


@dataclass(frozen=True)
class Outcome:
    """What became of one claim: accepted with its stored claim, or rejected with the
    277CA category, status code, entity and a reason a biller can act on."""

    accepted: bool
    category: str
    code: str
    reason: str
    entity: str = ""
    claim: Claim | None = None


@dataclass(frozen=True)
class Received:
    """One claim of the file as read: its place in the file, its set's kind and the
    interchange position of its set's ST."""

    sequence: int
    claim: Claim837
    professional: bool
    position: int = 0


ACCEPTED = ("A2", "20", "Accepted into adjudication")


def service_dates(claim: Claim837) -> DateRange:
    dates = [line.service_dates for line in claim.lines if line.service_dates is not None]
    header = claim.date("472") or claim.date("434")
    if header is not None:
        dates.append(header)
    if not dates:
        today = timezone.localdate()
        return DateRange(today, today)
    return DateRange(min(d.start for d in dates), max(d.end for d in dates))


def _reject(problem: ClaimProblem) -> Outcome:
    return Outcome(
        False, "A7" if problem.code != "54" else "A3", problem.code, problem.message, problem.entity
    )


def _duplicate_key(claim: Claim837, member_id: int) -> tuple[str, int, dt.date, Decimal]:
    return (
        claim.patient_control_number[:38],
        member_id,
        service_dates(claim).start,
        claim.total_charge,
    )


class ChunkIntake:
    """Checks and stores the chunks of one submission; remembers across chunks what does
    not change within a file (whether a billing provider is the office's, and the
    provider record it bills under)."""

    def __init__(self, *, office: Office, submission: Submission) -> None:
        self.office = office
        self.submission = submission
        self._billing_is_office: dict[tuple[str, str], bool] = {}
        self._billing_provider: dict[str, Provider | None] = {}

    # -- what is on file, for a whole chunk ----------------------------------------------

    def _members(self, received: list[Received]) -> dict[int, Member | None]:
        plan_id = self.office.plan_id
        ids = {normalize_member_id(r.claim.subscriber.member_id) for r in received}
        subscribers: dict[str, Member] = {}
        for member in Member.objects.filter(plan_id=plan_id, member_id__in=ids).order_by("pk"):
            subscribers.setdefault(member.member_id, member)
        found: dict[int, Member | None] = {}
        dependents_of: set[int] = set()
        for r in received:
            subscriber = subscribers.get(normalize_member_id(r.claim.subscriber.member_id))
            found[r.sequence] = subscriber
            if subscriber is not None and r.claim.patient is not None:
                dependents_of.add(subscriber.pk)
        if not dependents_of:
            return found
        dependents: dict[tuple[int, dt.date], list[Member]] = defaultdict(list)
        births = {r.claim.patient.birth_date for r in received if r.claim.patient is not None}
        for member in Member.objects.filter(
            plan_id=plan_id, subscriber_id__in=dependents_of, birth_date__in=births - {None}
        ).order_by("pk"):
            assert member.subscriber_id is not None
            dependents[(member.subscriber_id, member.birth_date)].append(member)
        for r in received:
            patient, subscriber = r.claim.patient, found[r.sequence]
            if patient is None or subscriber is None:
                continue
            if patient.birth_date is None:
                found[r.sequence] = None
                continue
            first = patient.name.first.casefold()
            found[r.sequence] = next(
                (
                    m
                    for m in dependents.get((subscriber.pk, patient.birth_date), ())
                    if m.first_name.casefold() == first
                ),
                None,
            )
        return found

    def _billing_ok(self, claim: Claim837) -> bool:
        billing = claim.billing_provider
        key = (billing.tin.replace("-", ""), billing.npi)
        known = self._billing_is_office.get(key)
        if known is None:
            from healtheos.eligibility.providers import provider_on_file

            organization = self.office.organization
            known = bool(key[0] and key[0] == organization.tin) or provider_on_file(
                office=self.office, npi=billing.npi
            )
            self._billing_is_office[key] = known
        return known

    def _bills_under(self, claim: Claim837) -> Provider | None:
        npi = claim.billing_provider.npi
        if npi not in self._billing_provider:
            self._billing_provider[npi] = (
                Provider.objects.filter(npi=npi).first()
                or Provider.objects.filter(organizations=self.office.organization)
                .order_by("pk")
                .first()
            )
        return self._billing_provider[npi]

    def _problem(
        self,
        claim: Claim837,
        member: Member | None,
        originals: dict[str, Claim],
        duplicates: set[tuple[str, int, dt.date, Decimal]],
    ) -> ClaimProblem | None:
        if claim.problems:
            return claim.problems[0]
        if not self._billing_ok(claim):
            return ClaimProblem(
                "562",
                "The billing provider's TIN or NPI is not this office's.",
                claim.billing_provider.position,
                entity="85",
            )
        if member is None:
            return ClaimProblem(
                "33",
                "No member of this plan has this member ID (and, for a dependent, this name "
                "and date of birth).",
                claim.subscriber.position,
                entity="IL",
            )
        if claim.frequency in ("7", "8"):
            if claim.original_claim_number.upper() not in originals:
                return ClaimProblem(
                    "21",
                    f"The original claim {claim.original_claim_number!r} (REF*F8) is not one "
                    "of this office's claims.",
                    claim.position,
                )
            return None
        if _duplicate_key(claim, member.pk) in duplicates:
            return ClaimProblem(
                "54",
                "Duplicate of a claim already received (same patient account, patient, "
                "service date and total).",
                claim.position,
            )
        return None

    # -- a chunk -------------------------------------------------------------------------

    def run(self, received: list[Received]) -> list[Outcome]:
        """The outcome of each claim, in order; claims already stored for this submission
        (an interrupted run being finished) keep the outcome they had."""
        done = {
            row.sequence: row
            for row in SubmittedClaim.objects.filter(
                submission=self.submission, sequence__in=[r.sequence for r in received]
            ).select_related("claim")
        }
        todo = [r for r in received if r.sequence not in done]
        outcomes = self._store(todo) if todo else {}
        for sequence, row in done.items():
            outcomes[sequence] = Outcome(
                row.accepted, row.status_category, row.status_code, row.reason, claim=row.claim
            )
        return [outcomes[r.sequence] for r in received]

    def _store(self, received: list[Received]) -> dict[int, Outcome]:
        try:
            with transaction.atomic():
                return self._store_chunk(received)
        except DatabaseError:
            if len(received) == 1:
                raise
        # One claim the database refused: try each on its own, so the rest go through.
        outcomes: dict[int, Outcome] = {}
        for one in received:
            try:
                outcomes.update(self._store([one]))
            except DatabaseError:
                outcome = Outcome(
                    False, "A3", "21", "The claim could not be stored; send it again."
                )
                outcomes[one.sequence] = outcome
                self._record([(one, outcome)])
        return outcomes

    def _store_chunk(self, received: list[Received]) -> dict[int, Outcome]:
        office = self.office
        members = self._members(received)
        claims = office_claims(office=office)
        originals = {
            c.claim_number: c
            for c in claims.filter(
                claim_number__in={
                    r.claim.original_claim_number.upper()
                    for r in received
                    if r.claim.frequency in ("7", "8")
                }
            )
        }
        duplicates = set(
            claims.filter(
                patient_account_number__in={r.claim.patient_control_number[:38] for r in received}
            )
            .exclude(status__in=[ClaimStatus.REJECTED, ClaimStatus.VOIDED])
            .values_list("patient_account_number", "member_id", "service_from", "total_charge")
        )
        outcomes: dict[int, Outcome] = {}
        accepted: list[tuple[Received, Member, Provider]] = []
        for r in received:
            member = members[r.sequence]
            problem = self._problem(r.claim, member, originals, duplicates)
            if problem is not None:
                outcomes[r.sequence] = _reject(problem)
                continue
            assert member is not None
            billing = self._bills_under(r.claim)
            if billing is None:
                outcomes[r.sequence] = Outcome(
                    False, "A3", "21", "the office has no provider on file to bill under"
                )
                continue
            accepted.append((r, member, billing))
            if r.claim.frequency not in ("7", "8"):
                # A second copy later in the file is a duplicate of this one.
                duplicates.add(_duplicate_key(r.claim, member.pk))
        stored = self._create(accepted, originals)
        for r, _, _ in accepted:
            outcomes[r.sequence] = Outcome(True, *ACCEPTED, claim=stored[r.sequence])
        self._record([(r, outcomes[r.sequence]) for r in received])
        return outcomes

    def _create(
        self, accepted: list[tuple[Received, Member, Provider]], originals: dict[str, Claim]
    ) -> dict[int, Claim]:
        if not accepted:
            return {}
        office, submission = self.office, self.submission
        member_ids = {member.pk for _, member, _ in accepted}
        coverages: dict[int, list[Coverage]] = defaultdict(list)
        for span in Coverage.objects.filter(member_id__in=member_ids).order_by("-start_date"):
            coverages[span.member_id].append(span)
        numbers = {r.claim.prior_authorization for r, _, _ in accepted} - {""}
        authorizations: dict[tuple[int, str], PriorAuthorization] = {}
        if numbers:
            for authorization in (
                PriorAuthorization.objects.payer_wide()
                .filter(member_id__in=member_ids, authorization_number__in=numbers)
                .order_by("-pk")
            ):
                key = (authorization.member_id, authorization.authorization_number)
                authorizations[key] = authorization
        rendering_npis = {r.claim.rendering.npi for r, _, _ in accepted if r.claim.rendering} - {""}
        rendering: dict[str, Provider] = {}
        for provider in Provider.objects.filter(npi__in=rendering_npis).order_by("-pk"):
            rendering[provider.npi] = provider
        now = timezone.now()
        rows: list[Claim] = []
        for r, member, billing in accepted:
            claim, professional = r.claim, r.professional
            dates = service_dates(claim)
            coverage = next(
                (
                    c
                    for c in coverages.get(member.pk, ())
                    if c.start_date <= dates.start
                    and (c.end_date is None or c.end_date >= dates.start)
                ),
                None,
            )
            rendering_npi = claim.rendering.npi if claim.rendering else ""
            rows.append(
                Claim(
                    plan_id=office.plan_id,
                    claim_number=uuid.uuid4().hex[:20],
                    patient_account_number=claim.patient_control_number[:38],
                    claim_type=ClaimType.PROFESSIONAL if professional else ClaimType.INSTITUTIONAL,
                    frequency_code=claim.frequency if claim.frequency in ("1", "7", "8") else "1",
                    original_claim=originals.get(claim.original_claim_number.upper())
                    if claim.frequency in ("7", "8")
                    else None,
                    member=member,
                    coverage=coverage,
                    billing_organization_id=office.organization_id,
                    billing_provider=billing,
                    rendering_provider=rendering.get(rendering_npi),
                    authorization=authorizations.get((member.pk, claim.prior_authorization)),
                    place_of_service=claim.facility_code[:2] if professional else "",
                    diagnosis_codes=[code.dotted for code in claim.diagnoses],
                    service_from=dates.start,
                    service_to=dates.end,
                    total_charge=claim.total_charge,
                    received_at=now,
                    source=submission.channel,
                    submission=submission,
                )
            )
        Claim.objects.bulk_create(rows, batch_size=CHUNK)
        # The payer claim number: a prefix for the plan, the day, and the row's own key
        # (eight digits at least), set by one UPDATE for the chunk.
        prefix = f"{office.plan.payer_id[:3]}{now:%y%m%d}"
        pks = [row.pk for row in rows]
        for row in rows:
            row.claim_number = f"{prefix}{row.pk:08d}"
        if max(pks) < 10**8:
            Claim.objects.payer_wide().filter(pk__in=pks).update(
                claim_number=Concat(Value(prefix), LPad(Cast("id", CharField()), 8, Value("0")))
            )
        else:
            Claim.objects.payer_wide().bulk_update(rows, ["claim_number"], batch_size=CHUNK)
        ops = connection.ops
        at = ops.adapt_datetimefield_value(now)
        note = f"Received in submission {submission.pk}"
        lines: list[tuple[object, ...]] = []
        events: list[tuple[object, ...]] = []
        zero = ops.adapt_decimalfield_value(Decimal(0), 11, 2)
        for (r, _, _), row in zip(accepted, rows, strict=True):
            claim, professional = r.claim, r.professional
            dates = service_dates(claim)
            for line in claim.lines:
                procedure = line.procedure
                lines.append(
                    (
                        row.pk,
                        line.number,
                        procedure.code if procedure else "",
                        json.dumps(list(procedure.modifiers) if procedure else []),
                        line.revenue_code,
                        ops.adapt_decimalfield_value(
                            line.units if line.units is not None else Decimal(1), 7, 2
                        ),
                        ops.adapt_datefield_value((line.service_dates or dates).start),
                        line.place_of_service or (claim.facility_code[:2] if professional else ""),
                        json.dumps(list(line.diagnosis_pointers)),
                        ops.adapt_decimalfield_value(line.charge, 11, 2),
                        zero,
                        zero,
                        zero,
                    )
                )
            events.append((row.pk, ClaimStatus.RECEIVED.value, "A2", "20", at, note))
        insert_rows(ClaimLine, LINE_COLUMNS, lines)
        insert_rows(ClaimStatusEvent, EVENT_COLUMNS, events)
        return {r.sequence: row for (r, _, _), row in zip(accepted, rows, strict=True)}

    def _record(self, results: list[tuple[Received, Outcome]]) -> None:
        ops = connection.ops
        insert_rows(
            SubmittedClaim,
            SUBMITTED_COLUMNS,
            [
                (
                    self.submission.pk,
                    r.sequence,
                    r.claim.patient_control_number[:38],
                    ops.adapt_decimalfield_value(r.claim.total_charge, 11, 2),
                    outcome.accepted,
                    outcome.category,
                    outcome.code,
                    outcome.reason[:300],
                    outcome.claim.pk if outcome.claim else None,
                )
                for r, outcome in results
            ],
        )


LINE_COLUMNS = (
    "claim_id",
    "line_number",
    "procedure_code",
    "modifiers",
    "revenue_code",
    "units",
    "service_date",
    "place_of_service",
    "diagnosis_pointers",
    "charge",
    "allowed_amount",
    "paid_amount",
    "patient_responsibility",
)
EVENT_COLUMNS = ("claim_id", "status", "category_code", "status_code", "at", "note")
SUBMITTED_COLUMNS = (
    "submission_id",
    "sequence",
    "patient_control_number",
    "total_charge",
    "accepted",
    "status_category",
    "status_code",
    "reason",
    "claim_id",
)


def insert_rows(
    model: type[Model], columns: tuple[str, ...], rows: list[tuple[object, ...]]
) -> None:
    """Insert plain rows (values already adapted for the database) without building model
    instances: COPY on PostgreSQL, one prepared INSERT for all rows elsewhere. Django's
    bulk_create spends more time preparing each field than the database spends storing it."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - names from the model
            cursor.executemany(sql, rows)  # type: ignore[arg-type]
