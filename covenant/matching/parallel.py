"""Run a function over chunks of items in forked worker processes, in input order.

The one worker pool of the project: ``Matcher.match_many``, ``MatchIndex.add_many``
and sanctions screening (``covenant.risk.screening``) all go through
:func:`map_chunks`. It lives in the matching package, not at the top of
``covenant``, because the matching engine is self-contained (it imports nothing
from the rest of the project, and never Django) and is the main user; the only
other user, screening, depends on the matching engine already. Keep this module
free of Django and of anything outside the standard library.

Why fork and nothing else: every caller works against a large in-memory index
(hundreds of MB for a large register). Forked children share the parent's pages
copy-on-write, so the index is neither pickled nor loaded again; only the chunks
and their results cross between processes. The function itself is handed to the
children at fork time too, so it may be a closure or a bound method of an object
holding the index. Where ``fork`` is unavailable the chunks run in this process.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import multiprocessing.pool
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import Any, TypeVar

__all__ = ["fork_available", "map_chunks"]

T = TypeVar("T")
R = TypeVar("R")

#: Chunks queued per worker ahead of the one being consumed: enough to keep the
#: workers busy while the parent handles a result, few enough to bound memory.
AHEAD = 4


def fork_available() -> bool:
    """Whether this platform can fork worker processes."""
    return "fork" in multiprocessing.get_all_start_methods()


def map_chunks(
    fn: Callable[[list[T]], R],
    items: Iterable[T],
    *,
    workers: int,
    chunk_size: int,
) -> Generator[tuple[list[T], R], None, None]:
    """Yield ``(chunk, fn(chunk))`` for consecutive chunks of ``items``, in input order.

    With ``workers`` > 1, at least two chunks and ``fork`` available, ``fn`` runs in
    ``workers`` forked processes; otherwise it runs here, one chunk at a time (one
    chunk cannot be shared between workers, so forking for it would only add
    start-up time). Results are the same either way, provided ``fn`` changes no
    shared state: what a worker changes stays in that worker.

    ``items`` is read lazily, a bounded number of chunks ahead, so a generator of a
    million records is never held in memory at once; the caller can consume each
    result (insert it, report progress) while the workers compute the next ones.

    Before forking the garbage collector is frozen (``gc.freeze()``): the children
    then never scan the objects they inherited, a scan that would write to their
    headers and copy every page of the shared index into each child. It is unfrozen
    when the pool is gone, unless something else had frozen objects before us.

    An exception raised by ``fn`` in a worker is raised here, when its chunk's turn
    comes. On any error, and when the caller stops iterating early, the workers are
    terminated and reaped before the error propagates: no child outlives the call.
    Callers that may stop early should close the iterator (``contextlib.closing``)
    rather than leave that to the garbage collector.
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    chunks = _chunks(items, chunk_size)
    if workers > 1 and fork_available():
        head = list(itertools.islice(chunks, 2))
        chunks = itertools.chain(head, chunks)
        if len(head) == 2:
            yield from _in_pool(fn, chunks, workers)
            return
    for chunk in chunks:
        yield chunk, fn(chunk)


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _in_pool(
    fn: Callable[[list[T]], R], chunks: Iterator[list[T]], workers: int
) -> Generator[tuple[list[T], R], None, None]:
    ctx = multiprocessing.get_context("fork")
    # A permanent generation that is already in use was frozen on purpose by
    # someone else (a server that forks its own workers): leave it frozen.
    unfreeze = gc.get_freeze_count() == 0
    gc.freeze()
    pool: multiprocessing.pool.Pool | None = None
    try:
        # initargs are inherited through fork, not pickled: fn may hold the index.
        pool = ctx.Pool(processes=workers, initializer=_install, initargs=(fn,))
        pending: deque[tuple[list[T], multiprocessing.pool.AsyncResult[R]]] = deque()
        for chunk in chunks:
            pending.append((chunk, pool.apply_async(_call, (chunk,))))
            if len(pending) >= workers * AHEAD:
                done, result = pending.popleft()
                yield done, result.get()
        while pending:
            done, result = pending.popleft()
            yield done, result.get()
        pool.close()
        pool.join()
        pool = None
    finally:
        if pool is not None:  # an error, or the caller stopped early
            pool.terminate()
            pool.join()
        if unfreeze:
            gc.unfreeze()


_FN: Callable[[Any], Any] | None = None


def _install(fn: Callable[[Any], Any]) -> None:
    global _FN
    _FN = fn


def _call(chunk: list[Any]) -> Any:
    fn = _FN
    if fn is None:  # pragma: no cover - a worker always starts through _install
        raise RuntimeError("worker started without a function")
    return fn(chunk)
