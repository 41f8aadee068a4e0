"""core.throttle.bump: counts, and a count never loses its expiry.

With Redis, a key that expires between Django's existence check and ``INCRBY`` comes back
as 1 with no expiry (the source would stay refused for good). ``RecreatingCache`` plays
that race on local memory.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.locmem import LocMemCache

from covenant.core.throttle import bump


class RecreatingCache(LocMemCache):
    """The first ``incr`` finds the key gone and, like Redis's INCRBY, creates it without expiry."""

    def __init__(self) -> None:
        super().__init__("throttle-test", {})
        self.raced = False

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> Any:
        if not self.raced:
            self.raced = True
            self.delete(key, version=version)
            self.set(key, delta, timeout=None, version=version)
            return delta
        return super().incr(key, delta, version=version)

    def expiry(self, key: str) -> float | None:
        return self._expire_info.get(self.make_and_validate_key(key))


def test_counts_up_and_keeps_its_expiry() -> None:
    cache = LocMemCache("throttle-count", {})
    assert [bump("k", 60, cache=cache) for _ in range(3)] == [1, 2, 3]
    assert cache.get("k") == 3


def test_a_count_recreated_without_expiry_gets_one_again() -> None:
    cache = RecreatingCache()
    assert bump("k", 60, cache=cache) == 1
    assert cache.raced
    assert cache.expiry("k") is not None  # without the touch it would be None: refused for good
    assert bump("k", 60, cache=cache) == 2
