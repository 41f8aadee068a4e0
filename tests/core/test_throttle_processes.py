"""Throttles hold across processes: several interpreters, started together as web workers
would be, count in the one shared place and let exactly the limit through.

Without Redis the counts live in the database (``covenant.core.cache.DatabaseCache``): a
temporary SQLite file here, or the test database itself when the suite runs on PostgreSQL.
With ``REDIS_URL`` set (CI), the same race runs against Redis. Before this, each process
counted in its own memory: three processes let 60 of 120 receipt guesses through where 20
were allowed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")
WORKERS = 4
TRIES = 12  # each: 48 in all
LIMIT = 10

# Each worker sets Django up, says it is ready, and waits for the others: they all begin together.
READY = """
import json, os, sys, time, uuid
from pathlib import Path
import django
django.setup()
gate = Path(sys.argv[1])
(gate / uuid.uuid4().hex).touch()
while len(os.listdir(gate)) < int(sys.argv[2]):
    time.sleep(0.01)
"""
LIMITED = (
    READY
    + """
from covenant.grievances import services
passed = 0
for _ in range({tries}):
    try:
        services.count_submission(sys.argv[3])
    except services.Throttled:
        continue
    passed += 1
print(json.dumps(passed))
"""
)
COUNTING = (
    READY
    + """
from covenant.core.throttle import bump
print(json.dumps([bump(sys.argv[3], 600) for _ in range(25)]))
"""
)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="covenant.settings",
        COVENANT_ENV="test",
        GRIEVANCE_SUBMISSIONS_PER_SOURCE=str(LIMIT),
        **extra,
    )
    return env


def _run(code: str, env: dict[str, str], key: str, gate: Path) -> list[Any]:
    """Run ``code`` in WORKERS fresh interpreters at once; what each printed, as JSON."""
    gate.mkdir()
    procs = [
        subprocess.Popen(  # noqa: S603 (our own interpreter and code)
            [sys.executable, "-c", code, str(gate), str(WORKERS), key],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(WORKERS)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def _race(env: dict[str, str], tmp_path: Path) -> list[int]:
    """How many reports from one address each worker got through."""
    source = f"203.0.113.{uuid.uuid4().int % 250}-{uuid.uuid4().hex}"
    return _run(LIMITED.format(tries=TRIES), env, source, tmp_path / "gate")


def _database_env(tmp_path: Path) -> dict[str, str]:
    if connection.vendor == "postgresql":
        # The test database: the cache table was made with it, and the workers commit their
        # counts there (under a key of this run's own).
        s: dict[str, Any] = connection.settings_dict
        url = f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        return _env(DATABASE_URL=url)
    env = _env(DATABASE_URL=f"sqlite:///{tmp_path / 'shared.sqlite3'}", COVENANT_DATA_DIR=str(tmp_path))
    made = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, str(ROOT / "manage.py"), "createcachetable"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    return env


@pytest.mark.django_db
def test_processes_sharing_the_database_let_exactly_the_limit_through(tmp_path: Path) -> None:
    passed = _race(_database_env(tmp_path), tmp_path)
    assert sum(passed) == LIMIT, passed


@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set (CI runs this with redis://127.0.0.1:6379/15)")
def test_processes_sharing_redis_let_exactly_the_limit_through(tmp_path: Path) -> None:
    passed = _race(_env(REDIS_URL=REDIS_URL, COVENANT_DATA_DIR=str(tmp_path)), tmp_path)
    assert sum(passed) == LIMIT, passed


@pytest.mark.django_db
def test_the_database_cache_counts_every_attempt_once(tmp_path: Path) -> None:
    """The counter itself: 4 processes x 25 at once give each number from 1 to 100 exactly
    once (Django's own database cache reads and writes back, and can lose some)."""
    seen = _run(COUNTING, _database_env(tmp_path), f"count-{uuid.uuid4().hex}", tmp_path / "gate")
    assert sorted(n for numbers in seen for n in numbers) == list(range(1, 25 * WORKERS + 1))
