"""Pricing and cost sharing for one line, in plain Decimal arithmetic (no database).

Order of cost sharing, as most commercial plans apply it: copay first (capped at the
allowed amount), then the deductible out of what remains, then coinsurance on the rest.
The out-of-pocket maximum caps the patient's total; whatever it removes is paid by the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
#: Allowed amount as a share of the charge when the fee schedule has no row for the code.
DEFAULT_ALLOWED_SHARE = Decimal("0.60")


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CostShare:
    """The benefit's cost sharing for the line's service type and network."""

    copay: Decimal = ZERO
    coinsurance_percent: Decimal = ZERO
    deductible_applies: bool = False


@dataclass(frozen=True)
class PricedLine:
    charge: Decimal
    allowed: Decimal
    copay: Decimal
    deductible: Decimal
    coinsurance: Decimal

    @property
    def contractual(self) -> Decimal:
        """CO-45: the charge above the allowed amount, written off under the contract."""
        return self.charge - self.allowed

    @property
    def patient_responsibility(self) -> Decimal:
        return self.copay + self.deductible + self.coinsurance

    @property
    def paid(self) -> Decimal:
        return self.allowed - self.patient_responsibility


def allowed_amount(*, charge: Decimal, fee: Decimal | None, units: Decimal) -> Decimal:
    """The fee schedule amount times the units, never more than the charge; without a fee
    schedule row, 60% of the charge."""
    if fee is None:
        return cents(charge * DEFAULT_ALLOWED_SHARE)
    return min(cents(fee * units), charge)


def price_line(
    *,
    charge: Decimal,
    allowed: Decimal,
    share: CostShare,
    deductible_remaining: Decimal | None,
    out_of_pocket_remaining: Decimal | None,
) -> PricedLine:
    """Split ``allowed`` into plan payment and patient responsibility. A remaining amount
    of ``None`` means the plan defines no such limit (no deductible; no cap)."""
    copay = min(cents(share.copay), allowed)
    deductible = ZERO
    if share.deductible_applies and deductible_remaining is not None:
        deductible = min(max(deductible_remaining, ZERO), allowed - copay)
    coinsurance = cents(share.coinsurance_percent / HUNDRED * (allowed - copay - deductible))
    if out_of_pocket_remaining is not None:
        excess = copay + deductible + coinsurance - max(out_of_pocket_remaining, ZERO)
        # Take the excess back in the reverse of the order it was applied.
        if excess > 0:
            cut = min(excess, coinsurance)
            coinsurance, excess = coinsurance - cut, excess - cut
        if excess > 0:
            cut = min(excess, deductible)
            deductible, excess = deductible - cut, excess - cut
        if excess > 0:
            copay -= min(excess, copay)
    return PricedLine(charge, allowed, copay, deductible, coinsurance)
