"""Every read of the risk capability, through the scoping rule.

What a member sources from, its overrides, alerts and event responses are the
member's own (``owner="org"``, no secretariat access). The secretariat sees
counts per event, never which sites a member sources from. A site's stored
scores are sector data, like the register itself, built from public evidence
only; restricted evidence (audits) is added per reader in :func:`site_risk`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, overload

import numpy as np
from django.db import connection
from django.db.models import Case, Count, F, FloatField, Q, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, Collate
from django.http import Http404
from django.utils import timezone

from covenant.core.actors import Actor
from covenant.core.scoping import get_scoped_or_404, scoped
from covenant.orgs.models import OrgKind
from covenant.registry.interface import (
    ChainSite,
    Facility,
    FacilityStatus,
    SupplyLink,
    active_links,
    beyond_tier_one,
    chain_site_ids,
    chain_sites_in,
    own_links,
)
from covenant.risk import calibration, evidence
from covenant.risk.calibration import Preview, SiteGroup
from covenant.risk.evidence import active_overrides, active_signals, member_scores, readable_evidence
from covenant.risk.evidence import own_overrides as overrides_of
from covenant.risk.explain import render as render_line
from covenant.risk.explain import render_signal
from covenant.risk.models import (
    BAND_CODES,
    OVERRIDE_DUE_DAYS,
    RESTRICTED_SOURCES,
    EventAlert,
    EventResponse,
    HitStatus,
    Indicator,
    IndicatorStatus,
    RiskEvent,
    RiskOverride,
    RiskProfile,
    RiskVersion,
    SanctionsList,
    ScreeningHit,
    SiteRisk,
    SiteSignal,
    Topic,
    TopicWeight,
)
from covenant.risk.reference import load_reference
from covenant.risk.scoring import BAND_LIMITS, BANDS, adjust, band, band_index, breadth_of, summarise


def topics() -> list[Topic]:
    return list(Topic.objects.all())


# --- The member's overview ---------------------------------------------------------------


@dataclass
class SiteRow:
    facility_id: int
    public_id: str
    name: str
    country: str
    lat: float | None
    lng: float | None
    tier: int | None  # None: mapped beyond tier 1 through an edge, not linked
    score: float
    band: str
    severity: int
    topic: str
    overridden: bool = False
    sanctioned: bool = False
    events: int = 0
    topic_name: str = ""
    flagged: bool = False  # sanctioned/events looked up (the map's rows do without)
    spend: str = ""  # the link's spend band (exposure), "" when unknown or beyond tier 1
    breadth: float = 0.0  # the mean score over all topics (scoring.breadth_of)
    evidence: bool = False  # moved by restricted evidence this member may read (risk/evidence.py)


DETAIL_COLUMNS = (
    "facility_id",
    "tier",
    "facility__public_id",
    "facility__name",
    "facility__country",
    "facility__lat",
    "facility__lng",
    "facility__risk__profile_id",
    "spend_band",
)

# Exposure, for ordering ties: the larger the spend band, the earlier (registry.SpendBand values).
SPEND_RANK = {">1M": 4, "100k-1M": 3, "10k-100k": 2, "<10k": 1}


class PriorityList(Sequence[SiteRow]):
    """The prioritised sites, fetched a slice at a time (a page, the map, or all for an export)."""

    def __init__(self, fetch: Callable[[int, int], list[SiteRow]], count: int) -> None:
        self._raw_fetch = fetch
        self._count = count
        self._prefix: list[SiteRow] = []  # rows 0..n already fetched (the map's, then the page's)

    def _fetch(self, offset: int, limit: int, *, flags: bool = True) -> list[SiteRow]:
        if offset + limit <= len(self._prefix):
            rows = self._prefix[offset : offset + limit]
        else:
            rows = self._raw_fetch(offset, limit)
            if offset == 0 and len(rows) > len(self._prefix):
                self._prefix = rows
        if flags:
            _flag([r for r in rows if not r.flagged])
        return rows

    def leading(self, limit: int) -> list[SiteRow]:
        """The first ``limit`` rows without their flags (sanctions, events): enough for the
        map, and the list's first pages are then served from them, flagged as they are shown."""
        return self._fetch(0, min(limit, self._count), flags=False)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[SiteRow]:
        return iter(self._fetch(0, self._count))

    @overload
    def __getitem__(self, index: int) -> SiteRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[SiteRow]: ...

    def __getitem__(self, index: int | slice) -> SiteRow | list[SiteRow]:
        if isinstance(index, slice):
            start, stop, _step = index.indices(self._count)
            return self._fetch(start, max(0, stop - start))
        if not 0 <= index < self._count:
            raise IndexError(index)
        return self._fetch(index, 1)[0]


@dataclass
class SalientIssue:
    """A topic among the member's salient issues, from the heat map's own numbers."""

    topic: Topic
    high: int  # sites high or very high on it: the heat map column's total
    mean: float  # mean score over the member's sites
    countries: list[tuple[str, int]]  # the countries with most of those sites, with their count

    # Unpacks as the (topic, sites at high or very high, mean) triple pages used before.
    def __iter__(self) -> Iterator[Any]:
        return iter((self.topic, self.high, self.mean))


@dataclass
class Overview:
    sites: int
    unscored: int
    heat: list[tuple[str, list[tuple[str, float, str, int]]]]  # country -> [(topic, mean, band, n high+)]
    top_issues: list[SalientIssue]
    rows: PriorityList
    band_counts: dict[str, int]
    countries: list[str]
    alerts: list[EventAlert] = field(default_factory=list)
    topic_high: dict[str, int] = field(default_factory=dict)  # the heat map's column totals


_PROFILE_CACHE: dict[str, Any] = {"stamp": None, "scores": {}, "summary": {}}


def data_version() -> str | None:
    """The token of the data the risk caches are built from (profiles, topics, weights):
    database triggers give it a new value in the transaction of every write to them
    (``RiskVersion``). ``None`` if the row is missing (a test's flush): nothing is cached then."""
    return RiskVersion.objects.filter(pk=1).values_list("token", flat=True).first()


def _profile_scores() -> dict[int, dict[str, float]]:
    """Every profile's scores, cached in the process while the data version stays the same.

    The version is read before the profiles: a write committed in between leaves profiles
    newer than the version they are kept under, and the next call, seeing a newer version,
    reads them again. The other way round, old profiles could be kept under a new version."""
    stamp = data_version()
    if stamp is None or _PROFILE_CACHE["stamp"] != stamp:
        rows = list(RiskProfile.objects.values_list("pk", "country", "scores"))
        _PROFILE_CACHE["scores"] = {pk: scores for pk, _cc, scores in rows}
        _PROFILE_CACHE["countries"] = {pk: cc for pk, cc, _scores in rows}
        # Both depend on topics too (severity orders a profile's priority; codes order vectors).
        _PROFILE_CACHE["summary"] = {}
        _PROFILE_CACHE["vectors"] = {}
        _PROFILE_CACHE["stamp"] = stamp
    return _PROFILE_CACHE["scores"]  # type: ignore[no-any-return]


def _profile_countries() -> dict[int, str]:
    """Each profile's country, loaded with the scores (call ``_profile_scores`` first)."""
    return _PROFILE_CACHE["countries"]  # type: ignore[no-any-return]


def _profile_summary() -> dict[tuple[int, str], tuple[str, float, int, float]]:
    """(profile, topic or "") -> (priority topic, score, severity, breadth), filled as used; reset with the scores."""
    return _PROFILE_CACHE["summary"]  # type: ignore[no-any-return]


def member_overview(
    actor: Actor,
    *,
    tier: int | None = None,
    country: str = "",
    commodity: str = "",
    topic: str = "",
) -> Overview:
    """Heat map, top issues and the prioritised list for the actor's own chain.

    Most sites share their profile's scores: the database counts them per (country,
    profile), and the heat map adds each group once from a per-process cache of profile
    scores (numpy sums). The list is ordered by the database (severity, then score; for
    one topic, that topic's score; then name) and read a slice at a time. Only the few
    sites with signals or the member's own view (evidence it may read, its overrides:
    ``evidence.member_scores``) are read and scored one by one,
    and merged into each slice (``_priority_pages``). See benchmarks/risk/bench_overview.py.
    """
    org = actor.require_kind(OrgKind.MEMBER)
    all_links = own_links(actor)
    links = all_links
    if tier:
        links = links.filter(tier=tier)
    if country:
        links = links.filter(facility__country=country.upper())
    if commodity:
        # Products as the register knows them, or as the member described its link.
        links = links.filter(Q(facility__products__icontains=commodity) | Q(products__icontains=commodity))
    # Profiles first: the cache's version is then read before the topics its summaries use.
    profiles = _profile_scores()
    topic_list = topics()
    severity = {t.code: t.severity for t in topic_list}
    names = {t.code: t.label for t in topic_list}
    if topic not in severity:
        topic = ""
    # The member's own view of the few sites where it differs from the stored picture:
    # restricted evidence it may read (audits shared with it, cases routed to it) and its
    # overrides. One home for that rule (risk/evidence.py); these sites are read one by one.
    mine = member_scores(actor, links.values("facility_id"))
    scored = links.filter(facility__risk__isnull=False)

    def priority(scores: dict[str, float]) -> tuple[str, float, int, float]:
        if topic:
            return topic, scores.get(topic, 0.0), severity[topic], breadth_of(scores)
        s = summarise(scores, severity)  # as the engine stores it on SiteRisk
        return s.top_topic, s.score, s.severity, s.breadth

    # Sites with their own scores (public signals, or this member's view): few, read one by one.
    single_columns = (
        "facility_id", "tier", "facility__public_id", "facility__name", "facility__country",
        "facility__lat", "facility__lng", "facility__risk__profile_id", "facility__risk__adjusted", "spend_band",
    )  # fmt: skip
    # Two narrow queries rather than one with OR: each can use its index (signals are sparse).
    with_signals = SiteRisk.objects.filter(adjusted__isnull=False).values("facility_id")
    own_rows = list(scored.filter(facility_id__in=with_signals).values_list(*single_columns))
    seen = {row[0] for row in own_rows}
    own_rows += [
        row for row in scored.filter(facility_id__in=list(mine)).values_list(*single_columns) if row[0] not in seen
    ]
    # Sites with their own scores, as full rows with their own priority.
    single_rows: dict[int, SiteRow] = {}
    singles: list[tuple[str, int | None, dict[str, float], int, float]] = []  # as groups, of one site
    for fid, link_tier, public_id, name, cc, lat, lng, profile_id, adjusted, spend in own_rows:
        view = mine.get(fid)
        scores = view.scores if view else adjusted or profiles.get(profile_id) or {}
        if not scores:
            continue
        top, value, sev, breadth = priority(scores)
        singles.append((cc, None, scores, 1, value))
        single_rows[fid] = SiteRow(
            fid, public_id, name, cc, lat, lng, link_tier, value, band(value), sev, top, bool(view and view.overridden),
            spend=spend, breadth=breadth, evidence=bool(view and view.evidence),
        )  # fmt: skip
    # Sites in the chain only through the member's edges (beyond tier 1): read one by one
    # too. They have no tier of their own (SiteRow.tier None), so a tier filter leaves them out.
    n_beyond = 0
    if not tier:
        beyond = beyond_tier_one(actor)
        if country:
            beyond = beyond.filter(country=country.upper())
        if commodity:
            beyond = beyond.filter(products__icontains=commodity)
        n_beyond = beyond.count()
        # An audit shared with the member may well be of a site beyond tier 1 (a spinning mill).
        mine_beyond = member_scores(actor, beyond.values("pk")) if n_beyond else {}
        for fid, public_id, name, cc, lat, lng, profile_id, adjusted in beyond.filter(risk__isnull=False).values_list(
            "pk", "public_id", "name", "country", "lat", "lng", "risk__profile_id", "risk__adjusted"
        ):
            view = mine_beyond.get(fid)
            scores = view.scores if view else adjusted or profiles.get(profile_id) or {}
            if not scores:
                continue
            top, value, sev, breadth = priority(scores)
            singles.append((cc, None, scores, 1, value))
            single_rows[fid] = SiteRow(
                fid, public_id, name, cc, lat, lng, None, value, band(value), sev, top, bool(view and view.overridden),
                breadth=breadth, evidence=bool(view and view.evidence),
            )  # fmt: skip
    # Every other linked site shares its profile's scores: the database counts them per
    # (country, profile) for the heat map, and orders them for the list, a page at a time.
    rest = scored.filter(facility__risk__adjusted__isnull=True).exclude(facility_id__in=list(mine))
    summary = _profile_summary()
    countries = _profile_countries()
    per_profile: dict[int, tuple[str, float, int, float]] = {}
    per_key: Counter[tuple[int, int, float]] = Counter()  # (band, severity, score) -> sites, to bound a slice
    groups: list[tuple[str, int | None, dict[str, float], int, float]] = []
    in_groups = 0
    # Counted per profile straight from SiteRisk: a profile belongs to one country (the
    # engine scores a site from its own country), so the register need not be joined.
    plain = SiteRisk.objects.filter(
        adjusted__isnull=True, facility_id__in=links.exclude(facility_id__in=list(mine)).values("facility_id")
    )
    for profile_id, n in plain.values_list("profile_id").annotate(n=Count("pk")).order_by():
        scores = profiles.get(profile_id)
        cc = countries.get(profile_id, "")
        if not scores:
            continue
        found = summary.get((profile_id, topic))
        if found is None:
            found = summary[(profile_id, topic)] = priority(scores)
        per_profile[profile_id] = found
        per_key[(band_index(found[1]), found[2], found[1])] += n
        groups.append((cc, profile_id, scores, n, found[1]))
        in_groups += n
    filtered = bool(tier or country or commodity)
    # Unfiltered, the register's one count of "Sites in your chain" (linked and beyond tier 1,
    # no ended link); a filter narrows both parts alike.
    n_sites = links.count() + n_beyond if filtered else chain_site_ids(actor).count()
    heat, band_counts, topic_high, topic_mean = _aggregate(groups + singles, topic_list)
    top_issues = salient_issues(heat, topic_list, topic_high, topic_mean)
    fetch = _priority_pages(
        rest, single_rows, per_profile, per_key, topic=topic, topic_severity=severity.get(topic, 0), names=names
    )
    alerts = list(
        scoped(actor, EventAlert.objects.select_related("event"), owner="org")
        .filter(org=org, event__ended_at__isnull=True)
        .order_by("-created_at")[:10]
    )
    return Overview(
        sites=n_sites,
        unscored=n_sites - in_groups - len(single_rows),
        heat=heat,
        top_issues=top_issues,
        rows=PriorityList(fetch, in_groups + len(single_rows)),
        band_counts={b: band_counts.get(b, 0) for b in ("very_high", "high", "medium", "low")},
        countries=sorted(set(all_links.values_list("facility__country", flat=True).distinct()))
        if filtered
        else sorted(cc for cc, _cells in heat),
        alerts=alerts,
        topic_high=topic_high,
    )


def salient_issues(
    heat: list[tuple[str, list[tuple[str, float, str, int]]]],
    topic_list: list[Topic],
    topic_high: dict[str, int],
    topic_mean: dict[str, float],
    limit: int = 5,
) -> list[SalientIssue]:
    """The member's salient issues: the topics with most sites at high or very high, the
    heat map's column totals (so the reddest column is always among them), then by mean
    score and severity; each with the countries holding most of those sites (its "why")."""
    issues = []
    for j, t in enumerate(topic_list):
        per_country = sorted(
            ((cc, cells[j][3]) for cc, cells in heat if j < len(cells) and cells[j][3]), key=lambda x: (-x[1], x[0])
        )
        issues.append(SalientIssue(t, topic_high.get(t.code, 0), topic_mean.get(t.code, 0.0), per_country[:3]))
    issues.sort(key=lambda i: (-i.high, -i.mean, -i.topic.severity, i.topic.position))
    return issues[:limit]


def _vectors(groups: list[tuple[str, int | None, dict[str, float], int, float]], codes: list[str]) -> list[np.ndarray]:
    """Each group's scores as an array in topic order; a profile's is kept with the profile cache."""
    if _PROFILE_CACHE.get("codes") != codes:  # topics added or reordered: vectors are stale
        _PROFILE_CACHE["vectors"], _PROFILE_CACHE["codes"] = {}, list(codes)
    cached: dict[int, np.ndarray] = _PROFILE_CACHE["vectors"]
    out = []
    for _cc, profile_id, scores, _n, _v in groups:
        found = cached.get(profile_id) if profile_id is not None else None
        if found is None:
            found = np.array([scores.get(code, 0.0) for code in codes], dtype=np.float64)
            if profile_id is not None:
                cached[profile_id] = found
        out.append(found)
    return out


def _aggregate(
    groups: list[tuple[str, int | None, dict[str, float], int, float]], topic_list: list[Topic]
) -> tuple[list[tuple[str, list[tuple[str, float, str, int]]]], Counter[str], dict[str, int], dict[str, float]]:
    """Heat map, band counts and per-topic figures from (country, profile id or None,
    scores, sites, shown score) groups.

    Thousands of groups times thirteen topics: summed as arrays, not in a Python loop
    (this was most of the overview's time for a member with 20,000 sites).
    """
    codes = [t.code for t in topic_list]
    band_counts: Counter[str] = Counter()
    if not groups:
        return [], band_counts, dict.fromkeys(codes, 0), dict.fromkeys(codes, 0.0)
    countries = sorted({g[0] for g in groups})
    index = {cc: i for i, cc in enumerate(countries)}
    scores = np.stack(_vectors(groups, codes))
    sites = np.array([g[3] for g in groups], dtype=np.float64)
    rows = np.array([index[g[0]] for g in groups], dtype=np.intp)
    # The band the list shows: of the topic asked for, else of the worst topic.
    shown = np.digitize(np.array([g[4] for g in groups]), BAND_LIMITS)
    for i, n in enumerate(np.bincount(shown, weights=sites, minlength=len(BANDS))):
        if n:
            band_counts[BANDS[i]] = int(n)
    weighted = scores * sites[:, None]
    high = (scores >= BAND_LIMITS[1]) * sites[:, None]
    sums = np.zeros((len(countries), len(codes)))
    highs = np.zeros((len(countries), len(codes)))
    np.add.at(sums, rows, weighted)
    np.add.at(highs, rows, high)
    per_country = np.bincount(rows, weights=sites, minlength=len(countries))
    means_all = sums / per_country[:, None]
    # As band() (below 4 low, ...) of the mean rounded to 6 places: summation-order noise
    # must not put a mean of exactly 4.0 in "low".
    bands_all = np.digitize(np.round(means_all, 6), BAND_LIMITS).tolist()
    means_list, highs_list = means_all.tolist(), highs.astype(np.int64).tolist()
    heat = []
    for i in sorted(range(len(countries)), key=lambda i: (-per_country[i], countries[i])):
        means, country_bands, country_highs = means_list[i], bands_all[i], highs_list[i]
        cells = [
            # Rounded to 6 places first, so summation-order noise cannot flip x.x5.
            (code, round(round(means[j], 6), 1), BANDS[country_bands[j]], country_highs[j])
            for j, code in enumerate(codes)
        ]
        heat.append((countries[i], cells))
    total = float(per_country.sum())
    topic_high = {code: int(v) for code, v in zip(codes, highs.sum(axis=0), strict=True)}
    topic_mean = {code: round(float(v) / total, 1) for code, v in zip(codes, sums.sum(axis=0), strict=True)}
    return heat, band_counts, topic_high, topic_mean


def _priority_pages(
    rest: QuerySet[SupplyLink],
    single_rows: dict[int, SiteRow],
    per_profile: dict[int, tuple[str, float, int, float]],
    per_key: Counter[tuple[int, int, float]],
    *,
    topic: str,
    topic_severity: int,
    names: dict[str, str],
) -> Callable[[int, int], list[SiteRow]]:
    """A slice of the prioritised list: the band, then (OECD) severity, then the score
    (likelihood × severity), then exposure (tier 1 first, then the larger spend band), then
    breadth (the mean score over all topics), then name.

    The database orders the sites that share their profile's scores (``rest``) by the
    columns the engine stored for them (``SiteRisk.severity``/``score``, or for one topic
    that topic's score), and reads details for the slice only. The few sites with scores
    of their own (``single_rows``: signals, the member's overrides) are merged in here:
    a slice starting at ``offset`` needs database rows from ``offset - len(singles)`` on,
    and every position is then known exactly.

    ``per_key`` counts those sites per (band, severity, score): the rows a slice ends within
    all rank at or above a known triple, so the database sorts only those (the map's 1,000
    out of 20,000) and not the whole chain.
    """
    # Byte order, as Python compares names, so the merge with the singles agrees with the database.
    name = Collate(F("facility__name"), "C") if connection.vendor == "postgresql" else F("facility__name")
    ordered: QuerySet[Any]
    spend = Case(*(When(spend_band=k, then=Value(v)) for k, v in SPEND_RANK.items()), default=Value(0))
    if topic:
        # One topic: its severity is the same for every site, the band follows the score.
        band_field, sev_field, score_field = "o_band", "o_sev", "o_value"
        value = Coalesce(Cast(KeyTextTransform(topic, "facility__risk__profile__scores"), FloatField()), Value(0.0))
        ordered = rest.annotate(
            o_value=value,
            o_band=Case(
                *(When(o_value__gte=limit, then=Value(3 - i)) for i, limit in enumerate(reversed(BAND_LIMITS))),
                default=Value(0),
            ),
            o_sev=Value(topic_severity),
        )
    else:
        band_field, sev_field, score_field = "facility__risk__band", "facility__risk__severity", "facility__risk__score"
        ordered = rest
    ordered = ordered.annotate(o_spend=spend).order_by(
        f"-{band_field}",
        f"-{sev_field}",
        f"-{score_field}",
        "tier",
        "-o_spend",
        "-facility__risk__breadth",
        name.asc(),
        "facility_id",
    )
    ranked = sorted(per_key.items(), key=lambda kv: (-kv[0][0], -kv[0][1], -kv[0][2]))

    def up_to(stop: int) -> QuerySet[Any]:
        """``ordered``, without the rows that rank below the one at position ``stop - 1``."""
        seen = 0
        for (band_i, sev, score), n in ranked:
            seen += n
            if seen >= stop:
                # A hair below the score: a float that went through the database must not drop out.
                at_least = (
                    Q(**{f"{band_field}__gt": band_i})
                    | Q(**{band_field: band_i, f"{sev_field}__gt": sev})
                    | Q(**{band_field: band_i, sev_field: sev, f"{score_field}__gte": score - 1e-9})
                )
                return ordered.filter(at_least)
        return ordered

    singles = sorted(single_rows.values(), key=_sort_key)
    single_keys = [_sort_key(r) for r in singles]

    def fetch(offset: int, limit: int) -> list[SiteRow]:
        if limit <= 0:
            return []
        start = max(0, offset - len(singles))
        stop = offset + limit
        rows: list[tuple[int, SiteRow]] = []
        fetched = list(up_to(stop).values_list(*DETAIL_COLUMNS)[start:stop])
        keys = []
        for i, d in enumerate(fetched):
            top, value, sev, breadth = per_profile[d[7]]
            row = SiteRow(
                d[0], d[2], d[3], d[4], d[5], d[6], d[1], value, band(value), sev, top, spend=d[8], breadth=breadth
            )
            key = _sort_key(row)
            keys.append(key)
            rows.append((start + i + bisect_left(single_keys, key), row))
        exhausted = len(fetched) < stop - start
        for j, (key, row) in enumerate(zip(single_keys, singles, strict=True)):
            if fetched and key < keys[0]:
                if start:
                    continue  # before the slice: at most start + j < offset
                before = 0
            elif fetched and key > keys[-1] and not exhausted:
                continue  # after the slice
            else:
                before = start + bisect_left(keys, key)
            rows.append((j + before, row))
        page = [row for position, row in sorted(rows, key=lambda x: x[0]) if offset <= position < stop]
        for r in page:
            r.topic_name = names.get(r.topic, r.topic)
        return page

    return fetch


def _flag(rows: list[SiteRow]) -> None:
    """Confirmed sanctions hits and active events of the rows' sites."""
    # A page is 50 rows, an export the whole chain: ids go to the database a slice at a time,
    # within every backend's limit on query parameters.
    for start in range(0, len(rows), 2000):
        _flag_slice(rows[start : start + 2000])


def _flag_slice(rows: list[SiteRow]) -> None:
    if not rows:
        return
    ids = [r.facility_id for r in rows]
    sanctioned = set(
        ScreeningHit.objects.filter(status=HitStatus.CONFIRMED, facility_id__in=ids).values_list(
            "facility_id", flat=True
        )
    )
    in_events = Counter(
        fid
        for fid, _ref in SiteSignal.objects.filter(source="event", facility_id__in=ids)
        .values_list("facility_id", "source_ref")
        .distinct()
    )
    for r in rows:
        r.sanctioned = r.facility_id in sanctioned
        r.events = in_events.get(r.facility_id, 0)
        r.flagged = True


def _sort_key(r: SiteRow) -> tuple[int, int, float, int, int, float, str, int]:
    # Band, then (OECD) severity, then the score; then exposure: tier 1 first (beyond tier 1
    # last), the larger spend first; then breadth; then by name, as the database orders.
    return (
        -band_index(r.score),
        -r.severity,
        -r.score,
        99 if r.tier is None else r.tier,
        -SPEND_RANK.get(r.spend, 0),
        -r.breadth,
        r.name,
        r.facility_id,
    )


# --- One site ------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceLine:
    """One signal's line as this reader sees it: in its language, with its source and date."""

    text: str
    delta: float
    source: str  # audit | grievance | event | sanctions | self_assessment
    observed_on: date
    restricted: bool  # evidence only readers of its source see (risk/evidence.py)


@dataclass
class TopicRisk:
    topic: Topic
    inherent: float
    adjusted: float
    band: str
    explanation: list[tuple[str, float, bool]]  # text in the reader's language, number, added points?
    signals: list[SiteSignal]
    override: RiskOverride | None = None
    lines: list[EvidenceLine] = field(default_factory=list)  # the signals' lines, rendered


@dataclass
class SiteRiskView:
    facility: Facility
    computed: bool
    overall: float = 0.0
    band: str = "low"
    topics: list[TopicRisk] = field(default_factory=list)
    sanctions: list[ScreeningHit] = field(default_factory=list)
    events: list[RiskEvent] = field(default_factory=list)
    can_override: bool = False
    # Restricted evidence this reader may read (an audit shared with it, a case routed to
    # it) moves its view: the stored, shared picture does not include it.
    restricted: bool = False
    overridden: bool = False  # the overall score includes the reader's own overrides


def _line(signal: SiteSignal) -> EvidenceLine:
    return EvidenceLine(
        render_signal(signal.code, signal.params, signal.explanation),
        signal.delta,
        signal.source,
        signal.observed_on,
        signal.source in RESTRICTED_SOURCES,
    )


def site_risk(actor: Actor, facility: Facility) -> SiteRiskView:
    """A site's risk by topic with its explanation, as this reader may see it.

    The stored picture (public evidence) is sector data. Restricted evidence (an audit, a
    grievance case) is added only for a reader who may read its source, with the scores and
    band it moves; anyone else sees the stored picture, without a trace of it. The override
    shown is only the actor's own organisation's. The overall score and band are the
    reader's view (``evidence.member_scores``: evidence and its own overrides), as its
    overview lists the site."""
    actor.require_org()
    risk = SiteRisk.objects.select_related("profile").filter(facility=facility).first()
    if risk is None:
        return SiteRiskView(facility=facility, computed=False)
    signals: dict[str, list[SiteSignal]] = defaultdict(list)
    public = active_signals([facility.pk]).exclude(source__in=RESTRICTED_SOURCES).select_related("topic")
    for signal in list(public) + readable_evidence(actor, [facility.pk]).get(facility.pk, []):
        signals[signal.topic.code].append(signal)
    # Shown beside the computed score, expired ones too (to renew or remove them); the
    # overall score counts only those in force (member_scores, through active_overrides).
    own = {o.topic_id: o for o in overrides_of(actor, [facility.pk])}
    in_force = active_overrides(actor, [facility.pk]).exists() if own else False
    topic_list = topics()
    inherent = risk.profile.scores
    adjusted = risk.adjusted or inherent
    overall, band_code = risk.score, BAND_CODES[risk.band]
    restricted = any(s.source in RESTRICTED_SOURCES for ss in signals.values() for s in ss)
    if restricted:
        # This reader's own view: the stored picture's public deltas plus the restricted ones it may read.
        deltas = {code: sum(s.delta for s in ss) for code, ss in signals.items()}
        adjusted = adjust(inherent, deltas)
    view = member_scores(actor, [facility.pk]).get(facility.pk) if (restricted or in_force) else None
    if view is not None:
        overall, band_code = view.summary.score, BANDS[view.summary.band]
    items = []
    for t in topic_list:
        if t.code not in inherent:
            continue
        items.append(
            TopicRisk(
                topic=t,
                inherent=inherent[t.code],
                adjusted=adjusted.get(t.code, inherent[t.code]),
                band=band(adjusted.get(t.code, inherent[t.code])),
                explanation=[render_line(line) for line in risk.profile.explanation.get(t.code, [])],
                signals=signals.get(t.code, []),
                override=own.get(t.pk),
                lines=[_line(sig) for sig in signals.get(t.code, [])],
            )
        )
    items.sort(key=lambda x: (-band_index(x.adjusted), -x.topic.severity, -x.adjusted))
    event_ids = {int(s.source_ref) for ss in signals.values() for s in ss if s.source == "event"}
    can_override = (
        actor.kind == OrgKind.MEMBER
        and actor.can_edit
        and own_links(actor, include_ended=True).filter(facility=facility).exists()
    )
    return SiteRiskView(
        facility=facility,
        computed=True,
        overall=overall,
        band=band_code,
        topics=items,
        sanctions=list(
            ScreeningHit.objects.filter(facility=facility, status=HitStatus.CONFIRMED).select_related(
                "entry__sanctions_list"
            )
        ),
        events=list(RiskEvent.objects.filter(pk__in=event_ids)),
        can_override=can_override,
        restricted=restricted,
        overridden=bool(view and view.overridden),
    )


def own_overrides(actor: Actor) -> QuerySet[RiskOverride]:
    """The member's overrides, expired ones too, soonest review date first (its overrides page)."""
    actor.require_kind(OrgKind.MEMBER)
    return (
        evidence.own_overrides(actor)
        .select_related("facility", "topic", "facility__risk__profile", "created_by")
        .order_by("review_on", "facility__name", "topic__position")
    )


def override_review_marks(actor: Actor, facility_ids: Sequence[int]) -> dict[int, str]:
    """Per site on a list, ``expired`` or ``due`` where one of the member's overrides is past or
    near its review date (``RiskOverride.review_state``); sites without such are left out."""
    if actor.kind != OrgKind.MEMBER or not facility_ids:
        return {}
    soon = timezone.localdate() + timedelta(days=OVERRIDE_DUE_DAYS)
    marks: dict[int, str] = {}
    due = evidence.own_overrides(actor, facility_ids).filter(review_on__lte=soon)
    for item in due.only("facility_id", "review_on"):
        state = item.review_state
        if marks.get(item.facility_id) != "expired":
            marks[item.facility_id] = state
    return marks


def get_override(actor: Actor, override_id: int) -> RiskOverride:
    return get_scoped_or_404(
        scoped(actor, RiskOverride.objects.select_related("facility", "topic"), owner="org"), pk=override_id
    )


def get_own_override(actor: Actor, facility: Facility, topic_code: str) -> RiskOverride:
    """The actor's own override of one site on one topic (the API names it by site and topic)."""
    qs = scoped(actor, RiskOverride.objects.select_related("facility", "topic"), owner="org")
    return get_scoped_or_404(qs, facility=facility, topic__code=topic_code)


# --- Events --------------------------------------------------------------------------


def events(actor: Actor) -> QuerySet[RiskEvent]:
    """Declared events are sector announcements: every participant may read them."""
    actor.require_org()
    return RiskEvent.objects.prefetch_related("topics").order_by("-starts_on", "-pk")


def get_event(actor: Actor, event_id: int) -> RiskEvent:
    return get_scoped_or_404(events(actor), pk=event_id)


def own_alerts(actor: Actor) -> QuerySet[EventAlert]:
    return scoped(actor, EventAlert.objects.select_related("event"), owner="org")


def facilities_in(regions: Sequence[str]) -> Q:
    """The sites inside an event's regions: whole countries ("UA") and subdivisions ("UA-14")."""
    countries = [r for r in regions if "-" not in r]
    subdivisions = [r for r in regions if "-" in r]
    return Q(country__in=countries) | Q(subdivision__in=subdivisions)


def event_area(actor: Actor, event: RiskEvent) -> QuerySet[Facility]:
    """The sites the event concerns as this actor may know it: those in its regions, and those
    outside that restricted evidence the actor may read places in it (``interface.register_event_sites``:
    a self-assessment shared with the actor says the site employs refugees)."""
    from covenant.risk.interface import extra_event_sites

    condition = facilities_in(event.regions)
    for extra in extra_event_sites(actor, event.pk):
        condition |= Q(pk__in=extra)
    return Facility.objects.filter(condition)


def affected_sites(actor: Actor, event: RiskEvent) -> list[tuple[ChainSite, EventResponse | None]]:
    """The actor's own sites in the event's area (linked, then those mapped beyond tier 1
    through its edges), with its own response for each."""
    if actor.kind != OrgKind.MEMBER:
        return []
    sites = chain_sites_in(actor, event_area(actor, event))
    responses = {r.facility_id: r for r in scoped(actor, EventResponse.objects.all(), owner="org").filter(event=event)}
    return [(site, responses.get(site.facility.pk)) for site in sites]


@dataclass(frozen=True)
class EventStats:
    members_exposed: int
    members_responded: int
    members_completed: int


def event_stats(event: RiskEvent) -> EventStats:
    """Counts only: how many members are exposed and have responded. Never which sites."""
    responded = EventResponse.objects.filter(event=event).values("org_id").distinct().count()
    open_orgs = set(
        EventResponse.objects.filter(event=event)
        .exclude(status__in=("done", "not_affected"))
        .values_list("org_id", flat=True)
    )
    all_orgs = set(EventResponse.objects.filter(event=event).values_list("org_id", flat=True))
    return EventStats(
        members_exposed=EventAlert.objects.filter(event=event).count(),
        members_responded=responded,
        members_completed=len(all_orgs - open_orgs),
    )


# --- Indicators and sanctions (secretariat tools; provenance is for everyone) --------------


def indicators(actor: Actor) -> QuerySet[Indicator]:
    """Every participant reads the published indicators (provenance); drafts are the secretariat's."""
    actor.require_org()
    qs = Indicator.objects.annotate(n_values=Count("values")).order_by("-builtin", "name")
    return qs if actor.is_secretariat else qs.filter(status=IndicatorStatus.PUBLISHED)


def get_indicator(actor: Actor, indicator_id: int) -> Indicator:
    return get_scoped_or_404(indicators(actor), pk=indicator_id)


def weights_of(indicator: Indicator) -> dict[str, float]:
    """The weights in force (none for a draft; see ``Indicator.draft_weights``)."""
    return dict(TopicWeight.objects.filter(indicator=indicator).values_list("topic__code", "points"))


def _site_groups(qs: QuerySet[Any], prefix: str = "") -> list[SiteGroup]:
    fields = [f"{prefix}country", f"{prefix}sector", f"{prefix}products"]
    return [
        (country, sector or "", [p for p in products if isinstance(p, str)] if isinstance(products, list) else [], n)
        for country, sector, products, n in qs.values_list(*fields).annotate(n=Count("pk")).order_by()
    ]


def indicator_preview(actor: Actor, indicator: Indicator) -> Preview:
    """The sector's bands with the indicator's draft (new data or new weights) as if published,
    beside those in force: reference profiles, the register's active sites, members' chains
    (counts only: no member named). Reads only; nothing is stored."""
    actor.require_kind(OrgKind.SECRETARIAT)
    if indicator.draft_weights is None:
        raise Http404
    active = Facility.objects.filter(status=FacilityStatus.ACTIVE)
    links = active_links().filter(facility__status=FacilityStatus.ACTIVE)
    members: dict[int, list[SiteGroup]] = defaultdict(list)
    for org_id, country, sector, products, n in (
        links.values_list("org_id", "facility__country", "facility__sector", "facility__products")
        .annotate(n=Count("facility_id", distinct=True))
        .order_by()
    ):
        members[org_id].append((country, sector or "", products if isinstance(products, list) else [], n))
    return calibration.preview(
        load_reference(),
        load_reference(with_draft=indicator.pk),
        sites=_site_groups(active),
        chain_sites=_site_groups(active.filter(pk__in=links.values("facility_id"))),
        members=dict(members),
        labels=("reference", "register", "linked"),
    )


def sanctions_lists(actor: Actor) -> QuerySet[SanctionsList]:
    actor.require_kind(OrgKind.SECRETARIAT)
    return SanctionsList.objects.all()


def hits(actor: Actor, status: str = HitStatus.PENDING) -> QuerySet[ScreeningHit]:
    """The review queue: the secretariat's, as it decides on register-wide flags."""
    actor.require_kind(OrgKind.SECRETARIAT)
    qs = ScreeningHit.objects.select_related("entry__sanctions_list", "facility")
    return qs.filter(status=status) if status else qs


def get_hit(actor: Actor, hit_id: int) -> ScreeningHit:
    if actor.kind != OrgKind.SECRETARIAT:
        raise Http404  # not 403: others may not even learn that a hit exists
    return get_scoped_or_404(hits(actor, status=""), pk=hit_id)


def secretariat_summary() -> dict[str, Any]:
    """Sector-wide counts for the secretariat's dashboard: no member identifiable."""
    return {
        "active_events": sum(1 for e in RiskEvent.objects.filter(ended_at__isnull=True) if e.is_active),
        "pending_hits": ScreeningHit.objects.filter(status=HitStatus.PENDING).count(),
        "high_sites": SiteRisk.objects.filter(band__gte=2).count(),
    }


def dashboard_card(actor: Actor) -> dict[str, int]:
    """The member dashboard's risk card: its own high-risk sites and active event alerts."""
    links = own_links(actor)
    beyond = beyond_tier_one(actor)
    return {
        # The same chain as the overview: linked sites and those mapped beyond tier 1.
        "high": links.filter(facility__risk__band__gte=2).count() + beyond.filter(risk__band__gte=2).count(),
        "alerts": own_alerts(actor).filter(event__ended_at__isnull=True).count(),
    }
