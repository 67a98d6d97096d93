"""Writing 837I (005010X223A2): reading back a built file gives the same batch, and pyx12's
X223A2 map finds no error in it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from healtheos.interop.x12.claims import (
    Claim,
    ClaimBatch,
    HealthCode,
    Party,
    Procedure,
    build_837i,
    read_837,
)
from healtheos.interop.x12.eligibility.segments import DateRange, Name
from tests.interop.x12_837_fixtures import (
    AT,
    BATCH,
    FACILITY_NPI,
    PATIENT,
    PROVIDER,
    RENDERING_NPI,
    SUBSCRIBER,
    TODAY,
    line,
)

STAY = DateRange(dt.date(2026, 11, 2), dt.date(2026, 11, 4))
ATTENDING = Party(
    Name("71", "1", "ROWAN", "ELI", id_qualifier="XX", identifier=RENDERING_NPI),
    taxonomy="207R00000X",
)


def institutional_line(number: int, revenue: str, code: str, charge: str) -> object:
    return replace(
        line(number, code, charge),
        revenue_code=revenue,
        procedure=Procedure("HC", code) if code else None,
        place_of_service="",
        diagnosis_pointers=(),
        service_dates=DateRange(STAY.start, STAY.start),
    )


INPATIENT = Claim(
    patient_control_number="ACCT-I-0001",
    total_charge=Decimal("4210.00"),
    facility_code="11",
    facility_qualifier="A",
    frequency="1",
    billing_provider=replace(PROVIDER, pay_to=None, taxonomy="282N00000X"),
    subscriber=SUBSCRIBER,
    patient=PATIENT,
    assignment="A",
    provider_signature="",  # CLM06 is not used in an 837I
    diagnoses=(
        HealthCode("ABK", "J189"),
        HealthCode("ABJ", "R0602"),
        HealthCode("ABF", "E119"),
        HealthCode("ABF", "I10"),
    ),
    other_codes=(HealthCode("BBR", "5A1935Z", ("D8", "20261102")),),
    lines=(
        institutional_line(1, "0120", "", "3600.00"),  # room and board, no procedure code
        institutional_line(2, "0300", "85025", "110.00"),
        institutional_line(3, "0450", "99284", "500.00"),
    ),
    dates=(
        ("435", DateRange(STAY.start, STAY.start)),
        ("434", STAY),
    ),
    admission_type="1",
    admission_source="7",
    patient_status="01",
    prior_authorization="AUTH991",
    providers=(
        ATTENDING,
        Party(
            Name("77", "2", "BLUEBONNET HOSPITAL", id_qualifier="XX", identifier=FACILITY_NPI),
            replace(PROVIDER.address),  # type: ignore[type-var]
        ),
    ),
)
OUTPATIENT = replace(
    INPATIENT,
    patient_control_number="ACCT-I-0002",
    facility_code="13",
    frequency="7",
    original_claim_number="SUN26110200000042",
    total_charge=Decimal("110.00"),
    diagnoses=(HealthCode("ABK", "R0602"),),
    other_codes=(),
    lines=(institutional_line(1, "0300", "85025", "110.00"),),
    dates=(("434", DateRange(STAY.start, STAY.start)),),
    admission_type="",
    admission_source="",
    patient_status="01",
    providers=(ATTENDING,),
    prior_authorization="",
)
INSTITUTIONAL = ClaimBatch(
    submitter=BATCH.submitter,
    receiver=BATCH.receiver,
    claims=(INPATIENT, OUTPATIENT),  # type: ignore[arg-type]
    reference="BATCH-I-0001",
    version="005010X223A2",
)


def build_i(batch: ClaimBatch = INSTITUTIONAL) -> str:
    return build_837i(batch, at=AT, control_number=78)


def test_a_built_837i_reads_back_as_the_same_batch() -> None:
    text = build_i()
    assert "ST*837*0001*005010X223A2~" in text
    assert "CL1*1*7*01~" in text
    assert "HI*ABK:J189~HI*ABJ:R0602~HI*ABF:E119*ABF:I10~HI*BBR:5A1935Z:D8:20261102~" in text
    assert "SV2*0120**3600.00*UN*1~" in text
    read = read_837(text, today=TODAY)
    assert not read.is_professional
    assert read == INSTITUTIONAL
    assert all(claim.accepted for claim in read.claims)


pyx12_document = pytest.importorskip("pyx12.x12n_document")


def test_pyx12_finds_no_error_in_a_built_837i() -> None:
    from tests.interop.test_x12_837_pyx12 import validate

    assert validate(build_i()) == (True, [])


def test_pyx12_does_catch_an_837i_without_its_statement_dates() -> None:
    from tests.interop.test_x12_837_pyx12 import validate

    claim = replace(OUTPATIENT, dates=())
    valid, messages = validate(build_i(replace(INSTITUTIONAL, claims=(claim,))))
    assert not valid
    assert messages
