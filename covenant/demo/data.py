"""Deterministic demo data for a sector initiative: organisations, sites, links, users.

Everything here is fictional. Company, person and place-level names are assembled from
per-country word lists (JSON files read by :mod:`covenant.demo.wordlists`; see its
``data/SOURCES.md``); identifiers that look like DUNS numbers or LEIs are random (see
:class:`DemoSite`; LEI check digits from python-stdnum). Pure Python: all randomness comes from
``random.Random(seed)`` instances, and nothing depends on hash ordering, so the same seed
gives the same data on every machine.

    sector = generate_sector(seed=2026, n_sites=2000)
    rows = member_supplier_list(sector, sector.members[0].key, seed=1)

How a site is made: each country's file lists cities (with their ISO 3166-2 code,
coordinates, postcode pattern and the kinds of site found there) and kinds of site
(industry words, ILAB goods, products). A site picks a kind and a city, then a name
and an address from the country's templates, rendered twice: as a local writes it and
as an export document does. Some sites belong to supplier groups, in one country
(same name, another city or "Unit 2") or across borders (a Chinese, Taiwanese or
Korean group with subsidiaries in Viet Nam, Cambodia, Myanmar, Bangladesh, Ethiopia or
Indonesia): deliberate near-duplicates that a matcher must keep apart.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from stdnum.iso7064 import mod_97_10

from covenant.demo.wordlists import (
    ABBREVIATIONS,
    COUNTRIES,
    KINDS,
    LEGAL_VARIANTS,
    MEMBERS,
    NAME_PREFIXES,
    ORGS,
    PEOPLE,
    SUFFIXES,
)
from covenant.demo.wordlists._types import City, Country, Fmt, Kind, KindInfo, Token

__all__ = [
    "KINDS",
    "SPEND_BANDS",
    "DemoLink",
    "DemoOrg",
    "DemoSector",
    "DemoSite",
    "DemoSiteEdge",
    "DemoUser",
    "KindInfo",
    "country_code",
    "generate_sector",
    "member_supplier_list",
    "noisy_variant",
]

SPEND_BANDS = ("<10k", "10k-100k", "100k-1M", ">1M")

DEMO_PASSWORD = "demo-Covenant-2026"  # noqa: S105 (printed for the demo on purpose)
DEMO_TOTP_CODE = "000000"  # accepted only by demo processes with DEBUG on (see settings)


# --------------------------------------------------------------------------- models
@dataclass(frozen=True)
class DemoOrg:
    key: str
    kind: str  # "secretariat" | "member" | "supplier" | "audit_firm" | "cso" | "branch_association" | "trade_union"
    name: str
    country: str  # ISO 3166-1 alpha-2
    domain: str  # fictional, under .example
    size: str = ""  # members: "large" | "sme"
    name_local: str = ""
    description: str = ""
    site_keys: tuple[str, ...] = ()  # suppliers: the sites they own
    branch_members: tuple[str, ...] = ()  # branch associations: the member companies' keys


@dataclass(frozen=True)
class DemoSite:
    """A production location.

    ``duns`` (9 digits) and ``lei`` (20 characters, ISO 17442 check digits, prefix
    ``DEMO``) are random and fictional: they identify nothing real.
    """

    key: str
    name: str  # as a local would write it, in the local script
    name_latin: str  # as on an export document
    address: str
    address_latin: str
    postal_code: str
    city: str
    city_local: str
    subdivision: str  # ISO 3166-2
    country: str  # ISO 3166-1 alpha-2
    lat: float
    lng: float
    sector: str
    kind: str  # key of KINDS
    facility_type: str
    products: tuple[str, ...]
    workers: int
    female_share: float
    supplier_key: str
    duns: str | None = None
    lei: str | None = None


@dataclass(frozen=True)
class DemoLink:
    member_key: str
    site_key: str
    tier: int
    products: tuple[str, ...]
    spend_band: str
    start_date: date
    active: bool = True


@dataclass(frozen=True)
class DemoSiteEdge:
    """A tier-2 relation: ``supplier_site_key`` supplies ``buyer_site_key``."""

    buyer_site_key: str
    supplier_site_key: str
    products: tuple[str, ...]


@dataclass(frozen=True)
class DemoUser:
    key: str
    org_key: str
    role: str
    name: str
    email: str
    language: str


@dataclass(frozen=True)
class DemoSector:
    seed: int
    secretariat: DemoOrg
    members: tuple[DemoOrg, ...]
    suppliers: tuple[DemoOrg, ...]
    audit_firms: tuple[DemoOrg, ...]
    csos: tuple[DemoOrg, ...]
    sites: tuple[DemoSite, ...]
    links: tuple[DemoLink, ...]
    site_edges: tuple[DemoSiteEdge, ...]
    users: tuple[DemoUser, ...]
    branch_associations: tuple[DemoOrg, ...] = ()
    unions: tuple[DemoOrg, ...] = ()

    def site(self, key: str) -> DemoSite:
        return next(s for s in self.sites if s.key == key)

    def member_links(self, member_key: str) -> tuple[DemoLink, ...]:
        return tuple(link for link in self.links if link.member_key == member_key)


# ------------------------------------------------------------------- small helpers
_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
_FOLD = str.maketrans(
    {
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "ß": "ss",
        "ʻ": "'",
        "ʼ": "'",
    }
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _pair(token: Token, fold: bool) -> tuple[str, str]:
    if isinstance(token, str) or not token[1]:
        local = token if isinstance(token, str) else token[0]
        return local, (_fold(local) if fold else local)
    return token[0], token[1]


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,)])", r"\1", text)
    text = re.sub(r",(\s*,)+", ",", text)
    text = text.replace("( ", "(").replace("()", "")
    return re.sub(r"\s+", " ", text).strip(" ,")


def _fill(fmt: Fmt, values: dict[str, tuple[str, str]]) -> tuple[str, str]:
    out = []
    for side in (0, 1):
        side_values = {k: v[side] for k, v in values.items()}
        template = fmt[side]
        for key, value in side_values.items():  # drop empty parts with their comma
            if not value:
                template = re.sub(r"(\s*[,，、،፣၊]\s*)?" + re.escape("{" + key + "}"), "", template)
        text = template.format_map(side_values)
        if "{" in text:  # area tokens may contain number placeholders
            text = text.format_map(side_values)
        out.append(_clean(text))
    return out[0], out[1]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _fold(text).lower()).strip("-")


def _weighted_sample(rng: random.Random, items: list[int], weights: list[float], k: int) -> list[int]:
    """k distinct items, probability proportional to weight (Efraimidis-Spirakis)."""
    keyed = [(rng.random() ** (1.0 / w), i) for i, w in zip(items, weights, strict=True)]
    keyed.sort(key=lambda t: (-t[0], t[1]))
    return [i for _, i in keyed[:k]]


# ------------------------------------------------------------------ site building
@dataclass
class _Slot:
    country: Country
    kind: Kind
    city: City
    group: int = -1
    foreign_brand: str = ""


@dataclass(frozen=True)
class _Choice:
    """The parts of a company name, shared by the sites of a domestic group."""

    fmt: Fmt
    trade: Token
    word: Token
    legal: Token


@dataclass
class _Named:
    name: tuple[str, str]
    address: tuple[str, str]
    postcode: str
    domain_stem: str
    trade_latin: str
    trade_local: str


def _allocate(weights: list[float], n: int) -> list[int]:
    total = sum(weights)
    raw = [w * n / total for w in weights]
    counts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    if n >= len(weights):
        for i, c in enumerate(counts):
            if c == 0:
                j = max(range(len(counts)), key=lambda x: (counts[x], -x))
                counts[j] -= 1
                counts[i] = 1
    return counts


class _Builder:
    """Names and addresses, unique across everything it has made."""

    def __init__(self, rng: random.Random, taken: set[str] | None = None) -> None:
        self.rng = rng
        self.taken: set[str] = set(taken or ())
        self.addresses: set[str] = set()

    def _free(self, name: tuple[str, str]) -> bool:
        return name[0].casefold() not in self.taken and name[1].casefold() not in self.taken

    def _take(self, name: tuple[str, str]) -> None:
        self.taken.update((name[0].casefold(), name[1].casefold()))

    def _number(self, c: Country, n: int | str) -> tuple[str, str]:
        text = str(n)
        if c.digits:
            return text.translate(str.maketrans("0123456789", c.digits)), text
        return text, text

    def address(
        self, c: Country, k: Kind, city: City, area: Token, trade: tuple[str, str]
    ) -> tuple[tuple[str, str], str]:
        rng = self.rng
        pattern = area[2] if isinstance(area, tuple) and len(area) == 3 else city.postcode
        postcode = "".join(
            str(rng.randint(0, 9)) if ch == "#" else rng.choice(_LETTERS) if ch == "@" else ch for ch in pattern
        )
        fmt = rng.choice(k.address_fmt or c.address_fmt)
        values = {
            "area": _pair(area, c.fold),
            "street": _pair(rng.choice(c.streets), c.fold) if c.streets else ("", ""),
            "city": _pair(city.name, c.fold),
            "region": _pair(city.region, c.fold),
            "postcode": self._number(c, postcode),
            "no": self._number(c, rng.choice((rng.randint(1, 60), rng.randint(1, 250)))),
            "n2": self._number(c, rng.randint(1, 40)),
            "n3": self._number(c, rng.randint(1, 12)),
            "n4": self._number(c, rng.randint(1, 9)),
            "lot": self._number(c, f"{rng.choice('ABCDEFGH')}{rng.randint(1, 30)}"),
            "km": self._number(c, rng.randint(3, 60)),
            "trade": trade,
        }
        used = "{postcode}" in fmt[1] or "{postcode}" in str(_pair(area, c.fold)[1])
        return _fill(fmt, values), (postcode if used else "")

    def choose(self, c: Country, k: Kind) -> _Choice:
        rng = self.rng
        return _Choice(
            rng.choice(k.name_fmt or c.name_fmt),
            rng.choice(k.trade or c.trade),
            rng.choice(k.words),
            rng.choice(k.legal or c.legal),
        )

    def name(self, c: Country, city: City, area: Token, choice: _Choice) -> tuple[str, str]:
        word = _pair(choice.word, c.fold)
        values = {
            "trade": _pair(choice.trade, c.fold),
            "brand": _pair(choice.trade, c.fold),
            "word": word,
            "word_en": (word[1], word[1]),
            "legal": _pair(choice.legal, c.fold),
            "city": _pair(city.name, c.fold),
            "region": _pair(city.region, c.fold),
            "area": _pair(area, c.fold),
        }
        return _fill(choice.fmt, values)

    def branch(self, c: Country, city: City, area: Token, name: tuple[str, str]) -> tuple[str, str]:
        """A free name for another site of the same company (branch, unit, plant)."""
        for fmt in (c.branch_fmt, ("{name} {n}", "{name} {n}")):
            for n in range(2, 30):
                local, latin = _pair(area, c.fold)
                values = {
                    "name": name,
                    "n": self._number(c, n),
                    "area": (re.split(r"[,，]", local)[0], re.split(r"[,，]", latin)[0]),
                    "city": _pair(city.name, c.fold),
                }
                candidate = _fill(fmt, values)
                if self._free(candidate):
                    return candidate
                area = self.rng.choice(city.areas)
        raise RuntimeError(f"no free branch name for {name[1]}")

    def site(self, s: _Slot, choice: _Choice | None = None) -> tuple[_Named, _Choice]:
        """Name and address one slot; with ``choice`` reuse a group's name parts."""
        c, k, city, rng = s.country, s.kind, s.city, self.rng
        area = rng.choice(city.areas)
        local = rng.random() < city.local_share
        if s.foreign_brand and c.foreign_fmt:  # subsidiary of a foreign group
            brand = (s.foreign_brand, s.foreign_brand)
            choice = _Choice(c.foreign_fmt, brand, rng.choice(k.words), "")
        if choice is None:
            for _ in range(40):
                choice = self.choose(c, k)
                name = self.name(c, city, area, choice)
                if self._free(name):
                    break
        else:
            name = self.name(c, city, area, choice)
        assert choice is not None
        if not self._free(name):
            name = self.branch(c, city, area, name)
        trade = _pair(choice.trade, c.fold)
        for _ in range(8):  # two sites rarely share an address
            address, postcode = self.address(c, k, city, area, trade)
            if address[1].casefold() not in self.addresses:
                break
        self.addresses.add(address[1].casefold())
        if not local:
            name, address = (name[1], name[1]), (address[1], address[1])
        self._take(name)
        word = _pair(choice.word, c.fold)[1].split(" ")[0]
        stem = _slug(f"{trade[1]} {word}") or _slug(name[1])
        return _Named(name, address, postcode, stem, trade[1], trade[0]), choice


def _plan(rng: random.Random, n_sites: int) -> list[_Slot]:
    counts = _allocate([c.weight for c in COUNTRIES], n_sites)
    slots: list[_Slot] = []
    for c, count in zip(COUNTRIES, counts, strict=True):
        slots.extend(_slot(rng, c) for _ in range(count))
    rng.shuffle(slots)
    return slots


def _slot(rng: random.Random, c: Country, bases: tuple[str, ...] = ()) -> _Slot:
    kinds = [k for k in c.kinds if _base(k) in bases] or list(c.kinds)
    kind = rng.choices(kinds, [k.weight for k in kinds])[0]
    cities = [city for city in c.cities if kind.key in city.kinds]
    return _Slot(c, kind, rng.choices(cities, [city.weight for city in cities])[0])


_GROUP_HOMES = ("CN", "TW", "KR")
_GROUP_KINDS = ("garment", "footwear", "textile")
_NO_GROUPS = ("cocoa", "coffee")  # cooperatives and family farms


def _base(k: Kind) -> str:
    return k.base or k.key


def _group(rng: random.Random, slots: list[_Slot]) -> int:
    """Mark supplier groups on the slots; return the number of groups."""
    by_ck: dict[tuple[str, str], list[int]] = {}
    for i, s in enumerate(slots):
        by_ck.setdefault((s.country.code, s.kind.key), []).append(i)
    n_groups = 0
    for i, s in enumerate(slots):  # domestic groups: same country, same kind
        if s.group >= 0 or _base(s.kind) in _NO_GROUPS or rng.random() >= 0.05:
            continue
        mates = [j for j in by_ck[(s.country.code, s.kind.key)] if j != i and slots[j].group < 0]
        size = min(len(mates), rng.choice((1, 1, 1, 2, 2, 3, 4, 5)))
        if size:
            for j in [i, *rng.sample(mates, size)]:
                slots[j].group = n_groups
            n_groups += 1
    anchors = [
        i
        for i, s in enumerate(slots)
        if s.group < 0 and s.country.code in _GROUP_HOMES and _base(s.kind) in _GROUP_KINDS
    ]
    for i in anchors[: max(1, len(slots) // 250)]:  # groups across borders
        base = _base(slots[i].kind)
        hosts = [j for j, h in enumerate(slots) if h.group < 0 and h.country.foreign_fmt and _base(h.kind) == base]
        if not hosts:
            continue
        slots[i].group = n_groups
        for j in rng.sample(hosts, min(len(hosts), rng.randint(2, 4))):
            slots[j].group = n_groups
            slots[j].foreign_brand = "*"  # filled in once the anchor is named
        n_groups += 1
    return n_groups


def _jitter(rng: random.Random, value: float, spread: float) -> float:
    return round(value + rng.uniform(-spread, spread), 5)


def _products(rng: random.Random, k: Kind) -> tuple[str, ...]:
    info = KINDS[_base(k)]
    items = k.items or info.items
    goods: list[str] = [rng.choice(k.goods)] if k.goods else []
    lo, hi = info.n_items
    n = rng.randint(max(lo, 0 if goods else 1), max(hi, 0 if goods else 1))
    return tuple(goods + rng.sample(list(items), min(n, len(items))))


def _lei(rng: random.Random) -> str:
    chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    body = "DEMO00" + "".join(rng.choice(chars) for _ in range(12))
    return body + mod_97_10.calc_check_digits(body)  # ISO 17442's check digits


def _make_site(rng: random.Random, key: str, s: _Slot, named: _Named, supplier_key: str) -> DemoSite:
    info = KINDS[_base(s.kind)]
    lo, hi = s.kind.workers or info.workers
    workers = int(math.exp(rng.uniform(math.log(lo), math.log(hi))))
    workers = workers if workers < 100 else round(workers, -1)
    city = _pair(s.city.name, s.country.fold)
    return DemoSite(
        key=key,
        name=named.name[0],
        name_latin=named.name[1],
        address=named.address[0],
        address_latin=named.address[1],
        postal_code=named.postcode,
        city=city[1],
        city_local=city[0],
        subdivision=s.city.subdivision,
        country=s.country.code,
        lat=_jitter(rng, s.city.lat, info.spread),
        lng=_jitter(rng, s.city.lng, info.spread),
        sector=info.sector,
        kind=_base(s.kind),
        facility_type=rng.choice(info.facilities),
        products=_products(rng, s.kind),
        workers=workers,
        female_share=round(rng.uniform(*info.female), 2),
        supplier_key=supplier_key,
        duns=f"{rng.randint(10**8, 10**9 - 1)}" if rng.random() < 0.3 else None,
        lei=_lei(rng) if rng.random() < 0.1 else None,
    )


def _build_sites(rng: random.Random, slots: list[_Slot], n_groups: int) -> tuple[list[DemoSite], list[DemoOrg]]:
    builder = _Builder(rng)
    width = max(4, len(str(len(slots))))
    groups: list[list[int]] = [[] for _ in range(n_groups)]
    for i, s in enumerate(slots):
        if s.group >= 0:
            groups[s.group].append(i)
    named: dict[int, _Named] = {}
    supplier_of: dict[int, int] = {}
    suppliers: list[tuple[str, str, str, str, list[int]]] = []  # name, local, country, domain, sites
    domains: set[str] = set()

    def new_supplier(name: str, local: str, country: str, stem: str, idx: list[int]) -> None:
        domain, n = f"{stem}.example", 2
        while domain in domains:
            domain, n = f"{stem}-{n}.example", n + 1
        domains.add(domain)
        for i in idx:
            supplier_of[i] = len(suppliers)
        suppliers.append((name, local, country, domain, idx))

    for i, s in enumerate(slots):
        if i in named:
            continue
        if s.group < 0:
            named[i], _ = builder.site(s)
            nm = named[i]
            new_supplier(nm.name[1], nm.name[0], s.country.code, nm.domain_stem, [i])
            continue
        group = groups[s.group]
        anchor = next(j for j in group if not slots[j].foreign_brand)
        named[anchor], choice = builder.site(slots[anchor])
        for j in group:
            if j == anchor:
                continue
            if slots[j].foreign_brand:
                slots[j].foreign_brand = named[anchor].trade_latin
                named[j], _ = builder.site(slots[j])
            else:
                named[j], _ = builder.site(slots[j], choice)
        home = slots[anchor].country
        trade = (named[anchor].trade_local, named[anchor].trade_latin)
        gname = _fill(home.group_fmt, {"trade": trade})
        new_supplier(gname[1], gname[0], home.code, _slug(f"{trade[1]} group"), group)

    sup_keys = [f"sup-{n + 1:0{width}d}" for n in range(len(suppliers))]
    sites = [
        _make_site(rng, f"site-{i + 1:0{width}d}", s, named[i], sup_keys[supplier_of[i]]) for i, s in enumerate(slots)
    ]
    orgs = [
        DemoOrg(
            key=sup_keys[n],
            kind="supplier",
            name=name,
            name_local=local if local != name else "",
            country=country,
            domain=domain,
            site_keys=tuple(sites[i].key for i in sorted(idx)),
        )
        for n, (name, local, country, domain, idx) in enumerate(suppliers)
    ]
    return sites, orgs


# ------------------------------------------------------------------------- links
_SPEND_WEIGHTS = {
    ("large", 1): (5, 25, 45, 25),
    ("large", 2): (30, 40, 25, 5),
    ("sme", 1): (25, 50, 22, 3),
    ("sme", 2): (55, 35, 10, 0),
}


def _link(rng: random.Random, member: DemoOrg, site: DemoSite, tier: int) -> DemoLink:
    spend = _SPEND_WEIGHTS[(member.size, min(tier, 2))]
    products = tuple(rng.sample(list(site.products), rng.randint(1, len(site.products))))
    return DemoLink(
        member_key=member.key,
        site_key=site.key,
        tier=tier,
        products=products,
        spend_band=rng.choices(SPEND_BANDS, spend)[0],
        start_date=date(rng.randint(2008, 2025), rng.randint(1, 12), rng.randint(1, 28)),
        active=rng.random() > 0.06,
    )


def _build_links(
    rng: random.Random, members: list[DemoOrg], sites: list[DemoSite]
) -> tuple[list[DemoLink], list[DemoSiteEdge]]:
    """Member-site links (shared suppliers on purpose) and site-to-site edges.

    Popular sites get picked by several members. Sites that no member picked are
    given to the eligible member with most room left below its maximum, unless they
    already supply a linked site.
    """
    pop = [rng.lognormvariate(0.0, 0.9) * (s.workers / 500) ** 0.25 for s in sites]
    specs = {m.key: m for m in MEMBERS}
    sources = {m.key: {k: (w, t) for k, w, t in specs[m.key].sources} for m in members}
    links: list[DemoLink] = []
    linked: set[int] = set()
    count = dict.fromkeys(sources, 0)
    for member in members:
        src = sources[member.key]
        cands = [i for i, s in enumerate(sites) if s.kind in src]
        lo, hi = specs[member.key].n_links
        n = min(rng.randint(lo, (lo + hi) // 2), int(len(cands) * 0.85))
        weights = [pop[i] * src[sites[i].kind][0] for i in cands]
        for i in sorted(_weighted_sample(rng, cands, weights, n)):
            links.append(_link(rng, member, sites[i], src[sites[i].kind][1]))
            linked.add(i)
        count[member.key] = n

    by_kind: dict[str, list[int]] = {}
    for i, s in enumerate(sites):
        by_kind.setdefault(s.kind, []).append(i)
    edges: list[DemoSiteEdge] = []
    seen: set[tuple[int, int]] = set()
    for i, s in enumerate(sites):
        upstream = [j for kind in KINDS[s.kind].upstream for j in by_kind.get(kind, [])]
        if not upstream or rng.random() > 0.35:
            continue
        local = [j for j in upstream if sites[j].country == s.country]
        pool = local if local and rng.random() < 0.8 else upstream
        for j in _weighted_sample(rng, pool, [pop[j] for j in pool], rng.randint(1, 2)):
            if (i, j) not in seen:
                seen.add((i, j))
                edges.append(DemoSiteEdge(s.key, sites[j].key, (sites[j].products[0],)))
                if i in linked:
                    linked.add(j)

    eligible_for = {k: [m for m in members if k in sources[m.key]] for k in KINDS}
    scarce_first = sorted(range(len(sites)), key=lambda i: (len(eligible_for[sites[i].kind]), i))
    for i in scarce_first:  # nearly every site is known to some member
        s = sites[i]
        eligible = eligible_for[s.kind]
        room = [specs[m.key].n_links[1] - count[m.key] for m in eligible]
        if i in linked or max(room, default=0) <= 0:
            continue
        member = rng.choices(eligible, [max(r, 0) for r in room])[0]
        links.append(_link(rng, member, s, sources[member.key].get(s.kind, (0, 1))[1]))
        count[member.key] += 1
    order = {m.key: n for n, m in enumerate(members)}
    links.sort(key=lambda link: (order[link.member_key], link.site_key))
    return links, edges


# ------------------------------------------------------------------------- users
def _person(rng: random.Random, country: str) -> tuple[str, str, str]:
    given, family, _lang = PEOPLE[country]
    g, f = rng.choice(given), rng.choice(family)
    family_first = country in ("CN", "TW", "KR", "JP", "VN", "KH", "HK")
    name = f"{f} {g}" if family_first else f"{g} {f}"
    local_part = f"{_slug(g).replace('-', '')}.{_slug(f).replace('-', '')}"
    return name, local_part, _lang


def _build_users(
    rng: random.Random,
    secretariat: DemoOrg,
    members: list[DemoOrg],
    suppliers: list[DemoOrg],
    others: list[DemoOrg],
) -> list[DemoUser]:
    plan: list[tuple[DemoOrg, str]] = [
        (secretariat, role) for role in ("coordinator", "officer", "grievance_handler", "analyst")
    ]
    plan += [(members[0], "admin"), (members[0], "editor"), (members[0], "viewer")]
    plan += [(m, "admin") for m in members[1:]]
    plan += [(s, "admin") for s in suppliers[:10]]
    plan += [(o, "admin") for o in others]
    users: list[DemoUser] = []
    emails: set[str] = set()
    for n, (org, role) in enumerate(plan):
        name, local_part, lang = _person(rng, org.country)
        email, k = f"{local_part}@{org.domain}", 2
        while email in emails:
            email, k = f"{local_part}{k}@{org.domain}", k + 1
        emails.add(email)
        users.append(DemoUser(f"user-{n + 1:03d}", org.key, role, name, email, lang))
    return users


# ------------------------------------------------------------------- entry point
def generate_sector(seed: int = 2026, n_sites: int = 2000) -> DemoSector:
    """The whole demo sector for ``seed``; ``n_sites`` production sites."""
    rng = random.Random(seed)
    slots = _plan(rng, n_sites)
    n_groups = _group(rng, slots)
    sites, suppliers = _build_sites(rng, slots, n_groups)
    orgs = [
        DemoOrg(o.key, o.kind, o.name, o.country, o.domain, description=o.description, branch_members=tuple(o.members))
        for o in ORGS
    ]
    secretariat = next(o for o in orgs if o.kind == "secretariat")
    members = [
        DemoOrg(m.key, "member", m.name, m.country, m.domain, m.size, description=m.description) for m in MEMBERS
    ]
    links, edges = _build_links(rng, members, sites)
    audit_firms = [o for o in orgs if o.kind == "audit_firm"]
    csos = [o for o in orgs if o.kind == "cso"]
    branches = [o for o in orgs if o.kind == "branch_association"]
    unions = [o for o in orgs if o.kind == "trade_union"]
    users = _build_users(rng, secretariat, members, suppliers, audit_firms + csos + branches + unions)
    return DemoSector(
        seed=seed,
        secretariat=secretariat,
        members=tuple(members),
        suppliers=tuple(suppliers),
        audit_firms=tuple(audit_firms),
        csos=tuple(csos),
        sites=tuple(sites),
        links=tuple(links),
        site_edges=tuple(edges),
        users=tuple(users),
        branch_associations=tuple(branches),
        unions=tuple(unions),
    )


# ---------------------------------------------------------------- member uploads
_BY_CODE = {c.code: c for c in COUNTRIES}
_ALIASES = {_fold(n).casefold(): c.code for c in COUNTRIES for n in (c.code, *c.names)}
_LEGAL = sorted(((v, g) for g in LEGAL_VARIANTS for v in g if v), key=lambda vg: (-len(vg[0]), vg[0]))
_SPLIT = re.compile(r"\s*[,，、،፣၊]\s*")
_TYPO_LETTERS = "aeiourstnlmhc"


def country_code(text: str) -> str | None:
    """The ISO code for a country as written in a noisy row (code or any known name)."""
    return _ALIASES.get(_fold(text).casefold().strip())


def _vary_legal(name: str, rng: random.Random) -> str:
    for prefix_group in NAME_PREFIXES:
        prefix = next((p for p in prefix_group if p and name.startswith(p)), None)
        if prefix is not None:
            return rng.choice(prefix_group) + name[len(prefix) :]
    for variant, group in _LEGAL:
        at = name.rfind(variant)
        if at > 0 and at + len(variant) >= len(name) - 1:  # at or near the end
            other = "" if rng.random() < 0.25 else rng.choice(group)
            return _clean(name[:at] + other + name[at + len(variant) :])
    return name


def _abbreviate(name: str, rng: random.Random) -> str:
    options = [(long, short) for long, short in ABBREVIATIONS if long in name]
    if not options:
        return name
    long, short = rng.choice(options)
    return name.replace(long, short, 1)


def _typo(text: str, rng: random.Random) -> str:
    for _ in range(rng.choice((1, 1, 2))):
        spots = [i for i, ch in enumerate(text) if ch.isalpha()]
        if len(spots) < 4:
            break
        i = rng.choice(spots[1:-1])
        op = rng.randrange(4)
        if op == 0:
            text = text[:i] + text[i + 1 :]
        elif op == 1:
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        elif op == 2:
            text = text[:i] + text[i] + text[i:]
        elif text[i].isascii():
            text = text[:i] + rng.choice(_TYPO_LETTERS) + text[i + 1 :]
    return text


def _vary_address(address: str, rng: random.Random) -> str:
    parts = _SPLIT.split(address)
    found = _SPLIT.search(address)
    sep = found.group().strip() + " " if found else ", "
    r = rng.random()
    if r < 0.3 and len(parts) >= 3:
        del parts[rng.randrange(1, len(parts))]
    elif r < 0.4 and len(parts) >= 3:
        parts = parts[-2:]
    elif r < 0.5:
        parts = [re.sub(r"^[^\s]*?省", "", p) for p in parts]  # Chinese: drop the province
        parts = [re.sub(r"(?<!\S)\d{5,6}(?!\S)", "", p) for p in parts]  # drop postcodes
    text = sep.join(p for p in (p.strip() for p in parts) if p)
    return text.upper() if rng.random() < 0.05 else text


def noisy_variant(site: DemoSite, rng: random.Random) -> dict[str, str]:
    """The site as a member would type it into its own supplier list.

    Keys: ``name``, ``address``, ``country``, ``products``. The country is always
    the site's (as an ISO code or a name in English, Dutch or the local language),
    and the row always differs somewhere from both of the site's own spellings.
    """
    local = site.name != site.name_latin and rng.random() < 0.25
    name = site.name if local else site.name_latin
    address = site.address if local and rng.random() < 0.8 else site.address_latin
    if rng.random() < 0.6:
        name = _vary_legal(name, rng)
    if not local and rng.random() < 0.3:
        name = _abbreviate(name, rng)
    if rng.random() < 0.06:
        name += rng.choice(SUFFIXES)
    if rng.random() < 0.15:
        name = _typo(name, rng)
    if not local and rng.random() < 0.1:
        name = name.upper()
    address = _vary_address(address, rng)
    country = site.country
    if rng.random() < 0.3:
        country = rng.choice(_BY_CODE[site.country].names)
    elif rng.random() < 0.03:
        country = country.lower()
    unchanged = (name, address) in ((site.name, site.address), (site.name_latin, site.address_latin))
    if unchanged and country == site.country:
        forced = _vary_legal(name, rng)
        name = forced if forced != name else name + rng.choice(SUFFIXES)
    products = site.products if rng.random() < 0.7 else site.products[:1]
    return {"name": name, "address": address, "country": country, "products": "; ".join(products)}


def member_supplier_list(sector: DemoSector, member_key: str, seed: int = 0) -> list[dict[str, str]]:
    """The rows a member would upload for its active links, in its own spelling.

    Also about 3 % rows for sites not in the register (made the same way as the
    register's sites), and three bad rows: one without a name, one in the unknown
    country "Atlantis" and an exact duplicate of another row. Keys of every row:
    ``name, address, country, products, tier, spend_band``.
    """
    rng = random.Random(f"{sector.seed}/{member_key}/{seed}")
    by_key = {s.key: s for s in sector.sites}
    rows: list[dict[str, str]] = []
    for link in sector.links:
        if link.member_key != member_key or not link.active:
            continue
        row = noisy_variant(by_key[link.site_key], rng)
        row["products"] = "; ".join(link.products)
        rows.append(row | {"tier": str(link.tier), "spend_band": link.spend_band})
    if not rows:
        return rows
    builder = _Builder(rng, {n.casefold() for s in sector.sites for n in (s.name, s.name_latin)})
    countries = sorted({by_key[link.site_key].country for link in sector.member_links(member_key)})
    bases = tuple(k for k, _, _ in next(m for m in MEMBERS if m.key == member_key).sources)
    for n in range(max(1, round(len(rows) * 0.03))):
        slot = _slot(rng, _BY_CODE[rng.choice(countries)], bases)
        named, _ = builder.site(slot)
        site = _make_site(rng, f"new-{n + 1:03d}", slot, named, "")
        row = noisy_variant(site, rng)
        tier = str(KINDS[site.kind].stage)
        rows.append(row | {"tier": tier, "spend_band": rng.choice(SPEND_BANDS[:2])})
    good = list(rows)
    rows.append(dict(rng.choice(good), name=""))
    rows.append(dict(rng.choice(good), country="Atlantis"))
    rows.append(dict(rng.choice(good)))
    rng.shuffle(rows)
    return rows
