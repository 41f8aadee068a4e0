"""Finding likely duplicate records across the whole register (the duplicates queue's scan).

Every active facility is matched, as if it were a row of a supplier list, against the match
index that already holds the register in memory; its own record is skipped and every other
candidate scoring at least the review threshold makes a pair. This module only reads and
computes: ``services.find_duplicates`` stores the pairs in one transaction.

The database is read in batches of :data:`BATCH` facilities (three queries each: the
facilities, their aliases, their identifiers), never once per facility.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from covenant.matching import Matcher, Record
from covenant.registry.matchindex import facility_record
from covenant.registry.models import Facility, FacilityAlias, FacilityIdentifier, FacilityStatus

BATCH = 2000
#: Candidates scored per facility. A list row needs a reviewer's full choice (20); a duplicate
#: scan needs only the nearest records, and scoring costs time per candidate.
SCAN_CANDIDATES = 10


@dataclass(frozen=True, slots=True)
class FoundPair:
    """Two facilities (primary keys, ``a < b``) that may be one site, with the best score either way."""

    a: int
    b: int
    score: float
    features: dict[str, float] = field(default_factory=dict)


@dataclass
class ScanResult:
    pairs: dict[tuple[int, int], FoundPair]
    facilities: int


def _batches(batch: int) -> Iterator[list[tuple[int, Record]]]:
    from django.db.models import Prefetch

    base = Facility.objects.filter(status=FacilityStatus.ACTIVE).order_by("pk")
    last = 0
    while True:
        chunk = list(
            base.filter(pk__gt=last).prefetch_related(
                Prefetch("aliases", queryset=FacilityAlias.objects.only("facility_id", "name")),
                Prefetch("identifiers", queryset=FacilityIdentifier.objects.only("facility_id", "scheme", "value")),
            )[:batch]
        )
        if not chunk:
            return
        yield [(f.pk, facility_record(f)) for f in chunk]
        last = chunk[-1].pk


def scan_register(
    matcher: Matcher,
    *,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
    batch: int = BATCH,
) -> ScanResult:
    """Every pair of active facilities that the matcher scores at or above its review threshold.

    Pairs across countries are left out: they cannot be merged. ``progress(done, total)`` is
    called after each batch.
    """
    threshold = matcher.thresholds.review
    if matcher.thresholds.max_candidates > SCAN_CANDIDATES:
        # Same index, same fitted weights (they live on the index), fewer candidates.
        matcher = Matcher(matcher.index, replace(matcher.thresholds, max_candidates=SCAN_CANDIDATES))
    active = Facility.objects.filter(status=FacilityStatus.ACTIVE)
    pk_of: dict[str, int] = {}
    country_of: dict[int, str] = {}
    for public_id, pk, country in active.values_list("public_id", "pk", "country").iterator(chunk_size=10000):
        pk_of[public_id] = pk
        country_of[pk] = str(country)
    total = len(pk_of)
    pairs: dict[tuple[int, int], FoundPair] = {}
    done = 0
    if progress is not None:
        progress(0, total)
    for chunk in _batches(batch):
        results = matcher.match_many([record for _pk, record in chunk], workers=workers)
        for (pk, record), result in zip(chunk, results, strict=True):
            for cand in result.candidates:
                if cand.score < threshold:
                    continue
                other = pk_of.get(cand.registry_id)
                # Its own record, a facility no longer active, or one the index has not
                # resolved to an active record: none of them is a pair to look at.
                if other is None or other == pk or cand.registry_id == record.id:
                    continue
                if country_of[other] != country_of.get(pk):
                    continue
                key = (min(pk, other), max(pk, other))
                known = pairs.get(key)
                if known is None or cand.score > known.score:
                    pairs[key] = FoundPair(key[0], key[1], round(cand.score, 4), dict(cand.features))
        done += len(chunk)
        if progress is not None:
            progress(min(done, total), total)
    return ScanResult(pairs=pairs, facilities=done)
