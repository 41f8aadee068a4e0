"""Sanctions screening with the matching engine (pure Python, no Django).

Each sanctions entry (a company or organisation, with its aliases and listed
countries) is a name-only query against two indexes: the register's own match
index (every site, with its aliases; the process keeps it current anyway) and
a small index of the companies that own sites. A list of 50,000 entries is
therefore 50,000 queries whose cost does not grow with the register, instead
of a million site queries against the list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass

from covenant.matching import Matcher
from covenant.matching.parallel import map_chunks
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
        """Screen every entry; with ``workers`` > 1, forked processes share the indexes copy-on-write.

        See :func:`covenant.matching.parallel.map_chunks` for when the entries are
        screened in this process instead. ``progress(done, total)`` is called after
        each chunk.
        """
        total = len(entries)
        hits: list[Hit] = []
        done = 0
        with closing(map_chunks(self._screen_chunk, entries, workers=workers, chunk_size=chunk_size)) as chunks:
            for chunk, found in chunks:
                hits.extend(found)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
        return hits

    def _screen_chunk(self, chunk: list[Entry]) -> list[Hit]:
        return [h for e in chunk for h in self.screen(e)]
