"""Production settings: `check --deploy` is clean, and unsafe configuration is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL"}
    }
    env.update({"DJANGO_SETTINGS_MODULE": "covenant.settings", **env_extra})
    return subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    result = _manage(
        {
            "COVENANT_ENV": "production",
            "SECRET_KEY": "x" * 20 + "a-real-looking-secret-key-for-the-deploy-check-0123456789",
            "AUDIT_LOG_KEY": "an-audit-log-key-kept-outside-the-database-42",
            "ALLOWED_HOSTS": "covenant.example.org",
            "COVENANT_DATA_DIR": str(tmp_path),
            # Only the settings read it: no connection is made.
            "REDIS_URL": "redis://cache.example.invalid:6379/0",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_development_secret(tmp_path: Path) -> None:
    result = _manage({"COVENANT_ENV": "production", "COVENANT_DATA_DIR": str(tmp_path)}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_requires_its_own_audit_log_key(tmp_path: Path) -> None:
    secret = "x" * 20 + "a-real-looking-secret-key-for-the-deploy-check-0123456789"
    base = {"COVENANT_ENV": "production", "SECRET_KEY": secret, "COVENANT_DATA_DIR": str(tmp_path)}
    for audit_key in ("", "too-short", secret):
        result = _manage({**base, "AUDIT_LOG_KEY": audit_key}, "check")
        assert result.returncode != 0, audit_key
        assert "AUDIT_LOG_KEY" in result.stderr


def test_production_requires_the_shared_cache(tmp_path: Path) -> None:
    """Throttles count in the cache: in production it must be Redis, shared by every process."""
    result = _manage(
        {
            "COVENANT_ENV": "production",
            "SECRET_KEY": "x" * 20 + "a-real-looking-secret-key-for-the-deploy-check-0123456789",
            "AUDIT_LOG_KEY": "an-audit-log-key-kept-outside-the-database-42",
            "COVENANT_DATA_DIR": str(tmp_path),
        },
        "check",
    )
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr
