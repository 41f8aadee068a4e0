"""Sanctions screening with the matching engine (pure Python, no Django).

Each sanctions entry (a company or organisation, with its aliases and listed
countries) is a name-only query against two indexes: the register's own match
index (every site, with its aliases; the process keeps it current anyway) and
a small index of the companies that own sites. A list of 50,000 entries is
therefore 50,000 queries whose cost does not grow with the register, instead
of a million site queries against the list.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from covenant.matching import Matcher
from covenant.matching.records import IDENTIFIER_SCHEMES

# A name-only hit below this probability is noise; at or above it a person looks.
MIN_SCORE = 0.7
MAX_HITS = 3
MAX_NAMES = 4  # the entry's name and its first aliases


@dataclass(frozen=True)
class Entry:
    id: int
    name: str
    aliases: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    identifiers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Hit:
    entry_id: int
    target: str  # a register id (subject "facility") or an owner key (subject "owner")
    subject: str
    score: float
    reasons: tuple[str, ...]


class Screener:
    def __init__(self, sites: Matcher, owners: Matcher | None = None) -> None:
        self.sites = sites
        self.owners = owners

    def screen(self, entry: Entry) -> list[Hit]:
        idents = {k: v for k, v in entry.identifiers if k in IDENTIFIER_SCHEMES}
        best: dict[tuple[str, str], Hit] = {}
        names = [entry.name, *entry.aliases][:MAX_NAMES]
        for subject, matcher in (("facility", self.sites), ("owner", self.owners)):
            if matcher is None or not len(matcher.index):
                continue
            for country in entry.countries or ("",):
                for name in names:
                    for c in matcher.screen(
                        name, country=country, identifiers=idents, limit=MAX_HITS, min_score=MIN_SCORE
                    ):
                        key = (subject, c.registry_id)
                        if key not in best or best[key].score < c.score:
                            best[key] = Hit(entry.id, c.registry_id, subject, round(c.score, 3), tuple(c.explain()))
        return sorted(best.values(), key=lambda h: -h.score)

    def screen_many(
        self,
        entries: Sequence[Entry],
        *,
        workers: int = 1,
        progress: Callable[[int, int], None] | None = None,
        chunk_size: int = 500,
    ) -> list[Hit]:
        """Screen every entry; with ``workers`` > 1, forked processes share the indexes copy-on-write."""
        total = len(entries)
        hits: list[Hit] = []
        chunks = [entries[i : i + chunk_size] for i in range(0, total, chunk_size)]
        if workers <= 1 or len(chunks) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            done = 0
            for chunk in chunks:
                for entry in chunk:
                    hits.extend(self.screen(entry))
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
            return hits
        global _WORKER
        _WORKER = self
        try:
            with multiprocessing.get_context("fork").Pool(processes=workers) as pool:
                done = 0
                for chunk, found in zip(chunks, pool.imap(_screen_chunk, chunks), strict=True):
                    hits.extend(found)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
        finally:
            _WORKER = None
        return hits


_WORKER: Screener | None = None


def _screen_chunk(chunk: Sequence[Entry]) -> list[Hit]:
    screener = _WORKER
    if screener is None:  # pragma: no cover - only if the pool outlives its parent call
        raise RuntimeError("worker started without a screener")
    return [h for e in chunk for h in screener.screen(e)]
