"""pyx12, as an independent validator, accepts the project's 999 acknowledgments: an
accepting one and one that rejects a set naming the segment and element at fault."""

from __future__ import annotations

import datetime as dt
import importlib.util
from importlib.resources import files
from pathlib import Path

import pytest

from healtheos.interop.x12 import acknowledge
from tests.interop.x12_fixtures import interchange

needs_pyx12 = pytest.mark.skipif(
    importlib.util.find_spec("pyx12") is None, reason="pyx12 is not installed"
)
AT = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.UTC)


def maps() -> Path:
    return Path(str(files("pyx12") / "map"))


@needs_pyx12
def test_pyx12_accepts_an_accepting_999() -> None:
    from tests.interop.pyx12_check import pyx12_errors

    kind, text = acknowledge(interchange(), [], at=AT, control_number=5)
    assert kind == "999"
    assert pyx12_errors(text, maps()) == []


@needs_pyx12
def test_pyx12_accepts_a_999_that_rejects_a_set_with_its_fault() -> None:
    from tests.interop.pyx12_check import pyx12_errors

    text = interchange()
    start = text.index("~SE*") + 4
    broken = text[:start] + "99" + text[text.index("*", start) :]
    kind, ack = acknowledge(broken, at=AT, control_number=6)
    assert kind == "999"
    assert "IK5*R" in ack
    assert pyx12_errors(ack, maps()) == []


@needs_pyx12
def test_pyx12_would_catch_a_defect_in_a_999() -> None:
    from tests.interop.pyx12_check import pyx12_errors

    _, ack = acknowledge(interchange(), [], at=AT, control_number=7)
    assert pyx12_errors(ack.replace("IK5*A", "IK5*Q"), maps())
