"""Writing computed risk: profiles and one ``SiteRisk`` row per facility.

Sites that share (country, sector, risky goods) share a profile, so a full
recomputation scores a few thousand profiles, not a million sites; what is per
site is only the profile lookup and, for the few sites with signals, adding
the deltas. The rows are written in one transaction (COPY on PostgreSQL). Only public signals
(events, sanctions) are stored; restricted ones are applied per reader by the selectors.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from covenant.registry.interface import Facility, FacilityStatus
from covenant.risk.models import PUBLIC_SOURCES, RiskProfile, SiteRisk, SiteSignal
from covenant.risk.reference import load_reference
from covenant.risk.scoring import ReferenceData, Summary, adjust, profile_key, score_profile, summarise

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RecomputeResult:
    sites: int
    profiles: int
    seconds: float


def active_deltas(facility_ids: Iterable[int] | None = None) -> dict[int, dict[str, float]]:
    """Sum of unexpired *public* signal deltas per facility and topic code.

    Signals of restricted sources (audits, ...) never enter the stored picture: every
    participant reads it, and it must not move on evidence they may not read."""
    today = timezone.localdate()
    qs = SiteSignal.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today), observed_on__lte=today, source__in=PUBLIC_SOURCES
    )
    if facility_ids is not None:
        qs = qs.filter(facility_id__in=list(facility_ids))
    out: dict[int, dict[str, float]] = {}
    for fid, topic, delta in qs.values_list("facility_id", "topic__code", "delta"):
        per = out.setdefault(fid, {})
        per[topic] = per.get(topic, 0.0) + delta
    return out


class _Profile:
    """A profile as the engine handles it: a ``RiskProfile``'s fields and its summary, without
    a model instance each (a full recomputation makes ~13,000 of them and saves none one by one)."""

    __slots__ = ("country", "explanation", "goods", "key", "pk", "scores", "sector", "summary")

    def __init__(
        self,
        pk: int | None,
        key: str,
        country: str,
        sector: str,
        goods: list[str],
        scores: dict[str, float],
        explanation: dict[str, Any],
        summary: Summary,
    ) -> None:
        self.pk = pk
        self.key = key
        self.country = country
        self.sector = sector
        self.goods = goods
        self.scores = scores
        self.explanation = explanation
        self.summary = summary

    def model(self) -> RiskProfile:
        return RiskProfile(
            pk=self.pk,
            key=self.key,
            country=self.country,
            sector=self.sector,
            goods=self.goods,
            scores=self.scores,
            explanation=self.explanation,
        )


class _Profiles:
    """Profiles by key, computed on first use, with their summary.

    ``numbered``: a full recomputation, which writes every profile again with ids 1, 2, ... in
    the order they were made, so each gets its id at once (the rows can be written out before
    the profiles are)."""

    def __init__(self, ref: ReferenceData, existing: Iterable[RiskProfile] = (), numbered: bool = False) -> None:
        self.ref = ref
        self.numbered = numbered
        self.by_key: dict[str, _Profile] = {
            p.key: _Profile(
                p.pk, p.key, p.country, p.sector, p.goods, p.scores, p.explanation, summarise(p.scores, ref.severity)
            )
            for p in existing
        }
        self.new: list[_Profile] = []
        # (country, sector, products as stored) -> profile: most sites repeat a combination
        # exactly, so they skip decoding products, matching goods and hashing.
        self.by_raw: dict[tuple[str, str, str], _Profile] = {}

    def get_raw(self, country: str, sector: str, products_json: str | None) -> _Profile:
        raw = (country, sector, products_json or "")
        profile = self.by_raw.get(raw)
        if profile is None:
            products = json.loads(products_json) if products_json else []
            profile = self.get(country, sector, products if isinstance(products, list) else [])
            self.by_raw[raw] = profile
        return profile

    def get(self, country: str, sector: str, products: list[str]) -> _Profile:
        goods = self.ref.goods_in(country, [p for p in products or () if isinstance(p, str)])
        key = profile_key(country, sector, goods)
        profile = self.by_key.get(key)
        if profile is None:
            scored = score_profile(self.ref, country, sector, goods)
            # Lines stay tuples: stored as JSON, they are the same arrays lists would give.
            profile = _Profile(
                len(self.new) + 1 if self.numbered else None,
                key,
                country,
                sector.strip(),
                list(goods),
                scored.scores,
                scored.explanation,
                summarise(scored.scores, self.ref.severity),
            )
            self.by_key[key] = profile
            self.new.append(profile)
        return profile


Row = tuple[int, _Profile, float, int, int, str, dict[str, float] | None, float]


def _site_rows(
    facilities: Iterable[tuple[int, str, str, str]],
    profiles: _Profiles,
    deltas: dict[int, dict[str, float]],
) -> Iterator[Row]:
    severity = profiles.ref.severity
    for fid, country, sector, products_json in facilities:
        profile = profiles.get_raw(country, sector or "", products_json)
        site_deltas = deltas.get(fid)
        if site_deltas:
            scores = adjust(profile.scores, site_deltas)
            s = summarise(scores, severity)
            yield (fid, profile, s.score, s.band, s.severity, s.top_topic, scores, s.breadth)
        else:
            s = profile.summary
            yield (fid, profile, s.score, s.band, s.severity, s.top_topic, None, s.breadth)


def _facility_query(ids: Iterable[int] | None = None) -> QuerySet[Any, tuple[int, str, str, str]]:
    """(id, country, sector, products as JSON text): decoding JSON once per distinct value, not per row."""
    qs = Facility.objects.filter(status=FacilityStatus.ACTIVE)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    qs = qs.annotate(products_text=Cast("products", TextField()))
    return qs.values_list("id", "country", "sector", "products_text")  # type: ignore[return-value]


def _facilities(ids: Iterable[int] | None = None) -> Iterator[tuple[int, str, str, str]]:
    return _facility_query(ids).iterator(chunk_size=20000)


def _facility_batches(size: int = 20000) -> Iterator[list[tuple[int, str, str, str]]]:
    """Every active facility, as ``_facilities()`` gives them, in batches read straight from a
    server-side cursor: at a million rows the ORM's per-row iteration took half the read."""
    sql, params = _facility_query().query.sql_with_params()
    with connection.chunked_cursor() as cur:
        cur.execute(sql, params)
        while batch := cur.fetchmany(size):
            yield batch


# --- COPY text (PostgreSQL) --------------------------------------------------------------------
# A full recomputation writes a million rows, all but a few of which repeat their profile's
# fields: each profile's part of a row is formatted once, and each site adds only its id.
# Values are written as psycopg's row writer would (its text format), so the stored rows are
# the same (tests/risk/test_recompute_rows.py compares them).


def _copy_text(value: str) -> str:
    """A value in COPY's text format: backslash, tab, newline and carriage return escaped."""
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _row_tail(profile: _Profile, s: Summary, adjusted: dict[str, float] | None, now: str) -> str:
    """A SiteRisk row after its facility id, for the columns of ``_SITE_COLUMNS``."""
    adjusted_text = _copy_text(json.dumps(adjusted)) if adjusted else "\\N"
    return (
        f"\t{profile.pk}\t{s.score!r}\t{s.band}\t{s.severity}\t{_copy_text(s.top_topic)}"
        f"\t{adjusted_text}\t{s.breadth!r}\t{now}\n"
    )


_SITE_COLUMNS = "facility_id, profile_id, score, band, severity, top_topic, adjusted, breadth, computed_at"


def _site_copy_chunks(
    batches: Iterable[list[tuple[int, str, str, str]]],
    profiles: _Profiles,
    deltas: dict[int, dict[str, float]],
    now: str,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[str], int]:
    """Every site's SiteRisk row as COPY text, one string per batch; and the number of sites.
    Needs numbered profiles (their ids are known before they are written)."""
    assert profiles.numbered
    severity = profiles.ref.severity
    tails: dict[tuple[str, str, str], tuple[_Profile, str]] = {}
    chunks: list[str] = []
    sites = 0
    for batch in batches:
        parts = []
        for fid, country, sector, products_json in batch:
            raw = (country, sector, products_json)
            found = tails.get(raw)
            if found is None:
                profile = profiles.get_raw(country, sector or "", products_json)
                found = tails[raw] = (profile, _row_tail(profile, profile.summary, None, now))
            site_deltas = deltas.get(fid)
            if site_deltas:
                profile = found[0]
                scores = adjust(profile.scores, site_deltas)
                parts.append(f"{fid}{_row_tail(profile, summarise(scores, severity), scores, now)}")
            else:
                parts.append(f"{fid}{found[1]}")
        chunks.append("".join(parts))
        sites += len(batch)
        if progress is not None and sites // 100000 != (sites - len(batch)) // 100000:
            progress(sites)
    return chunks, sites


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(qualified name, definition) of the table's indexes that back no constraint."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT x.indexrelid::regclass::text, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "WHERE x.indrelid = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
            "ORDER BY 1",
            [table],
        )
        return [(name, definition) for name, definition in cur.fetchall()]


def _copy_sites(chunks: list[str]) -> None:
    """Write the rows of an emptied ``risk_siterisk`` (truncated in this transaction).

    Its secondary indexes are dropped and built again afterwards (same names and definitions):
    built from sorted rows they cost a third of keeping them up to date row by row. FREEZE
    writes the rows as already visible to all, which PostgreSQL allows only into a table
    truncated in the same transaction: nobody else can read it before the commit (TRUNCATE
    holds its lock until then), and index-only reads need no vacuum afterwards."""
    indexes = _secondary_indexes("risk_siterisk")
    with connection.cursor() as cur:
        for name, _definition in indexes:
            cur.execute(f"DROP INDEX {name}")
        with cur.cursor.copy(f"COPY risk_siterisk ({_SITE_COLUMNS}) FROM STDIN WITH (FREEZE)") as copy:
            for chunk in chunks:
                copy.write(chunk)
        for _name, definition in indexes:
            cur.execute(definition)


def _write(rows: list[Row], now: datetime) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur, cur.cursor.copy(f"COPY risk_siterisk ({_SITE_COLUMNS}) FROM STDIN") as copy:
            for fid, profile, score, band, sev, top, adjusted, breadth in rows:
                copy.write_row(
                    (fid, profile.pk, score, band, sev, top, json.dumps(adjusted) if adjusted else None, breadth, now)
                )
        return
    SiteRisk.objects.bulk_create(
        [
            SiteRisk(
                facility_id=fid,
                profile_id=profile.pk,  # type: ignore[misc]  # saved by now: set
                score=score,
                band=band,
                severity=sev,
                top_topic=top,
                adjusted=adjusted,
                breadth=breadth,
                computed_at=now,
            )
            for fid, profile, score, band, sev, top, adjusted, breadth in rows
        ],
        batch_size=5000,
    )


def _replace_profiles(new: list[_Profile], now: datetime) -> None:
    """All profiles are rebuilt on a full recomputation (SiteRisk rows are already gone),
    with the ids they were numbered with (1, 2, ... in order)."""
    if connection.vendor == "postgresql":
        stamp = now.isoformat()
        with connection.cursor() as cur:
            cols = "id, key, country, sector, goods, scores, explanation, computed_at"
            with cur.cursor.copy(f"COPY risk_riskprofile ({cols}) FROM STDIN") as copy:
                batch: list[str] = []
                for p in new:
                    batch.append(
                        f"{p.pk}\t{_copy_text(p.key)}\t{_copy_text(p.country)}\t{_copy_text(p.sector)}"
                        f"\t{_copy_text(json.dumps(p.goods))}\t{_copy_text(json.dumps(p.scores))}"
                        f"\t{_copy_text(json.dumps(p.explanation))}\t{stamp}\n"
                    )
                    if len(batch) == 500:
                        copy.write("".join(batch))
                        batch = []
                copy.write("".join(batch))
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('risk_riskprofile', 'id'), GREATEST(%s, 1), %s)",
                [len(new), bool(new)],
            )
        return
    RiskProfile.objects.all().delete()
    models = [p.model() for p in new]
    for m in models:
        m.pk = None  # as before: SQLite numbers them on from its last id
        m.computed_at = now
    RiskProfile.objects.bulk_create(models, batch_size=2000)
    # SQLite may give no ids back from bulk_create: look them up.
    ids = dict(RiskProfile.objects.values_list("key", "pk"))
    for p in new:
        p.pk = ids[p.key]


def recompute_all(progress: Progress | None = None) -> RecomputeResult:
    """Score every active facility again from the current reference data and signals."""
    started = time.perf_counter()
    read_from = timezone.now()
    ref = load_reference()
    profiles = _Profiles(ref, numbered=True)
    deltas = active_deltas()
    total = Facility.objects.filter(status=FacilityStatus.ACTIVE).count()
    now = timezone.now()
    postgres = connection.vendor == "postgresql"
    chunks: list[str] = []
    rows: list[Row] = []
    if postgres:
        step = (lambda done: progress(done, total)) if progress is not None else None
        chunks, sites = _site_copy_chunks(_facility_batches(), profiles, deltas, now.isoformat(), step)
    else:
        for row in _site_rows(_facilities(), profiles, deltas):
            rows.append(row)
            if progress is not None and len(rows) % 100000 == 0:
                progress(len(rows), total)
        sites = len(rows)
    with transaction.atomic():
        if postgres:
            with connection.cursor() as cur:
                cur.execute("TRUNCATE risk_siterisk, risk_riskprofile")
            _replace_profiles(profiles.new, now)
            _copy_sites(chunks)
        else:
            SiteRisk.objects.all().delete()
            _replace_profiles(profiles.new, now)
            _write(rows, now)
        _catch_up(read_from)
    if progress is not None:
        progress(total, total)
    return RecomputeResult(sites, len(profiles.new), time.perf_counter() - started)


def _catch_up(read_from: datetime) -> None:
    """Score again, in the rewrite's transaction, the sites the register or public evidence
    changed while the rows were computed: each was scored at once in its own transaction
    (``risk.receivers``), and the rewrite has just replaced that row with one computed
    before the change, or, for a site created meanwhile, with none. Pages never score a site
    while reading, so without this it would stay unscored until the next run. (A public
    signal withdrawn meanwhile is caught by the next run: a deletion leaves no date to find.)"""
    late = set(
        Facility.objects.filter(status=FacilityStatus.ACTIVE)
        .filter(Q(risk__isnull=True) | Q(updated_at__gte=read_from))
        .values_list("pk", flat=True)
    )
    late |= set(
        SiteSignal.objects.filter(created_at__gte=read_from, source__in=PUBLIC_SOURCES).values_list(
            "facility_id", flat=True
        )
    )
    ids = sorted(late)
    for start in range(0, len(ids), 5000):
        refresh_sites(ids[start : start + 5000])


def refresh_sites(facility_ids: Iterable[int]) -> int:
    """Recompute the given facilities only (after a signal or an event changed them)."""
    ids = list(dict.fromkeys(facility_ids))
    if not ids:
        return 0
    ref = load_reference()
    wanted_keys = set()
    facilities = list(_facilities(ids))
    for _fid, country, sector, products_json in facilities:
        products = json.loads(products_json) if products_json else []
        goods = ref.goods_in(country, [p for p in products if isinstance(p, str)] if isinstance(products, list) else [])
        wanted_keys.add(profile_key(country, sector or "", goods))
    profiles = _Profiles(ref, RiskProfile.objects.filter(key__in=wanted_keys))
    rows = list(_site_rows(facilities, profiles, active_deltas(ids)))
    with transaction.atomic():
        for p in profiles.new:
            saved = p.model()
            saved.save()
            p.pk = saved.pk
        SiteRisk.objects.filter(facility_id__in=ids).delete()
        _write(rows, timezone.now())
    return len(rows)
