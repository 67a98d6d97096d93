"""Cost sharing in words, as a front desk reads it out to a patient."""

from __future__ import annotations

from decimal import Decimal

from django import template

from healtheos.eligibility.result import NetworkBenefit

register = template.Library()


def _money(value: Decimal) -> str:
    return f"${value:,.2f}".replace(".00", "")


@register.filter
def benefit_text(benefit: NetworkBenefit | None) -> str:
    if benefit is None:
        return "No benefit on file"
    if not benefit.covered:
        return "Not covered"
    parts = []
    if benefit.copay is not None:
        parts.append("No copay" if benefit.copay == 0 else f"{_money(benefit.copay)} copay")
    if benefit.coinsurance_percent is not None:
        percent = f"{benefit.coinsurance_percent.normalize():f}"
        parts.append(f"{percent}% coinsurance")
    text = " and ".join(parts) or "Covered in full"
    if benefit.deductible_applies:
        return f"{text} after the deductible"
    return f"{text}; the deductible does not apply"


@register.filter
def money(value: Decimal | str | None) -> str:
    """Dollars as a front desk says them; '' and None (no figure) read as a dash."""
    if value is None or value == "":
        return "–"
    return _money(Decimal(value))
