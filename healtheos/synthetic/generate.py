"""The synthetic plan data set behind ``healtheos seed``.

Deterministic: the same ``seed`` and ``today`` give the same rows, to the cent. Coherent:
claims are billed by organizations on file under their own practitioners' NPIs, coverage
spans never overlap within a member and line of business, every claim payment balances
(billed − adjustments = paid) and every payment adds up (Σ claim payments − provider-level
adjustments = total). Rows carry generator-assigned keys and are written in bulk
(:mod:`healtheos.synthetic.writer`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from django.db import connection, transaction

from healtheos.authorizations.models import (
    AuthorizationEvent,
    AuthorizationRule,
    AuthorizationService,
    AuthorizationStatus,
    PriorAuthorization,
    Referral,
    ReferralStatus,
    Urgency,
)
from healtheos.claims.models import (
    Claim,
    ClaimAdjustment,
    ClaimLine,
    ClaimRemark,
    ClaimStatus,
    ClaimStatusEvent,
    ClaimType,
)
from healtheos.core.identifiers import luhn_digit_for_npi
from healtheos.directory.models import (
    EntityType,
    Location,
    NetworkParticipation,
    ParticipationStatus,
    Provider,
    ProviderOrganization,
)
from healtheos.members.models import (
    Accumulator,
    AttributionSource,
    Coverage,
    Member,
    PcpAssignment,
    Relationship,
)
from healtheos.offices.models import Office, OfficeStatus
from healtheos.payments.models import (
    ClaimPayment,
    Payment,
    PaymentMethod,
    ProviderAdjustment,
    Remittance,
)
from healtheos.plans.models import (
    Benefit,
    BenefitPlan,
    CostShareLimit,
    CoverageLevel,
    FeeSchedule,
    LimitKind,
    LineOfBusiness,
    Network,
    Plan,
    ProductType,
)
from healtheos.synthetic import catalog
from healtheos.synthetic.progress import Progress
from healtheos.synthetic.writer import TableWriter, reset_sequences

_T = TypeVar("_T")
CENT = Decimal("0.01")
LOB_WEIGHTS = [
    (LineOfBusiness.COMMERCIAL, 45),
    (LineOfBusiness.MEDICARE_ADVANTAGE, 20),
    (LineOfBusiness.MEDICAID, 20),
    (LineOfBusiness.MARKETPLACE, 15),
]
LOB_CODES = {
    LineOfBusiness.COMMERCIAL: "COM",
    LineOfBusiness.MEDICARE_ADVANTAGE: "MA",
    LineOfBusiness.MEDICAID: "MCD",
    LineOfBusiness.MARKETPLACE: "MKT",
}
#: How much of the commercial fee schedule each line of business allows.
LOB_FEE_FACTOR: dict[str, Decimal] = {
    LineOfBusiness.COMMERCIAL: Decimal("1.00"),
    LineOfBusiness.MEDICARE_ADVANTAGE: Decimal("0.90"),
    LineOfBusiness.MEDICAID: Decimal("0.70"),
    LineOfBusiness.MARKETPLACE: Decimal("0.85"),
}
CLAIM_STATUS_WEIGHTS = [
    (ClaimStatus.RECEIVED, 5),
    (ClaimStatus.IN_PROCESS, 5),
    (ClaimStatus.PENDED, 6),
    (ClaimStatus.ADJUDICATED, 6),
    (ClaimStatus.PAID, 55),
    (ClaimStatus.DENIED, 15),
    (ClaimStatus.REJECTED, 4),
    (ClaimStatus.VOIDED, 4),
]
#: X12 277 claim status category and status code recorded with each status.
STATUS_CODES = {
    ClaimStatus.RECEIVED: ("A1", "19"),
    ClaimStatus.IN_PROCESS: ("A2", "20"),
    ClaimStatus.PENDED: ("P1", "21"),
    ClaimStatus.ADJUDICATED: ("F0", "3"),
    ClaimStatus.PAID: ("F1", "65"),
    ClaimStatus.DENIED: ("F2", "88"),
    ClaimStatus.REJECTED: ("A3", "21"),
    ClaimStatus.VOIDED: ("F1", "107"),
}
DENIALS = [
    ("CO", "197", "N54"),
    ("CO", "27", "N30"),
    ("CO", "29", ""),
    ("CO", "18", "M86"),
    ("CO", "204", "N130"),
]
AUTH_STATUS_WEIGHTS = [
    (AuthorizationStatus.DRAFT, 5),
    (AuthorizationStatus.SUBMITTED, 8),
    (AuthorizationStatus.IN_REVIEW, 10),
    (AuthorizationStatus.PENDED, 8),
    (AuthorizationStatus.APPROVED, 40),
    (AuthorizationStatus.PARTIALLY_APPROVED, 7),
    (AuthorizationStatus.DENIED, 15),
    (AuthorizationStatus.WITHDRAWN, 7),
]
EXPEDITED_REASON = (
    "Symptoms are worsening; the standard time frame could seriously harm the patient."
)
DENIAL_REASONS = {
    "MED_NEC": "The request does not meet the plan's medical necessity criteria for this service.",
    "INSUFF_DOC": "The documentation sent does not show the criteria the plan requires.",
    "NONCOVERED": "The member's benefit plan does not cover this service.",
    "OON": "The servicing provider is not in the member's network and no exception applies.",
}


@dataclass(frozen=True)
class Scale:
    organizations: int
    practitioners_per_organization: int
    households: int
    claims: int
    authorizations: int
    referrals: int


SCALES: dict[str, Scale] = {
    "small": Scale(14, 4, 150, 900, 160, 40),
    "demo": Scale(40, 5, 2_200, 15_000, 1_500, 300),
    "1m": Scale(900, 6, 445_000, 1_000_000, 100_000, 20_000),
}


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)


@dataclass
class _Household:
    plan_index: int
    members: list[int]
    coverages: list[tuple[int, int, str, dt.date, dt.date | None]]


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class Generator:
    def __init__(
        self, *, seed: int, scale: str, today: dt.date, say: Callable[[str], None]
    ) -> None:
        self.rng = random.Random(seed)
        self.scale = SCALES[scale]
        self.scale_name = scale
        self.today = today
        self.say = say
        self.counts: dict[str, int] = {}
        self._next: dict[str, int] = defaultdict(int)

    # -- helpers --------------------------------------------------------------------------

    def next_id(self, name: str) -> int:
        self._next[name] += 1
        return self._next[name]

    def weighted(self, pairs: Sequence[tuple[_T, int]]) -> _T:
        return self.rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]

    def npi(self, sequence: int, entity_type: int) -> str:
        stem = f"{entity_type}{sequence:08d}"
        return stem + str(luhn_digit_for_npi(stem))

    def at(self, day: dt.date, hour: int = 14) -> dt.datetime:
        minute = self.rng.randrange(60)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)

    # -- the run --------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            self._plans()
            self._directory()
            self._members()
            self._claims_and_payments()
            self._authorizations()
            self._referrals()
        reset_sequences(
            [
                ProviderOrganization,
                Provider,
                Location,
                NetworkParticipation,
                Office,
                Member,
                Coverage,
                Accumulator,
                PcpAssignment,
                Claim,
                ClaimLine,
                ClaimAdjustment,
                ClaimRemark,
                ClaimStatusEvent,
                Payment,
                Remittance,
                ClaimPayment,
                ProviderAdjustment,
                PriorAuthorization,
                AuthorizationService,
                AuthorizationEvent,
                Referral,
            ]
        )
        refresh_statistics()
        return self.counts

    # -- plans and benefits (a few hundred rows: ordinary ORM) ----------------------------

    def _plans(self) -> None:
        self.plans: list[Plan] = []
        self.member_prefix: dict[int, str] = {}
        self.benefit_plans: dict[int, list[BenefitPlan]] = defaultdict(list)
        self.copays: dict[int, Decimal] = {}
        self.limits: dict[tuple[int, str, str, str], Decimal] = {}
        benefits: list[Benefit] = []
        limits: list[CostShareLimit] = []
        fees: list[FeeSchedule] = []
        rules: list[AuthorizationRule] = []
        for code, name, brand, state, payer_id, prefix in catalog.PLANS:
            plan = Plan.objects.create(
                code=code,
                name=name,
                brand=brand,
                state=state,
                payer_id=payer_id,
                auto_approve_registrations=(code == "sunrise-ok"),
            )
            self.plans.append(plan)
            self.member_prefix[plan.pk] = prefix
            for lob, products in catalog.PRODUCTS.items():
                for index, (product_type, suffix) in enumerate(products):
                    bp = BenefitPlan.objects.create(
                        plan=plan,
                        line_of_business=lob,
                        code=f"{prefix}-{LOB_CODES[lob]}-{index + 1}",
                        name=f"{brand} {suffix}",
                        product_type=product_type,
                        requires_referral=product_type == ProductType.HMO,
                    )
                    self.benefit_plans[plan.pk].append(bp)
                    rich = lob in (LineOfBusiness.MEDICAID, LineOfBusiness.MEDICARE_ADVANTAGE)
                    for st_code, copay, coins, auth, visits in catalog.SERVICE_TYPES:
                        for network in (Network.IN, Network.OUT):
                            out = network == Network.OUT
                            covered = not (
                                out and product_type in (ProductType.HMO, ProductType.EPO)
                            )
                            benefits.append(
                                Benefit(
                                    benefit_plan=bp,
                                    service_type=st_code,
                                    network=network,
                                    covered=covered,
                                    copay=None
                                    if (copay is None or out)
                                    else (
                                        Decimal("0") if lob == LineOfBusiness.MEDICAID else copay
                                    ),
                                    coinsurance_percent=(Decimal("40") if out else coins)
                                    if (coins is not None or out)
                                    else None,
                                    deductible_applies=not (st_code == "98" and not out),
                                    prior_auth_required=auth,
                                    visits_per_year=visits,
                                    limitation=f"{visits} visits per plan year" if visits else "",
                                )
                            )
                    self.copays[bp.pk] = (
                        Decimal("0") if lob == LineOfBusiness.MEDICAID else Decimal("25")
                    )
                    base_deductible = (
                        Decimal("0")
                        if rich
                        else Decimal(self.rng.choice([500, 1000, 1500, 2500, 4000]))
                    )
                    base_oop = (
                        Decimal(self.rng.choice([3000, 4500, 6000, 8500]))
                        if not rich
                        else Decimal("3400")
                    )
                    for kind, base in (
                        (LimitKind.DEDUCTIBLE, base_deductible),
                        (LimitKind.OUT_OF_POCKET, base_oop),
                    ):
                        for network in (Network.IN, Network.OUT):
                            for level in (CoverageLevel.INDIVIDUAL, CoverageLevel.FAMILY):
                                amount = (
                                    base
                                    * (2 if network == Network.OUT else 1)
                                    * (2 if level == CoverageLevel.FAMILY else 1)
                                )
                                limits.append(
                                    CostShareLimit(
                                        benefit_plan=bp,
                                        kind=kind,
                                        network=network,
                                        level=level,
                                        amount=amount,
                                    )
                                )
                                self.limits[(bp.pk, kind, network, level)] = amount
                for proc, _desc, _charge, allowed, _st in catalog.PROCEDURES:
                    fees.append(
                        FeeSchedule(
                            plan=plan,
                            line_of_business=lob,
                            procedure_code=proc,
                            allowed_amount=money(allowed * LOB_FEE_FACTOR[lob]),
                        )
                    )
                for proc, desc, docs in catalog.AUTH_RULES:
                    rules.append(
                        AuthorizationRule(
                            plan=plan,
                            line_of_business=lob,
                            procedure_code=proc,
                            required=True,
                            description=desc,
                            documentation=docs,
                            auto_approve=proc in catalog.AUTO_APPROVE
                            and lob == LineOfBusiness.MEDICARE_ADVANTAGE,
                        )
                    )
        Benefit.objects.bulk_create(benefits)
        CostShareLimit.objects.bulk_create(limits)
        FeeSchedule.objects.bulk_create(fees)
        AuthorizationRule.objects.bulk_create(rules)
        self.counts.update(
            plans=len(self.plans),
            benefits=len(benefits),
            fee_schedule=len(fees),
            authorization_rules=len(rules),
        )

    # -- provider directory and offices ---------------------------------------------------

    def _directory(self) -> None:
        scale = self.scale
        plan_by_state = {p.state: p for p in self.plans}
        plan_index = {p.pk: i for i, p in enumerate(self.plans)}
        orgs = TableWriter(ProviderOrganization, ["id", "tin", "legal_name", "npi"])
        locations = TableWriter(
            Location,
            [
                "id",
                "organization_id",
                "name",
                "address_line",
                "city",
                "state",
                "postal_code",
                "phone",
                "is_primary",
            ],
        )
        participations = TableWriter(
            NetworkParticipation,
            [
                "id",
                "organization_id",
                "plan_id",
                "line_of_business",
                "status",
                "effective_date",
                "termination_date",
            ],
        )
        providers = TableWriter(
            Provider,
            [
                "id",
                "npi",
                "entity_type",
                "first_name",
                "last_name",
                "organization_name",
                "taxonomy_code",
                "specialty",
                "accepts_new_patients",
            ],
        )
        links = TableWriter(
            Provider.organizations.through, ["providerorganization_id", "provider_id"]
        )
        offices = TableWriter(
            Office,
            ["id", "plan_id", "organization_id", "name", "status", "created_at", "approved_at"],
        )
        #: per plan: organizations with an approved office, and their practitioners
        self.office_orgs: dict[int, list[int]] = defaultdict(list)
        self.office_of: dict[tuple[int, int], int] = {}
        self.org_practitioners: dict[int, list[int]] = defaultdict(list)
        self.plan_practitioners: dict[int, list[tuple[int, int]]] = defaultdict(list)
        self.named_org: dict[int, int] = {}
        self.org_tin: dict[int, str] = {}
        self.org_name: dict[int, str] = {}
        used_tins = {tin for _p, _n, tin in catalog.DEMO_OFFICES}
        progress = Progress("provider directory", scale.organizations)
        named = {code: (name, tin) for code, name, tin in catalog.DEMO_OFFICES}
        for index in range(scale.organizations):
            org_id = self.next_id("org")
            if index < len(catalog.DEMO_OFFICES):
                plan = self.plans[index]
                name, tin = named[plan.code]
                states = [plan.state]
            else:
                home = self.rng.choice(self.plans)
                states = [home.state]
                if self.rng.random() < 0.1:
                    states.append(
                        self.rng.choice([p.state for p in self.plans if p.state != home.state])
                    )
                name = f"{self.rng.choice(catalog.ORG_WORDS)} {self.rng.choice(catalog.ORG_KINDS)}"
                if index >= 100:
                    name = f"{name} {index}"
                prefix = {"TX": "74", "OK": "73", "IL": "36"}[home.state]
                tin = f"{prefix}{self.rng.randrange(10**7):07d}"
                while tin in used_tins:
                    tin = f"{prefix}{self.rng.randrange(10**7):07d}"
            used_tins.add(tin)
            self.org_tin[org_id] = tin
            self.org_name[org_id] = name
            orgs.add(org_id, tin, name, self.npi(org_id, 2))
            for loc in range(1 + (self.rng.random() < 0.3)):
                city, zip3 = self.rng.choice(catalog.CITIES[states[0]])
                locations.add(
                    self.next_id("loc"),
                    org_id,
                    f"{city} office" if loc else "Main office",
                    f"{self.rng.randrange(100, 9999)} {self.rng.choice(catalog.STREETS)} St",
                    city,
                    states[0],
                    f"{zip3}{self.rng.randrange(100):02d}",
                    f"555-01{self.rng.randrange(100):02d}",
                    loc == 0,
                )
            kind = name.split(" ", 1)[-1]
            specialties = catalog.SPECIALTIES
            count = scale.practitioners_per_organization * (
                3 if index < len(catalog.DEMO_OFFICES) else 1
            )
            for _ in range(max(1, count + self.rng.randrange(-1, 2))):
                provider_id = self.next_id("provider")
                taxonomy, specialty = self.rng.choice(
                    specialties[:3]
                    if "Family" in kind
                    or "Primary" in kind
                    or "Pediatrics" in kind
                    or "Internal" in kind
                    else specialties
                )
                providers.add(
                    provider_id,
                    self.npi(100000 + provider_id, 1),
                    EntityType.INDIVIDUAL,
                    self.rng.choice(catalog.FIRST_NAMES),
                    self.rng.choice(catalog.LAST_NAMES),
                    "",
                    taxonomy,
                    specialty,
                    self.rng.random() < 0.85,
                )
                links.add(org_id, provider_id)
                self.org_practitioners[org_id].append(provider_id)
            for state in states:
                plan = plan_by_state[state]
                named_here = index < len(catalog.DEMO_OFFICES)
                for lob in LineOfBusiness:
                    roll = self.rng.random()
                    status = (
                        ParticipationStatus.IN_NETWORK
                        if named_here or roll < 0.85
                        else (
                            ParticipationStatus.OUT_OF_NETWORK
                            if roll < 0.95
                            else ParticipationStatus.TERMINATED
                        )
                    )
                    participations.add(
                        self.next_id("participation"),
                        org_id,
                        plan.pk,
                        lob,
                        status,
                        dt.date(2019, 1, 1),
                        self.today - dt.timedelta(days=30)
                        if status == ParticipationStatus.TERMINATED
                        else None,
                    )
                # Most contracted organizations have registered an office; the rest exist on
                # file only (registration demos match them, or deliberately fail to).
                if named_here or self.rng.random() < 0.7:
                    office_id = self.next_id("office")
                    created = self.at(self.today - dt.timedelta(days=self.rng.randrange(60, 900)))
                    offices.add(
                        office_id,
                        plan.pk,
                        org_id,
                        name,
                        OfficeStatus.APPROVED,
                        created,
                        created + dt.timedelta(days=2),
                    )
                    self.office_orgs[plan.pk].append(org_id)
                    self.office_of[(plan.pk, org_id)] = office_id
                    if named_here:
                        self.named_org[plan.pk] = org_id
                for provider_id in self.org_practitioners[org_id]:
                    self.plan_practitioners[plan.pk].append((org_id, provider_id))
            _ = plan_index
            progress.advance()
        for writer in (orgs, locations, providers, links, participations, offices):
            writer.flush()
        progress.finish()
        self.counts.update(
            organizations=orgs.written,
            providers=providers.written,
            offices=offices.written,
            locations=locations.written,
        )

    # -- members, coverage, accumulators, attribution -------------------------------------

    def _members(self) -> None:
        scale = self.scale
        members = TableWriter(
            Member,
            [
                "id",
                "plan_id",
                "member_id",
                "first_name",
                "last_name",
                "birth_date",
                "sex",
                "subscriber_id",
                "relationship",
                "address_line",
                "city",
                "state",
                "postal_code",
            ],
        )
        coverages = TableWriter(
            Coverage,
            [
                "id",
                "member_id",
                "benefit_plan_id",
                "line_of_business",
                "group_number",
                "group_name",
                "start_date",
                "end_date",
            ],
        )
        accumulators = TableWriter(
            Accumulator, ["id", "coverage_id", "year", "kind", "network", "level", "met"]
        )
        pcps = TableWriter(
            PcpAssignment,
            [
                "id",
                "member_id",
                "provider_id",
                "organization_id",
                "source",
                "start_date",
                "end_date",
            ],
        )
        self.households: list[_Household] = []
        #: member id → (plan id, birth date) and coverage spans for claims and authorizations
        self.member_plan: dict[int, int] = {}
        self.member_coverages: dict[int, list[tuple[int, int, str, dt.date, dt.date | None]]] = (
            defaultdict(list)
        )
        self.member_number: dict[int, str] = {}
        self.attributed: dict[tuple[int, int], list[int]] = defaultdict(list)
        sequence: dict[int, int] = defaultdict(int)
        year_start = dt.date(self.today.year, 1, 1)
        progress = Progress("members and coverage", scale.households)
        for _ in range(scale.households):
            plan = self.rng.choice(self.plans)
            lob = self.weighted(LOB_WEIGHTS)
            options = [bp for bp in self.benefit_plans[plan.pk] if bp.line_of_business == lob]
            benefit_plan = self.rng.choice(options)
            city, zip3 = self.rng.choice(catalog.CITIES[plan.state])
            address = (
                f"{self.rng.randrange(100, 9999)} {self.rng.choice(catalog.STREETS)} Ave",
                city,
                plan.state,
                f"{zip3}{self.rng.randrange(100):02d}",
            )
            last = self.rng.choice(catalog.LAST_NAMES)
            if lob == LineOfBusiness.MEDICARE_ADVANTAGE:
                age = self.rng.randrange(65, 92)
            else:
                age = self.rng.randrange(19, 64)
            birth = self.today - dt.timedelta(days=age * 365 + self.rng.randrange(365))
            people = [(Relationship.SELF, birth, self.rng.choice("FM"))]
            if lob != LineOfBusiness.MEDICARE_ADVANTAGE:
                if self.rng.random() < 0.4:
                    people.append(
                        (
                            Relationship.SPOUSE,
                            birth + dt.timedelta(days=self.rng.randrange(-1500, 1500)),
                            self.rng.choice("FM"),
                        )
                    )
                for _child in range(self.rng.choice([0, 0, 1, 1, 2, 3])):
                    people.append(
                        (
                            Relationship.CHILD,
                            self.today
                            - dt.timedelta(
                                days=self.rng.randrange(1, 18) * 365 + self.rng.randrange(365)
                            ),
                            self.rng.choice("FM"),
                        )
                    )
            # Coverage history shared by the household: a current (or recently ended) span,
            # and sometimes an earlier span in another product, ending the day before.
            start = self.today - dt.timedelta(days=self.rng.randrange(30, 1500))
            end = None
            if self.rng.random() < 0.12:
                end = self.today - dt.timedelta(days=self.rng.randrange(1, 200))
                if end <= start:
                    end = start + dt.timedelta(days=30)
            spans: list[tuple[BenefitPlan, dt.date, dt.date | None]] = [(benefit_plan, start, end)]
            if self.rng.random() < 0.3:
                earlier_plan = self.rng.choice(self.benefit_plans[plan.pk])
                spans.insert(
                    0,
                    (
                        earlier_plan,
                        start - dt.timedelta(days=self.rng.randrange(200, 900)),
                        start - dt.timedelta(days=1),
                    ),
                )
            group = f"G{self.rng.randrange(10**6):06d}" if lob == LineOfBusiness.COMMERCIAL else ""
            group_name = f"{self.rng.choice(catalog.ORG_WORDS)} Employers Trust" if group else ""
            household = _Household(plan_index=self.plans.index(plan), members=[], coverages=[])
            subscriber_id: int | None = None
            for relationship, born, sex in people:
                member_pk = self.next_id("member")
                sequence[plan.pk] += 1
                number = f"{self.member_prefix[plan.pk]}{sequence[plan.pk] * 7919 % 10**9:09d}"
                members.add(
                    member_pk,
                    plan.pk,
                    number,
                    self.rng.choice(catalog.FIRST_NAMES),
                    last,
                    born,
                    sex,
                    subscriber_id,
                    relationship,
                    *address,
                )
                if subscriber_id is None:
                    subscriber_id = member_pk
                self.member_plan[member_pk] = plan.pk
                self.member_number[member_pk] = number
                household.members.append(member_pk)
                for span_plan, span_start, span_end in spans:
                    coverage_pk = self.next_id("coverage")
                    coverages.add(
                        coverage_pk,
                        member_pk,
                        span_plan.pk,
                        span_plan.line_of_business,
                        group,
                        group_name,
                        span_start,
                        span_end,
                    )
                    entry = (
                        coverage_pk,
                        span_plan.pk,
                        span_plan.line_of_business,
                        span_start,
                        span_end,
                    )
                    self.member_coverages[member_pk].append(entry)
                    if span_end is None or span_end >= year_start:
                        for kind in (LimitKind.DEDUCTIBLE, LimitKind.OUT_OF_POCKET):
                            for network in (Network.IN, Network.OUT):
                                for level in (CoverageLevel.INDIVIDUAL, CoverageLevel.FAMILY):
                                    limit = self.limits[(span_plan.pk, kind, network, level)]
                                    share = (
                                        1.0
                                        if self.rng.random() < 0.15
                                        else self.rng.random()
                                        * (0.8 if network == Network.IN else 0.2)
                                    )
                                    accumulators.add(
                                        self.next_id("accumulator"),
                                        coverage_pk,
                                        self.today.year,
                                        kind,
                                        network,
                                        level,
                                        money(limit * Decimal(str(round(share, 4)))),
                                    )
                # Primary-care attribution: HMO, Medicaid and Medicare Advantage members mostly
                # have a PCP; a third of the rest chose one.
                current = spans[-1][0]
                wants_pcp = current.product_type == ProductType.HMO or current.line_of_business in (
                    LineOfBusiness.MEDICAID,
                    LineOfBusiness.MEDICARE_ADVANTAGE,
                )
                if self.rng.random() < (0.85 if wants_pcp else 0.3):
                    if plan.pk in self.named_org and self.rng.random() < 0.3:
                        org_id = self.named_org[plan.pk]
                        provider_id = self.rng.choice(self.org_practitioners[org_id])
                    else:
                        org_id, provider_id = self.rng.choice(self.plan_practitioners[plan.pk])
                    pcps.add(
                        self.next_id("pcp"),
                        member_pk,
                        provider_id,
                        org_id,
                        self.rng.choice(list(AttributionSource)),
                        spans[-1][1],
                        spans[-1][2],
                    )
                    self.attributed[(plan.pk, org_id)].append(member_pk)
            self.households.append(household)
            progress.advance()
        for writer in (members, coverages, accumulators, pcps):
            writer.flush()
        progress.finish()
        self.counts.update(
            members=members.written,
            coverages=coverages.written,
            accumulators=accumulators.written,
            pcp_assignments=pcps.written,
        )

    # -- claims, payments and remittances -------------------------------------------------

    def _pick_member(self, plan_pk: int | None = None) -> int:
        household = self.rng.choice(self.households)
        if plan_pk is not None:
            for _ in range(20):
                if self.plans[household.plan_index].pk == plan_pk:
                    break
                household = self.rng.choice(self.households)
        return self.rng.choice(household.members)

    def _claims_and_payments(self) -> None:
        scale = self.scale
        claims = TableWriter(
            Claim,
            [
                "id",
                "plan_id",
                "claim_number",
                "patient_account_number",
                "claim_type",
                "frequency_code",
                "original_claim_id",
                "member_id",
                "coverage_id",
                "billing_organization_id",
                "billing_provider_id",
                "rendering_provider_id",
                "authorization_id",
                "place_of_service",
                "diagnosis_codes",
                "service_from",
                "service_to",
                "total_charge",
                "allowed_amount",
                "paid_amount",
                "patient_responsibility",
                "status",
                "received_at",
                "adjudicated_at",
                "paid_at",
                "source",
            ],
        )
        lines = TableWriter(
            ClaimLine,
            [
                "id",
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
            ],
        )
        adjustments = TableWriter(
            ClaimAdjustment,
            ["id", "claim_id", "line_id", "group_code", "reason_code", "amount", "quantity"],
        )
        remarks = TableWriter(ClaimRemark, ["id", "claim_id", "line_id", "code"])
        events = TableWriter(
            ClaimStatusEvent,
            ["id", "claim_id", "status", "category_code", "status_code", "at", "note", "actor_id"],
        )
        #: (plan, org, payment date) → [(claim, billed, paid, patient responsibility, CLP02)]
        to_pay: dict[tuple[int, int, dt.date], list[tuple[int, Decimal, Decimal, Decimal, str]]] = (
            defaultdict(list)
        )
        visit_codes = [
            "99213",
            "99214",
            "99203",
            "99395",
            "99396",
            "G0439",
            "90834",
            "97110",
            "93000",
            "20610",
        ]
        extras = ["36415", "80053", "85025", "71046"]
        progress = Progress("claims", scale.claims)
        for index in range(scale.claims):
            plan = self.plans[index % len(self.plans)]
            if plan.pk in self.named_org and self.rng.random() < 0.3:
                org_id = self.named_org[plan.pk]
            else:
                org_id = self.rng.choice(self.office_orgs[plan.pk])
            member_pk = self._pick_member(plan.pk)
            if self.member_plan[member_pk] != plan.pk:
                plan = next(p for p in self.plans if p.pk == self.member_plan[member_pk])
                if (plan.pk, org_id) not in self.office_of:
                    org_id = self.rng.choice(self.office_orgs[plan.pk])
            provider_id = self.rng.choice(self.org_practitioners[org_id])
            status = self.weighted(CLAIM_STATUS_WEIGHTS)
            spans = self.member_coverages[member_pk]
            coverage = self.rng.choice(spans)
            latest = min(coverage[4] or self.today, self.today - dt.timedelta(days=2))
            earliest = max(coverage[3], self.today - dt.timedelta(days=540))
            if latest <= earliest:
                latest = earliest + dt.timedelta(days=1)
            if status in (ClaimStatus.RECEIVED, ClaimStatus.IN_PROCESS, ClaimStatus.PENDED):
                earliest = max(earliest, latest - dt.timedelta(days=20))
            service = earliest + dt.timedelta(
                days=self.rng.randrange(max(1, (latest - earliest).days))
            )
            denial = None
            if status == ClaimStatus.DENIED:
                denial = self.rng.choice(DENIALS)
            claim_pk = self.next_id("claim")
            pos = self.rng.choice(catalog.PLACES_OF_SERVICE)
            codes = [
                self.rng.choice(visit_codes),
                *self.rng.sample(extras, self.rng.choice([0, 0, 1, 2])),
            ]
            lob = coverage[2]
            copay_left = self.copays[coverage[1]]
            received = self.at(service + dt.timedelta(days=self.rng.randrange(1, 15)))
            adjudicated_states = (
                ClaimStatus.ADJUDICATED,
                ClaimStatus.PAID,
                ClaimStatus.DENIED,
                ClaimStatus.VOIDED,
            )
            adjudicated = (
                received + dt.timedelta(days=self.rng.randrange(2, 12))
                if status in adjudicated_states
                else None
            )
            totals = [Decimal(0)] * 4
            for number, code in enumerate(codes, start=1):
                _p, _d, charge, base_allowed, _st = catalog.PROCEDURE_BY_CODE[code]
                line_pk = self.next_id("line")
                allowed = paid = patient = Decimal(0)
                if status in (ClaimStatus.ADJUDICATED, ClaimStatus.PAID, ClaimStatus.VOIDED):
                    allowed = money(base_allowed * LOB_FEE_FACTOR[lob])
                    adjustments.add(
                        self.next_id("adj"), claim_pk, line_pk, "CO", "45", charge - allowed, None
                    )
                    patient_parts: list[tuple[str, Decimal]] = []
                    remaining = allowed
                    if number == 1 and copay_left > 0:
                        copay = min(copay_left, remaining)
                        patient_parts.append(("3", copay))
                        remaining -= copay
                        copay_left -= copay
                    elif (
                        lob in (LineOfBusiness.COMMERCIAL, LineOfBusiness.MARKETPLACE)
                        and self.rng.random() < 0.4
                    ):
                        deductible = money(remaining * Decimal(str(round(self.rng.random(), 2))))
                        if deductible > 0:
                            patient_parts.append(("1", deductible))
                            remaining -= deductible
                    if remaining > 0 and number > 1 and lob != LineOfBusiness.MEDICAID:
                        coinsurance = money(remaining * Decimal("0.20"))
                        if coinsurance > 0:
                            patient_parts.append(("2", coinsurance))
                            remaining -= coinsurance
                    for reason, amount in patient_parts:
                        adjustments.add(
                            self.next_id("adj"), claim_pk, line_pk, "PR", reason, amount, None
                        )
                        patient += amount
                    paid = allowed - patient
                elif status == ClaimStatus.DENIED and denial is not None:
                    adjustments.add(
                        self.next_id("adj"), claim_pk, line_pk, denial[0], denial[1], charge, None
                    )
                    if denial[2]:
                        remarks.add(self.next_id("remark"), claim_pk, line_pk, denial[2])
                lines.add(
                    line_pk,
                    claim_pk,
                    number,
                    code,
                    [],
                    "",
                    Decimal(1),
                    service,
                    pos,
                    [1],
                    charge,
                    allowed,
                    paid,
                    patient,
                )
                totals[0] += charge
                totals[1] += allowed
                totals[2] += paid
                totals[3] += patient
            if status == ClaimStatus.PAID and totals[3] > 0:
                remarks.add(
                    self.next_id("remark"),
                    claim_pk,
                    None,
                    "N130" if self.rng.random() < 0.5 else "MA130",
                )
            payment_date = None
            if status in (ClaimStatus.PAID, ClaimStatus.DENIED) and adjudicated is not None:
                # Payment cycles run on Thursdays.
                day = adjudicated.date()
                payment_date = day + dt.timedelta(days=(3 - day.weekday()) % 7 or 7)
                if payment_date > self.today:
                    payment_date = None
                    if status == ClaimStatus.PAID:
                        status = ClaimStatus.ADJUDICATED
                else:
                    to_pay[(plan.pk, org_id, payment_date)].append(
                        (
                            claim_pk,
                            totals[0],
                            totals[2],
                            totals[3],
                            "1" if status == ClaimStatus.PAID else "4",
                        )
                    )
            claims.add(
                claim_pk,
                plan.pk,
                f"{plan.payer_id[:2]}{self.today.year % 100:02d}{claim_pk:09d}",
                f"PA{org_id:04d}{claim_pk:07d}",
                ClaimType.PROFESSIONAL,
                "1",
                None,
                member_pk,
                coverage[0],
                org_id,
                provider_id,
                provider_id,
                None,
                pos,
                self.rng.sample(catalog.ICD10, self.rng.choice([1, 1, 2, 3])),
                service,
                service,
                totals[0],
                totals[1],
                totals[2],
                totals[3],
                status,
                received,
                adjudicated,
                self.at(payment_date) if payment_date else None,
                self.rng.choice(["edi", "edi", "edi", "portal"]),
            )
            path = [ClaimStatus.RECEIVED]
            if status != ClaimStatus.REJECTED and status != ClaimStatus.RECEIVED:
                path.append(ClaimStatus.IN_PROCESS)
            if status == ClaimStatus.PENDED or (
                status in adjudicated_states and self.rng.random() < 0.15
            ):
                path.append(ClaimStatus.PENDED)
            if status in adjudicated_states:
                path.append(ClaimStatus.ADJUDICATED)
            if status not in path:
                path.append(status)
            moment = received
            for step in path:
                category, code = STATUS_CODES[step]
                if step == ClaimStatus.ADJUDICATED and adjudicated is not None:
                    moment = adjudicated
                elif step in (ClaimStatus.PAID, ClaimStatus.DENIED) and payment_date is not None:
                    moment = self.at(payment_date)
                note = (
                    "Rejected at front end: subscriber ID not on file for the date of service"
                    if step == ClaimStatus.REJECTED
                    else ""
                )
                events.add(
                    self.next_id("event"), claim_pk, step, category, code, moment, note, None
                )
                moment = moment + dt.timedelta(hours=self.rng.randrange(1, 30))
            progress.advance()
        for writer in (claims, lines, adjustments, remarks, events):
            writer.flush()
        progress.finish()
        self.counts.update(
            claims=claims.written, claim_lines=lines.written, claim_adjustments=adjustments.written
        )
        self._payments(to_pay)

    def _payments(
        self,
        to_pay: dict[tuple[int, int, dt.date], list[tuple[int, Decimal, Decimal, Decimal, str]]],
    ) -> None:
        payments = TableWriter(
            Payment,
            [
                "id",
                "plan_id",
                "payee_organization_id",
                "trace_number",
                "method",
                "payment_date",
                "total_amount",
            ],
        )
        remittances = TableWriter(
            Remittance,
            [
                "id",
                "payment_id",
                "interchange_control_number",
                "transaction_control_number",
                "file_sha256",
                "raw_x12",
                "created_at",
            ],
        )
        claim_payments = TableWriter(
            ClaimPayment,
            [
                "id",
                "payment_id",
                "claim_id",
                "status_code",
                "billed_amount",
                "paid_amount",
                "patient_responsibility",
            ],
        )
        plbs = TableWriter(
            ProviderAdjustment, ["id", "payment_id", "reason_code", "reference", "amount"]
        )
        progress = Progress("payments", len(to_pay))
        for (plan_pk, org_id, day), rows in sorted(to_pay.items()):
            payment_pk = self.next_id("payment")
            claims_paid = sum((r[2] for r in rows), Decimal(0))
            provider_adjustment = Decimal(0)
            if claims_paid > 100 and self.rng.random() < 0.1:
                provider_adjustment = money(min(Decimal("25.00"), claims_paid / 10))
                plbs.add(
                    self.next_id("plb"),
                    payment_pk,
                    "WO",
                    f"RECOUP{payment_pk:06d}",
                    provider_adjustment,
                )
            elif claims_paid > 0 and self.rng.random() < 0.05:
                provider_adjustment = Decimal("-1.37")
                plbs.add(
                    self.next_id("plb"),
                    payment_pk,
                    "L6",
                    "PROMPT PAY INTEREST",
                    provider_adjustment,
                )
            total = claims_paid - provider_adjustment
            method = (
                PaymentMethod.ACH
                if claims_paid > 0 and self.rng.random() < 0.8
                else (PaymentMethod.CHECK if total > 0 else PaymentMethod.NONE)
            )
            payments.add(
                payment_pk,
                plan_pk,
                org_id,
                f"{'EFT' if method == PaymentMethod.ACH else 'CHK'}{payment_pk:09d}",
                method,
                day,
                total,
            )
            remittances.add(
                payment_pk,
                payment_pk,
                f"{payment_pk:09d}",
                f"{payment_pk % 10000:04d}",
                "",
                "",
                self.at(day, 6),
            )
            for claim_pk, billed, paid, patient, code in rows:
                claim_payments.add(
                    self.next_id("claim_payment"), payment_pk, claim_pk, code, billed, paid, patient
                )
            progress.advance()
        for writer in (payments, remittances, claim_payments, plbs):
            writer.flush()
        progress.finish()
        self.counts.update(payments=payments.written, claim_payments=claim_payments.written)

    # -- prior authorizations and referrals -----------------------------------------------

    def _authorizations(self) -> None:
        scale = self.scale
        auths = TableWriter(
            PriorAuthorization,
            [
                "id",
                "plan_id",
                "tracking_number",
                "authorization_number",
                "member_id",
                "line_of_business",
                "requesting_organization_id",
                "requesting_provider_id",
                "servicing_provider_id",
                "urgency",
                "expedited_justification",
                "place_of_service",
                "diagnosis_codes",
                "clinical_notes",
                "status",
                "submitted_at",
                "due_at",
                "decided_at",
                "decision_reason_code",
                "decision_reason_text",
                "valid_from",
                "valid_to",
                "auto_decided_by_rule",
                "extended_review",
                "approved_after_appeal",
                "reviewer_id",
                "idempotency_key",
            ],
        )
        services = TableWriter(
            AuthorizationService,
            [
                "id",
                "authorization_id",
                "procedure_code",
                "modifiers",
                "requested_units",
                "approved_units",
                "service_from",
                "service_to",
            ],
        )
        events = TableWriter(
            AuthorizationEvent, ["id", "authorization_id", "status", "at", "actor_id", "note"]
        )
        pending_states = (
            AuthorizationStatus.SUBMITTED,
            AuthorizationStatus.IN_REVIEW,
            AuthorizationStatus.PENDED,
        )
        progress = Progress("prior authorizations", scale.authorizations)
        for index in range(scale.authorizations):
            plan = self.plans[index % len(self.plans)]
            member_pk = self._pick_member(plan.pk)
            plan_pk = self.member_plan[member_pk]
            org_id = (
                self.named_org[plan_pk]
                if self.rng.random() < 0.35 and plan_pk in self.named_org
                else self.rng.choice(self.office_orgs[plan_pk])
            )
            requester = self.rng.choice(self.org_practitioners[org_id])
            _servicing_org, servicing = self.rng.choice(self.plan_practitioners[plan_pk])
            coverage = self.member_coverages[member_pk][-1]
            status = self.weighted(AUTH_STATUS_WEIGHTS)
            urgency = Urgency.EXPEDITED if self.rng.random() < 0.15 else Urgency.STANDARD
            window = (
                dt.timedelta(hours=72) if urgency == Urgency.EXPEDITED else dt.timedelta(days=7)
            )
            age_days = (
                self.rng.randrange(0, 3) if status in pending_states else self.rng.randrange(3, 330)
            )
            submitted = (
                self.at(self.today - dt.timedelta(days=age_days), self.rng.randrange(8, 18))
                if status != AuthorizationStatus.DRAFT
                else None
            )
            due = submitted + window if submitted else None
            decided = None
            extended = False
            if (
                status
                in (
                    AuthorizationStatus.APPROVED,
                    AuthorizationStatus.PARTIALLY_APPROVED,
                    AuthorizationStatus.DENIED,
                )
                and submitted
                and due
            ):
                extended = self.rng.random() < 0.06
                span = window.total_seconds() * (1.6 if extended else self.rng.uniform(0.05, 0.9))
                decided = submitted + dt.timedelta(seconds=int(span))
            auth_pk = self.next_id("auth")
            code, _desc, _docs = self.rng.choice(catalog.AUTH_RULES)
            units = 12 if code == "97110" else 1
            approved_units = None
            reason_code = reason_text = ""
            valid_from = valid_to = None
            number = ""
            if (
                status in (AuthorizationStatus.APPROVED, AuthorizationStatus.PARTIALLY_APPROVED)
                and decided
            ):
                approved_units = (
                    units if status == AuthorizationStatus.APPROVED else max(1, units // 2)
                )
                valid_from = decided.date()
                valid_to = valid_from + dt.timedelta(days=90)
                number = f"AU{auth_pk:010d}"
                if status == AuthorizationStatus.PARTIALLY_APPROVED:
                    reason_code = "MED_NEC"
                    reason_text = (
                        "Fewer visits approved than requested: " + DENIAL_REASONS["MED_NEC"]
                    )
            elif status == AuthorizationStatus.DENIED:
                reason_code = self.rng.choice(list(DENIAL_REASONS))
                reason_text = DENIAL_REASONS[reason_code]
            auto = (
                "rule:auto-approve"
                if status == AuthorizationStatus.APPROVED
                and code in catalog.AUTO_APPROVE
                and coverage[2] == LineOfBusiness.MEDICARE_ADVANTAGE
                else ""
            )
            appealed = status == AuthorizationStatus.APPROVED and self.rng.random() < 0.04
            start_day = (submitted.date() if submitted else self.today) + dt.timedelta(days=10)
            auths.add(
                auth_pk,
                plan_pk,
                f"PA{plan_pk}{auth_pk:09d}",
                number,
                member_pk,
                coverage[2],
                org_id,
                requester,
                servicing,
                urgency,
                EXPEDITED_REASON if urgency == Urgency.EXPEDITED else "",
                self.rng.choice(["11", "22", "24"]),
                self.rng.sample(catalog.ICD10, 2),
                "Synthetic clinical summary for demonstration.",
                status,
                submitted,
                due,
                decided,
                reason_code,
                reason_text,
                valid_from,
                valid_to,
                auto,
                extended,
                appealed,
                None,
                "",
            )
            services.add(
                self.next_id("auth_service"),
                auth_pk,
                code,
                [],
                units,
                approved_units,
                start_day,
                start_day + dt.timedelta(days=60),
            )
            if submitted:
                moment = submitted
                events.add(
                    self.next_id("auth_event"),
                    auth_pk,
                    AuthorizationStatus.SUBMITTED,
                    moment,
                    None,
                    "",
                )
                path: list[str] = []
                if status != AuthorizationStatus.SUBMITTED:
                    path.append(AuthorizationStatus.IN_REVIEW)
                if status == AuthorizationStatus.PENDED or (decided and self.rng.random() < 0.2):
                    path.append(AuthorizationStatus.PENDED)
                    if status != AuthorizationStatus.PENDED:
                        path.append(AuthorizationStatus.IN_REVIEW)
                if status not in (
                    AuthorizationStatus.SUBMITTED,
                    AuthorizationStatus.IN_REVIEW,
                    AuthorizationStatus.PENDED,
                ) or (status == AuthorizationStatus.IN_REVIEW and path[-1] != status):
                    path.append(status)
                last = decided or (submitted + dt.timedelta(hours=self.rng.randrange(2, 40)))
                step_gap = (last - submitted) / (len(path) + 1)
                for position, step in enumerate(path, start=1):
                    at = decided if step == status and decided else submitted + step_gap * position
                    note = (
                        "Please send the most recent imaging report."
                        if step == AuthorizationStatus.PENDED
                        else ""
                    )
                    events.add(self.next_id("auth_event"), auth_pk, step, at, None, note)
                    moment = at
            progress.advance()
        for writer in (auths, services, events):
            writer.flush()
        progress.finish()
        self.counts.update(authorizations=auths.written, authorization_events=events.written)

    def _referrals(self) -> None:
        referrals = TableWriter(
            Referral,
            [
                "id",
                "plan_id",
                "referral_number",
                "member_id",
                "referring_organization_id",
                "referring_provider_id",
                "servicing_organization_id",
                "servicing_provider_id",
                "reason",
                "diagnosis_codes",
                "visits",
                "visits_used",
                "valid_from",
                "valid_to",
                "status",
                "created_at",
            ],
        )
        for index in range(self.scale.referrals):
            plan = self.plans[index % len(self.plans)]
            member_pk = self._pick_member(plan.pk)
            plan_pk = self.member_plan[member_pk]
            referring = self.named_org.get(plan_pk) if self.rng.random() < 0.4 else None
            referring = referring or self.rng.choice(self.office_orgs[plan_pk])
            servicing_org, servicing = self.rng.choice(self.plan_practitioners[plan_pk])
            start = self.today - dt.timedelta(days=self.rng.randrange(0, 200))
            end = start + dt.timedelta(days=90)
            visits = self.rng.choice([3, 6, 12])
            used = self.rng.randrange(0, visits + 1)
            status = (
                ReferralStatus.EXPIRED
                if end < self.today
                else (ReferralStatus.USED if used == visits else ReferralStatus.ACTIVE)
            )
            if self.rng.random() < 0.05:
                status = ReferralStatus.CANCELLED
            referrals.add(
                self.next_id("referral"),
                plan_pk,
                f"RF{plan_pk}{index + 1:09d}",
                member_pk,
                referring,
                self.rng.choice(self.org_practitioners[referring]),
                servicing_org,
                servicing,
                "Specialist evaluation",
                self.rng.sample(catalog.ICD10, 1),
                visits,
                used,
                start,
                end,
                status,
                self.at(start, 10),
            )
        referrals.flush()
        self.counts.update(referrals=referrals.written)


def refresh_statistics() -> None:
    """Tell PostgreSQL's planner what was just loaded. Bulk COPY leaves the statistics of
    an empty database behind, and the planner then scans a million rows where an index
    would do (measured: a 200-member lookup took 300 ms before ANALYZE, 9 ms after)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
