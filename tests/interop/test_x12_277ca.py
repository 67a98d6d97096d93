"""Acknowledging 837 claim batches with the 277CA (005010X214)."""

from __future__ import annotations

import datetime as dt
import importlib.util
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healtheos.interop.x12 import (
    ClaimAcknowledgment,
    ClaimStatus,
    DateRange,
    Delimiters,
    Envelope,
    Interchange,
    LineStatus,
    Name,
    X12SyntaxError,
    build_277ca,
    build_interchange,
    read_277,
    read_277ca,
    read_envelope,
    tokenize,
)
from healtheos.interop.x12.claimstatus import REJECTED_CATEGORIES
from tests.interop.x12_fixtures import AT, NPI

ACKNOWLEDGED_AT = dt.datetime(2026, 11, 24, 10, 0)
PAYER = Name("PR", "2", "SUNRISE HEALTH", id_qualifier="PI", identifier="SUNTX")
SUBMITTER = Name("41", "2", "CLEARINGHOUSE INC", id_qualifier="46", identifier="ETIN0042")
CLINIC = Name("85", "2", "BLUEBONNET FAMILY MEDICINE", id_qualifier="XX", identifier=NPI)
LAB = Name("85", "2", "HILL COUNTRY LAB", id_qualifier="XX", identifier="1245319599")
JANE = Name("QC", "1", "DOE", "JANE", id_qualifier="MI", identifier="SUN000000001")
JOHNNY = Name("QC", "1", "DOE", "JOHNNY", id_qualifier="MI", identifier="SUN000000002")


def original(delimiters: Delimiters | None = None) -> Envelope:
    """The envelope of the 837 batch being acknowledged (its content does not matter)."""
    text = build_interchange(
        Interchange(
            "ZZ",
            "CLEARINGHOUSE",
            "ZZ",
            "SUNTX",
            55,
            "HC",
            "CLEARINGHOUSE",
            "SUNTX",
            "005010X222A1",
        ),
        [("837", [["BHT", "0019", "00", "BATCH-77", "20261124", "0930", "CH"]])],
        at=AT,
        delimiters=delimiters or Delimiters(),
    )
    envelope, errors = read_envelope(*tokenize(text))
    assert errors == []
    return envelope


def day(text: str) -> DateRange:
    value = dt.date.fromisoformat(text)
    return DateRange(value, value)


def claims() -> tuple[ClaimAcknowledgment, ...]:
    return (
        ClaimAcknowledgment(
            "PCN-1",
            CLINIC,
            JANE,
            (ClaimStatus("A2", "20"),),
            Decimal("250.00"),
            day("2026-11-01"),
            payer_claim_number="26328000001",
            clearinghouse_trace="CH-0001",
        ),
        ClaimAcknowledgment(
            "PCN-2",
            CLINIC,
            JOHNNY,
            (ClaimStatus("A7", "454"), ClaimStatus("A7", "562", "85")),
            Decimal("100.50"),
            DateRange(dt.date(2026, 11, 2), dt.date(2026, 11, 3)),
            payer_claim_number="never written for a rejected claim",
            bill_type="131",
            message="PROCEDURE CODE 9921X IS NOT VALID",
            lines=(
                LineStatus(
                    (ClaimStatus("A7", "454"),),
                    "9921X",
                    charge=Decimal("100.50"),
                    control_number="LINE-9",
                    service_dates=day("2026-11-02"),
                ),
            ),
        ),
        ClaimAcknowledgment(
            "PCN-3",
            LAB,
            JANE,
            (ClaimStatus("A1", "20"),),
            Decimal("42"),
            day("2026-11-05"),
        ),
    )


def build(**overrides: object) -> str:
    arguments: dict[str, object] = {
        "original": original(),
        "source": PAYER,
        "receiver": SUBMITTER,
        "claims": claims(),
        "batch_reference": "BATCH-77",
        "receipt_number": "RCPT-20261124-1",
        "received": dt.date(2026, 11, 24),
        "at": ACKNOWLEDGED_AT,
        "control_number": 77,
    }
    arguments.update(overrides)
    return build_277ca(**arguments)  # type: ignore[arg-type]


def test_the_277ca_is_an_hn_group_of_005010x214_with_bht_0085_th() -> None:
    text = build()
    assert "GS*HN*SUNTX*CLEARINGHOUSE*20261124*1000*77*X*005010X214~" in text
    assert "ST*277*0001*005010X214~BHT*0085*08*77*20261124*1000*TH~" in text
    assert "ISA*00*          *00*          *ZZ*SUNTX          *ZZ*CLEARINGHOUSE  *" in text


def test_golden_277ca_hierarchy_and_totals() -> None:
    text = build()
    assert (
        "HL*1**20*1~NM1*PR*2*SUNRISE HEALTH*****PI*SUNTX~TRN*1*RCPT-20261124-1~"
        "DTP*050*D8*20261124~DTP*009*D8*20261124~"
    ) in text
    assert (
        "HL*2*1*21*1~NM1*41*2*CLEARINGHOUSE INC*****46*ETIN0042~TRN*2*BATCH-77~"
        "STC*A1:19:PR*20261124*WQ*392.5~QTY*90*2~QTY*AA*1~AMT*YU*292~AMT*YY*100.5~"
    ) in text
    assert (
        "HL*3*2*19*1~NM1*85*2*BLUEBONNET FAMILY MEDICINE*****XX*1234567893~TRN*1*0~"
        "STC*A1:19:PR**WQ*350.5~QTY*QA*1~QTY*QC*1~AMT*YU*250~AMT*YY*100.5~"
    ) in text
    assert (
        "HL*4*3*PT~NM1*QC*1*DOE*JANE****MI*SUN000000001~TRN*2*PCN-1~"
        "STC*A2:20*20261124*WQ*250~REF*1K*26328000001~REF*D9*CH-0001~DTP*472*D8*20261101~"
    ) in text
    assert (
        "HL*5*3*PT~NM1*QC*1*DOE*JOHNNY****MI*SUN000000002~TRN*2*PCN-2~"
        "STC*A7:454*20261124*U*100.5******A7:562:85**PROCEDURE CODE 9921X IS NOT VALID~"
        "REF*BLT*131~DTP*472*RD8*20261102-20261103~"
        "SVC*HC:9921X*100.5~STC*A7:454*20261124*U~REF*FJ*LINE-9~DTP*472*D8*20261102~"
    ) in text
    assert "HL*6*2*19*1~NM1*85*2*HILL COUNTRY LAB*****XX*1245319599~" in text
    assert "STC*A1:19:PR**WQ*42~QTY*QA*1~AMT*YU*42~HL*7*6*PT~" in text
    assert "never written" not in text


def test_the_277ca_reads_back() -> None:
    response = read_277ca(build())
    assert (response.version, response.transaction_type, response.reference) == (
        "005010X214",
        "TH",
        "77",
    )
    assert [(lv.hl_id, lv.parent_id, lv.level) for lv in response.levels] == [
        ("1", "", "20"),
        ("2", "1", "21"),
        ("3", "2", "19"),
        ("4", "3", "PT"),
        ("5", "3", "PT"),
        ("6", "2", "19"),
        ("7", "6", "PT"),
    ]
    [batch] = response.level("1").claims
    assert batch.trace.reference == "RCPT-20261124-1"
    assert batch.date("050") == day("2026-11-24")
    submitter = response.level("2")
    assert (submitter.quantity("90"), submitter.quantity("AA")) == (2, 1)
    assert (submitter.amount("YU"), submitter.amount("YY")) == (Decimal(292), Decimal("100.5"))
    assert submitter.claims[0].action == "WQ"
    assert response.level("3").quantity("QC") == 1
    [accepted] = response.level("4").claims
    assert (accepted.trace.type_code, accepted.trace.reference, accepted.action) == (
        "2",
        "PCN-1",
        "WQ",
    )
    assert accepted.answer.payer_claim_number == "26328000001"
    assert accepted.answer.clearinghouse_trace == "CH-0001"
    [rejected] = response.level("5").claims
    assert rejected.statuses == (ClaimStatus("A7", "454"), ClaimStatus("A7", "562", "85"))
    assert (rejected.action, rejected.message) == ("U", "PROCEDURE CODE 9921X IS NOT VALID")
    assert rejected.answer.payer_claim_number == ""
    assert rejected.answer.total_charge == Decimal("100.5")
    [line] = rejected.answer.lines
    assert (line.procedure_code, line.control_number, line.statuses) == (
        "9921X",
        "LINE-9",
        (ClaimStatus("A7", "454"),),
    )


def test_a_wholly_rejected_batch_is_acknowledged_with_action_u() -> None:
    [_, rejected, _] = claims()
    text = build(claims=(rejected,))
    assert "STC*A1:19:PR*20261124*U*100.5~QTY*AA*1~AMT*YY*100.5~" in text
    assert "QTY*90" not in text


def test_rejection_is_told_by_the_status_category() -> None:
    assert {"A3", "A6", "A7", "A8"} <= REJECTED_CATEGORIES
    assert ClaimStatus("A7", "454").category_words.endswith("Rejected for Invalid Information")
    assert ClaimStatus("A7", "454").code_words == "Procedure code for services rendered"
    assert not claims()[0].rejected
    assert claims()[1].rejected


def test_other_delimiters_are_used_as_the_837_declared_them() -> None:
    odd = Delimiters("|", "}", ">", "!")
    text = build(original=original(odd))
    assert "STC|A7>454|20261124|U|100.5||||||A7>562>85||PROCEDURE CODE 9921X IS NOT VALID!" in text
    assert read_277ca(text).level("5").claims[0].statuses[1] == ClaimStatus("A7", "562", "85")


def test_a_277ca_is_not_read_as_a_claim_status_response() -> None:
    with pytest.raises(ValueError, match="005010X212"):
        read_277(build())


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"claims": ()}, "at least one claim"),
        (
            {
                "claims": (
                    ClaimAcknowledgment(
                        "X", CLINIC, Name("QC", "1", "DOE"), (), Decimal(1), day("2026-11-01")
                    ),
                )
            },
            "no status",
        ),
        (
            {
                "claims": (
                    ClaimAcknowledgment(
                        "X",
                        CLINIC,
                        Name("QC", "1", "DOE"),
                        (ClaimStatus("A1", "20"),),
                        Decimal(1),
                        day("2026-11-01"),
                    ),
                )
            },
            "NM109",
        ),
    ],
)
def test_acknowledgments_the_guide_forbids_are_refused(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build(**overrides)


needs_pyx12 = pytest.mark.skipif(
    importlib.util.find_spec("pyx12") is None, reason="pyx12 is not installed"
)


@pytest.fixture(scope="module")
def pyx12_maps(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.interop.pyx12_check import repaired_maps

    return repaired_maps(tmp_path_factory.mktemp("pyx12-maps"))


@needs_pyx12
def test_pyx12_finds_no_error_in_the_277ca(pyx12_maps: Path) -> None:
    from tests.interop.pyx12_check import pyx12_errors

    # pyx12 registers and ships its X214 map complete; the repaired folder only adds X212.
    assert pyx12_errors(build(), pyx12_maps) == []
    [_, rejected, _] = claims()
    assert pyx12_errors(build(claims=(rejected,)), pyx12_maps) == []


@needs_pyx12
def test_pyx12_catches_a_defect_in_a_277ca(pyx12_maps: Path) -> None:
    from tests.interop.pyx12_check import pyx12_errors

    broken = build().replace("STC*A2:20*20261124*WQ*", "STC*A2:20*20261124*ZZ*")
    assert any("STC03" in error for error in pyx12_errors(broken, pyx12_maps))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(min_value=0), st.sampled_from("*~:^0A.-")), max_size=4))
def test_mutated_277cas_give_a_response_or_an_x12_syntax_error(
    edits: list[tuple[int, str]],
) -> None:
    text = build()
    for position, char in edits:
        at = position % len(text)
        text = text[:at] + char + text[at + 1 :]
    try:
        response = read_277ca(text)
    except X12SyntaxError:
        return
    assert response.levels or not edits
