"""Inherent risk, as plain functions over plain data (no database): easy to test and fast.

For a site and a topic (see docs/risk.md, "Inherent risk: the formula"):

    country (1-6)   = 1 + 5 × the weighted mean of the country indicators mapped to the topic (values
                      0-10, weights = the indicator's points for the topic): no cap, so it never saturates
    sector  (1-4)   = the sector baseline for the topic (SECTOR_BASELINE), 2 when the sector is unknown
    goods   (0-2)   = Σ points × value/10 over commodity indicators (e.g. ILAB) for the site's
                      products in its country, at most 2
    likelihood      = country + sector + goods - 2, on 0-10
    severity        = scale + scope + irremediability of the topic (UN Guiding Principles salience,
                      each 1-3, topic data): 3-9
    risk (the score)= likelihood × severity / 9, on 0-10

A site's overall score is the highest risk over its topics (each already weighted by its
severity, so thirteen topics do not inflate it): its "top topic". Band limits are
calibrated on every reference profile (``calibrate``) and shipped in ``data/bands.json``.

Every number carries its explanation: which input, from which source and edition,
contributed how many points. Lines are stored as [English label, points, code, params]
so that pages can translate them (``covenant.risk.explain``).
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

COUNTRY_BASE = 1.0
COUNTRY_SPAN = 5.0  # the country part runs from 1 (every indicator at best) to 6 (every one at worst)
# The common "country (1-6) + sector (1-4) + high-risk goods (0-2)" scheme: 2-12, onto 0-10 as
# likelihood = sum - 2, which reaches 10 only where every part is at its worst (no saturation).
GOODS_CAP = 2.0
LIKELIHOOD_FLOOR = 2.0
LIKELIHOOD_SPAN = 10.0
MAX_SEVERITY = 9
DEFAULT_SECTOR_LEVEL = 2.0
# Where an indicator has no value for a country, absence is not a good rating: count it as mid-scale.
MISSING_VALUE = 5.0

BANDS = ("low", "medium", "high", "very_high")
# Shares of all reference profiles per band, worst last: the calibration's targets.
BAND_TARGETS = (0.40, 0.30, 0.20, 0.10)
BANDS_FILE = Path(__file__).parent / "data" / "bands.json"


def _shipped_limits() -> tuple[float, float, float]:
    """Band limits as calibrated (``covenant calibrate-risk --write``), read once at import."""
    try:
        data = json.loads(BANDS_FILE.read_text())
        low, high, very_high = (float(x) for x in data["limits"])
    except (OSError, ValueError, KeyError, TypeError):
        return (4.0, 6.0, 8.0)  # before the first calibration only
    return (low, high, very_high)


# Band thresholds on the 0-10 scale: [0, a) low, [a, b) medium, [b, c) high, [c, 10] very high.
BAND_LIMITS: tuple[float, float, float] = _shipped_limits()

# UN Guiding Principles (principle 14 and its commentary; OHCHR Interpretive Guide, 2012):
# severity is the harm's scale (how grave), scope (how many people) and irremediability
# (whether it can be put right), each 1-3 here. Topic data (migration 0010 copies this table
# into ``Topic``, whose values scoring uses). code -> (scale, scope, irremediability, note)
SALIENCE: dict[str, tuple[int, int, int, str]] = {
    "forced_labour": (3, 2, 3, "Deprivation of liberty; debt bondage outlasts the job (ILO C29, P29)."),
    "child_labour": (3, 2, 3, "Harm to health and schooling that cannot be undone (ILO C138, C182)."),
    "freedom_of_association": (2, 3, 2, "An enabling right: its absence touches the whole workforce (ILO C87, C98)."),
    "discrimination": (2, 2, 2, "Unequal pay and treatment, gender-based violence (ILO C100, C111, C190)."),
    "wages": (2, 3, 1, "Affects every worker; back pay can remedy it (ILO C131)."),
    "working_hours": (2, 3, 1, "Affects whole shifts; exhaustion and accidents follow (ILO C1)."),
    "health_safety": (3, 2, 3, "Death and injury cannot be remedied (ILO C155, C187; Rana Plaza)."),
    "harsh_treatment": (3, 1, 2, "Abuse of individuals; lasting psychological harm."),
    "regular_employment": (1, 2, 1, "Loss of social security and job security; remediable by contract."),
    "migrant_workers": (2, 2, 2, "Recruitment fees lead to debt bondage (ILO C181, Dhaka Principles)."),
    "land_rights": (2, 2, 3, "Evictions without consent are hard to reverse (FAO VGGT)."),
    "environment": (2, 2, 2, "Pollution and water use harm communities around the site."),
    "business_ethics": (1, 2, 1, "Bribery and false records hide other harms; remediable."),
}

SECTOR_SOURCE = "Covenant sector baseline 2026"

# Sector x topic baseline (1-4), from the sector risk profiles practitioners use (OECD sector
# guidance for garment and footwear, agriculture and minerals; ETI/amfori sector notes).
# Topics not named for a sector take DEFAULT_SECTOR_LEVEL.
_AGRI = {
    "child_labour": 4,
    "forced_labour": 3,
    "health_safety": 3,
    "wages": 3,
    "working_hours": 3,
    "regular_employment": 3,
    "migrant_workers": 3,
    "land_rights": 4,
    "environment": 3,
}
_GARMENT = {
    "wages": 4,
    "working_hours": 4,
    "freedom_of_association": 3,
    "discrimination": 3,
    "health_safety": 3,
    "harsh_treatment": 3,
    "regular_employment": 3,
    "child_labour": 2,
    "land_rights": 1,
}
SECTOR_BASELINE: dict[str, dict[str, int]] = {
    "agriculture": _AGRI,
    "apparel": _GARMENT,
    "textiles": {**_GARMENT, "environment": 4, "health_safety": 3},
    "home textiles": _GARMENT,
    "footwear": {**_GARMENT, "environment": 3},
    "leather": {**_GARMENT, "environment": 4, "health_safety": 4, "child_labour": 3},
    "toys": {**_GARMENT, "migrant_workers": 3},
    "electronics": {"working_hours": 4, "migrant_workers": 4, "forced_labour": 3, "health_safety": 3, "land_rights": 1},
    "mining": {"health_safety": 4, "child_labour": 3, "forced_labour": 3, "land_rights": 4, "environment": 4},
    "food processing": {
        "health_safety": 3,
        "migrant_workers": 3,
        "wages": 3,
        "working_hours": 3,
        "regular_employment": 3,
    },
    "rubber products": {"migrant_workers": 4, "forced_labour": 3, "working_hours": 3, "health_safety": 3},
    "furniture": {"health_safety": 3, "environment": 3, "land_rights": 2},
    "chemicals": {"health_safety": 4, "environment": 4, "land_rights": 1, "child_labour": 1},
    "packaging": {"health_safety": 3, "land_rights": 1},
    "homeware": {"health_safety": 3, "working_hours": 3},
    "personal care": {"land_rights": 1},
    "household products": {"land_rights": 1},
    "beverages": {"land_rights": 2},
}


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    name: str
    edition: str
    level: str  # country | commodity
    weights: Mapping[str, float]  # topic code -> points at value 10


@dataclass
class ReferenceData:
    """Everything scoring needs, loaded once per recomputation."""

    indicators: list[IndicatorInfo] = field(default_factory=list)
    # indicator code -> country -> (value 0-10, raw)
    country_values: dict[str, dict[str, tuple[float, str]]] = field(default_factory=dict)
    # indicator code -> (country, commodity casefolded) -> (value 0-10, raw)
    commodity_values: dict[str, dict[tuple[str, str], tuple[float, str]]] = field(default_factory=dict)
    topics: Sequence[str] = ()
    severity: Mapping[str, int] = field(default_factory=dict)  # scale + scope + irremediability
    salience: Mapping[str, tuple[int, int, int]] = field(default_factory=dict)
    # Parts shared by many profiles (per country), filled while scoring (score_profile).
    cache: dict[tuple[str, int], dict[str, dict[str, tuple[float, list[Line]]]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def goods_in(self, country: str, products: Iterable[str]) -> tuple[str, ...]:
        """The site's products that some commodity indicator lists for its country."""
        wanted = {p.strip().casefold() for p in products if p and p.strip()}
        if not wanted:
            return ()
        found = set()
        for values in self.commodity_values.values():
            for product in wanted:
                if (country, product) in values:
                    found.add(product)
        return tuple(sorted(found))


# One explanation line: (English label, points or value, code, parameters). Pages translate
# the code with its parameters (``covenant.risk.explain``); the label is the fallback.
Line = tuple[str, float, str, dict[str, str | float]]


@dataclass(frozen=True)
class ProfileScore:
    scores: dict[str, float]
    # topic -> lines, e.g. ("ITUC Global Rights Index 2025: rating 5", 3.75, "indicator", {...})
    explanation: dict[str, list[Line]]


def band(score: float, limits: Sequence[float] | None = None) -> str:
    for limit, name in zip(limits or BAND_LIMITS, BANDS, strict=False):
        if score < limit:
            return name
    return BANDS[-1]


def band_index(score: float, limits: Sequence[float] | None = None) -> int:
    return BANDS.index(band(score, limits))


def profile_key(country: str, sector: str, goods: Sequence[str]) -> str:
    text = "\x1f".join((country, sector.strip().casefold(), *goods))
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _r(x: float) -> float:
    return round(x, 2)


def salience_of(ref: ReferenceData, topic: str) -> tuple[int, int, int]:
    """(scale, scope, irremediability) of a topic: its data, else the shipped table, else 2-2-2."""
    found = ref.salience.get(topic)
    if found:
        return found
    shipped = SALIENCE.get(topic)
    return (shipped[0], shipped[1], shipped[2]) if shipped else (2, 2, 2)


def severity_of(ref: ReferenceData, topic: str) -> int:
    return sum(salience_of(ref, topic))


def _country_parts(ref: ReferenceData, country: str) -> dict[str, tuple[float, list[Line]]]:
    """Per topic, the country part and its lines: the same for every sector and good of a
    country, so computed once per country and scoring run (a recomputation scores ~13,000
    profiles over ~220 countries)."""
    cache = ref.cache.setdefault(("country", len(ref.indicators)), {})
    found = cache.get(country)
    if found is not None:
        return found
    out: dict[str, tuple[float, list[Line]]] = {}
    for topic in ref.topics:
        lines: list[Line] = [("Country baseline", COUNTRY_BASE, "country_base", {})]
        mapped = [
            (ind, ind.weights[topic]) for ind in ref.indicators if ind.level == "country" and ind.weights.get(topic)
        ]
        weight_sum = sum(points for _ind, points in mapped)
        part = COUNTRY_BASE
        for ind, points in mapped:
            rated = ref.country_values.get(ind.code, {}).get(country)
            params: dict[str, str | float] = {"name": ind.name, "edition": ind.edition, "country": country}
            if rated is None:
                value, label, code = (
                    MISSING_VALUE,
                    f"{ind.name} {ind.edition}: {country} not rated (counted as mid-scale)",
                    "not_rated",
                )
            else:
                value, label, code = rated[0], f"{ind.name} {ind.edition}: {rated[1]}", "indicator"
                params["raw"] = rated[1]
            # Its share of the weighted mean, scaled to the country part's 5-point span.
            add = COUNTRY_SPAN * points * value / 10 / weight_sum
            part += add
            lines.append((label, _r(add), code, params))
        out[topic] = (part, lines)
    cache[country] = out
    return out


def _severities(ref: ReferenceData) -> dict[str, tuple[float, list[Line]]]:
    """Per topic, its severity and the line that explains it (once per scoring run)."""
    cache = ref.cache.setdefault(("severity", len(ref.topics)), {})
    found = cache.get("")
    if found is not None:
        return found
    out: dict[str, tuple[float, list[Line]]] = {}
    for topic in ref.topics:
        scale, scope, irremediability = salience_of(ref, topic)
        severity = scale + scope + irremediability
        line: Line = (
            f"Severity (UN Guiding Principles salience): scale {scale}, scope {scope}, "
            f"irremediability {irremediability} = {severity} of {MAX_SEVERITY}",
            float(severity),
            "severity",
            {"scale": scale, "scope": scope, "irremediability": irremediability, "severity": severity},
        )
        out[topic] = (float(severity), [line])
    cache[""] = out
    return out


def score_profile(ref: ReferenceData, country: str, sector: str, goods: Sequence[str]) -> ProfileScore:
    """Risk 0-10 (likelihood × severity) and its explanation for every topic, for one (country, sector, goods)."""
    sector_key = sector.strip().casefold()
    sector_row = SECTOR_BASELINE.get(sector_key)
    scores: dict[str, float] = {}
    explanation: dict[str, list[Line]] = {}
    country_parts = _country_parts(ref, country)
    severities = _severities(ref)
    commodity = [ind for ind in ref.indicators if ind.level != "country"] if goods else []
    for topic in ref.topics:
        country_part, country_lines = country_parts[topic]
        lines = list(country_lines)
        goods_part = 0.0
        for ind in commodity:
            points = ind.weights.get(topic)
            if not points:
                continue
            values = ref.commodity_values.get(ind.code, {})
            for good in goods:
                hit = values.get((country, good))
                if hit is not None and hit[0] > 0:
                    add = points * hit[0] / 10
                    goods_part += add
                    lines.append(
                        (
                            f"{ind.name} {ind.edition}: {good} from {country} ({hit[1]})",
                            _r(add),
                            "good",
                            {
                                "name": ind.name,
                                "edition": ind.edition,
                                "good": good,
                                "country": country,
                                "raw": hit[1],
                            },
                        )
                    )
        if sector_row is not None:
            level = float(sector_row.get(topic, DEFAULT_SECTOR_LEVEL))
            lines.append((f"{SECTOR_SOURCE}: {sector.strip()}", level, "sector", {"sector": sector.strip()}))
        else:
            level = DEFAULT_SECTOR_LEVEL
            lines.append(
                (
                    f"{SECTOR_SOURCE}: sector {sector.strip() or 'unknown'} not profiled (mid-scale)",
                    level,
                    "sector_unknown",
                    {"sector": sector.strip()},
                )
            )
        if goods_part > GOODS_CAP:
            cut = _r(GOODS_CAP - goods_part)
            lines.append((f"High-risk goods part capped at {GOODS_CAP:g}", cut, "goods_cap", {"cap": GOODS_CAP}))
            goods_part = GOODS_CAP
        likelihood = max(0.0, min(10.0, (country_part + level + goods_part - LIKELIHOOD_FLOOR) * 10 / LIKELIHOOD_SPAN))
        lines.append(("Likelihood on 0-10: the sum - 2", _r(likelihood), "likelihood", {}))
        severity, severity_lines = severities[topic]
        lines += severity_lines
        score = _r(likelihood * severity / MAX_SEVERITY)
        lines.append((f"Risk = likelihood × severity / {MAX_SEVERITY}", score, "risk", {}))
        scores[topic] = score
        explanation[topic] = lines
    return ProfileScore(scores=scores, explanation=explanation)


def adjust(inherent: Mapping[str, float], deltas: Mapping[str, float]) -> dict[str, float]:
    """Inherent scores plus site signals' deltas, kept within 0-10."""
    return {t: _r(max(0.0, min(10.0, s + deltas.get(t, 0.0)))) for t, s in inherent.items()}


@dataclass(frozen=True)
class Summary:
    score: float
    band: int
    severity: int
    top_topic: str
    breadth: float = 0.0  # the mean score over all topics: how broad the site's risk is


def summarise(scores: Mapping[str, float], severity: Mapping[str, int]) -> Summary:
    """The site's overall picture: its top topic (the highest risk, each topic's already
    weighted by its severity; the graver topic on a tie), that score and band, and that
    topic's severity, which orders sites within a band (OECD: severity, then likelihood),
    and the breadth over all topics (a later key of that order)."""
    if not scores:
        return Summary(0.0, 0, 0, "")
    top = max(scores, key=lambda t: (scores[t], severity.get(t, 0), t))
    return Summary(scores[top], band_index(scores[top]), severity.get(top, 0), top, breadth_of(scores))


def breadth_of(scores: Mapping[str, float]) -> float:
    """The mean over all topics: among sites alike on their top topic, the one at risk on
    more topics comes first in the prioritised list (after exposure)."""
    return _r(sum(scores.values()) / len(scores)) if scores else 0.0


# --- Calibration: band limits from every reference profile ---------------------------------


@dataclass(frozen=True)
class Calibration:
    limits: tuple[float, float, float]
    profiles: int
    shares: dict[str, float]  # band -> share of all reference profiles
    deciles: list[float]  # the overall score at 10 %, 20 %, ... 90 %, and the maximum


def reference_profiles(
    ref: ReferenceData, sectors: Iterable[str] | None = None
) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """Every (country, sector, goods) of the reference data: each country rated by any
    indicator × each profiled sector × (no goods, and each good listed for that country)."""
    countries = sorted({c for values in ref.country_values.values() for c in values})
    goods_by_country: dict[str, set[str]] = {}
    for values in ref.commodity_values.values():
        for country, good in values:
            goods_by_country.setdefault(country, set()).add(good)
    for country in countries:
        for sector in sectors if sectors is not None else SECTOR_BASELINE:
            yield country, sector, ()
            for good in sorted(goods_by_country.get(country, ())):
                yield country, sector, (good,)


def calibrate(ref: ReferenceData, targets: Sequence[float] = BAND_TARGETS) -> Calibration:
    """Band limits such that the reference profiles' overall scores fall into the bands in
    about the ``targets`` shares (low first): a limit is the score at that quantile."""
    severity = {t: severity_of(ref, t) for t in ref.topics}
    overall = sorted(
        summarise(score_profile(ref, c, s, g).scores, severity).score for c, s, g in reference_profiles(ref)
    )
    n = len(overall)
    if not n:
        return Calibration(BAND_LIMITS, 0, {}, [])

    def at(q: float) -> float:
        return overall[min(n - 1, int(q * n))]

    distinct = sorted(set(overall))

    def limit_for(share: float) -> float:
        # Many profiles share a score: the limit is the distinct score that leaves the share
        # of profiles below it closest to the target.
        return min(distinct, key=lambda v: (abs(bisect_left(overall, v) / n - share), v))

    cumulative = [sum(targets[: i + 1]) for i in range(3)]
    limits = (limit_for(cumulative[0]), limit_for(cumulative[1]), limit_for(cumulative[2]))
    counts = [0, 0, 0, 0]
    for x in overall:
        counts[band_index(x, limits)] += 1
    return Calibration(
        limits=limits,
        profiles=n,
        shares={b: round(c / n, 4) for b, c in zip(BANDS, counts, strict=True)},
        deciles=[at(q / 10) for q in range(1, 10)] + [overall[-1]],
    )


# --- Normalising published values to 0-10 ----------------------------------------------

ITUC_VALUES = {"1": 0.0, "2": 2.5, "3": 5.0, "4": 7.5, "5": 9.0, "5+": 10.0}
INCOME_VALUES = {
    "Low income": 10.0,
    "Lower middle income": 7.0,
    "Upper middle income": 4.0,
    "High income": 0.0,
}
