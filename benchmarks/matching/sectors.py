"""Labelled multi-sector benchmark data built from public lists we did not write.

Sectors (files and licences in ``data/SOURCES.md``):

* ``meat``: USDA FSIS Meat, Poultry and Egg Product Inspection Directory (US slaughter,
  processing, cold-storage and seafood establishments; street addresses; companies with
  several establishments are real sister sites).
* ``coffee``: farms and mills of the Coffee Quality Institute's graded lots (farm name,
  region, country; 30 countries, Spanish/Portuguese/Amharic/Indonesian names).
* ``mining``: mines, smelters and refineries of the ICMM global mining dataset (name,
  country, coordinates; no street address).

Labelled rows (``Row``): a member's rendering of a registered facility (label: its id),
a rendering of an unregistered facility (label: ``None``), and two kinds of hard
negatives (label ``None``):

* ``word_swap``: one distinctive word of a registered name replaced by another real
  word of the same sector's names, at the *same* address/coordinates
  ("Silver Moon Tea ..." vs "Blue Moon Tea ...");
* ``sister_real``: an unregistered establishment of a company that has another,
  registered establishment (FSIS; its own real address);
* ``sister_moved``: a registered name at another real facility's address (same country,
  and same state in the US).

The noise (``variant``) is sector-neutral and uses only the word lists in this file,
never the matcher's: case, punctuation, legal forms, typos, address abbreviations (US
postal style), dropped address parts, accents, spacing, the country appended to the
address, a leading/trailing sector word dropped.
"""

from __future__ import annotations

import csv
import random
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from covenant.matching import Record

DATA = Path(__file__).resolve().parent / "data"

_FILES = {
    "meat": DATA / "fsis_mpi" / "mpi_directory_subset.csv",
    "coffee": DATA / "cqi_coffee" / "coffee_farms.csv",
    # Not in the repository: the copy we found states no licence (data/SOURCES.md says where it
    # is and how to put it here). The sector is benchmarked when the file is present.
    "mining": DATA / "icmm_mining" / "mining_assets_subset.csv",
}
SECTORS = tuple(sector for sector, path in _FILES.items() if path.exists())


@dataclass(frozen=True)
class Row:
    record: Record
    label: str | None  # registered facility id, or None (must not be matched)
    kind: str  # true | unregistered | word_swap | sister_real | sister_moved
    sector: str
    source_id: str  # the facility the row was made from


# ------------------------------------------------------------------ loading
_COUNTRY_FIX = {
    "tanzania, united republic of": "TZ",
    "united states (hawaii)": "US",
    "united states (puerto rico)": "PR",
    "cote d?ivoire": "CI",
    "cote d'ivoire": "CI",
    "democratic republic of the congo": "CD",
    "republic of the congo": "CG",
    "laos": "LA",
    "vietnam": "VN",
    "russia": "RU",
    "iran": "IR",
    "bolivia": "BO",
    "venezuela": "VE",
    "south korea": "KR",
    "north korea": "KP",
    "turkey": "TR",
    "syria": "SY",
    "kosovo": "XK",
}


def country_code(value: str) -> str | None:
    import pycountry

    v = value.strip()
    if not v:
        return None
    fixed = _COUNTRY_FIX.get(v.lower())
    if fixed:
        return fixed if fixed != "XK" else None
    try:
        return str(pycountry.countries.lookup(v).alpha_2)
    except LookupError:
        try:
            return str(pycountry.countries.search_fuzzy(v)[0].alpha_2)
        except LookupError:
            return None


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", _strip_accents(name).lower()).strip()


def _site_key(address: str) -> tuple[str, str]:
    """(house number, 5-digit postcode): two rows with both equal are one site."""
    number = re.search(r"\d+", address)
    zips = re.findall(r"\b\d{5}\b", address)
    return (number.group(0) if number else "", zips[-1] if zips else "")


def load_sector(sector: str) -> list[Record]:
    """Facilities of one sector, stable ids.

    Rows the source lists twice are dropped: in meat, the same house number and
    postcode under a similar name (one establishment number per inspection grant); in
    coffee, the same farm name in the same country (a farm is graded through several
    mills); in mining, the same name within ~1 km.
    """
    from rapidfuzz import fuzz

    out: list[Record] = []
    seen: set[tuple[str, str, str]] = set()
    at_site: dict[tuple[str, str], list[str]] = defaultdict(list)

    def add(name: str, address: str, cc: str | None, lat: float | None = None, lng: float | None = None) -> None:
        name = " ".join(name.split())
        address = " ".join(address.split())
        if not cc or len(re.sub(r"[^A-Za-z]", "", name)) < 3:
            return
        if sector == "coffee":
            k = (cc, _key(name), "")
        elif sector == "mining":
            k = (cc, _key(name), f"{round(lat or 0, 2)},{round(lng or 0, 2)}")
        else:
            k = (cc, _key(name), _key(address))
        if k in seen:
            return
        if sector == "meat":
            site = _site_key(address)
            bare = _key(_LEGAL_TAIL.sub("", name))
            if any(fuzz.token_set_ratio(bare, other) >= 85 for other in at_site[site]):
                return
            at_site[site].append(bare)
        seen.add(k)
        out.append(
            Record(id=f"{sector[:2].upper()}{len(out):05d}", name=name, address=address, country=cc, lat=lat, lng=lng)
        )

    if sector == "meat":
        with open(_FILES["meat"], encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                zip5 = r["zip"].zfill(5) if r["zip"].isdigit() else r["zip"]
                add(r["company"], f"{r['street']}, {r['city']}, {r['st']} {zip5}", "US")
    elif sector == "coffee":
        junk = {"various", "several", "n/a", "na", "none", "unknown", "unkown", "-", "various farms", "yes", "no"}
        with open(_FILES["coffee"], encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                name = r["farm_name"] if r["farm_name"].lower() not in junk else ""
                if not name:
                    continue
                region = r["region"] if r["region"].lower() not in junk else ""
                mill = r["mill"] if r["mill"].lower() not in junk and _key(r["mill"]) != _key(name) else ""
                address = ", ".join(p for p in (mill, region) if p)
                add(name, address, country_code(r["country"]))
    elif sector == "mining":
        with open(_FILES["mining"], encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                add(r["name"], "", country_code(r["country"]), float(r["lat"]), float(r["lng"]))
    else:
        raise ValueError(sector)
    return out


# -------------------------------------------------------------------- noise
# Our own lists (not the matcher's): common legal forms and US postal abbreviations.
_LEGAL = [
    "Inc.",
    "Inc",
    "LLC",
    "L.L.C.",
    "Ltd.",
    "Limited",
    "Co.",
    "Company",
    "Corp.",
    "Corporation",
    "S.A.",
    "SA",
    "Ltda",
    "PLC",
    "GmbH",
    "S.A. de C.V.",
    "Pty Ltd",
    "LP",
]
_LEGAL_TAIL = re.compile(
    r"[,\s]+(inc\.?|llc|l\.l\.c\.|ltd\.?|limited|co\.?|company|corp\.?|corporation|s\.?a\.?|ltda\.?|plc|"
    r"gmbh|s\.a\. de c\.v\.|pty\.? ltd\.?|lp|l\.p\.)$",
    re.IGNORECASE,
)
_ADDR_ABBR = [
    ("Street", "St."),
    ("Road", "Rd"),
    ("Avenue", "Ave"),
    ("Highway", "Hwy"),
    ("Drive", "Dr."),
    ("Boulevard", "Blvd"),
    ("North", "N."),
    ("South", "S."),
    ("East", "E."),
    ("West", "W."),
    ("Suite", "Ste"),
    ("Route", "Rte"),
    ("Lane", "Ln"),
    ("Parkway", "Pkwy"),
    ("Court", "Ct"),
    ("Place", "Pl"),
]
# Words a member's list often leaves out of a site's name.
# (prefixes, suffixes)
_SECTOR_WORDS = {
    "meat": ([], ["Foods", "Meats", "Company", "Processing", "Packing", "Plant"]),
    "coffee": (["Finca", "Hacienda", "Fazenda"], ["Farm", "Estate", "Coffee Estate", "Plantation"]),
    "mining": ([], ["Mine", "Project", "Operation", "Mining Project"]),
}
_COUNTRY_NAMES = {"US": ["USA", "United States", "U.S.A."], "BR": ["Brasil", "Brazil"], "MX": ["Mexico", "México"]}


def _country_name(cc: str) -> list[str]:
    import pycountry

    if cc in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[cc]
    c = pycountry.countries.get(alpha_2=cc)
    return [getattr(c, "common_name", None) or c.name] if c else [cc]


def _strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(4)
    letters = "aeioulnrst"
    if op == 0:
        return word[:i] + word[i + 1 :]
    if op == 1:
        return word[:i] + rng.choice(letters) + word[i:]
    if op == 2:
        return word[:i] + rng.choice([c for c in letters if c != word[i].lower()]) + word[i + 1 :]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def variant(
    rec: Record, rng: random.Random, sector: str, *, new_id: str, strength: int, keep_address: bool = False
) -> Record:
    """A member-list rendering of ``rec`` with ``strength`` kinds of noise."""
    name, address = rec.name, rec.address
    ops = [
        "case",
        "punct",
        "legal",
        "typo",
        "abbrev",
        "drop_addr",
        "addr_typo",
        "accents",
        "spacing",
        "country",
        "word",
    ]
    weights = [3, 2, 3, 2, 3, 0 if keep_address else 3, 1, 1, 1, 1, 2]
    chosen: set[str] = set()
    while len(chosen) < strength:
        chosen.add(rng.choices(ops, weights)[0])
    for op in sorted(chosen):
        if op == "legal":
            m = _LEGAL_TAIL.search(name)
            if m and rng.random() < 0.5:
                name = name[: m.start()]
            else:
                base = name[: m.start()] if m else name
                name = f"{base}{rng.choice([' ', ', '])}{rng.choice(_LEGAL)}"
        elif op == "typo":
            words = name.split()
            pos = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
            if pos:
                i = rng.choice(pos)
                words[i] = typo(words[i], rng)
                name = " ".join(words)
        elif op == "abbrev" and address:
            for full, short in _ADDR_ABBR:
                if rng.random() < 0.7:
                    address = re.sub(rf"\b{full}\b", short, address, flags=re.IGNORECASE)
                else:
                    address = re.sub(rf"\b{re.escape(short)}(?=[\s,]|$)", full, address)
        elif op == "drop_addr" and address:
            parts = [p.strip() for p in address.split(",") if p.strip()]
            r = rng.random()
            if r < 0.15:
                address = ""
            elif len(parts) > 1:
                del parts[rng.randrange(len(parts))]
                address = ", ".join(parts)
            else:
                address = re.sub(r"\s*\b\d{5}\b", "", address)
        elif op == "addr_typo" and address:
            words = address.split()
            pos = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
            if pos:
                i = rng.choice(pos)
                words[i] = typo(words[i], rng)
                address = " ".join(words)
        elif op == "accents":
            name, address = _strip_accents(name), _strip_accents(address)
        elif op == "spacing":
            words = name.split()
            if len(words) >= 2:
                i = rng.randrange(len(words) - 1)
                joiner = rng.choice(["", "-"])
                words[i : i + 2] = [words[i] + joiner + words[i + 1]]
                name = " ".join(words)
        elif op == "country" and address:
            address = f"{address}, {rng.choice(_country_name(rec.country))}"
        elif op == "word":
            words = name.split()
            prefixes, suffixes = _SECTOR_WORDS[sector]
            pre = {w.lower() for w in prefixes}
            suf = {w.lower() for w in suffixes}
            if len(words) > 2 and words[0].lower() in pre:
                name = " ".join(words[1:])
            elif len(words) > 2 and words[-1].lower().strip(".,") in suf:
                name = " ".join(words[:-1])
            elif prefixes and rng.random() < 0.5:
                name = f"{rng.choice(prefixes)} {name}"
            else:
                name = f"{name} {rng.choice(suffixes)}"
    for op in ("case", "punct"):
        if op in chosen:
            if op == "case":
                r = rng.random()
                if r < 0.4:
                    name, address = name.upper(), address.upper()
                elif r < 0.7:
                    name, address = name.lower(), address.lower()
                else:
                    name, address = name.title(), address.title()
            else:
                if "&" in name and rng.random() < 0.5:
                    name = name.replace("&", "and")
                else:
                    name = re.sub(r"[.,']", "", name)
                    address = re.sub(r"[.,]", " ", address)
    lat = lng = None
    if rec.lat is not None and rec.lng is not None and rng.random() < 0.5:
        lat = rec.lat + rng.gauss(0, 0.003)
        lng = rec.lng + rng.gauss(0, 0.003)
    return replace(
        rec, id=new_id, name=" ".join(name.split()), address=" ".join(address.split()), lat=lat, lng=lng, aliases=()
    )


# ----------------------------------------------------------- hard negatives
_LEGALISH = {
    "inc",
    "llc",
    "ltd",
    "limited",
    "co",
    "company",
    "corp",
    "corporation",
    "sa",
    "ltda",
    "plc",
    "gmbh",
    "pty",
    "lp",
    "de",
    "cv",
    "the",
    "and",
    "of",
    "la",
    "el",
    "los",
    "las",
    "del",
    "da",
    "do",
    "dos",
}


def _distinctive_vocab(records: list[Record]) -> tuple[Counter[str], list[str]]:
    df: Counter[str] = Counter()
    for r in records:
        df.update({w.lower() for w in re.findall(r"[^\W\d_]{3,}", r.name)})
    rare = sorted(w for w, n in df.items() if n <= 2 and w not in _LEGALISH)
    return df, rare


def word_swap(rec: Record, rng: random.Random, df: Counter[str], rare: list[str], taken: set[str]) -> Record | None:
    """The same site's address with one distinctive word of the name replaced."""
    words = rec.name.split()
    if len(words) < 2:
        return None
    pos = []
    for i, w in enumerate(words):
        core = re.sub(r"[^\w]", "", w).lower()
        if len(core) >= 3 and core.isalpha() and core not in _LEGALISH and df[core] <= 2:
            pos.append(i)
    if not pos:
        return None
    i = rng.choice(pos)
    old = re.sub(r"[^\w]", "", words[i])
    for _ in range(30):
        new = rng.choice(rare)
        if new == old.lower() or abs(len(new) - len(old)) > 3 or new in (w.lower() for w in words):
            continue
        cased = new.upper() if old.isupper() else new.title() if old[:1].isupper() else new
        swapped = words.copy()
        swapped[i] = words[i].replace(old, cased)
        name = " ".join(swapped)
        if _key(name) in taken:
            continue
        return replace(rec, name=name, aliases=())
    return None


# ------------------------------------------------------------------ dataset
def _elsewhere(a: Record, b: Record) -> bool:
    """Surely another site: another house number or postcode (meat), no shared place
    word (coffee regions and mills), or coordinates more than ~5 km apart (mining)."""
    if a.address and b.address:
        if re.search(r"\d", a.address) and re.search(r"\d", b.address):
            return _site_key(a.address) != _site_key(b.address)
        wa = set(re.findall(r"[a-z]{4,}", _key(a.address)))
        wb = set(re.findall(r"[a-z]{4,}", _key(b.address)))
        return not wa & wb
    if a.address or b.address:
        return False
    if a.lat is None or b.lat is None or a.lng is None or b.lng is None:
        return False
    return abs(a.lat - b.lat) + abs(a.lng - b.lng) > 0.05


def sector_dataset(sector: str, seed: int, *, holdout: float = 0.2) -> tuple[list[Record], list[Row]]:
    """Register facilities and labelled rows of one sector for one seed."""
    from rapidfuzz import fuzz

    rng = random.Random(f"{sector}:{seed}")
    facilities = load_sector(sector)
    order = facilities.copy()
    rng.shuffle(order)
    n_out = int(len(order) * holdout)
    held = order[:n_out]
    registered = order[n_out:]
    reg_ids = {r.id for r in registered}
    taken = {_key(r.name) for r in facilities}
    df, rare = _distinctive_vocab(facilities)
    by_company: dict[str, list[Record]] = defaultdict(list)
    for r in facilities:
        by_company[_key(_LEGAL_TAIL.sub("", r.name))].append(r)
    by_area: dict[str, list[Record]] = defaultdict(list)
    for r in facilities:
        area = r.country + (
            ":" + r.address.rsplit(",", 1)[-1].split()[0] if sector == "meat" and "," in r.address else ""
        )
        by_area[area].append(r)

    rows: list[Row] = []

    def row(rec: Record, label: str | None, kind: str, src: Record) -> None:
        rows.append(Row(rec, label, kind, sector, src.id))

    def strength() -> int:
        return rng.choices((1, 2, 3), (3, 5, 2))[0]

    n = 0
    for r in registered:
        row(variant(r, rng, sector, new_id=f"q{sector}{n}", strength=strength()), r.id, "true", r)
        n += 1
    for r in held:
        sibs = [s for s in by_company[_key(_LEGAL_TAIL.sub("", r.name))] if s.id != r.id and s.id in reg_ids]
        if sibs and not all(_elsewhere(s, r) for s in sibs):
            continue  # the source lists one site twice under a company name: no clear label
        if not sibs:
            row(variant(r, rng, sector, new_id=f"q{sector}{n}", strength=strength()), None, "unregistered", r)
        elif rng.random() < 0.5:
            # A sister site as its own list writes it: its name and address, light noise at most.
            row(replace(r, id=f"q{sector}{n}", aliases=()), None, "sister_real", r)
        else:
            row(variant(r, rng, sector, new_id=f"q{sector}{n}", strength=1, keep_address=True), None, "sister_real", r)
        n += 1
    for r in rng.sample(registered, k=min(len(registered), max(40, len(registered) * 2 // 5))):
        swapped = word_swap(r, rng, df, rare, taken)
        if swapped is None:
            continue
        if rng.random() < 0.5:
            swapped = replace(swapped, name=swapped.name.upper(), address=swapped.address.upper())
        row(replace(swapped, id=f"q{sector}{n}"), None, "word_swap", r)
        n += 1
    for r in rng.sample(registered, k=min(len(registered), max(30, len(registered) // 4))):
        area = r.country + (
            ":" + r.address.rsplit(",", 1)[-1].split()[0] if sector == "meat" and "," in r.address else ""
        )
        bare = _key(_LEGAL_TAIL.sub("", r.name))
        others = [
            o
            for o in by_area[area]
            if o.id != r.id and _elsewhere(o, r) and fuzz.token_set_ratio(bare, _key(_LEGAL_TAIL.sub("", o.name))) < 85
        ]
        if not others:
            continue
        other = rng.choice(others)
        moved = replace(r, id=f"q{sector}{n}", address=other.address, lat=other.lat, lng=other.lng, aliases=())
        row(moved, None, "sister_moved", r)
        n += 1
    return registered, rows
