"""Counting events in fixed time windows (rate limits), several counters at once.

On Redis the counters of one request go in a single round trip (INCR and EXPIRE in a
pipeline); on other caches (the demo's in-process cache) through the cache API."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from healtheos.core.cache import guarded_or, local_incr


def count(keys: Sequence[str], *, timeout: int) -> list[int]:
    """Add one to each counter and return the new values; a counter is forgotten
    ``timeout`` seconds after its last count."""
    if not keys:
        return []
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        full = [cache.make_and_validate_key(key) for key in keys]

        def pipelined() -> list[int]:
            # Django exposes no pipeline; its client wrapper hands out the redis-py client.
            client = cache._cache.get_client(full[0], write=True)  # type: ignore[attr-defined]
            pipeline = client.pipeline(transaction=False)
            for key in full:
                pipeline.incr(key)
                pipeline.expire(key, timeout)
            replies = pipeline.execute()
            return [int(value) for value in replies[::2]]

        # While Redis is unreachable each process counts on its own: a limit then holds
        # per process rather than refusing or failing the request.
        return guarded_or(pipelined, lambda: [local_incr(key, 1, timeout) for key in full])
    values = []
    for key in keys:
        cache.add(key, 0, timeout=timeout)
        try:
            values.append(int(cache.incr(key)))
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=timeout)
            values.append(1)
    return values
