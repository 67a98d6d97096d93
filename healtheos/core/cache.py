"""The Redis cache, made to degrade instead of fail when Redis is unreachable.

Everything Healtheos keeps in the cache can be lost: sessions (``cached_db``) are in the
database too, the plan host table is re-read, rate-limit counters and the second-factor
replay guard are short-lived. So while Redis is down a cache read misses and a write is
dropped, as with an empty cache, and one warning is logged; for a few seconds after a
failure the cache is not tried at all, so that requests do not each wait for a refused or
timed-out connection.

Counting and claiming (``incr``, ``add``: rate limits and the replay guard of
authenticator codes) go to a small cache in this process instead, so that they still hold
within each server process rather than switch off. Sessions never use those two calls, so
no session is ever read from a copy one process holds. docs/configuration.md lists what
degrades.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds after a failed call during which the cache is not tried again.
RETRY_AFTER_SECONDS = 2.0


class CacheOutage:
    """This process's view of whether the cache is reachable (a small circuit breaker)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.down_until = 0.0
        self.failures = 0

    def is_open(self) -> bool:
        return time.monotonic() < self.down_until

    def failed(self, error: Exception) -> None:
        with self._lock:
            first = self.down_until == 0.0
            self.down_until = time.monotonic() + RETRY_AFTER_SECONDS
            self.failures += 1
        if first:
            logger.warning("cache unreachable, serving without it: %s", type(error).__name__)

    def succeeded(self) -> None:
        if self.down_until:
            with self._lock:
                self.down_until = 0.0
            logger.warning("cache reachable again")


OUTAGE = CacheOutage()

#: Where counts and claims go while Redis is unreachable: this process's memory, bounded.
LOCAL = LocMemCache("healtheos-cache-outage", {"TIMEOUT": 300, "OPTIONS": {"MAX_ENTRIES": 20000}})


def guarded(call: Callable[[], T], fallback: T) -> T:
    """Run one cache call; answer ``fallback`` while the cache is unreachable."""
    return guarded_or(call, lambda: fallback)


def guarded_or(call: Callable[[], T], instead: Callable[[], T]) -> T:
    """Run one cache call; while the cache is unreachable, run ``instead``."""
    if OUTAGE.is_open():
        return instead()
    try:
        result = call()
    except (RedisError, OSError) as error:
        OUTAGE.failed(error)
        return instead()
    OUTAGE.succeeded()
    return result


def local_incr(key: str, delta: int, timeout: float | None) -> int:
    """Count in this process's memory (the counter starts at zero if it has none)."""
    LOCAL.add(key, 0, timeout=timeout)
    try:
        return int(LOCAL.incr(key, delta))
    except ValueError:  # expired between add and incr
        LOCAL.set(key, delta, timeout=timeout)
        return delta


class ResilientRedisCache(RedisCache):
    """Django's Redis cache whose calls never raise for an unreachable Redis."""

    def add(
        self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        # The replay guard of authenticator codes claims each used code with ``add``.
        return guarded_or(
            lambda: bool(super(ResilientRedisCache, self).add(key, value, timeout, version)),
            lambda: bool(LOCAL.add(self._local_key(key, version), value, self._local(timeout))),
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return guarded(lambda: super(ResilientRedisCache, self).get(key, default, version), default)

    def set(
        self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        guarded_or(
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            lambda: self._local_update(self._local_key(key, version), value, timeout),
        )

    def _local_update(self, key: str, value: Any, timeout: float | None) -> None:
        # Only a claim or count this process holds (made with ``add``/``incr``) is updated:
        # anything else, sessions above all, is never kept in a process-local copy.
        if LOCAL.has_key(key):
            LOCAL.set(key, value, self._local(timeout))

    def touch(self, key: Any, timeout: float | None = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return guarded(
            lambda: bool(super(ResilientRedisCache, self).touch(key, timeout, version)), False
        )

    def delete(self, key: Any, version: Any = None) -> bool:
        # What ``add`` claimed in this process during an outage is released here too (a
        # lock taken with ``add`` is let go with ``delete``).
        return guarded_or(
            lambda: bool(super(ResilientRedisCache, self).delete(key, version)),
            lambda: bool(LOCAL.delete(self._local_key(key, version))),
        )

    def get_many(self, keys: Iterable[Any], version: Any = None) -> dict[Any, Any]:
        keys = list(keys)
        return guarded(lambda: dict(super(ResilientRedisCache, self).get_many(keys, version)), {})

    def has_key(self, key: Any, version: Any = None) -> bool:
        return guarded(lambda: bool(super(ResilientRedisCache, self).has_key(key, version)), False)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        # Counted in this process from the outage on: a limit starts again and holds per
        # process.
        return guarded_or(
            lambda: int(super(ResilientRedisCache, self).incr(key, delta, version)),
            lambda: local_incr(self._local_key(key, version), delta, self.default_timeout),
        )

    def _local_key(self, key: Any, version: Any) -> str:
        return str(self.make_key(key, version))

    def _local(self, timeout: float | None) -> float | None:
        return self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout

    def set_many(
        self, data: dict[Any, Any], timeout: float | None = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        return guarded(
            lambda: list(super(ResilientRedisCache, self).set_many(data, timeout, version)),
            list(data),
        )

    def delete_many(self, keys: Iterable[Any], version: Any = None) -> None:
        keys = list(keys)
        guarded_or(
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            lambda: LOCAL.delete_many([self._local_key(key, version) for key in keys]),
        )

    def clear(self) -> None:
        guarded(lambda: super(ResilientRedisCache, self).clear(), None)
