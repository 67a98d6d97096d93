"""The seam between Healtheos and whatever decides a claim.

Healtheos owns the claim as the office sent it and everything the portal shows about it
afterwards; the *decision* (eligible or not, allowed amount, cost sharing, adjustment and
remark codes) belongs to the plan's core administration system. An :class:`Adjudicator`
is the one place that decision is made. It reads whatever it needs and returns an
:class:`Adjudication`: plain, frozen data with no Django writes, which
:func:`healtheos.claims.adjudication.services.claim_adjudicate` then applies in one
transaction (line amounts, CAS adjustments, remarks, accumulators, status history, audit).

Plugging in a real system: write a class with an ``adjudicate(claim)`` method that calls
the core system (or reads its decision from a queue or file) and maps the answer onto an
``Adjudication``; point the ``HEALTHEOS_ADJUDICATOR`` environment variable (Django setting
``ADJUDICATOR``) at its dotted path, for example ``myplan.core.FacetsAdjudicator``. The class
is instantiated with no arguments for each claim. Nothing else changes: the portal, the
payment cycle, the 277 answers and the remittances all read what ``claim_adjudicate``
stored. The default is :class:`healtheos.claims.adjudication.reference.ReferenceAdjudicator`,
a deterministic adjudicator over the plan tables Healtheos keeps (benefits, limits, fee
schedule, authorization rules), good for demos, tests and small plans.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from healtheos.claims.models import Claim

ZERO = Decimal("0.00")


class Decision(StrEnum):
    """The claim-level outcome."""

    #: Priced (at least one line allowed); paid in the next payment cycle.
    PAY = "pay"
    #: Every line denied.
    DENY = "deny"
    #: Held for a person to review; no amounts or adjustments yet.
    PEND = "pend"


@dataclass(frozen=True)
class LineResult:
    line_number: int
    allowed: Decimal = ZERO
    paid: Decimal = ZERO
    patient_responsibility: Decimal = ZERO


@dataclass(frozen=True)
class Adjustment:
    """One CAS adjustment: group code (CO, PR, OA, PI, CR), CARC and amount. A
    ``line_number`` of ``None`` is a claim-level adjustment."""

    line_number: int | None
    group: str
    reason: str
    amount: Decimal


@dataclass(frozen=True)
class Remark:
    """One remittance advice remark code (RARC), on a line or (``None``) the claim."""

    line_number: int | None
    code: str


@dataclass(frozen=True)
class AccumulatorIncrement:
    """Add ``amount`` to the member's accumulator of this coverage, plan year, kind
    (deductible / out_of_pocket), network (in / out) and level (individual / family)."""

    coverage_id: int
    year: int
    kind: str
    network: str
    level: str
    amount: Decimal


@dataclass(frozen=True)
class Adjudication:
    """A decision about one claim, ready to be applied. Monetary identities an adjudicator
    must keep (``claim_adjudicate`` refuses a decision that breaks them): per line,
    allowed = paid + patient responsibility, and the line's adjustments add up to its
    charge minus its payment."""

    decision: Decision
    lines: tuple[LineResult, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    remarks: tuple[Remark, ...] = ()
    accumulators: tuple[AccumulatorIncrement, ...] = ()
    #: Shown in the claim's status history (for example why it pended).
    note: str = ""
    #: The coverage the claim was decided under, when the adjudicator found one.
    coverage_id: int | None = None

    @property
    def allowed(self) -> Decimal:
        return sum((line.allowed for line in self.lines), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((line.paid for line in self.lines), ZERO)

    @property
    def patient_responsibility(self) -> Decimal:
        return sum((line.patient_responsibility for line in self.lines), ZERO)


class Adjudicator(Protocol):
    """Decides a claim. Must not write to the database: return the decision instead."""

    def adjudicate(self, claim: Claim) -> Adjudication: ...
