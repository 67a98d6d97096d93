"""Synthetic 270 batches for benchmarks and tests.

Real member data must never serve as a fixture, so these batches are generated: made-up
names, member IDs with a fixed prefix and Luhn-valid NPIs, deterministic for a seed so a
benchmark measures the same input each time. To time the reader on this machine::

    python -c "import time; from healtheos.interop.x12.samples import generate_270_batch;
    from healtheos.interop.x12.eligibility import read_270;
    data = generate_270_batch(10_000, seed=1); t = time.perf_counter(); read_270(data);
    print(time.perf_counter() - t)"
"""

from __future__ import annotations

import datetime as dt
import random

from healtheos.interop.x12.eligibility import VERSION, npi_check_digit
from healtheos.interop.x12.tokenizer import Delimiters
from healtheos.interop.x12.writer import Interchange, build_interchange

_LAST = ("ALDER", "BIRCH", "CEDAR", "DOGWOOD", "ELM", "FIR", "GINKGO", "HAZEL", "IVY", "JUNIPER")
_FIRST = ("AVERY", "BLAKE", "CASEY", "DREW", "EMERY", "FINLEY", "GRAY", "HARPER", "JESSIE")
_SERVICE_TYPES = ("30", "1", "33", "35", "47", "86", "88", "98", "AL", "MH", "UC")


def synthetic_npi(rng: random.Random) -> str:
    """A random ten-digit NPI whose check digit is right (first digit 1 or 2, as issued)."""
    first_nine = str(rng.choice((1, 2))) + "".join(str(rng.randrange(10)) for _ in range(8))
    return first_nine + npi_check_digit(first_nine)


def generate_270_batch(
    n_subjects: int,
    *,
    seed: int,
    providers: int = 10,
    delimiters: Delimiters | None = None,
    at: dt.datetime | None = None,
) -> str:
    """A 270 with one payer, ``providers`` receivers and ``n_subjects`` subscribers spread
    over them (every fifth with a dependent, who counts as a subject too)."""
    rng = random.Random(seed)
    delimiters = delimiters or Delimiters()
    at = at or dt.datetime(2026, 1, 15, 8, 0)  # noqa: DTZ001 - X12 times carry no zone
    body: list[list[str]] = [
        ["BHT", "0022", "13", f"BATCH{seed:06d}", at.strftime("%Y%m%d"), at.strftime("%H%M")],
        ["HL", "1", "", "20", "1"],
        ["NM1", "PR", "2", "SUNRISE HEALTH PLAN", "", "", "", "", "PI", "SUNTX"],
    ]
    hl = 1
    receivers: list[str] = []
    per_provider = max(1, -(-n_subjects // max(1, providers)))
    made = 0
    while made < n_subjects:
        hl += 1
        receiver = str(hl)
        receivers.append(receiver)
        clinic = f"{rng.choice(_LAST)} FAMILY MEDICINE {len(receivers)}"
        body.append(["HL", receiver, "1", "21", "1"])
        body.append(["NM1", "1P", "2", clinic, "", "", "", "", "XX", synthetic_npi(rng)])
        for _ in range(per_provider):
            if made >= n_subjects:
                break
            hl += 1
            subscriber = str(hl)
            dependent = made + 1 < n_subjects and made % 5 == 4
            born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(25_000))
            types = rng.sample(_SERVICE_TYPES, rng.randrange(1, 4))
            body.append(["HL", subscriber, receiver, "22", "1" if dependent else "0"])
            body.append(["TRN", "1", f"{seed}-{made:08d}", "9877281234"])
            body.append(
                [
                    "NM1",
                    "IL",
                    "1",
                    rng.choice(_LAST),
                    rng.choice(_FIRST),
                    "",
                    "",
                    "",
                    "MI",
                    f"SUN{made:09d}",
                ]
            )
            body.append(["REF", "6P", f"GRP{rng.randrange(1000):04d}"])
            body.append(["DMG", "D8", born.strftime("%Y%m%d"), rng.choice("FMU")])
            body.append(["DTP", "291", "D8", at.strftime("%Y%m%d")])
            body.append(["EQ", delimiters.repetition.join(types)])
            made += 1
            if dependent:
                hl += 1
                child = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(6000))
                body.append(["HL", str(hl), subscriber, "23", "0"])
                body.append(["TRN", "1", f"{seed}-{made:08d}", "9877281234"])
                body.append(["NM1", "03", "1", rng.choice(_LAST), rng.choice(_FIRST)])
                body.append(["DMG", "D8", child.strftime("%Y%m%d"), rng.choice("FM")])
                body.append(["EQ", "30"])
                made += 1
    envelope = Interchange(
        "ZZ",
        "CLEARINGHOUSE",
        "ZZ",
        "SUNTX",
        seed % 1_000_000_000 or 1,
        "HS",
        "CLEARINGHOUSE",
        "SUNTX",
        VERSION,
    )
    return build_interchange(envelope, [("270", body)], at=at, delimiters=delimiters)
