"""Inherent risk, as plain functions over plain data (no database): easy to test and fast.

A site's inherent risk on a topic is, on a 0-10 scale (see docs/risk.md):

    country (1-6)   = 1 + Σ points × value/10 over country indicators mapped to the topic, at most 6
    sector  (1-4)   = the sector baseline for the topic (SECTOR_BASELINE), 2 when the sector is unknown
    goods   (0-3)   = Σ points × value/10 over commodity indicators (e.g. ILAB) for the site's
                      products in its country, at most 3
    inherent        = min(10, country + sector + goods)

This follows the widely used "country (1-6) + sector (1-4) + high-risk goods (0-2)" scheme,
with goods allowed up to 3 so that a good on the ILAB list for forced or child labour
reaches "very high" on that topic in a high-risk country. Site signals (audits,
grievances, events, sanctions) are then added and the result is kept within 0-10.

Every number carries its explanation: which input, from which source and edition,
contributed how many points.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

COUNTRY_BASE = 1.0
COUNTRY_CAP = 6.0
GOODS_CAP = 3.0
DEFAULT_SECTOR_LEVEL = 2.0
# Where an indicator has no value for a country, absence is not a good rating: count it as mid-scale.
MISSING_VALUE = 5.0

# Band thresholds on the 0-10 scale: [0, 4) low, [4, 6) medium, [6, 8) high, [8, 10] very high.
BAND_LIMITS = (4.0, 6.0, 8.0)
BANDS = ("low", "medium", "high", "very_high")

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
    severity: Mapping[str, int] = field(default_factory=dict)

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


@dataclass(frozen=True)
class ProfileScore:
    scores: dict[str, float]
    # topic -> [(label, points)], e.g. ("ITUC Global Rights Index 2025: rating 5", 4.5)
    explanation: dict[str, list[tuple[str, float]]]


def band(score: float) -> str:
    for limit, name in zip(BAND_LIMITS, BANDS, strict=False):
        if score < limit:
            return name
    return BANDS[-1]


def band_index(score: float) -> int:
    return BANDS.index(band(score))


def profile_key(country: str, sector: str, goods: Sequence[str]) -> str:
    text = "\x1f".join((country, sector.strip().casefold(), *goods))
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _r(x: float) -> float:
    return round(x, 2)


def score_profile(ref: ReferenceData, country: str, sector: str, goods: Sequence[str]) -> ProfileScore:
    """Inherent 0-10 score and its explanation for every topic, for one (country, sector, goods)."""
    sector_key = sector.strip().casefold()
    sector_row = SECTOR_BASELINE.get(sector_key)
    scores: dict[str, float] = {}
    explanation: dict[str, list[tuple[str, float]]] = {}
    for topic in ref.topics:
        lines: list[tuple[str, float]] = [("Country baseline", COUNTRY_BASE)]
        country_part = COUNTRY_BASE
        goods_part = 0.0
        for ind in ref.indicators:
            points = ind.weights.get(topic)
            if not points:
                continue
            if ind.level == "country":
                found = ref.country_values.get(ind.code, {}).get(country)
                if found is None:
                    value, label = (
                        MISSING_VALUE,
                        f"{ind.name} {ind.edition}: {country} not rated (counted as mid-scale)",
                    )
                else:
                    value, label = found[0], f"{ind.name} {ind.edition}: {found[1]}"
                add = points * value / 10
                country_part += add
                lines.append((label, _r(add)))
            else:
                values = ref.commodity_values.get(ind.code, {})
                for good in goods:
                    hit = values.get((country, good))
                    if hit is not None and hit[0] > 0:
                        add = points * hit[0] / 10
                        goods_part += add
                        lines.append((f"{ind.name} {ind.edition}: {good} from {country} ({hit[1]})", _r(add)))
        if country_part > COUNTRY_CAP:
            lines.append((f"Country part capped at {COUNTRY_CAP:g}", _r(COUNTRY_CAP - country_part)))
            country_part = COUNTRY_CAP
        if sector_row is not None:
            level = float(sector_row.get(topic, DEFAULT_SECTOR_LEVEL))
            lines.append((f"{SECTOR_SOURCE}: {sector.strip()}", level))
        else:
            level = DEFAULT_SECTOR_LEVEL
            lines.append((f"{SECTOR_SOURCE}: sector {sector.strip() or 'unknown'} not profiled (mid-scale)", level))
        if goods_part > GOODS_CAP:
            lines.append((f"High-risk goods part capped at {GOODS_CAP:g}", _r(GOODS_CAP - goods_part)))
            goods_part = GOODS_CAP
        total = country_part + level + goods_part
        if total > 10:
            lines.append(("Capped at 10", _r(10 - total)))
            total = 10.0
        scores[topic] = _r(total)
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


def summarise(scores: Mapping[str, float], severity: Mapping[str, int]) -> Summary:
    """The site's overall picture: the worst topic, and the highest severity among its
    high/very high topics (0 when it has none): OECD prioritises severity, then likelihood."""
    if not scores:
        return Summary(0.0, 0, 0, "")
    top = max(scores, key=lambda t: (scores[t], severity.get(t, 0)))
    sev = max((severity.get(t, 0) for t, s in scores.items() if s >= BAND_LIMITS[1]), default=0)
    return Summary(scores[top], band_index(scores[top]), sev, top)


# --- Normalising published values to 0-10 ----------------------------------------------

ITUC_VALUES = {"1": 0.0, "2": 2.5, "3": 5.0, "4": 7.5, "5": 9.0, "5+": 10.0}
INCOME_VALUES = {
    "Low income": 10.0,
    "Lower middle income": 7.0,
    "Upper middle income": 4.0,
    "High income": 0.0,
}
