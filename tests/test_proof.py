"""The load-and-fault proof's own logic (the run itself is ``make proof``): it talks to
loopback only, and its verdict fails on anything lost or duplicated."""

from __future__ import annotations

import pytest

from healtheos.benchmarks import proof


def test_the_load_generator_talks_to_loopback_only() -> None:
    proof.Browser("http://127.0.0.1:8000")
    for address in ("http://10.0.0.5:8000", "http://example.org", "http://192.168.1.2"):
        with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
            proof.Browser(address)


def _settings() -> proof.ProofSettings:
    return proof.ProofSettings(
        users=1,
        workers=1,
        warmup=0,
        steady=1,
        after_fault=1,
        redis_down=1,
        pg_restart=[],
        redis_stop=[],
        redis_start=[],
        say=print,
    )


def _report(check: proof.LedgerCheck, audit: str = "verifies") -> str:
    world = proof.World(0, [], "", [], [], "", [], [], [])
    run = proof.Run(world)
    run.samples = [
        proof.Sample(0.5, proof.OPERATIONS[1], 10.0, True),
        proof.Sample(1.5, proof.OPERATIONS[1], 10.0, False),
        proof.Sample(7.0, proof.OPERATIONS[1], 10.0, True),
    ]
    phases = [
        proof.Phase("steady load", 0.0, 1.0),
        proof.Phase("a fault", 1.0, 8.0, fault_at=1.0, recovered_at=1.2),
    ]
    return proof.report(_settings(), run, phases, [check], audit, "test", 8.0)


def test_the_verdict_passes_only_when_nothing_is_lost_or_duplicated() -> None:
    good = proof.LedgerCheck("messages", 3, 3, 0, 0, 1)
    assert "**Result: PASS**" in _report(good)
    assert "**Result: FAIL**" in _report(proof.LedgerCheck("messages", 3, 2, 1, 0, 0))
    assert "**Result: FAIL**" in _report(proof.LedgerCheck("messages", 3, 2, 0, 1, 0))
    assert "**Result: FAIL**" in _report(good, audit="FAILED: broken link at 7")


def test_the_fault_table_says_when_the_last_error_was() -> None:
    text = _report(proof.LedgerCheck("messages", 0, 0, 0, 0, 0))
    assert "| a fault | 0.2 | 2 | 1 | 0.5 | 1 | yes |" in text
