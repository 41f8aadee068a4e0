"""The cache in Redis: with REDIS_URL set, a throttle counts once for all web workers.

Every throttle that counts in Django's cache (two-factor code attempts, grievance receipt
guesses per receipt and per source, grievance submissions per source) is only as strong
as the cache is shared: with per-process memory, each of N workers allows the full limit.
The tests that need a server run when REDIS_URL is set (`.ci/run` points them at
redis://127.0.0.1:6379/15) and are skipped otherwise; the two about which backend the
settings choose always run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache as default_cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory

from covenant.accounts import lockout
from covenant.grievances import services

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")

needs_redis = pytest.mark.skipif(
    not REDIS_URL,
    reason="REDIS_URL is not set: the shared-cache tests need a Redis server (CI runs them with "
    "REDIS_URL=redis://127.0.0.1:6379/15)",
)


def _python(code: str, **env_extra: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter, as another worker process would start."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(env_extra)
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def _caches_setting(**env_extra: str) -> dict[str, Any]:
    result = _python(
        "import json, covenant.settings as s; print(json.dumps(s.CACHES))", COVENANT_ENV="test", **env_extra
    )
    assert result.returncode == 0, result.stderr
    caches: dict[str, Any] = json.loads(result.stdout)
    return caches


# --------------------------------------------------------------------------- which backend


def test_without_redis_url_the_throttles_count_in_the_database() -> None:
    caches = _caches_setting()
    assert caches["default"] == {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    assert caches["throttle"]["BACKEND"] == "covenant.core.cache.DatabaseCache"


def test_with_redis_url_the_cache_is_redis_with_our_prefix_and_version() -> None:
    # Only the settings are read: no connection is made, so the host need not exist.
    caches = _caches_setting(REDIS_URL="redis://cache.example.invalid:6379/3")
    assert caches["throttle"] == caches["default"]
    default = caches["default"]
    assert default == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.example.invalid:6379/3",
        "KEY_PREFIX": "covenant",
        "VERSION": 1,
    }


# --------------------------------------------------------------------------- shared counts


@pytest.fixture
def two_workers(settings: Any) -> Iterator[tuple[RedisCache, RedisCache]]:
    """Two caches configured as the settings say, each with its own connection pool, as two
    worker processes have. Their keys carry a prefix of their own, removed afterwards."""
    config = settings.CACHES["default"]
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache", "REDIS_URL is set: expected Redis"
    params = {"KEY_PREFIX": f"covenant-test-{uuid.uuid4().hex}", "VERSION": config["VERSION"]}
    first, second = RedisCache(config["LOCATION"], params), RedisCache(config["LOCATION"], params)
    yield first, second
    client = first._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{params['KEY_PREFIX']}:*"):
        client.delete(key)
    first.close()
    second.close()


@needs_redis
def test_redis_answers() -> None:
    import redis

    try:
        assert redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.exceptions.ConnectionError as exc:  # pragma: no cover - the message is the point
        pytest.fail(f"REDIS_URL={REDIS_URL} is set but Redis does not answer: {exc}")


@needs_redis
def test_the_two_workers_have_separate_connections(two_workers: tuple[RedisCache, RedisCache]) -> None:
    first, second = two_workers
    assert first._cache.get_client(write=True).client_id() != second._cache.get_client(write=True).client_id()


@needs_redis
def test_the_settings_cache_writes_under_our_prefix_and_version() -> None:
    import redis

    key = f"prefix-check-{uuid.uuid4().hex}"
    default_cache.set(key, 7, timeout=60)
    try:
        raw = redis.Redis.from_url(REDIS_URL)
        assert raw.get(f"covenant:1:{key}") == b"7"
        assert raw.ttl(f"covenant:1:{key}") > 0
    finally:
        default_cache.delete(key)


@needs_redis
def test_submission_limit_is_shared_between_workers(
    two_workers: tuple[RedisCache, RedisCache], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.GRIEVANCE_SUBMISSIONS_PER_SOURCE = 4
    first, second = two_workers
    for worker in (first, second, first, second):
        monkeypatch.setattr(services, "cache", worker)
        services.count_submission("198.51.100.7")
    # The fifth report from the same address is refused by whichever worker gets it ...
    monkeypatch.setattr(services, "cache", first)
    with pytest.raises(services.Throttled):
        services.count_submission("198.51.100.7")
    monkeypatch.setattr(services, "cache", second)
    with pytest.raises(services.Throttled):
        services.count_submission("198.51.100.7")
    # ... and another address still has its own count.
    services.count_submission("198.51.100.8")


def test_per_process_memory_would_let_each_worker_allow_the_full_limit(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same sequence as above against two per-process caches is not throttled: what Redis is for."""
    settings.GRIEVANCE_SUBMISSIONS_PER_SOURCE = 4
    first, second = (LocMemCache(f"worker-{n}-{uuid.uuid4().hex}", {}) for n in (1, 2))
    for worker in (first, second, first, second, first, second):
        monkeypatch.setattr(services, "cache", worker)
        services.count_submission("198.51.100.7")


@needs_redis
@pytest.mark.django_db
def test_receipt_guessing_is_counted_once_for_all_workers(
    two_workers: tuple[RedisCache, RedisCache], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.GRIEVANCE_THROTTLE_PER_SOURCE = 3
    first, second = two_workers
    for worker in (first, second, first):
        monkeypatch.setattr(services, "cache", worker)
        assert services.open_case("1234-5678-9012", "203.0.113.9") is None
    monkeypatch.setattr(services, "cache", second)
    with pytest.raises(services.Throttled):
        services.open_case("1234-5678-9012", "203.0.113.9")


@needs_redis
def test_two_factor_code_attempts_are_counted_once_for_all_workers(
    two_workers: tuple[RedisCache, RedisCache], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.LOGIN_CODE_FAILURE_LIMIT = 3
    first, second = two_workers
    person = SimpleNamespace(pk=uuid.uuid4().int % 10**9)
    request = RequestFactory().post("/accounts/2fa/authenticate/")
    taken = []
    for worker in (first, second, first, second):
        monkeypatch.setattr(lockout, "cache", worker)
        taken.append(lockout.consume_code_attempt(request, person))  # type: ignore[arg-type]
    assert taken == [True, True, True, False]
    # A right code on one worker gives the attempts back on all of them.
    lockout.clear_code_attempts(person)  # type: ignore[arg-type]
    monkeypatch.setattr(lockout, "cache", first)
    assert lockout.code_attempts_used(person) == 0  # type: ignore[arg-type]


@needs_redis
def test_a_second_process_counts_in_the_same_place(settings: Any) -> None:
    """A separate interpreter, set up from the same settings, spends part of the limit."""
    source = f"192.0.2.{uuid.uuid4().int % 250}-{uuid.uuid4().hex}"
    key = "grv:n:" + services.crypto.keyed_hash(services.server_secret(), "throttle-submissions", source)[:40]
    limit = settings.GRIEVANCE_SUBMISSIONS_PER_SOURCE
    try:
        result = _python(
            "import django; django.setup()\n"
            "from covenant.grievances import services\n"
            f"for _ in range({limit - 1}): services.count_submission({source!r})\n",
            DJANGO_SETTINGS_MODULE="tests.settings",
            REDIS_URL=REDIS_URL,
        )
        assert result.returncode == 0, result.stderr
        services.count_submission(source)  # the last one the limit allows
        with pytest.raises(services.Throttled):
            services.count_submission(source)
    finally:
        default_cache.delete(key)
