"""The password hasher's own ceiling: how many argon2id verifications this machine can do
per second on all cores. Sign-in throughput can never exceed it."""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor


def _verify_many(count: int) -> float:
    from django.contrib.auth.hashers import check_password, make_password

    encoded = make_password("a benchmark passphrase of some length")
    started = time.perf_counter()
    for _ in range(count):
        check_password("a benchmark passphrase of some length", encoded)
    return time.perf_counter() - started


def _init_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healtheos.settings")
    import django

    django.setup()


def hasher_ceiling(*, per_core: int = 20) -> tuple[float, float]:
    """Return (seconds per verification on one core, verifications per second on all cores)."""
    cores = os.cpu_count() or 1
    single = _verify_many(per_core) / per_core
    with ProcessPoolExecutor(max_workers=cores, initializer=_init_django) as pool:
        started = time.perf_counter()
        list(pool.map(_verify_many, [per_core] * cores))
        elapsed = time.perf_counter() - started
    return single, cores * per_core / elapsed
