"""The reference adjudicator: deterministic rules over the plan tables Healtheos keeps.

For each claim, in this order:

1. Eligibility on the first date of service: no coverage span of the member covers it →
   every line CO-27 (coverage had ended) or CO-26 (coverage had not begun), RARC N30.
2. High-dollar review: a total charge over :data:`HIGH_DOLLAR_THRESHOLD` pends the claim
   (unless plan staff have released it: ``claim_release``).
3. Each line, in line order:
   duplicate of a line on another adjudicated or paid claim (same member, billing
   organization, procedure code and date) → CO-18, M86; an authorization rule requires
   authorization and no approved one covers the code on the date → CO-197, N54; the
   benefit for the procedure's service type is not covered in the line's network → CO-204,
   N130; otherwise priced (see :mod:`.pricing`), with CO-45 for the contractual write-off
   and PR-3 / PR-1 / PR-2 for copay, deductible and coinsurance.

Later lines see the deductible and out-of-pocket amounts earlier lines used.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q

from healtheos.authorizations.models import (
    AuthorizationRule,
    AuthorizationStatus,
    PriorAuthorization,
)
from healtheos.claims.adjudication.interface import (
    AccumulatorIncrement,
    Adjudication,
    Adjustment,
    Decision,
    LineResult,
    Remark,
)
from healtheos.claims.adjudication.pricing import (
    ZERO,
    CostShare,
    allowed_amount,
    price_line,
)
from healtheos.claims.adjudication.service_types import service_type_for
from healtheos.claims.models import Claim, ClaimLine, ClaimStatus
from healtheos.directory.models import NetworkParticipation, ParticipationStatus
from healtheos.members.models import Accumulator, Coverage
from healtheos.plans.models import (
    Benefit,
    CostShareLimit,
    CoverageLevel,
    FeeSchedule,
    LimitKind,
    Network,
)

#: Claims charging more than this pend for a person to review before anything is paid.
HIGH_DOLLAR_THRESHOLD = Decimal("10000.00")
HIGH_DOLLAR_NOTE = "Pended for review: high-dollar claim"
#: The benefits used, in order, when the plan has none for the procedure's own service type:
#: medical care, then health benefit plan coverage. With none of them the line is covered
#: with no cost sharing.
FALLBACK_SERVICE_TYPES = ("1", "30")
APPROVED = (AuthorizationStatus.APPROVED, AuthorizationStatus.PARTIALLY_APPROVED)
#: Statuses of another claim that make a matching line a duplicate.
DECIDED = (ClaimStatus.ADJUDICATED, ClaimStatus.PAID)


class ReferenceAdjudicator:
    """See the module docstring. Reads only; returns an :class:`Adjudication`."""

    def adjudicate(self, claim: Claim) -> Adjudication:
        lines = list(claim.lines.order_by("line_number"))
        coverage = _coverage_on(claim, claim.service_from)
        if coverage is None:
            reason = "27" if _coverage_ended_before(claim, claim.service_from) else "26"
            return _deny_all(lines, reason, "N30", "Not eligible on the date of service")
        if claim.total_charge > HIGH_DOLLAR_THRESHOLD and claim.released_at is None:
            return Adjudication(Decision.PEND, note=HIGH_DOLLAR_NOTE, coverage_id=coverage.pk)
        return _LinePricer(claim, coverage).run(lines)


def _coverage_on(claim: Claim, on: dt.date) -> Coverage | None:
    spans = Coverage.objects.filter(member_id=claim.member_id, start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
    if claim.coverage_id is not None:
        chosen = spans.filter(pk=claim.coverage_id).first()
        if chosen is not None:
            return chosen
    return spans.select_related("benefit_plan").order_by("-start_date", "pk").first()


def _coverage_ended_before(claim: Claim, on: dt.date) -> bool:
    return Coverage.objects.filter(member_id=claim.member_id, end_date__lt=on).exists()


def _deny_all(lines: list[ClaimLine], reason: str, remark: str, note: str) -> Adjudication:
    return Adjudication(
        Decision.DENY,
        lines=tuple(LineResult(line.line_number) for line in lines),
        adjustments=tuple(
            Adjustment(line.line_number, "CO", reason, line.charge) for line in lines
        ),
        remarks=tuple(Remark(line.line_number, remark) for line in lines),
        note=note,
    )


class _LinePricer:
    """Walks the lines of one eligible claim, keeping the running accumulators."""

    def __init__(self, claim: Claim, coverage: Coverage) -> None:
        self.claim = claim
        self.coverage = coverage
        self.benefit_plan_id = coverage.benefit_plan_id
        self.lob = coverage.line_of_business
        self.network = self._network()
        self.results: list[LineResult] = []
        self.adjustments: list[Adjustment] = []
        self.remarks: list[Remark] = []
        #: (year, kind, network) → amount added by earlier lines of this claim.
        self.used: dict[tuple[int, str, str], Decimal] = {}

    def run(self, lines: list[ClaimLine]) -> Adjudication:
        denied = 0
        for line in lines:
            denial = self._denial(line)
            if denial is not None:
                denied += 1
                reason, remark = denial
                self.results.append(LineResult(line.line_number))
                self.adjustments.append(Adjustment(line.line_number, "CO", reason, line.charge))
                self.remarks.append(Remark(line.line_number, remark))
            else:
                self._price(line)
        decision = Decision.DENY if denied == len(lines) else Decision.PAY
        increments = tuple(
            AccumulatorIncrement(
                self.coverage.pk, year, kind, network, CoverageLevel.INDIVIDUAL, amount
            )
            for (year, kind, network), amount in sorted(self.used.items())
            if amount > 0
        )
        return Adjudication(
            decision,
            lines=tuple(self.results),
            adjustments=tuple(self.adjustments),
            remarks=tuple(self.remarks),
            accumulators=increments,
            coverage_id=self.coverage.pk,
        )

    # --- denials ---------------------------------------------------------------------

    def _denial(self, line: ClaimLine) -> tuple[str, str] | None:
        if self._is_duplicate(line):
            return "18", "M86"
        if self._needs_authorization(line) and not self._is_authorized(line):
            return "197", "N54"
        benefit = self._benefit(line)
        if benefit is not None and not benefit.covered:
            return "204", "N130"
        return None

    def _is_duplicate(self, line: ClaimLine) -> bool:
        others = ClaimLine.objects.filter(
            claim__member_id=self.claim.member_id,
            claim__billing_organization_id=self.claim.billing_organization_id,
            claim__status__in=DECIDED,
            procedure_code=line.procedure_code,
            service_date=line.service_date,
        ).exclude(claim_id=self.claim.pk)
        if self.claim.original_claim_id is not None:
            # A corrected claim repeats the claim it replaces; that is not a duplicate.
            others = others.exclude(claim_id=self.claim.original_claim_id)
        return others.exists()

    def _needs_authorization(self, line: ClaimLine) -> bool:
        place = line.place_of_service or self.claim.place_of_service
        return (
            AuthorizationRule.objects.filter(
                plan_id=self.claim.plan_id,
                line_of_business=self.lob,
                procedure_code=line.procedure_code,
                required=True,
            )
            .filter(Q(place_of_service="") | Q(place_of_service=place))
            .exists()
        )

    def _is_authorized(self, line: ClaimLine) -> bool:
        """An approved (or partially approved) authorization of this member, valid on the
        line's date, with a service for the line's procedure code that was not cut to zero
        units: the claim's own authorization (REF*G1) or any other the plan issued them."""
        on = line.service_date
        candidates = PriorAuthorization.objects.payer_wide().filter(
            plan_id=self.claim.plan_id, member_id=self.claim.member_id, status__in=APPROVED
        )
        candidates = candidates.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        candidates = candidates.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        # One filter() call, so that code and units are checked on the same service row.
        matching = candidates.filter(
            Q(services__approved_units__isnull=True) | Q(services__approved_units__gt=0),
            services__procedure_code=line.procedure_code,
        )
        return matching.exists()

    # --- pricing ---------------------------------------------------------------------

    def _network(self) -> str:
        participation = NetworkParticipation.objects.filter(
            organization_id=self.claim.billing_organization_id,
            plan_id=self.claim.plan_id,
            line_of_business=self.lob,
        ).first()
        if participation is None:
            return Network.IN
        if participation.status == ParticipationStatus.OUT_OF_NETWORK:
            return Network.OUT
        ended = participation.termination_date
        if participation.status == ParticipationStatus.TERMINATED and (
            ended is None or ended < self.claim.service_from
        ):
            return Network.OUT
        if ended is not None and ended < self.claim.service_from:
            return Network.OUT
        return Network.IN

    def _benefit(self, line: ClaimLine) -> Benefit | None:
        network = self.network
        benefits = Benefit.objects.filter(benefit_plan_id=self.benefit_plan_id, network=network)
        for service_type in (service_type_for(line.procedure_code), *FALLBACK_SERVICE_TYPES):
            benefit = benefits.filter(service_type=service_type).first()
            if benefit is not None:
                return benefit
        return None

    def _remaining(self, kind: str, network: str, year: int) -> Decimal | None:
        limit = CostShareLimit.objects.filter(
            benefit_plan_id=self.benefit_plan_id,
            kind=kind,
            network=network,
            level=CoverageLevel.INDIVIDUAL,
        ).first()
        if limit is None:
            return None
        met = Accumulator.objects.filter(
            coverage_id=self.coverage.pk,
            year=year,
            kind=kind,
            network=network,
            level=CoverageLevel.INDIVIDUAL,
        ).first()
        already = met.met if met is not None else ZERO
        return limit.amount - already - self.used.get((year, kind, network), ZERO)

    def _price(self, line: ClaimLine) -> None:
        network = self.network
        benefit = self._benefit(line)
        share = CostShare()
        if benefit is not None:
            share = CostShare(
                copay=benefit.copay or ZERO,
                coinsurance_percent=benefit.coinsurance_percent or ZERO,
                deductible_applies=benefit.deductible_applies,
            )
        fee = (
            FeeSchedule.objects.filter(
                plan_id=self.claim.plan_id,
                line_of_business=self.lob,
                procedure_code=line.procedure_code,
            )
            .values_list("allowed_amount", flat=True)
            .first()
        )
        year = line.service_date.year
        priced = price_line(
            charge=line.charge,
            allowed=allowed_amount(charge=line.charge, fee=fee, units=line.units),
            share=share,
            deductible_remaining=self._remaining(LimitKind.DEDUCTIBLE, network, year),
            out_of_pocket_remaining=self._remaining(LimitKind.OUT_OF_POCKET, network, year),
        )
        number = line.line_number
        self.results.append(
            LineResult(number, priced.allowed, priced.paid, priced.patient_responsibility)
        )
        for group, reason, amount in (
            ("CO", "45", priced.contractual),
            ("PR", "3", priced.copay),
            ("PR", "1", priced.deductible),
            ("PR", "2", priced.coinsurance),
        ):
            if amount > 0:
                self.adjustments.append(Adjustment(number, group, reason, amount))
        self._use((year, LimitKind.DEDUCTIBLE, network), priced.deductible)
        self._use((year, LimitKind.OUT_OF_POCKET, network), priced.patient_responsibility)

    def _use(self, key: tuple[int, str, str], amount: Decimal) -> None:
        self.used[key] = self.used.get(key, ZERO) + amount
