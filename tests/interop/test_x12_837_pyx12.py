"""The 837Ps the writer builds pass pyx12's validation against its 005010X222A1 map (an
independent implementation of the guide), which also proves it catches a real fault."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest

from healtheos.interop.x12.claims.samples import generate_837p_batch
from tests.interop.x12_837_fixtures import BATCH, build, replace_segment

pyx12_document = pytest.importorskip("pyx12.x12n_document")
pyx12_params = pytest.importorskip("pyx12.params")


def validate(text: str) -> tuple[bool, list[str]]:
    """pyx12's verdict and every error message it reported."""
    out_999, out_json = io.StringIO(), io.StringIO()
    valid = pyx12_document.x12n_document(
        pyx12_params.params(), io.StringIO(text), out_999, None, None, out_json
    )
    messages: list[str] = []

    def collect(node: object) -> None:
        if isinstance(node, dict):
            for error in node.get("errors", []):
                messages.append(str(error))
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(json.loads(out_json.getvalue() or "{}"))
    return bool(valid), messages


def test_pyx12_finds_no_error_in_the_fixture_837p() -> None:
    assert validate(build()) == (True, [])


def test_pyx12_finds_no_error_in_a_synthetic_batch() -> None:
    assert validate(generate_837p_batch(25, seed=4, providers=3)) == (True, [])


def test_pyx12_finds_no_error_in_a_void_with_its_original_claim_number() -> None:
    claim = replace(BATCH.claims[0], frequency="8", original_claim_number="PAYER123")
    assert validate(build(replace(BATCH, claims=(claim,)))) == (True, [])


def test_pyx12_does_catch_a_missing_required_segment() -> None:
    valid, messages = validate(replace_segment(build(), "N4*AUSTIN", ""))
    assert not valid
    assert messages
