from __future__ import annotations

from healtheos.core import counters


def test_counters_count_together_and_apart() -> None:
    assert counters.count(["a", "b"], timeout=60) == [1, 1]
    assert counters.count(["a", "b"], timeout=60) == [2, 2]
    assert counters.count(["b", "c"], timeout=60) == [3, 1]
    assert counters.count([], timeout=60) == []
