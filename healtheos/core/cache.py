"""The Redis cache, made to degrade instead of fail when Redis is unreachable.

Everything Healtheos keeps in the cache can be lost: sessions (``cached_db``) are in the
database too, the plan host table is re-read, rate-limit counters and the second-factor
replay guard are short-lived. So while Redis is down every cache call answers as an empty
cache would (a read misses, a write is dropped, ``add`` succeeds) and logs one warning, and
for a few seconds after a failure the cache is not tried at all, so that requests do not
each wait for a refused or timed-out connection. docs/configuration.md lists what degrades.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
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


def guarded(call: Callable[[], T], fallback: T) -> T:
    """Run one cache call; answer ``fallback`` while the cache is unreachable."""
    if OUTAGE.is_open():
        return fallback
    try:
        result = call()
    except (RedisError, OSError) as error:
        OUTAGE.failed(error)
        return fallback
    OUTAGE.succeeded()
    return result


class ResilientRedisCache(RedisCache):
    """Django's Redis cache whose calls never raise for an unreachable Redis."""

    def add(
        self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return guarded(
            lambda: bool(super(ResilientRedisCache, self).add(key, value, timeout, version)), True
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return guarded(lambda: super(ResilientRedisCache, self).get(key, default, version), default)

    def set(
        self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        guarded(lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key: Any, timeout: float | None = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return guarded(
            lambda: bool(super(ResilientRedisCache, self).touch(key, timeout, version)), False
        )

    def delete(self, key: Any, version: Any = None) -> bool:
        return guarded(lambda: bool(super(ResilientRedisCache, self).delete(key, version)), False)

    def get_many(self, keys: Iterable[Any], version: Any = None) -> dict[Any, Any]:
        keys = list(keys)
        return guarded(lambda: dict(super(ResilientRedisCache, self).get_many(keys, version)), {})

    def has_key(self, key: Any, version: Any = None) -> bool:
        return guarded(lambda: bool(super(ResilientRedisCache, self).has_key(key, version)), False)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        # As if the counter had just been created: a counted limit starts again.
        return guarded(
            lambda: int(super(ResilientRedisCache, self).incr(key, delta, version)), delta
        )

    def set_many(
        self, data: dict[Any, Any], timeout: float | None = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        return guarded(
            lambda: list(super(ResilientRedisCache, self).set_many(data, timeout, version)),
            list(data),
        )

    def delete_many(self, keys: Iterable[Any], version: Any = None) -> None:
        keys = list(keys)
        guarded(lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def clear(self) -> None:
        guarded(lambda: super(ResilientRedisCache, self).clear(), None)
