"""Health care claim payment/advice (835), 005010X221A1: a streaming reader, the guide's
balancing rules and a writer.

The package holds:

- :mod:`.model`: the remittance as frozen dataclasses (amounts in Decimal);
- :mod:`.stream`: splitting an interchange into segments chunk by chunk;
- :mod:`.parser`: reading the body of one 835 set (:mod:`.drafts`: the loops it is
  reading, before they are frozen);
- :mod:`.reader`: :func:`iter_835` and :func:`read_835`, with the envelope checks;
- :mod:`.balance`: :func:`check_balance`;
- :mod:`.writer`: :func:`build_835` and :func:`build_835_batch`;
- :mod:`.samples`: :func:`generate_835`, synthetic balanced 835s for benchmarks.
"""

from __future__ import annotations

from healtheos.interop.x12.remittance.balance import BalanceProblem, check_balance
from healtheos.interop.x12.remittance.model import (
    ADJUSTMENT_GROUPS,
    CLAIM_STATUSES,
    HANDLING_CODES,
    PAYMENT_METHODS,
    Adjustment,
    BankAccount,
    ClaimPayment,
    Contact,
    Party,
    ProviderAdjustment,
    Remittance,
    ServiceLine,
    SetOrigin,
)
from healtheos.interop.x12.remittance.reader import VERSION, iter_835, read_835
from healtheos.interop.x12.remittance.writer import build_835, build_835_batch

__all__ = [
    "ADJUSTMENT_GROUPS",
    "CLAIM_STATUSES",
    "HANDLING_CODES",
    "PAYMENT_METHODS",
    "VERSION",
    "Adjustment",
    "BalanceProblem",
    "BankAccount",
    "ClaimPayment",
    "Contact",
    "Party",
    "ProviderAdjustment",
    "Remittance",
    "ServiceLine",
    "SetOrigin",
    "build_835",
    "build_835_batch",
    "check_balance",
    "iter_835",
    "read_835",
]
