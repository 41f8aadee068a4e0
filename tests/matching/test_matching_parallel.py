"""The worker pool (covenant.matching.parallel) and the three callers that use it."""

from __future__ import annotations

import gc
import multiprocessing
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from covenant.matching import Matcher, MatchIndex, Record, parallel
from covenant.matching.parallel import map_chunks
from covenant.risk.screening import Entry, Screener

needs_fork = pytest.mark.skipif(not parallel.fork_available(), reason="needs the fork start method")


def _pid_and_double(chunk: list[int]) -> tuple[int, list[int]]:
    return os.getpid(), [x * 2 for x in chunk]


def _run(n: int, *, workers: int, chunk_size: int) -> tuple[set[int], list[list[int]], list[int]]:
    pids: set[int] = set()
    chunks: list[list[int]] = []
    out: list[int] = []
    for chunk, (pid, doubled) in map_chunks(_pid_and_double, range(n), workers=workers, chunk_size=chunk_size):
        pids.add(pid)
        chunks.append(chunk)
        out.extend(doubled)
    return pids, chunks, out


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # succeeds for a live process and for an unreaped zombie
    except ProcessLookupError:
        return True
    return False


@needs_fork
def test_workers_keep_input_order() -> None:
    pids, chunks, out = _run(103, workers=2, chunk_size=10)
    assert out == [x * 2 for x in range(103)]
    assert chunks == [list(range(i, min(i + 10, 103))) for i in range(0, 103, 10)]
    assert os.getpid() not in pids  # it really ran in the workers
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize(
    ("n", "workers", "fork", "in_process"),
    [
        (50, 1, True, True),  # one worker asked for
        (10, 2, True, True),  # one chunk only
        (50, 2, False, True),  # no fork on this platform
        (11, 2, True, False),  # two chunks: the pool
    ],
)
def test_in_process_fallback(
    monkeypatch: pytest.MonkeyPatch, n: int, workers: int, fork: bool, in_process: bool
) -> None:
    if fork and not in_process and not parallel.fork_available():
        pytest.skip("needs the fork start method")
    if not fork:
        monkeypatch.setattr(parallel, "fork_available", lambda: False)
    pids, _chunks, out = _run(n, workers=workers, chunk_size=10)
    assert out == [x * 2 for x in range(n)]
    assert (pids == {os.getpid()}) is in_process


def test_input_is_read_lazily() -> None:
    read: list[int] = []

    def items() -> Iterator[int]:
        for i in range(100):
            read.append(i)
            yield i

    results = map_chunks(lambda chunk: len(chunk), items(), workers=1, chunk_size=10)
    assert next(results) == (list(range(10)), 10)
    assert len(read) == 10
    results.close()


def test_rejects_an_empty_chunk_size() -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        list(map_chunks(len, [1, 2], workers=2, chunk_size=0))


@needs_fork
def test_an_exception_in_a_worker_propagates_and_leaves_no_child() -> None:
    def fail_at_50(chunk: list[int]) -> list[int]:
        if 50 in chunk:
            raise ValueError(f"bad item in chunk starting at {chunk[0]}")
        return chunk

    seen: list[int] = []
    workers: set[int] = set()

    def consume() -> None:
        for _chunk, result in map_chunks(fail_at_50, range(200), workers=2, chunk_size=10):
            workers.update(p.pid for p in multiprocessing.active_children() if p.pid is not None)
            seen.extend(result)

    with pytest.raises(ValueError, match="bad item in chunk starting at 50"):
        consume()
    assert seen == list(range(50))  # everything before the failing chunk, in order
    assert len(workers) == 2
    assert multiprocessing.active_children() == []
    assert all(_gone(pid) for pid in workers)
    assert gc.get_freeze_count() == 0


@needs_fork
def test_stopping_early_leaves_no_child() -> None:
    results = map_chunks(_pid_and_double, range(1000), workers=2, chunk_size=10)
    _chunk, (pid, _doubled) = next(results)
    assert pid != os.getpid()
    results.close()
    assert multiprocessing.active_children() == []
    assert _gone(pid)
    assert gc.get_freeze_count() == 0


@needs_fork
def test_the_collector_is_frozen_in_workers_only_while_they_run() -> None:
    counts = [
        count for _chunk, count in map_chunks(lambda chunk: gc.get_freeze_count(), range(40), workers=2, chunk_size=10)
    ]
    assert all(count > 0 for count in counts)
    assert gc.get_freeze_count() == 0


@needs_fork
def test_a_freeze_made_by_someone_else_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    # Counting frozen objects before and after cannot tell: a frozen object that dies in the
    # meantime lowers the count. What must not happen is a call that thaws the caller's freeze.
    real_unfreeze = gc.unfreeze
    thawed: list[bool] = []
    gc.freeze()
    monkeypatch.setattr(gc, "unfreeze", lambda: thawed.append(True))
    try:
        _run(40, workers=2, chunk_size=10)
        assert thawed == [] and gc.get_freeze_count() > 0
    finally:
        monkeypatch.undo()
        real_unfreeze()


def _register() -> list[Record]:
    names = [
        ("Ningbo Huayi Garments", "CN"), ("Ningbo Rizi Dresses", "CN"), ("Wenzhou Jietu Shoes", "CN"),
        ("Sumber Mitra Gasutri", "ID"), ("Epyllion Style", "BD"), ("Square Fashions", "BD"),
        ("Saitex Vietnam", "VN"), ("Bien Hoa Knitting", "VN"), ("Dhaka Denim Works", "BD"),
    ]  # fmt: skip
    return [Record(f"F{i}", name, f"{i} Industrial Road", cc) for i, (name, cc) in enumerate(names)]


@needs_fork
def test_screening_with_workers_gives_the_same_hits() -> None:
    sites, owners = MatchIndex(), MatchIndex()
    sites.add_many(_register())
    owners.add_many([Record("O1", "Epyllion Group", "", "BD"), Record("O2", "Sumber Holdings", "", "ID")])
    screener = Screener(Matcher(sites), Matcher(owners))
    entries = [
        Entry(i, name, countries=countries)
        for i, (name, countries) in enumerate(
            [("Wenzhou Jietu Shoes", ("CN",)), ("Epyllion Group", ()), ("Nobody Listed Ltd", ("BD",))] * 10
        )
    ]
    progress: list[tuple[int, int]] = []
    one = screener.screen_many(entries)
    two = screener.screen_many(entries, workers=2, chunk_size=4, progress=lambda d, t: progress.append((d, t)))
    assert one == two
    assert {h.subject for h in one} == {"facility", "owner"}
    assert progress == [(min(d, 30), 30) for d in range(4, 33, 4)]


def test_matching_does_not_import_django() -> None:
    code = (
        "import sys, covenant.matching, covenant.matching.parallel, covenant.matching.cli;"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'django'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert result.stdout.strip() == "[]"
