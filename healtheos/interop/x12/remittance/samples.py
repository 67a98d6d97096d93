"""Synthetic balanced 835s for benchmarks and tests.

Made-up payer, payees and patients, Luhn-valid NPIs, deterministic for a seed. Every
service line, claim and payment balances by the guide's rules, so
:func:`~healtheos.interop.x12.remittance.check_balance` finds nothing. To time the reader::

    python -c "import time; from healtheos.interop.x12.remittance import iter_835;
    from healtheos.interop.x12.remittance.samples import generate_835;
    data = generate_835(100_000, seed=1).encode(); t = time.perf_counter();
    n = sum(len(r.claims) for r in iter_835(data)); print(n, time.perf_counter() - t)"
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from healtheos.interop.x12.eligibility.segments import Name, Trace
from healtheos.interop.x12.remittance.model import (
    Adjustment,
    BankAccount,
    ClaimPayment,
    Contact,
    Party,
    ProviderAdjustment,
    Remittance,
    ServiceLine,
)
from healtheos.interop.x12.remittance.writer import build_835_batch
from healtheos.interop.x12.samples import synthetic_npi
from healtheos.interop.x12.tokenizer import Delimiters

_LAST = ("ALDER", "BIRCH", "CEDAR", "DOGWOOD", "ELM", "FIR", "GINKGO", "HAZEL", "IVY", "JUNIPER")
_FIRST = ("AVERY", "BLAKE", "CASEY", "DREW", "EMERY", "FINLEY", "GRAY", "HARPER", "JESSIE")
_CODES = ("99212", "99213", "99214", "93000", "80053", "85025", "71046", "97110", "36415")
_CENT = Decimal("0.01")


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 100, high * 100)) * _CENT


def _line(rng: random.Random, day: dt.date, number: str) -> ServiceLine:
    charge = _money(rng, 40, 900)
    contractual = (charge * Decimal(rng.randrange(10, 45)) / 100).quantize(_CENT)
    patient = (charge - contractual) * Decimal(rng.choice((0, 0, 10, 20))) / 100
    patient = patient.quantize(_CENT)
    adjustments = [Adjustment("CO", "45", contractual)]
    if patient:
        adjustments.append(Adjustment("PR", rng.choice(("1", "2")), patient))
    modifiers = ("25",) if rng.random() < 0.2 else ()
    return ServiceLine(
        qualifier="HC",
        code=rng.choice(_CODES),
        modifiers=modifiers,
        charge=charge,
        paid=charge - contractual - patient,
        units=Decimal(rng.randrange(1, 4)),
        service_date=day,
        adjustments=tuple(adjustments),
        references=(("6R", number),),
        amounts=(("B6", charge - contractual),),
        remarks=("N130",) if rng.random() < 0.1 else (),
    )


def _claim(
    rng: random.Random, index: int, lines_per_claim: int, day: dt.date, seed: int
) -> ClaimPayment:
    lines = tuple(_line(rng, day, f"{index:08d}-{n + 1}") for n in range(lines_per_claim))
    charge = sum((line.charge for line in lines), Decimal(0))
    paid = sum((line.paid for line in lines), Decimal(0))
    claim_adjustments: tuple[Adjustment, ...] = ()
    if lines and rng.random() < 0.1:
        sequestration = (paid * Decimal("0.02")).quantize(_CENT)
        claim_adjustments = (Adjustment("CO", "253", sequestration),)
        paid -= sequestration
    if not lines:  # a claim paid at the claim level only
        charge = _money(rng, 40, 2000)
        contractual = (charge * Decimal(rng.randrange(10, 45)) / 100).quantize(_CENT)
        claim_adjustments = (Adjustment("CO", "45", contractual),)
        paid = charge - contractual
    patient_share = sum(
        (a.amount for line in lines for a in line.adjustments if a.group == "PR"), Decimal(0)
    )
    insured = None
    if rng.random() < 0.3:
        insured = Name(
            "IL",
            "1",
            rng.choice(_LAST),
            rng.choice(_FIRST),
            id_qualifier="MI",
            identifier=f"S{index:09d}",
        )
    return ClaimPayment(
        patient_control_number=f"PCN{seed % 1000:03d}{index:08d}",
        status="1",
        charge=charge,
        paid=paid,
        patient_responsibility=patient_share,
        filing_indicator="12",
        payer_claim_number=f"{seed % 100:02d}{index:012d}",
        facility_code="11",
        frequency="1",
        header="1",
        patient=Name(
            "QC",
            "1",
            rng.choice(_LAST),
            rng.choice(_FIRST),
            id_qualifier="MI",
            identifier=f"M{index:09d}",
        ),
        insured=insured,
        adjustments=claim_adjustments,
        references=(("EA", f"MR{index:07d}"),) if rng.random() < 0.5 else (),
        statement_start=day,
        statement_end=day,
        received=day + dt.timedelta(days=3),
        amounts=(("AU", charge),) if rng.random() < 0.2 else (),
        lines=lines,
    )


def generate_remittances(
    n_claims: int,
    *,
    seed: int,
    lines_per_claim: int = 2,
    claims_per_payment: int | None = None,
    at: dt.datetime | None = None,
) -> list[Remittance]:
    """The remittances :func:`generate_835` writes: ``n_claims`` claim payments split into
    payments of ``claims_per_payment`` (all in one when None), each to its own payee."""
    rng = random.Random(seed)
    at = at or dt.datetime(2026, 1, 15, 8, 0)  # noqa: DTZ001 - X12 times carry no zone
    size = claims_per_payment or max(1, n_claims)
    payer = Party(
        "PR",
        "SUNRISE HEALTH PLAN",
        "XV",
        "SUNTX0001",
        ("100 SUNRISE WAY",),
        "AUSTIN",
        "TX",
        "78701",
        references=(("2U", "SUNTX"),),
        contacts=(Contact("BL", "EDI SUPPORT", (("TE", "5125550100"),)),),
    )
    remittances = []
    for number, start in enumerate(range(0, n_claims, size) if n_claims else [0], start=1):
        day = at.date() - dt.timedelta(days=rng.randrange(10, 60))
        claims = tuple(
            _claim(rng, index + 1, lines_per_claim, day, seed)
            for index in range(start, min(n_claims, start + size))
        )
        npi = synthetic_npi(rng)
        total = sum((claim.paid for claim in claims), Decimal(0))
        recovery = min(total, _money(rng, 1, 50))
        plb = (
            ProviderAdjustment(npi, dt.date(at.year, 12, 31), "WO", recovery, f"RC{number:06d}"),
        )
        remittances.append(
            Remittance(
                handling="I",
                total_paid=total - recovery,
                credit_debit="C",
                method="ACH",
                payment_format="CCP",
                sender_account=BankAccount("01", "111000025", "DA", "123456789"),
                originator_id="1745658887",
                receiver_account=BankAccount("01", "122000661", "DA", f"{number:09d}"),
                payment_date=at.date(),
                trace=Trace("1", f"EFT{seed % 1000:03d}{number:07d}", "1745658887"),
                payer=payer,
                payee=Party(
                    "PE",
                    f"{rng.choice(_LAST)} FAMILY MEDICINE {number}",
                    "XX",
                    npi,
                    references=(("TJ", f"74{rng.randrange(10**7):07d}"),),
                ),
                receiver_id=f"RCV{number:06d}",
                production_date=at.date(),
                claims=claims,
                provider_adjustments=plb if recovery else (),
            )
        )
    return remittances


def generate_835(
    n_claims: int,
    *,
    seed: int,
    lines_per_claim: int = 2,
    claims_per_payment: int | None = None,
    delimiters: Delimiters | None = None,
    at: dt.datetime | None = None,
) -> str:
    """One interchange of balanced 835s holding ``n_claims`` claim payments (see
    :func:`generate_remittances`)."""
    at = at or dt.datetime(2026, 1, 15, 8, 0)  # noqa: DTZ001 - X12 times carry no zone
    remittances = generate_remittances(
        n_claims,
        seed=seed,
        lines_per_claim=lines_per_claim,
        claims_per_payment=claims_per_payment,
        at=at,
    )
    return build_835_batch(
        remittances,
        at=at,
        control_number=seed % 1_000_000_000 or 1,
        sender_id="SUNTX",
        receiver_id="CLEARINGHOUSE",
        delimiters=delimiters or Delimiters(),
    )
