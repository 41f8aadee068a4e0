"""Shapes of the word lists used by :mod:`covenant.demo.data`, as read from ``data/*.json``.

Field names are the JSON keys; a tuple is written as an array, and a field left out
takes its default.

A *token* is either a plain string, written the same way locally and on an export
document (for countries that fold diacritics, the Latin rendering strips them), or a
pair ``(local, latin)``; an empty ``latin`` means "as for a plain string". Area tokens
may carry a third element: the postcode of that area, which then replaces the city's
postcode pattern.

Name and address formats are pairs of ``str.format`` templates ``(local, latin)``.
Placeholders: names ``{trade} {word} {legal} {city} {region} {area}``; addresses
``{area} {street} {city} {region} {postcode} {no} {n2} {n3} {n4} {lot} {km} {trade}``. Area tokens may
themselves contain the number placeholders. ``#`` in a postcode pattern is a digit, ``@`` a capital letter.
"""

from __future__ import annotations

from dataclasses import dataclass

Token = str | tuple[str, str] | tuple[str, str, str]
Fmt = tuple[str, str]


@dataclass(frozen=True)
class City:
    name: Token
    region: Token
    subdivision: str  # ISO 3166-2
    lat: float
    lng: float
    postcode: str  # pattern, "#" = random digit; "" where postcodes are not used
    kinds: tuple[str, ...]  # keys of the country's Kind entries made here
    areas: tuple[Token, ...]  # districts, industrial estates, villages (with streets)
    local_share: float = 1.0  # share of sites that use the local rendering at all
    weight: float = 1.0


@dataclass(frozen=True)
class Kind:
    """One kind of site in one country (e.g. garment factories in Bangladesh)."""

    key: str
    weight: float
    words: tuple[Token, ...]  # industry words for names
    goods: tuple[str, ...] = ()  # US DOL ILAB goods listed for this country, verbatim
    items: tuple[str, ...] = ()  # plain product names; default: the base kind's items
    base: str = ""  # global kind in covenant.demo.data.KINDS; default: key
    name_fmt: tuple[Fmt, ...] = ()  # default: the country's
    legal: tuple[Token, ...] = ()  # default: the country's
    trade: tuple[Token, ...] = ()  # default: the country's
    address_fmt: tuple[Fmt, ...] = ()  # default: the country's
    workers: tuple[int, int] | None = None  # headcount range; default: the base kind's


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    names: tuple[str, ...]  # English first, then other English, Dutch and local names
    weight: float  # share of sites, relative
    cities: tuple[City, ...]
    kinds: tuple[Kind, ...]
    trade: tuple[Token, ...]  # trade-name stems: auspicious words, family names, places
    legal: tuple[Token, ...]
    name_fmt: tuple[Fmt, ...]
    address_fmt: tuple[Fmt, ...]
    streets: tuple[Token, ...] = ()  # for {street} in address formats
    branch_fmt: Fmt = ("{name} {n}", "{name} {n}")
    group_fmt: Fmt = ("{trade} Group", "{trade} Group")
    foreign_fmt: Fmt | None = None  # subsidiary of a foreign group: {brand} {word_en}
    fold: bool = False  # Latin rendering of plain tokens drops diacritics
    digits: str = ""  # local digits 0-9 where these differ from ASCII


@dataclass(frozen=True)
class MemberSpec:
    key: str
    name: str
    country: str
    domain: str
    size: str  # "large" | "sme"
    description: str
    sources: tuple[tuple[str, float, int], ...]  # (kind, relative weight, tier)
    n_links: tuple[int, int]


@dataclass(frozen=True)
class OrgSpec:
    key: str
    kind: str  # "secretariat" | "audit_firm" | "cso" | "branch_association" | "trade_union"
    name: str
    country: str
    domain: str
    description: str
    members: tuple[str, ...] = ()  # branch associations: the member companies' keys


@dataclass(frozen=True)
class KindInfo:
    """What is the same for a kind of site everywhere (see ``data/kinds.json``)."""

    sector: str
    facilities: tuple[str, ...]
    stage: int  # 1 finished goods, 2 processing and materials, 3 raw materials
    items: tuple[str, ...]  # plain English product names (never an ILAB good)
    workers: tuple[int, int]
    female: tuple[float, float]
    upstream: tuple[str, ...] = ()  # kinds that typically supply this kind
    spread: float = 0.04  # coordinate jitter, degrees
    n_items: tuple[int, int] = (1, 2)
