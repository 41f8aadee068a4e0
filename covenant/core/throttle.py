"""Counting attempts in the shared cache (two-factor codes, grievance receipts and reports).

One home for "count this, and forget it after a while", so every throttle gets the same care.
The counts live in the "throttle" cache (``throttle_cache``), which every web process shares:
Redis with ``REDIS_URL``, else a table of the project's database (``core/cache.py``); both add
one atomically, so parallel requests in several processes cannot both take the last attempt.
With Redis, Django's ``incr`` checks that the key exists and then increments; a key that
expires in between comes back from ``INCRBY`` as 1 with no expiry at all, and the source it
counts would stay refused for good. A count of 1 therefore always (re)sets the expiry.
"""

from __future__ import annotations

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.utils.connection import ConnectionProxy

throttle_cache: BaseCache = ConnectionProxy(caches, "throttle")  # type: ignore[assignment]


def bump(key: str, timeout: int, cache: BaseCache = throttle_cache) -> int:
    """Add one to the count under ``key`` (forgotten ``timeout`` seconds after it started); return it."""
    cache.add(key, 0, timeout=timeout)
    try:
        used = int(cache.incr(key))
    except ValueError:  # gone between add and incr (local memory and the database raise; Redis recreates it)
        if cache.add(key, 1, timeout=timeout):
            return 1
        used = int(cache.incr(key))  # another process started it again meanwhile
    if used == 1:
        cache.touch(key, timeout=timeout)
    return used
