"""What an eligibility answer says, independent of the channel that asked.

The portal page, the CSV batch, the X12 271 and the FHIR CoverageEligibilityResponse are
all renderings of one :class:`EligibilityResult`, so that every channel answers the same
question with the same facts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Channel(StrEnum):
    PORTAL = "portal"
    BATCH = "batch"
    X12 = "x12"
    FHIR = "fhir"
    API = "api"


class Outcome(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    NOT_FOUND = "not_found"
    AMBIGUOUS = "ambiguous"
    INVALID = "invalid"


class Problem(StrEnum):
    """Why no member was matched. Each maps to an X12 AAA reject reason and a sentence
    that points at the likely mistake without describing anyone else's record."""

    NO_MATCH = "no_match"
    BIRTH_DATE_MISMATCH = "birth_date_mismatch"
    SUBSCRIBER_BIRTH_DATE = "subscriber_birth_date"
    DAY_MONTH_SWAPPED = "day_month_swapped"
    NAMES_SWAPPED = "names_swapped"
    FIRST_NAME_DIFFERS = "first_name_differs"
    ID_FORMAT = "id_format"
    SEVERAL_MATCHES = "several_matches"
    DATE_OF_SERVICE_RANGE = "date_of_service_range"


@dataclass(frozen=True)
class EligibilityQuery:
    """Two identifiers always: member ID + date of birth, or last + first name + date of
    birth. ``line_of_business`` narrows the answer when several coverages apply."""

    birth_date: dt.date
    member_id: str = ""
    last_name: str = ""
    first_name: str = ""
    date_of_service: dt.date | None = None
    service_types: tuple[str, ...] = ("30",)
    line_of_business: str = ""


@dataclass(frozen=True)
class CostShare:
    """A deductible or out-of-pocket maximum for one network and coverage level."""

    kind: str  # deductible | out_of_pocket
    network: str  # in | out
    level: str  # individual | family
    amount: Decimal
    met: Decimal

    @property
    def remaining(self) -> Decimal:
        return max(self.amount - self.met, Decimal("0"))


@dataclass(frozen=True)
class NetworkBenefit:
    network: str  # in | out
    covered: bool
    copay: Decimal | None
    coinsurance_percent: Decimal | None
    deductible_applies: bool
    prior_auth_required: bool
    visits_per_year: int | None
    limitation: str


@dataclass(frozen=True)
class ServiceBenefit:
    service_type: str
    name: str
    in_network: NetworkBenefit | None
    out_of_network: NetworkBenefit | None

    @property
    def networks_differ(self) -> bool:
        a, b = self.in_network, self.out_of_network
        if a is None or b is None:
            return a is not b
        return (a.covered, a.copay, a.coinsurance_percent, a.deductible_applies) != (
            b.covered,
            b.copay,
            b.coinsurance_percent,
            b.deductible_applies,
        )


@dataclass(frozen=True)
class PrimaryCare:
    name: str
    npi: str
    phone: str = ""


@dataclass(frozen=True)
class CoverageAnswer:
    coverage_id: int
    active: bool
    line_of_business: str
    line_of_business_label: str
    plan_name: str
    plan_code: str
    product_type: str
    group_number: str
    group_name: str
    start_date: dt.date
    end_date: dt.date | None
    referral_required: bool
    pcp: PrimaryCare | None
    cost_shares: tuple[CostShare, ...]
    benefits: tuple[ServiceBenefit, ...]
    plan_year: int

    def cost_share(self, kind: str, network: str, level: str) -> CostShare | None:
        for share in self.cost_shares:
            if (share.kind, share.network, share.level) == (kind, network, level):
                return share
        return None


@dataclass(frozen=True)
class MemberFacts:
    member_pk: int
    member_id: str
    first_name: str
    last_name: str
    birth_date: dt.date
    sex: str
    relationship: str
    relationship_label: str
    subscriber_member_id: str
    subscriber_name: str
    address_line: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""


@dataclass(frozen=True)
class EligibilityResult:
    query: EligibilityQuery
    outcome: Outcome
    date_of_service: dt.date
    service_types: tuple[str, ...]
    payer_name: str
    payer_id: str
    member: MemberFacts | None = None
    coverages: tuple[CoverageAnswer, ...] = ()
    #: Coverages in other lines of business that also apply on the date of service, when
    #: the query chose one (so the page can offer them).
    other_lines_of_business: tuple[str, ...] = ()
    problem: Problem | None = None
    hint: str = ""
    server_ms: float = 0.0
    identifiers_used: tuple[str, ...] = field(default=())

    @property
    def found(self) -> bool:
        return self.member is not None
