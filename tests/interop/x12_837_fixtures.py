"""The project's own 837P fixtures, built from dataclasses with its own writer."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from healtheos.interop.x12 import (
    Address,
    BillingProvider,
    Claim,
    ClaimBatch,
    Contact,
    Delimiters,
    HealthCode,
    Party,
    Procedure,
    ServiceLine,
    Submitter,
    Subscriber,
    build_837p,
)
from healtheos.interop.x12.claims import Patient
from healtheos.interop.x12.eligibility.segments import DateRange, Name

AT = dt.datetime(2026, 11, 24, 9, 30)
TODAY = dt.date(2026, 11, 24)
BILLING_NPI = "1234567893"
RENDERING_NPI = "1245319599"
REFERRING_NPI = "1679576722"
FACILITY_NPI = "1922038843"
DAY = DateRange(dt.date(2026, 11, 3), dt.date(2026, 11, 3))

PROVIDER = BillingProvider(
    name=Name("85", "2", "BLUEBONNET FAMILY MEDICINE", id_qualifier="XX", identifier=BILLING_NPI),
    address=Address(("400 CONGRESS AVE", "SUITE 12"), "AUSTIN", "TX", "787010001"),
    tin="741234567",
    taxonomy="207Q00000X",
    pay_to=Party(Name("87", "2"), Address(("PO BOX 1200",), "AUSTIN", "TX", "787110000")),
)
SUBSCRIBER = Subscriber(
    payer_responsibility="P",
    relationship="",
    group_number="GRP0042",
    group_name="",
    claim_filing="CI",
    name=Name("IL", "1", "DOE", "JANE", "Q", id_qualifier="MI", identifier="SUN000000001"),
    payer=Name("PR", "2", "SUNRISE HEALTH", id_qualifier="PI", identifier="SUNTX"),
    address=Address(("12 ELM ST",), "AUSTIN", "TX", "78701"),
)
PATIENT = Patient(
    relationship="19",
    name=Name("QC", "1", "DOE", "JOHNNY"),
    address=Address(("12 ELM ST",), "AUSTIN", "TX", "78701"),
    birth_date=dt.date(2015, 3, 1),
    gender="M",
)


def line(number: int, code: str, charge: str, **changes: object) -> ServiceLine:
    base = ServiceLine(
        number=number,
        procedure=Procedure("HC", code),
        charge=Decimal(charge),
        unit_qualifier="UN",
        units=Decimal(1),
        service_dates=DAY,
        place_of_service="11",
        diagnosis_pointers=(1,),
        control_number=f"LINE{number}",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


CLAIM = Claim(
    patient_control_number="PCN-0001",
    total_charge=Decimal("215.50"),
    facility_code="11",
    facility_qualifier="B",
    frequency="1",
    billing_provider=PROVIDER,
    subscriber=SUBSCRIBER,
    patient=PATIENT,
    diagnoses=(HealthCode("ABK", "J069"), HealthCode("ABF", "R051"), HealthCode("ABF", "E119")),
    lines=(
        line(
            1,
            "99214",
            "140.00",
            procedure=Procedure("HC", "99214", ("25",)),
            diagnosis_pointers=(1, 2),
        ),
        line(
            2,
            "87880",
            "40.00",
            units=Decimal("2"),
            diagnosis_pointers=(1,),
            rendering=Party(
                Name("82", "1", "ROWAN", "ELI", id_qualifier="XX", identifier=RENDERING_NPI),
                taxonomy="207Q00000X",
            ),
        ),
        line(3, "3074F", "35.50", diagnosis_pointers=(3,)),
    ),
    dates=(("431", DateRange(dt.date(2026, 10, 30), dt.date(2026, 10, 30))),),
    prior_authorization="AUTH778",
    clearinghouse_trace="CH-TRACE-42",
    providers=(
        Party(Name("DN", "1", "OAK", "MIRA", id_qualifier="XX", identifier=REFERRING_NPI)),
        Party(
            Name("82", "1", "ROWAN", "ELI", id_qualifier="XX", identifier=RENDERING_NPI),
            taxonomy="207Q00000X",
        ),
        Party(
            Name("77", "2", "BLUEBONNET CLINIC NORTH", id_qualifier="XX", identifier=FACILITY_NPI),
            Address(("900 LAMAR BLVD",), "AUSTIN", "TX", "787050000"),
        ),
    ),
)
SELF_CLAIM = replace(
    CLAIM,
    patient_control_number="PCN-0002",
    subscriber=replace(
        SUBSCRIBER,
        relationship="18",
        birth_date=dt.date(1980, 5, 17),
        gender="F",
        name=replace(SUBSCRIBER.name, identifier="SUN000000002"),
    ),
    patient=None,
    total_charge=Decimal("80.00"),
    lines=(line(1, "99213", "80.00"),),
    providers=(),
    dates=(),
)
BATCH = ClaimBatch(
    submitter=Submitter(
        Name("41", "2", "BLUEBONNET BILLING", id_qualifier="46", identifier="BLUEBILL"),
        (Contact("BILLING DESK", (("TE", "5125550100"), ("EX", "12"))),),
    ),
    receiver=Name("40", "2", "SUNRISE HEALTH", id_qualifier="46", identifier="SUNTX"),
    claims=(CLAIM, SELF_CLAIM),
    reference="BATCH-0001",
)


def build(
    batch: ClaimBatch = BATCH, delimiters: Delimiters | None = None, *, newline: bool = False
) -> str:
    return build_837p(
        batch, at=AT, control_number=77, delimiters=delimiters or Delimiters(), newline=newline
    )


def with_claim(**changes: object) -> str:
    """The fixture batch with its first claim changed."""
    claim = replace(CLAIM, **changes)  # type: ignore[arg-type]
    return build(replace(BATCH, claims=(claim,)))


def replace_segment(text: str, old: str, new: str) -> str:
    """``text`` with the first segment starting ``old`` replaced by ``new`` ('' drops it),
    SE01 recounted so only the intended fault remains (standard delimiters)."""
    start = text.index("~" + old) + 1
    end = text.index("~", start) + 1
    return recount(text[:start] + (new + "~" if new else "") + text[end:])


def recount(text: str) -> str:
    """Every SE01 set to its set's real segment count."""
    out: list[str] = []
    count = 0
    for segment in text.split("~"):
        if segment.startswith("ST*"):
            count = 0
        count += 1
        if segment.startswith("SE*"):
            segment = f"SE*{count}*{segment.split('*')[2]}"
        out.append(segment)
    return "~".join(out)
