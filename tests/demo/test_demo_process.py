"""`covenant demo` takes its server and worker down with it, on SIGTERM and on Ctrl-C.

The supervisor is tested with cheap stand-in children (one of which starts a child of
its own, one of which ignores SIGTERM); one test runs the real `covenant demo`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from covenant.demo.management.commands.demo import supervise

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")


def _running(pid: int) -> bool:
    """True while ``pid`` is a live process (a zombie waiting to be reaped counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_for(check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def _pids(directory: Path) -> list[int]:
    return [int(p.read_text()) for p in sorted(directory.glob("*.pid")) if p.read_text().strip()]


@pytest.fixture
def reaper() -> Iterator[list[int]]:
    """Pids to kill at the end whatever happens, so a failing test leaks nothing."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        if _running(pid):
            os.kill(pid, signal.SIGKILL)


def _stand_in(
    pid_dir: Path,
    name: str,
    *,
    grandchild: bool = False,
    ignore_term: bool = False,
    exit_code: int = -1,
    after: str = "",
) -> list[str]:
    """A child that records its pid (and its own child's), then sleeps.

    With ``exit_code`` it exits instead, once the pid file of ``after`` exists.
    """
    code = f"""
        import pathlib, signal, subprocess, sys, time
        d = pathlib.Path({str(pid_dir)!r})
        while {after!r} and not (d / "{after}.pid").exists():
            time.sleep(0.02)
        if {ignore_term}:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if {grandchild}:
            g = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
            (d / "{name}-child.tmp").write_text(str(g.pid))
            (d / "{name}-child.tmp").rename(d / "{name}-child.pid")
        (d / "{name}.tmp").write_text(str(__import__("os").getpid()))
        (d / "{name}.tmp").rename(d / "{name}.pid")
        if {exit_code} >= 0:
            sys.exit({exit_code})
        time.sleep(600)
    """
    return [sys.executable, "-c", textwrap.dedent(code)]


def _driver(commands: list[list[str]], grace: float) -> subprocess.Popen[str]:
    """A separate process running ``supervise`` (we signal it, not the test runner)."""
    code = f"""
        import django
        django.setup()
        from covenant.demo.management.commands.demo import supervise
        outcome = supervise({commands!r}, grace={grace}, poll=0.05)
        print("outcome", outcome.signum, outcome.exited, outcome.returncode, flush=True)
    """
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(  # noqa: S603 (our own script)
        [sys.executable, "-c", textwrap.dedent(code)], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_every_child_and_their_children(tmp_path: Path, reaper: list[int], sig: int) -> None:
    commands = [_stand_in(tmp_path, "server", grandchild=True), _stand_in(tmp_path, "worker")]
    driver = _driver(commands, grace=10)
    reaper.append(driver.pid)
    _wait_for(lambda: len(list(tmp_path.glob("*.pid"))) == 3)
    pids = _pids(tmp_path)
    reaper.extend(pids)
    assert all(_running(pid) for pid in pids)

    driver.send_signal(sig)
    out, _ = driver.communicate(timeout=60)

    assert f"outcome {int(sig)} None 0" in out
    assert [pid for pid in pids if _running(pid)] == []


def test_a_child_that_ignores_sigterm_is_killed_after_the_grace_period(tmp_path: Path, reaper: list[int]) -> None:
    driver = _driver([_stand_in(tmp_path, "stubborn", ignore_term=True)], grace=0.5)
    reaper.append(driver.pid)
    _wait_for(lambda: len(list(tmp_path.glob("*.pid"))) == 1)
    pids = _pids(tmp_path)
    reaper.extend(pids)

    driver.send_signal(signal.SIGTERM)
    driver.communicate(timeout=60)

    assert [pid for pid in pids if _running(pid)] == []


def test_when_one_child_exits_the_others_are_stopped(tmp_path: Path, reaper: list[int]) -> None:
    quits = _stand_in(tmp_path, "server", exit_code=3, after="worker")
    outcome = supervise([_stand_in(tmp_path, "worker", grandchild=True), quits], grace=10, poll=0.05)
    pids = _pids(tmp_path)
    reaper.extend(pids)

    assert (outcome.signum, outcome.exited, outcome.returncode) == (None, 1, 3)
    assert len(pids) == 3
    assert [pid for pid in pids if _running(pid)] == []


def test_signal_handlers_are_restored(tmp_path: Path) -> None:
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    supervise([_stand_in(tmp_path, "quick", exit_code=0)], poll=0.05)
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)  # noqa: S310 (a local URL we built)
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


def test_covenant_demo_stops_its_server_and_worker_on_sigterm(tmp_path: Path, reaper: list[int]) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env |= {"COVENANT_ENV": "development", "COVENANT_DATA_DIR": str(tmp_path)}
    log = tmp_path / "demo.log"
    with log.open("w") as out:  # a file, not a pipe: seeding prints a lot
        demo = subprocess.Popen(  # noqa: S603 (our own command)
            [sys.executable, "-m", "covenant.cli", "demo", "--sites", "20", "--addr", f"127.0.0.1:{port}"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    reaper.append(demo.pid)
    try:
        _wait_for(lambda: _answers(f"http://127.0.0.1:{port}/") or demo.poll() is not None, timeout=300)
        children = _children(demo.pid)
        reaper.extend(children)
        assert demo.poll() is None
        assert len(children) == 2  # the server and the worker

        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=60)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()

    text = log.read_text()
    assert demo.returncode == 0, text[-2000:]
    assert "Demo stopped (Terminated)" in text
    assert [pid for pid in children if _running(pid)] == []
    assert not _answers(f"http://127.0.0.1:{port}/")
