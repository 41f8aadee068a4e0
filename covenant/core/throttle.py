"""Counting attempts in the shared cache (two-factor codes, grievance receipts and reports).

One home for "count this, and forget it after a while", so every throttle gets the same care:
with Redis (``REDIS_URL``), Django's ``incr`` checks that the key exists and then increments;
a key that expires in between comes back from ``INCRBY`` as 1 with no expiry at all, and
the source it counts would stay refused for good. A count of 1 therefore always (re)sets
the expiry.
"""

from __future__ import annotations

from django.core.cache import cache as default_cache
from django.core.cache.backends.base import BaseCache


def bump(key: str, timeout: int, cache: BaseCache = default_cache) -> int:
    """Add one to the count under ``key`` (forgotten ``timeout`` seconds after it started); return it."""
    cache.add(key, 0, timeout=timeout)
    try:
        used = int(cache.incr(key))
    except ValueError:  # gone between add and incr (local memory raises; Redis recreates it)
        cache.add(key, 1, timeout=timeout)
        return 1
    if used == 1:
        cache.touch(key, timeout=timeout)
    return used
