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

from django.db import connection, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from covenant.registry.interface import Facility, FacilityStatus
from covenant.risk.models import PUBLIC_SOURCES, RiskProfile, SiteRisk, SiteSignal
from covenant.risk.reference import load_reference
from covenant.risk.scoring import ReferenceData, adjust, profile_key, score_profile, summarise

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


class _Profiles:
    """Profiles by key, computed on first use, with their summary cached."""

    def __init__(self, ref: ReferenceData, existing: dict[str, RiskProfile] | None = None) -> None:
        self.ref = ref
        self.by_key: dict[str, RiskProfile] = existing or {}
        self.new: list[RiskProfile] = []
        # (country, sector, products as stored) -> profile: most sites repeat a combination
        # exactly, so they skip decoding products, matching goods and hashing.
        self.by_raw: dict[tuple[str, str, str], RiskProfile] = {}

    def get_raw(self, country: str, sector: str, products_json: str | None) -> RiskProfile:
        raw = (country, sector, products_json or "")
        profile = self.by_raw.get(raw)
        if profile is None:
            products = json.loads(products_json) if products_json else []
            profile = self.get(country, sector, products if isinstance(products, list) else [])
            self.by_raw[raw] = profile
        return profile

    def get(self, country: str, sector: str, products: list[str]) -> RiskProfile:
        goods = self.ref.goods_in(country, [p for p in products or () if isinstance(p, str)])
        key = profile_key(country, sector, goods)
        profile = self.by_key.get(key)
        if profile is None:
            scored = score_profile(self.ref, country, sector, goods)
            profile = RiskProfile(
                key=key,
                country=country,
                sector=sector.strip(),
                goods=list(goods),
                scores=scored.scores,
                explanation={t: [list(line) for line in lines] for t, lines in scored.explanation.items()},
            )
            profile._summary = summarise(profile.scores, self.ref.severity)  # type: ignore[attr-defined]
            self.by_key[key] = profile
            self.new.append(profile)
        elif not hasattr(profile, "_summary"):
            profile._summary = summarise(profile.scores, self.ref.severity)  # type: ignore[attr-defined]
        return profile


Row = tuple[int, RiskProfile, float, int, int, str, dict[str, float] | None, float]


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
            s = profile._summary  # type: ignore[attr-defined]
            yield (fid, profile, s.score, s.band, s.severity, s.top_topic, None, s.breadth)


def _facilities(ids: Iterable[int] | None = None) -> Iterator[tuple[int, str, str, str]]:
    """(id, country, sector, products as JSON text): decoding JSON once per distinct value, not per row."""
    qs = Facility.objects.filter(status=FacilityStatus.ACTIVE)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    qs = qs.annotate(products_text=Cast("products", TextField()))
    return qs.values_list("id", "country", "sector", "products_text").iterator(chunk_size=20000)  # type: ignore[return-value]


def _write(rows: list[Row], now: datetime) -> None:
    if connection.vendor == "postgresql":
        columns = "facility_id, profile_id, score, band, severity, top_topic, adjusted, breadth, computed_at"
        with connection.cursor() as cur, cur.cursor.copy(f"COPY risk_siterisk ({columns}) FROM STDIN") as copy:
            for fid, profile, score, band, sev, top, adjusted, breadth in rows:
                copy.write_row(
                    (fid, profile.pk, score, band, sev, top, json.dumps(adjusted) if adjusted else None, breadth, now)
                )
        return
    SiteRisk.objects.bulk_create(
        [
            SiteRisk(
                facility_id=fid,
                profile_id=profile.pk,
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


def _replace_profiles(new: list[RiskProfile], now: datetime) -> None:
    """All profiles are rebuilt on a full recomputation (SiteRisk rows are already gone)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cols = "id, key, country, sector, goods, scores, explanation, computed_at"
            with cur.cursor.copy(f"COPY risk_riskprofile ({cols}) FROM STDIN") as copy:
                for pk, p in enumerate(new, start=1):
                    p.pk = pk
                    copy.write_row(
                        (
                            pk,
                            p.key,
                            p.country,
                            p.sector,
                            json.dumps(p.goods),
                            json.dumps(p.scores),
                            json.dumps(p.explanation),
                            now,
                        )
                    )
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('risk_riskprofile', 'id'), GREATEST(%s, 1), %s)",
                [len(new), bool(new)],
            )
        return
    RiskProfile.objects.all().delete()
    RiskProfile.objects.bulk_create(new, batch_size=2000)
    # SQLite may give no ids back from bulk_create: look them up.
    ids = dict(RiskProfile.objects.values_list("key", "pk"))
    for p in new:
        p.pk = ids[p.key]


def recompute_all(progress: Progress | None = None) -> RecomputeResult:
    """Score every active facility again from the current reference data and signals."""
    started = time.perf_counter()
    read_from = timezone.now()
    ref = load_reference()
    profiles = _Profiles(ref)
    deltas = active_deltas()
    total = Facility.objects.filter(status=FacilityStatus.ACTIVE).count()
    rows: list[Row] = []
    for row in _site_rows(_facilities(), profiles, deltas):
        rows.append(row)
        if progress is not None and len(rows) % 100000 == 0:
            progress(len(rows), total)
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("TRUNCATE risk_siterisk, risk_riskprofile")
        else:
            SiteRisk.objects.all().delete()
        _replace_profiles(profiles.new, now)
        _write(rows, now)
        _catch_up(read_from)
    if progress is not None:
        progress(total, total)
    return RecomputeResult(len(rows), len(profiles.new), time.perf_counter() - started)


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
    existing = {p.key: p for p in RiskProfile.objects.filter(key__in=wanted_keys)}
    profiles = _Profiles(ref, existing)
    rows = list(_site_rows(facilities, profiles, active_deltas(ids)))
    with transaction.atomic():
        for p in profiles.new:
            p.save()
        SiteRisk.objects.filter(facility_id__in=ids).delete()
        _write(rows, timezone.now())
    return len(rows)
