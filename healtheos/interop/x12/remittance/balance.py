"""The 835's balancing rules (005010X221A1 section 1.10.2), checked in Decimal.

The guide requires an 835 to balance at three levels, and this module checks each:

- **service line** (loop 2110): SVC02 charge − Σ line CAS amounts = SVC03 paid;
- **claim** (loop 2100): CLP03 charge − Σ claim CAS − Σ line CAS = CLP04 paid, and, when
  the claim has service lines, Σ SVC03 − Σ claim CAS = CLP04 (the claim-level
  adjustments are those not attributable to one line);
- **transaction**: BPR02 = Σ CLP04 − Σ PLB amounts (a PLB amount is a reduction of the
  payment when positive and an increase when negative). When BPR03 is D (a debit from the
  provider) BPR02 is the magnitude of a negative total.

CAS quantities (CAS04, …) are units, not money, and never enter a balance. A reversal
(CLP02 22) carries negative amounts and balances by the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from healtheos.interop.x12.remittance.model import ClaimPayment, Remittance

SERVICE_LINE = "service line"
CLAIM = "claim"
CLAIM_LINES = "claim lines"
TRANSACTION = "transaction"

_ZERO = Decimal(0)


@dataclass(frozen=True)
class BalanceProblem:
    """One rule that does not hold: which (``kind``), where (the segment's 1-based
    interchange position, 0 when the remittance was built in memory, and its ID; the
    claim's CLP01 and the line's 1-based number in the claim, when they apply) and the
    amounts: ``expected`` is what the other amounts add up to, ``found`` what the segment
    says."""

    kind: str
    segment_position: int
    segment_id: str
    expected: Decimal
    found: Decimal
    patient_control_number: str = ""
    line_number: int = 0

    @property
    def difference(self) -> Decimal:
        return self.found - self.expected

    @property
    def message(self) -> str:
        where = f"{self.segment_id} at position {self.segment_position}"
        if self.patient_control_number:
            where += f" (claim {self.patient_control_number}"
            where += f", line {self.line_number})" if self.line_number else ")"
        return (
            f"{self.kind.capitalize()} does not balance at {where}: "
            f"expected {self.expected}, found {self.found}."
        )


def _claim_problems(claim: ClaimPayment) -> list[BalanceProblem]:
    problems: list[BalanceProblem] = []
    claim_cas = sum((adjustment.amount for adjustment in claim.adjustments), _ZERO)
    line_cas = _ZERO
    line_paid = _ZERO
    for number, line in enumerate(claim.lines, start=1):
        adjusted = sum((adjustment.amount for adjustment in line.adjustments), _ZERO)
        line_cas += adjusted
        line_paid += line.paid
        expected = line.charge - adjusted
        if expected != line.paid:
            problems.append(
                BalanceProblem(
                    SERVICE_LINE,
                    line.position,
                    "SVC",
                    expected,
                    line.paid,
                    claim.patient_control_number,
                    number,
                )
            )
    expected = claim.charge - claim_cas - line_cas
    if expected != claim.paid:
        problems.append(
            BalanceProblem(
                CLAIM, claim.position, "CLP", expected, claim.paid, claim.patient_control_number
            )
        )
    if claim.lines:
        expected = line_paid - claim_cas
        if expected != claim.paid:
            problems.append(
                BalanceProblem(
                    CLAIM_LINES,
                    claim.position,
                    "CLP",
                    expected,
                    claim.paid,
                    claim.patient_control_number,
                )
            )
    return problems


def check_balance(remittance: Remittance) -> list[BalanceProblem]:
    """Every balancing rule the remittance breaks, in file order (none when it balances)."""
    problems: list[BalanceProblem] = []
    paid = _ZERO
    for claim in remittance.claims:
        paid += claim.paid
        problems += _claim_problems(claim)
    reductions = sum((plb.amount for plb in remittance.provider_adjustments), _ZERO)
    expected = paid - reductions
    found = remittance.total_paid
    if remittance.credit_debit == "D":
        found = -found
    if expected != found:
        problems.append(BalanceProblem(TRANSACTION, remittance.position, "BPR", expected, found))
    return problems
