"""The quick scan's reference data: what people can choose (``data/products.json``) and the
recommendations library (``data/recommendations.json``); sources in ``data/SOURCES.md``.

Plain data read once per process; no database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA_DIR = Path(__file__).parent / "data"
MIN_ACTIONS = 3
MAX_ACTIONS = 5
BROAD_TOPICS = 3


def _dutch() -> bool:
    return (get_language() or "").startswith("nl")


@dataclass(frozen=True)
class Item:
    """A product or a sector people can choose, mapped to the risk model's inputs."""

    code: str
    kind: str  # product | sector
    en: str
    nl: str
    sector: str  # the risk model's sector ("" where none fits)
    goods: tuple[str, ...]  # as the commodity indicators name them
    aliases: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.nl if _dutch() and self.nl else self.en


@dataclass(frozen=True)
class Source:
    code: str
    title: str
    publisher: str
    year: str
    url: str


@dataclass(frozen=True)
class Recommendation:
    id: str
    topics: tuple[str, ...]
    sectors: tuple[str, ...]
    gender: bool
    source: Source
    en: str
    nl: str

    @property
    def text(self) -> str:
        return self.nl if _dutch() and self.nl else self.en


@cache
def items() -> tuple[Item, ...]:
    data = json.loads((DATA_DIR / "products.json").read_text(encoding="utf-8"))
    return tuple(
        Item(
            code=row["code"],
            kind=row["kind"],
            en=row["en"],
            nl=row["nl"],
            sector=row["sector"],
            goods=tuple(row["goods"]),
            aliases=tuple(row["aliases"]),
        )
        for row in data["items"]
    )


@cache
def _by_word() -> dict[str, Item]:
    """Every word an item answers to, casefolded: code, both names, aliases and goods.
    The first item naming a word keeps it (products come before sectors in the file)."""
    found: dict[str, Item] = {}
    for item in items():
        for word in (item.code, item.code.replace("_", " "), item.en, item.nl, *item.aliases, *item.goods):
            found.setdefault(word.strip().casefold(), item)
    return found


def item(code: str) -> Item | None:
    return next((i for i in items() if i.code == code), None)


def find_item(text: str) -> Item | None:
    """The item a person means by ``text`` (a code, a name in English or Dutch, an alias or
    a good as the indicators name it), or None."""
    return _by_word().get(" ".join(text.split()).casefold())


def good_item(good: str) -> Item:
    """An item for a good the commodity indicators list but no item names: scored without a
    sector (the explanation says the sector is not profiled)."""
    return Item(code=good, kind="product", en=good, nl=good, sector="", goods=(good,), aliases=())


@cache
def _library() -> tuple[dict[str, Source], tuple[Recommendation, ...], str]:
    data = json.loads((DATA_DIR / "recommendations.json").read_text(encoding="utf-8"))
    sources = {
        s["code"]: Source(code=s["code"], title=s["title"], publisher=s["publisher"], year=s["year"], url=s["url"])
        for s in data["sources"]
    }
    recs = tuple(
        Recommendation(
            id=r["id"],
            topics=tuple(r["topics"]),
            sectors=tuple(r["sectors"]),
            gender=bool(r["gender"]),
            source=sources[r["source"]],
            en=r["en"],
            nl=r["nl"],
        )
        for r in data["recommendations"]
    )
    return sources, recs, str(data.get("edition", ""))


def library_edition() -> str:
    return _library()[2]


def recommendations() -> tuple[Recommendation, ...]:
    return _library()[1]


def first_actions(topic: str, sector: str, limit: int = MAX_ACTIONS) -> list[Recommendation]:
    """Up to ``limit`` first actions for a topic: those written for the sector first, then
    those for any sector, in the library's order; at least one gender-specific action where
    the library has one for the topic (women's risks are easily left out of a short list)."""
    sector = sector.strip().casefold()
    fitting = [r for r in recommendations() if topic in r.topics and (not r.sectors or sector in r.sectors)]
    specific = [r for r in fitting if r.sectors]
    # Actions for every topic (a policy) come last: the topic's own actions say more.
    broad = [r for r in fitting if not r.sectors and len(r.topics) > BROAD_TOPICS]
    general = [r for r in fitting if not r.sectors and r not in broad]
    chosen = (specific + general + broad)[:limit]
    gendered = next((r for r in fitting if r.gender), None)
    if gendered is not None and gendered not in chosen and chosen:
        chosen[-1] = gendered
    return chosen
