"""Reading, balancing and writing 835 remittance advice (005010X221A1)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import itertools
import logging
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healtheos.interop.x12 import (
    Adjustment,
    BalanceProblem,
    BankAccount,
    ClaimPayment,
    Delimiters,
    Name,
    ProviderAdjustment,
    Remittance,
    Trace,
    X12SyntaxError,
    acknowledge,
    build_835,
    build_835_batch,
    check_balance,
    iter_835,
    read_835,
    tokenize,
)
from healtheos.interop.x12.eligibility import npi_is_valid
from healtheos.interop.x12.remittance import Contact, Party, ServiceLine
from healtheos.interop.x12.remittance.samples import generate_835, generate_remittances
from tests.interop.x12_fixtures import AT, SAMPLES

SAMPLES_835 = SAMPLES / "835_005010X221A1"
ENVELOPE = {"at": AT, "control_number": 42, "sender_id": "SUNTX", "receiver_id": "BLUEBONNET"}
D = Decimal


def full_remittance() -> Remittance:
    """Every field the writer knows, with awkward cases: a CAS group with more than six
    reasons, a PLB with more than six pairs, a reversal, an empty middle modifier."""
    many = tuple(Adjustment("CO", str(reason), D("1.00")) for reason in range(1, 9))
    line = ServiceLine(
        qualifier="HC",
        code="99213",
        charge=D("120.00"),
        paid=D("80.50"),
        modifiers=("25", "", "59"),
        description="OFFICE VISIT",
        revenue_code="0510",
        units=D("1"),
        submitted=("HC", "99214"),
        submitted_units=D("2"),
        service_date=dt.date(2026, 10, 1),
        adjustments=(*many, Adjustment("PR", "2", D("31.50"), D("1"))),
        references=(("6R", "LINE-1"), ("LU", "11")),
        amounts=(("B6", D("88.50")),),
        remarks=("N130", "M15"),
    )
    ranged = ServiceLine(
        qualifier="NU",
        code="0450",
        charge=D("50"),
        paid=D("50"),
        service_start=dt.date(2026, 10, 1),
        service_end=dt.date(2026, 10, 2),
    )
    claim = ClaimPayment(
        patient_control_number="PCN-1",
        status="1",
        charge=D("170.00"),
        paid=D("125.50"),
        patient_responsibility=D("31.50"),
        filing_indicator="12",
        payer_claim_number="PAYER-1",
        facility_code="11",
        frequency="1",
        drg_code="470",
        header="1",
        patient=Name("QC", "1", "ALDER", "AVERY", "Q", "JR", "MI", "M1"),
        insured=Name("IL", "1", "ALDER", "BLAKE", id_qualifier="MI", identifier="S1"),
        rendering=Name("82", "1", "BIRCH", "CASEY", id_qualifier="XX", identifier="1234567893"),
        adjustments=(Adjustment("OA", "23", D("5.00")),),
        references=(("EA", "MR1"), ("1K", "ALT1"), ("F8", "ORIG1")),
        statement_start=dt.date(2026, 10, 1),
        statement_end=dt.date(2026, 10, 2),
        received=dt.date(2026, 10, 5),
        amounts=(("AU", D("170.00")),),
        lines=(line, ranged),
    )
    reversal = ClaimPayment(
        patient_control_number="PCN-0",
        status="22",
        charge=D("-40"),
        paid=D("-40"),
        filing_indicator="12",
        header="2",
    )
    plb = tuple(
        ProviderAdjustment("1234567893", dt.date(2026, 12, 31), "WO", D("1"), f"R{n}")
        for n in range(7)
    )
    return Remittance(
        handling="I",
        total_paid=D("78.50"),
        credit_debit="C",
        method="ACH",
        payment_date=dt.date(2026, 11, 24),
        trace=Trace("1", "EFT0001", "1745658887", "SUPP"),
        payer=Party(
            "PR",
            "SUNRISE HEALTH PLAN",
            "XV",
            "SUNTX",
            ("100 SUNRISE WAY", "SUITE 2"),
            "AUSTIN",
            "TX",
            "78701",
            references=(("2U", "SUNTX"),),
            contacts=(
                Contact("CX", "CLAIMS", (("TE", "5125550100"), ("EX", "12"))),
                Contact("BL", "EDI", (("TE", "5125550101"), ("EM", "edi@example.org"))),
            ),
        ),
        payee=Party(
            "PE", "BLUEBONNET CLINIC", "XX", "1234567893", references=(("TJ", "741234567"),)
        ),
        payment_format="CCP",
        sender_account=BankAccount("01", "111000025", "DA", "123"),
        originator_id="1745658887",
        receiver_account=BankAccount("01", "122000661", "DA", "456"),
        receiver_id="RCV1",
        production_date=dt.date(2026, 11, 23),
        claims=(claim, reversal),
        provider_adjustments=plb,
    )


def positions(data: str, segment_id: str) -> list[int]:
    segments, _ = tokenize(data)
    return [index for index, seg in enumerate(segments, start=1) if seg.id == segment_id]


# -- round trip ----------------------------------------------------------------------------


def test_a_built_835_reads_back_as_the_remittance_that_was_written() -> None:
    remittance = full_remittance()
    data = build_835(remittance, **ENVELOPE)
    (read,) = read_835(data)
    assert read == remittance
    assert read.origin is not None
    assert read.origin.interchange_control_number == "000000042"
    assert read.origin.set_control_number == "0001"
    assert read.claims[0].coverage_amount == D("170.00")
    assert read.claims[0].reference("F8") == "ORIG1"
    assert read.claims[0].lines[0].control_number == "LINE-1"
    assert read.claims[0].lines[0].allowed == D("88.50")
    assert read.payee.npi == "1234567893"
    assert read.payee.tin == "741234567"
    assert read.headers == ("1", "2")
    assert len(positions(data, "PLB")) == 2  # seven pairs need two PLB segments
    assert "CAS*CO*1*1**2*1**3*1**4*1**5*1**6*1~CAS*CO*7*1" in data


def test_the_full_remittance_balances() -> None:
    assert check_balance(full_remittance()) == []


def test_a_batch_holds_one_set_per_payment_and_reads_back_in_order() -> None:
    remittances = generate_remittances(25, seed=7, claims_per_payment=10)
    data = build_835_batch(remittances, **ENVELOPE)
    read = read_835(data)
    assert read == remittances
    assert [r.origin.set_control_number for r in read if r.origin] == ["0001", "0002", "0003"]


def test_a_payee_with_a_tin_in_n104_reports_it_as_the_tin() -> None:
    payee = Party("PE", "CLINIC", "FI", "741234567")
    assert payee.tin == "741234567"
    assert payee.npi == ""


# -- balancing -----------------------------------------------------------------------------


@pytest.mark.parametrize("lines_per_claim", [0, 1, 4])
def test_generated_835s_balance_at_every_level(lines_per_claim: int) -> None:
    data = generate_835(200, seed=11, claims_per_payment=60, lines_per_claim=lines_per_claim)
    remittances = read_835(data)
    assert [len(r.claims) for r in remittances] == [60, 60, 60, 20]
    for remittance in remittances:
        assert all(len(claim.lines) == lines_per_claim for claim in remittance.claims)
        assert check_balance(remittance) == []


def test_an_835_without_claims_is_a_zero_payment() -> None:
    (remittance,) = read_835(generate_835(0, seed=1))
    assert (remittance.total_paid, remittance.claims) == (D(0), ())
    assert check_balance(remittance) == []


def one_claim_835(**changes: object) -> tuple[str, Remittance]:
    (remittance,) = generate_remittances(3, seed=5)
    claims = list(remittance.claims)
    claims[1] = dataclasses.replace(claims[1], **changes)  # type: ignore[arg-type]
    remittance = dataclasses.replace(remittance, claims=tuple(claims))
    return build_835(remittance, **ENVELOPE), remittance


def test_a_service_line_that_does_not_balance_is_named_by_its_svc_position() -> None:
    (remittance,) = generate_remittances(3, seed=5)
    claim = remittance.claims[1]
    line = dataclasses.replace(claim.lines[1], paid=claim.lines[1].paid + D("1.00"))
    data, _ = one_claim_835(lines=(claim.lines[0], line), paid=claim.paid + D("1.00"))
    (read,) = read_835(data)
    problems = check_balance(read)
    transaction = [p for p in problems if p.kind == "transaction"]
    lines = [p for p in problems if p.kind == "service line"]
    assert [p.kind for p in problems] == ["service line", "claim", "transaction"]
    assert lines == [
        BalanceProblem(
            "service line",
            positions(data, "SVC")[3],
            "SVC",
            expected=line.paid - D("1.00"),
            found=line.paid,
            patient_control_number=claim.patient_control_number,
            line_number=2,
        )
    ]
    assert transaction[0].segment_id == "BPR"
    assert transaction[0].segment_position == positions(data, "BPR")[0]
    assert transaction[0].difference == D("-1.00")
    assert "claim " + claim.patient_control_number in lines[0].message


def test_a_claim_charge_that_does_not_match_its_adjustments_is_named_by_its_clp() -> None:
    (remittance,) = generate_remittances(3, seed=5)
    claim = remittance.claims[1]
    data, _ = one_claim_835(charge=claim.charge + D("10"))
    problems = check_balance(read_835(data)[0])
    assert problems == [
        BalanceProblem(
            "claim",
            positions(data, "CLP")[1],
            "CLP",
            expected=claim.paid + D("10"),
            found=claim.paid,
            patient_control_number=claim.patient_control_number,
        )
    ]


def test_a_claim_whose_lines_do_not_add_up_to_its_payment_is_caught() -> None:
    (remittance,) = generate_remittances(3, seed=5)
    claim = remittance.claims[1]
    # Moving a line adjustment to the claim keeps CLP03 − all CAS = CLP04 but breaks the
    # line, and Σ SVC03 − claim CAS = CLP04 still holds; dropping a claim-level CAS breaks
    # both claim rules at once.
    data, _ = one_claim_835(adjustments=(Adjustment("CO", "253", D("2.00")),))
    problems = check_balance(read_835(data)[0])
    clp = positions(data, "CLP")[1]
    assert [(p.kind, p.segment_position, p.segment_id) for p in problems] == [
        ("claim", clp, "CLP"),
        ("claim lines", clp, "CLP"),
    ]
    assert problems[1].expected == sum(line.paid for line in claim.lines) - D("2.00")
    assert problems[1].found == claim.paid


def test_a_payment_that_does_not_match_its_claims_and_plb_is_named_by_its_bpr() -> None:
    (remittance,) = generate_remittances(3, seed=5)
    data = build_835(dataclasses.replace(remittance, total_paid=D("1.00")), **ENVELOPE)
    (problem,) = check_balance(read_835(data)[0])
    paid = sum(claim.paid for claim in remittance.claims)
    plb = sum(adjustment.amount for adjustment in remittance.provider_adjustments)
    assert problem == BalanceProblem(
        "transaction", positions(data, "BPR")[0], "BPR", expected=paid - plb, found=D("1.00")
    )


def test_a_debit_payment_balances_as_a_negative_total() -> None:
    reversal_only = dataclasses.replace(
        full_remittance(),
        claims=(full_remittance().claims[1],),
        provider_adjustments=(),
        total_paid=D("40"),
    )
    assert check_balance(dataclasses.replace(reversal_only, credit_debit="D")) == []
    (problem,) = check_balance(reversal_only)
    assert (problem.kind, problem.expected, problem.found) == ("transaction", D(-40), D(40))


# -- public samples ------------------------------------------------------------------------

SAMPLE_NAMES = [
    "cob-contractural-adjustment.835",
    "managed-care.835",
    "medicare-part-a.835",
    "secondary-payment.835",
    "tertiary-payment.835",
]


def repaired(text: str) -> str:
    """The samples' BPR defects fixed: three put the payment date in BPR15 (one element
    separator short) and one dates it 20002316 (month 23)."""
    return text.replace("*20002316~", "*20020316~").replace("CHK***********", "CHK************")


@pytest.mark.skipif(not SAMPLES_835.exists(), reason="no public samples")
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_the_public_samples_are_read_strictly_and_their_bpr_defects_named(name: str) -> None:
    data = (SAMPLES_835 / name).read_bytes()
    if name == "medicare-part-a.835":
        (remittance,) = read_835(data)
        assert remittance.total_paid == D("150000.00")
        assert remittance.payee.npi == "6543210903"
        assert [c.patient_control_number for c in remittance.claims] == ["666123", "777777"]
        assert remittance.provider_adjustments[0].reason == "CV"
        assert remittance.provider_adjustments[0].amount == D("-1.27")
        return
    with pytest.raises(X12SyntaxError) as caught:
        read_835(data)
    assert (caught.value.segment_id, caught.value.element_position) == ("BPR", 16)
    assert caught.value.segment_position == 4


@pytest.mark.skipif(not SAMPLES_835.exists(), reason="no public samples")
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_the_repaired_public_samples_report_their_balance(name: str) -> None:
    (remittance,) = read_835(repaired((SAMPLES_835 / name).read_text()))
    problems = check_balance(remittance)
    if name != "tertiary-payment.835":
        assert problems == []
        return
    # tertiary-payment writes SVC*HC*24599.00*1766.50*187.50 (the procedure code as its
    # own element, not HC:24599), which shifts charge and payment one element right: the
    # line reads as 24599.00 charged and 1766.50 paid, so neither the line nor the claim's
    # lines balance. Only the CLP's own totals agree (1766.50 − 1579.00 = 187.50).
    assert [(p.kind, p.segment_position, p.found) for p in problems] == [
        ("service line", 20, D("1766.50")),
        ("claim lines", 16, D("187.50")),
    ]
    assert problems[0].expected == D("23020.00")


@pytest.mark.skipif(not SAMPLES_835.exists(), reason="no public samples")
def test_the_secondary_sample_is_read_down_to_its_line_adjustments() -> None:
    text = repaired((SAMPLES_835 / "secondary-payment.835").read_text())
    (remittance,) = read_835(text)
    first, second = remittance.claims
    assert (first.status, first.coverage_amount, first.lines) == ("2", D("912.00"), ())
    assert second.rendering is not None
    assert second.rendering.last == "SMITH JONES PA"
    line = second.lines[1]
    # The sample writes HC>66543>26 though its ISA16 declares ":" as component separator.
    assert line.qualifier == "HC>66543>26"
    assert line.adjustments == (
        Adjustment("PR", "1", D("150.00")),
        Adjustment("PR", "2", D("70.00")),
        Adjustment("CO", "42", D("85.00")),
    )
    assert line.allowed == D("500.00")
    assert remittance.payee.tin == "599944521"


# -- streaming -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def medium() -> str:
    return generate_835(120, seed=3, claims_per_payment=50, lines_per_claim=3)


def test_reading_seven_bytes_at_a_time_gives_what_reading_whole_gives(medium: str) -> None:
    whole = read_835(medium)
    assert list(iter_835(medium.encode(), chunk_size=7)) == whole
    assert list(iter_835(medium, chunk_size=7)) == whole
    assert list(iter_835(io.BytesIO(medium.encode()), chunk_size=7)) == whole


def test_segments_split_at_every_possible_chunk_boundary_read_the_same() -> None:
    remittance = dataclasses.replace(
        full_remittance(), payee=Party("PE", "CLÍNICA SAÑ JOSÉ", "XX", "1234567893")
    )
    data = build_835(remittance, **ENVELOPE).encode("utf-8")
    whole = read_835(data)
    assert whole[0].payee.name == "CLÍNICA SAÑ JOSÉ"
    for size in (1, 2, 3, 5, 106, 107, 4096):
        assert list(iter_835(data, chunk_size=size)) == whole


def test_chunks_of_any_sizes_from_an_iterable_read_the_same(medium: str) -> None:
    data = medium.encode()
    cuts = [0, 1, 2, 105, 106, 107, 500, 501, 9000, len(data)]

    def chunks() -> Iterator[bytes]:
        for start, stop in itertools.pairwise(cuts):
            yield data[start:stop]

    assert list(iter_835(chunks())) == read_835(medium)


def test_progress_is_reported_in_bytes_read(medium: str) -> None:
    seen: list[int] = []
    data = medium.encode()
    list(iter_835(io.BytesIO(data), chunk_size=4096, progress=seen.append))
    assert seen == sorted(seen)
    assert seen[-1] == len(data)
    assert len(seen) == -(-len(data) // 4096)


def test_each_payment_is_yielded_before_the_rest_of_the_file_is_read(medium: str) -> None:
    data = medium.encode()
    consumed = 0

    def chunks() -> Iterator[bytes]:
        nonlocal consumed
        for start in range(0, len(data), 1000):
            consumed = start + 1000
            yield data[start : start + 1000]

    stream = iter_835(chunks())
    first = next(stream)
    assert len(first.claims) == 50
    assert consumed < len(data) // 2
    assert len(list(stream)) == 2


def test_other_delimiters_and_wrapped_lines_read_the_same(medium: str) -> None:
    remittances = read_835(medium)
    for delimiters, newline in (
        (Delimiters("|", "!", ">", "\n"), False),
        (Delimiters("^", "{", "\\", "'"), True),
        (Delimiters("*", "^", ":", "~"), True),
    ):
        data = build_835_batch(remittances, **ENVELOPE, delimiters=delimiters, newline=newline)
        assert read_835(data) == remittances
        assert list(iter_835(data.replace("\n", "\r\n").encode(), chunk_size=11)) == remittances


def test_a_text_without_a_final_terminator_still_reads_its_last_segment() -> None:
    data = build_835(full_remittance(), **ENVELOPE)
    assert read_835(data.rstrip("~")) == read_835(data)


# -- faults --------------------------------------------------------------------------------


def fault(data: str | bytes) -> X12SyntaxError:
    with pytest.raises(X12SyntaxError) as caught:
        read_835(data)
    return caught.value


def test_a_wrong_se_count_is_a_set_fault() -> None:
    data = build_835(full_remittance(), **ENVELOPE)
    se = positions(data, "SE")[0]
    broken = data.replace("~SE*", "~SE*1", 1)
    error = fault(broken)
    assert (error.segment_position, error.segment_id, error.set_code) == (se, "SE", "4")


def test_an_amount_that_is_not_a_number_names_its_element() -> None:
    data = build_835(full_remittance(), **ENVELOPE)
    error = fault(data.replace("CLP*PCN-1*1*170", "CLP*PCN-1*1*1E7", 1))
    assert (error.segment_id, error.element_position, error.code) == ("CLP", 3, "6")
    assert error.segment_position == positions(data, "CLP")[0]


@pytest.mark.parametrize(
    ("old", "new", "segment_id", "code"),
    [
        ("CAS*OA", "CAS*XX", "CAS", "7"),
        ("DTM*232*20261001", "DTM*232*20261341", "DTM", "8"),
        ("ST*835", "ST*837", "ST", "7"),
        ("LX*1~", "LX*1~SVC*HC:1*1*1~", "SVC", "2"),
        ("IEA*1*000000042~", "", "IEA", "3"),
        ("BPR*I", "TRN*I", "TRN", "3"),
        ("BPR*I*78.5*C*ACH", "BPR*I*78.5*C*WIRE", "BPR", "7"),
        ("BPR*I*78.5*C", "BPR*I*78.5*X", "BPR", "7"),
        ("CLP*PCN-1*1*", "CLP*PCN-1*5*", "CLP", "7"),
        ("CLP*PCN-1*1*", "CLP*PCN-1**", "CLP", "1"),
    ],
)
def test_structural_faults_raise_syntax_errors_with_their_location(
    old: str, new: str, segment_id: str, code: str
) -> None:
    data = build_835(full_remittance(), **ENVELOPE)
    assert old in data
    error = fault(data.replace(old, new, 1))
    assert (error.segment_id, error.code) == (segment_id, code)


def test_input_that_is_not_x12_is_a_syntax_error() -> None:
    assert fault(b"").code == "1"
    assert fault("hello world" * 20).code == "1"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(st.integers(min_value=0), st.sampled_from(["replace", "insert", "delete"])),
        min_size=1,
        max_size=4,
    ),
    char=st.sampled_from(list("*~:^0123456789.-AZ \nE")) | st.characters(),
    chunk=st.integers(min_value=1, max_value=300),
)
def test_mutated_835s_read_or_raise_only_syntax_errors(
    edits: list[tuple[int, str]], char: str, chunk: int
) -> None:
    text = build_835(full_remittance(), **ENVELOPE)
    for offset, kind in edits:
        at = offset % (len(text) + 1)
        if kind == "replace":
            text = text[:at] + char + text[at + 1 :]
        elif kind == "insert":
            text = text[:at] + char + text[at:]
        else:
            text = text[:at] + text[at + 1 :]
    try:
        whole = read_835(text)
    except X12SyntaxError:
        with pytest.raises(X12SyntaxError):
            list(iter_835(text.encode("utf-8", "surrogatepass"), chunk_size=chunk))
        return
    for remittance in whole:
        check_balance(remittance)
    assert list(iter_835(text, chunk_size=chunk)) == whole


# -- the synthetic generator ---------------------------------------------------------------


def test_the_generator_is_deterministic_and_uses_valid_npis() -> None:
    assert generate_835(30, seed=9) == generate_835(30, seed=9)
    assert generate_835(30, seed=9) != generate_835(30, seed=10)
    remittances = generate_remittances(30, seed=9, claims_per_payment=7)
    assert len(remittances) == 5
    assert sum(len(r.claims) for r in remittances) == 30
    assert all(npi_is_valid(r.payee.npi) for r in remittances)
    assert all(len(c.lines) == 2 for r in remittances for c in r.claims)


# -- pyx12 ---------------------------------------------------------------------------------


def test_pyx12_finds_no_errors_in_an_835_this_writer_builds(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    x12n_document = pytest.importorskip("pyx12.x12n_document")
    params = pytest.importorskip("pyx12.params")
    path = tmp_path / "built.835"
    path.write_text(generate_835(40, seed=21, claims_per_payment=15, lines_per_claim=3))
    errors = io.StringIO()
    with caplog.at_level(logging.ERROR, logger="pyx12"):
        valid = x12n_document.x12n_document(params.params(), str(path), None, None, None, errors)
    assert [record.getMessage() for record in caplog.records] == []
    assert valid is True


def test_pyx12_accepts_every_field_the_writer_knows_except_its_repeated_plb_quirk(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    x12n_document = pytest.importorskip("pyx12.x12n_document")
    params = pytest.importorskip("pyx12.params")
    remittance = full_remittance()
    paid, reversal = remittance.claims
    # What the guide does not allow is left out: SVC01-7 (description) is not used, REF*1K
    # is not a 2100 qualifier, and a claim needs CLP07 and its patient.
    paid = dataclasses.replace(
        paid,
        references=(("EA", "MR1"), ("1L", "GRP1"), ("F8", "ORIG1")),
        lines=(dataclasses.replace(paid.lines[0], description=""), paid.lines[1]),
    )
    reversal = dataclasses.replace(reversal, payer_claim_number="PAYER-0", patient=paid.patient)
    path = tmp_path / "full.835"
    path.write_text(build_835(dataclasses.replace(remittance, claims=(paid, reversal)), **ENVELOPE))
    with caplog.at_level(logging.ERROR, logger="pyx12"):
        x12n_document.x12n_document(params.params(), str(path), None, None, None, io.StringIO())
    # Seven PLB pairs need two PLB segments; the guide allows PLB to repeat (>1), but pyx12
    # counts each one as a new instance of its one-time FOOTER wrapper loop.
    assert [record.getMessage() for record in caplog.records] == [
        "Line:46 SEG:4 - Loop FOOTER exceeded max count.  Found 2, should have 1"
    ]


def test_a_fault_found_while_reading_is_answered_with_a_999_that_points_at_it() -> None:
    data = build_835(full_remittance(), **ENVELOPE)
    broken = data.replace("CLP*PCN-1*1*170", "CLP*PCN-1*1*ABC", 1)
    error = fault(broken)
    kind, answer = acknowledge(broken, [error], at=AT, control_number=7)
    clp_in_set = positions(data, "CLP")[0] - positions(data, "ST")[0] + 1
    assert kind == "999"
    assert f"IK3*CLP*{clp_in_set}**8~IK4*3**6*ABC~IK5*R*5~" in answer


@pytest.mark.parametrize(
    ("old", "new", "attribute", "value"),
    [
        ("GE*1*42", "GE*2*42", "group_code", "5"),
        ("IEA*1*000000042", "IEA*1*000000043", "interchange_code", "001"),
        ("*0*P*:~", "*0*X*:~", "interchange_code", "020"),
        ("IEA*1*000000042~", "IEA*1*000000042~GS*HP~", "interchange_code", "022"),
        ("GS*HP", "GS*HS", "group_code", "1"),
        ("~ST*835*0001~", "~", "interchange_code", "024"),
    ],
)
def test_envelope_faults_carry_the_code_their_acknowledgment_needs(
    old: str, new: str, attribute: str, value: str
) -> None:
    data = build_835(full_remittance(), **ENVELOPE)
    assert old in data
    assert getattr(fault(data.replace(old, new, 1)), attribute) == value


def test_a_text_file_object_is_read_like_a_binary_one() -> None:
    data = build_835(full_remittance(), **ENVELOPE)
    assert list(iter_835(io.StringIO(data), chunk_size=13)) == read_835(data.encode())


def test_a_claim_whose_totals_agree_but_whose_lines_do_not_is_caught_by_the_lines_rule() -> None:
    (remittance,) = generate_remittances(3, seed=5)
    claim = remittance.claims[1]
    # Ten more charged and ten more paid keeps CLP03 − CAS = CLP04, but Σ SVC03 is short.
    data, _ = one_claim_835(charge=claim.charge + 10, paid=claim.paid + 10)
    problems = check_balance(read_835(data)[0])
    assert [(p.kind, p.segment_id, p.expected, p.found) for p in problems] == [
        ("claim lines", "CLP", claim.paid, claim.paid + 10),
        ("transaction", "BPR", remittance.total_paid + 10, remittance.total_paid),
    ]
    assert problems[0].segment_position == positions(data, "CLP")[1]


@settings(max_examples=200, deadline=None)
@given(
    edits=st.lists(
        st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)),
        min_size=1,
        max_size=6,
    ),
    chunk=st.integers(min_value=1, max_value=64),
)
def test_bytes_mutated_anywhere_read_or_raise_only_syntax_errors(
    edits: list[tuple[int, int]], chunk: int
) -> None:
    data = bytearray(build_835(full_remittance(), **ENVELOPE).encode())
    for offset, value in edits:
        data[offset % len(data)] = value
    try:
        whole = read_835(bytes(data))
    except X12SyntaxError:
        return
    for remittance in whole:
        check_balance(remittance)
    assert list(iter_835(bytes(data), chunk_size=chunk)) == whole


def test_a_segment_that_is_not_utf8_is_read_as_latin1_however_the_chunks_fall() -> None:
    remittance = dataclasses.replace(
        full_remittance(),
        payer=dataclasses.replace(full_remittance().payer, name="SEÑOR HEALTH"),
        payee=Party("PE", "CLÍNICA", "XX", "1234567893"),
    )
    data = build_835(remittance, **ENVELOPE).encode()
    data = data.replace("SEÑOR".encode(), "SEÑOR".encode("latin-1"))
    results = [list(iter_835(data, chunk_size=size)) for size in (1, 7, 150, 1 << 20)]
    assert all(result == results[0] for result in results)
    (read,) = results[0]
    assert (read.payer.name, read.payee.name) == ("SEÑOR HEALTH", "CLÍNICA")


def test_free_text_with_delimiters_is_written_with_spaces_instead() -> None:
    remittance = dataclasses.replace(
        full_remittance(), payee=Party("PE", "SMITH*JONES~PA:1^", "XX", "1234567893")
    )
    (read,) = read_835(build_835(remittance, **ENVELOPE))
    assert read.payee.name == "SMITH JONES PA 1"


def test_an_interchange_with_two_functional_groups_yields_the_sets_of_both() -> None:
    data = build_835_batch(generate_remittances(4, seed=2, claims_per_payment=2), **ENVELOPE)
    start, end = data.index("GS*"), data.index("IEA*")
    group = data[start:end]
    second = group.replace("*42*X*", "*43*X*").replace("GE*2*42~", "GE*2*43~")
    two = data[:end] + second + data[end:].replace("IEA*1*", "IEA*2*")
    read = read_835(two)
    assert [r.origin.group_control_number for r in read if r.origin] == ["42", "42", "43", "43"]
    assert read[2:] == read[:2]
