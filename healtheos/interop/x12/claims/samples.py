"""Synthetic 837P batches for benchmarks and tests: made-up names and member IDs,
Luhn-valid NPIs, ICD-10-CM and CPT shaped codes, deterministic for a seed. To time the
reader::

    python -c "import time; from healtheos.interop.x12.claims.samples import
    generate_837p_batch; from healtheos.interop.x12.claims import receive_837;
    data = generate_837p_batch(100_000, seed=1); t = time.perf_counter();
    receive_837(data); print(time.perf_counter() - t)"
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from healtheos.interop.x12.claims.model import (
    Address,
    BillingProvider,
    Claim,
    ClaimBatch,
    Contact,
    HealthCode,
    Party,
    Patient,
    Procedure,
    ServiceLine,
    Submitter,
    Subscriber,
)
from healtheos.interop.x12.claims.writer import build_837p
from healtheos.interop.x12.eligibility.segments import DateRange, Name
from healtheos.interop.x12.samples import synthetic_npi

_LAST = ("ALDER", "BIRCH", "CEDAR", "DOGWOOD", "ELM", "FIR", "GINKGO", "HAZEL", "IVY", "JUNIPER")
_FIRST = ("AVERY", "BLAKE", "CASEY", "DREW", "EMERY", "FINLEY", "GRAY", "HARPER", "JESSIE")
_DIAGNOSES = ("E119", "I10", "J069", "M545", "Z0000", "R051", "K219", "F419", "E785", "N390")
_PROCEDURES = ("99213", "99214", "99203", "87880", "85025", "80053", "93000", "3074F", "G0439")
_CHARGES = ("25.00", "40.00", "75.50", "110.00", "142.25", "18.75")


def synthetic_batch(n_claims: int, *, seed: int, providers: int = 10) -> ClaimBatch:
    """A batch of ``n_claims`` clean claims (every fourth for a dependent) over
    ``providers`` billing providers."""
    rng = random.Random(seed)
    payer = Name("PR", "2", "SUNRISE HEALTH PLAN", id_qualifier="PI", identifier="SUNTX")
    billing = [
        BillingProvider(
            name=Name(
                "85",
                "2",
                f"{rng.choice(_LAST)} FAMILY MEDICINE {number}",
                id_qualifier="XX",
                identifier=synthetic_npi(rng),
            ),
            address=Address((f"{100 + number} MAIN ST",), "AUSTIN", "TX", "787010001"),
            tin=f"74{rng.randrange(10_000_000):07d}",
            taxonomy="207Q00000X",
        )
        for number in range(max(1, providers))
    ]
    start = dt.date(2026, 1, 5)
    claims: list[Claim] = []
    for number in range(n_claims):
        subscriber = Subscriber(
            payer_responsibility="P",
            relationship="" if number % 4 == 3 else "18",
            group_number=f"GRP{rng.randrange(1000):04d}",
            group_name="",
            claim_filing="CI",
            name=Name(
                "IL",
                "1",
                rng.choice(_LAST),
                rng.choice(_FIRST),
                id_qualifier="MI",
                identifier=f"SUN{number:09d}",
            ),
            payer=payer,
            address=Address(("12 ELM ST",), "AUSTIN", "TX", "78701"),
            birth_date=dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20_000)),
            gender=rng.choice("FM"),
        )
        patient = None
        if number % 4 == 3:
            patient = Patient(
                relationship="19",
                name=Name("QC", "1", subscriber.name.last, rng.choice(_FIRST)),
                address=subscriber.address,
                birth_date=dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(5000)),
                gender=rng.choice("FM"),
            )
        day = start + dt.timedelta(days=rng.randrange(300))
        diagnoses = tuple(
            HealthCode("ABK" if position == 0 else "ABF", code)
            for position, code in enumerate(rng.sample(_DIAGNOSES, rng.randrange(1, 4)))
        )
        lines = tuple(
            ServiceLine(
                number=line,
                procedure=Procedure("HC", rng.choice(_PROCEDURES)),
                charge=Decimal(rng.choice(_CHARGES)),
                unit_qualifier="UN",
                units=Decimal(1),
                service_dates=DateRange(day, day),
                diagnosis_pointers=(1,),
                control_number=f"{number}-{line}",
            )
            for line in range(1, rng.randrange(2, 5))
        )
        claims.append(
            Claim(
                patient_control_number=f"PCN{seed}-{number:08d}",
                total_charge=sum((line.charge for line in lines), Decimal(0)),
                facility_code="11",
                facility_qualifier="B",
                frequency="1",
                billing_provider=billing[number * len(billing) // max(1, n_claims)],
                subscriber=subscriber,
                patient=patient,
                diagnoses=diagnoses,
                lines=lines,
                clearinghouse_trace=f"TRACE{number:010d}",
                providers=(
                    Party(
                        Name(
                            "82",
                            "1",
                            rng.choice(_LAST),
                            rng.choice(_FIRST),
                            id_qualifier="XX",
                            identifier=synthetic_npi(rng),
                        ),
                        taxonomy="207Q00000X",
                    ),
                ),
            )
        )
    return ClaimBatch(
        submitter=Submitter(
            Name("41", "2", "BLUEBONNET BILLING", id_qualifier="46", identifier="BLUEBILL"),
            (Contact("BILLING DESK", (("TE", "5125550100"),)),),
        ),
        receiver=Name("40", "2", "SUNRISE HEALTH PLAN", id_qualifier="46", identifier="SUNTX"),
        claims=tuple(claims),
        reference=f"BATCH{seed:06d}",
    )


def generate_837p_batch(n_claims: int, *, seed: int, providers: int = 10) -> str:
    """:func:`synthetic_batch` written as an 837P interchange."""
    at = dt.datetime(2026, 11, 2, 8, 0)  # noqa: DTZ001 - X12 times carry no zone
    return build_837p(
        synthetic_batch(n_claims, seed=seed, providers=providers),
        at=at,
        control_number=seed % 1_000_000_000 or 1,
    )
