"""The quick scan: inherent risk per topic for countries × products a small firm buys from,
with each topic's sources and editions and, for high and very high topics, first actions
from the recommendations library. Reads only; needs no account.

The risk is the risk model's own (``risk.interface.Scanner.risk``): the same formula, data and
calibrated band limits as the register's sites, so a scan of cocoa from Côte d'Ivoire says
what a cocoa cooperative there shows in the register before any site evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy
from django_countries import countries

from covenant.capability.library import Item, Recommendation, first_actions, library_edition
from covenant.risk import interface as risk
from covenant.risk.interface import IndicatorSource, TopicRisk

MAX_COUNTRIES = 5
MAX_ITEMS = 5
HIGH_BANDS = ("high", "very_high")
BAND_ORDER = {"low": 0, "medium": 1, "high": 2, "very_high": 3}
BAND_LABELS = {
    "low": gettext_lazy("low"),
    "medium": gettext_lazy("medium"),
    "high": gettext_lazy("high"),
    "very_high": gettext_lazy("very high"),
}
# Explanation line codes that cite a published indicator: "<name> <edition>".
_CITING = {"indicator", "not_rated", "good"}


# Texts in the reader's language are made once when the scan is made, not as the template
# reads them: a 5 × 5 scan shows some 325 topics and 3,000 explanation lines.


@dataclass(frozen=True)
class Line:
    text: str
    number: float
    added: bool  # points added to the likelihood, rather than a resulting value
    shown: str = ""  # the number as the page shows it: "+3,50" (added points) or "7,56"


@dataclass(frozen=True)
class TopicResult:
    risk: TopicRisk
    lines: tuple[Line, ...]
    sources: tuple[str, ...]  # "ITUC Global Rights Index 2025", ... in the order they count
    actions: tuple[Recommendation, ...]  # for high and very high topics only
    label: str  # the topic's name in the reader's language
    band_label: str
    score_text: str

    @property
    def high(self) -> bool:
        return self.risk.band in HIGH_BANDS


@dataclass(frozen=True)
class PairResult:
    """One country × product (or sector)."""

    country: str
    country_name: str
    item: Item
    goods: tuple[str, ...]  # the item's goods a commodity indicator lists for the country
    topics: tuple[TopicResult, ...]  # the highest risk first
    high_topics: tuple[TopicResult, ...]
    other_topics: tuple[TopicResult, ...]

    @property
    def top(self) -> TopicResult:
        return self.topics[0]


@dataclass(frozen=True)
class QuickScan:
    pairs: tuple[PairResult, ...]  # the riskiest first
    limits: tuple[float, float, float]
    sources: tuple[IndicatorSource, ...]
    library_edition: str

    @property
    def high_count(self) -> int:
        return sum(len(p.high_topics) for p in self.pairs)


def _sources(lines: Sequence[tuple[object, ...]]) -> tuple[str, ...]:
    found: list[str] = []
    for line in lines:
        if len(line) >= 4 and line[2] in _CITING and isinstance(line[3], dict):
            text = f"{line[3].get('name', '')} {line[3].get('edition', '')}".strip()
        elif len(line) >= 4 and line[2] in {"sector", "sector_unknown"}:
            text = "Covenant sector baseline 2026"
        elif len(line) >= 4 and line[2] == "severity":
            text = "UN Guiding Principles (salience)"
        else:
            continue
        if text and text not in found:
            found.append(text)
    return tuple(found)


def scan_pair(
    scanner: risk.Scanner, country: str, item: Item, rendered: dict[tuple[object, ...], Line] | None = None
) -> PairResult:
    scored = scanner.risk(country, item.sector, item.goods)
    # Many lines repeat across topics and pairs (a country's indicators, the severities): each
    # is rendered in the reader's language once per scan. Label, points and code identify one.
    rendered = {} if rendered is None else rendered
    topics = []
    for topic in scored.topics:
        lines = []
        for raw in topic.lines:
            key = tuple(raw[:3])
            line = rendered.get(key)
            if line is None:
                text, number, added = risk.explain_line(raw)
                shown = ("+" if added and number >= 0 else "") + number_format(number, 2)
                line = rendered[key] = Line(text, number, added, shown)
            lines.append(line)
        actions = tuple(first_actions(topic.code, item.sector)) if topic.band in HIGH_BANDS else ()
        band_label = str(BAND_LABELS.get(topic.band, topic.band))
        score = number_format(topic.score, 2)
        topics.append(TopicResult(topic, tuple(lines), _sources(topic.lines), actions, topic.label, band_label, score))
    name = str(countries.name(country)) or country
    high = tuple(t for t in topics if t.high)
    others = tuple(t for t in topics if not t.high)
    return PairResult(country, name, item, scored.goods, tuple(topics), high, others)


def quick_scan(country_codes: Sequence[str], items: Sequence[Item]) -> QuickScan:
    """Every country × item, the riskiest pair first (its top topic's band, then score)."""
    scanner = risk.scanner()
    rendered: dict[tuple[object, ...], Line] = {}
    pairs = [scan_pair(scanner, c, i, rendered) for c in country_codes[:MAX_COUNTRIES] for i in items[:MAX_ITEMS]]
    pairs.sort(key=lambda p: (-BAND_ORDER[p.top.risk.band], -p.top.risk.score))
    used = {s for p in pairs for t in p.topics for s in t.sources}
    sources = tuple(s for s in scanner.sources() if f"{s.name} {s.edition}" in used)
    return QuickScan(tuple(pairs), risk.band_limits(), sources, library_edition())
