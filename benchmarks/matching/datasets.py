"""Benchmark data: real facility lists, realistic supplier-list noise, synthetic scale.

* ``load_real()`` reads the Open Apparel Registry fixture lists saved under
  ``data/oar/`` (see ``data/SOURCES.md``), maps country names to ISO codes and
  drops exact duplicates (same normalised name in the same country).
* ``noisy(rec, rng)`` rewrites a row the way members' supplier lists differ
  from the register: legal forms changed or dropped, abbreviations, typos, word
  order, missing address parts and postal codes, casing/punctuation, extra
  words, local script (Chinese characters, Vietnamese diacritics, Thai legal
  forms).
* ``near_miss(...)`` makes true non-matches that look like matches: a similar
  name of a different company in the same country, or a sister site of the same
  company at another address.
* ``synthetic_registry(n, seed)`` recombines real name and address parts per
  country into ``n`` plausible facilities (for scale tests only).
"""

from __future__ import annotations

import csv
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from covenant.matching import Record
from covenant.matching.normalize import NAME_GENERIC, name_tokens

DATA = Path(__file__).resolve().parent / "data"

_COUNTRY_ALIASES = {
    "usa": "US",
    "united states": "US",
    "vietnam": "VN",
    "viet nam": "VN",
    "china": "CN",
    "taiwan": "TW",
    "turkey": "TR",
    "south korea": "KR",
    "korea": "KR",
    "russia": "RU",
    "iran": "IR",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "laos": "LA",
    "moldova": "MD",
    "czech republic": "CZ",
    "macedonia": "MK",
    "syria": "SY",
}


def _country_code(value: str) -> str | None:
    import pycountry

    v = value.strip()
    if not v:
        return None
    if len(v) == 2 and pycountry.countries.get(alpha_2=v.upper()) is not None:
        return v.upper()
    alias = _COUNTRY_ALIASES.get(v.lower())
    if alias:
        return alias
    try:
        return str(pycountry.countries.lookup(v).alpha_2)
    except LookupError:
        return None


def load_real() -> list[Record]:
    """Real facilities from the saved lists, deduplicated, with stable ids."""
    out: list[Record] = []
    seen: set[tuple[str, str]] = set()
    for path in sorted((DATA / "oar").glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                cc = _country_code(row.get("country", ""))
                name = (row.get("name") or "").strip()
                address = (row.get("address") or "").replace("□", " ").strip()
                if not cc or not name:
                    continue
                key = (cc, " ".join(name_tokens(name)))
                if key in seen:
                    continue
                seen.add(key)
                lat = _float(row.get("lat"))
                lng = _float(row.get("lng"))
                out.append(
                    Record(
                        id=f"R{len(out):05d}",
                        name=name,
                        address=address,
                        country=cc,
                        lat=lat,
                        lng=lng,
                    )
                )
    return out


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


# --------------------------------------------------------------------- noise
_LEGAL_VARIANTS = [
    "Co., Ltd.",
    "Co Ltd",
    "CO.,LTD",
    "Company Limited",
    "Limited",
    "Ltd.",
    "Ltd",
    "",
    "Co. Ltd",
    "Corp.",
    "Inc.",
]
_LEGAL_RE = re.compile(
    r"\b(co\.?,?\s*ltd\.?|company limited|limited|ltd\.?|pvt\.?|private|corp\.?|corporation|"
    r"inc\.?|llc|s\.?a\.?( de c\.?v\.?)?|sdn\.? bhd\.?|jsc|joint stock company|srl|gmbh|"
    r"\(pvt\)|tbk)\b",
    re.IGNORECASE,
)
_ABBREVIATIONS = [
    ("Road", "Rd."),
    ("Street", "St."),
    ("Industrial", "Ind."),
    ("District", "Dist."),
    ("Province", "Prov."),
    ("Village", "Vill."),
    ("Building", "Bldg"),
    ("Avenue", "Ave."),
    ("Zone", "Z."),
    ("Town", "Twn"),
    ("Jalan", "Jl."),
    ("Number", "No."),
    ("Floor", "F"),
    ("International", "Int'l"),
    ("Garments", "Gmts"),
    ("Manufacturing", "Mfg."),
    ("Industries", "Inds."),
    ("Development", "Dev."),
    ("Economic", "Eco."),
    ("Company", "Co."),
    ("Corporation", "Corp."),
]
_EXTRA_WORDS = ["Factory", "Unit 2", "(Main Plant)", "Garment Factory", "Head Office", "Plant 1"]

# Local-script replacements of words (not of distinctive names).
_VI_WORDS = {
    "industrial zone": "Khu công nghiệp",
    "district": "Quận",
    "ward": "Phường",
    "province": "Tỉnh",
    "commune": "Xã",
    "city": "Thành phố",
    "town": "Thị trấn",
    "hamlet": "Ấp",
    "street": "Đường",
    "road": "Đường",
    "village": "Thôn",
}
_VI_DIACRITICS = {
    "Nam": "Nam",
    "Dinh": "Định",
    "Binh": "Bình",
    "Duong": "Dương",
    "Dong": "Đồng",
    "Nai": "Nai",
    "Hai": "Hải",
    "Phong": "Phòng",
    "Ho Chi Minh": "Hồ Chí Minh",
    "Ha Noi": "Hà Nội",
    "Hanoi": "Hà Nội",
    "Thai": "Thái",
    "Long": "Long",
    "Tan": "Tân",
    "Phu": "Phú",
    "Thanh": "Thanh",
    "Hung": "Hưng",
    "Yen": "Yên",
    "Giang": "Giang",
    "Bac": "Bắc",
    "Ninh": "Ninh",
    "Tien": "Tiền",
    "Viet": "Việt",
    "Quang": "Quảng",
    "Huong": "Hương",
    "Thuy": "Thủy",
    "Hoa": "Hòa",
    "An": "An",
}


@lru_cache(maxsize=1)
def _pinyin_to_han() -> dict[str, str]:
    """A character for each pinyin syllable that anyascii transliterates back to it.

    Lets the benchmark write a romanised Chinese name in Chinese characters
    without a dictionary. The characters are not the company's real ones, but
    they go through exactly the script pipeline that real ones do.
    """
    from anyascii import anyascii

    table: dict[str, str] = {}
    for cp in range(0x4E00, 0x9FA6):
        ch = chr(cp)
        syl = anyascii(ch).lower()
        if syl.isalpha() and syl not in table:
            table[syl] = ch
    return table


def _to_han(token: str) -> str | None:
    table = _pinyin_to_han()
    word = token.lower()
    out: list[str] = []
    i = 0
    while i < len(word):
        for k in range(min(6, len(word) - i), 0, -1):
            ch = table.get(word[i : i + k])
            if ch is not None:
                out.append(ch)
                i += k
                break
        else:
            return None
    return "".join(out)


def _chinese_script(rec: Record) -> Record:
    """Write a Chinese facility's name and address in Chinese characters."""
    name_words = []
    for tok in re.split(r"[\s,.()]+", rec.name):
        if not tok:
            continue
        low = tok.lower()
        if low in ("co", "ltd", "limited", "company", "co.,ltd"):
            continue
        if low in ("garment", "garments"):
            name_words.append("服装")
        elif low in ("textile", "textiles"):
            name_words.append("纺织")
        elif low in ("knitting", "knitwear"):
            name_words.append("针织")
        elif low in ("shoes", "shoe", "footwear"):
            name_words.append("鞋业")
        elif low in ("factory",):
            name_words.append("厂")
        else:
            han = _to_han(low) if low.isalpha() else None
            name_words.append(han if han else tok)
    # Chinese runs are written without spaces; Latin words keep theirs.
    name = ""
    for word in name_words:
        if name and word.isascii() and name[-1].isascii():
            name += " "
        name += word
    name += "有限公司"
    addr_parts = []
    for tok in re.split(r"[\s,]+", rec.address):
        low = tok.lower().strip(".")
        if not low:
            continue
        mapped = {
            "road": "路",
            "rd": "路",
            "street": "街道",
            "town": "镇",
            "district": "区",
            "city": "市",
            "province": "省",
            "village": "村",
            "county": "县",
            "no": "",
            "industrial": "工业",
            "zone": "区",
            "park": "园",
        }.get(low)
        if mapped is not None:
            addr_parts.append(mapped)
        elif low.isdigit():
            addr_parts.append(low + "号")
        else:
            han = _to_han(low) if low.isalpha() else None
            addr_parts.append(han if han else tok)
    address = ""
    for part in addr_parts:
        if address and part.isascii() and address[-1].isascii():
            address += " "
        address += part
    return replace(rec, name=name, address=address)


def _vietnamese_script(rec: Record) -> Record:
    core = _LEGAL_RE.sub("", rec.name).strip(" ,.-")
    for plain, marked in _VI_DIACRITICS.items():
        core = re.sub(rf"\b{plain}\b", marked, core)
    address = rec.address
    for plain, marked in _VI_WORDS.items():
        address = re.sub(rf"\b{plain}\b", marked, address, flags=re.IGNORECASE)
    for plain, marked in _VI_DIACRITICS.items():
        address = re.sub(rf"\b{plain}\b", marked, address)
    return replace(rec, name=f"Công ty TNHH {core}", address=address)


def _thai_script(rec: Record) -> Record:
    core = _LEGAL_RE.sub("", rec.name).strip(" ,.-")
    return replace(rec, name=f"บริษัท {core} จำกัด")


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(4)
    letters = "aeiounrstlhgy"
    if op == 0:
        return word[:i] + word[i + 1 :]
    if op == 1:
        return word[:i] + rng.choice(letters) + word[i:]
    if op == 2:
        return word[:i] + rng.choice(letters) + word[i + 1 :]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _distinctive_positions(words: list[str]) -> list[int]:
    return [
        i for i, w in enumerate(words) if len(w) >= 5 and w.lower().strip(".,()") not in NAME_GENERIC and w.isalpha()
    ]


def noisy(rec: Record, rng: random.Random, *, new_id: str, strength: int = 2) -> Record:
    """A supplier-list rendering of ``rec`` with ``strength`` (1..4) kinds of noise."""
    name, address = rec.name, rec.address
    ops = [
        "legal",
        "abbrev",
        "typo_name",
        "typo_addr",
        "order",
        "drop_addr",
        "case",
        "extra",
        "postcode",
        "number_format",
        "script",
    ]
    weights = [3, 3, 2, 1, 1, 3, 2, 1, 2, 1, 1]
    chosen: set[str] = set()
    while len(chosen) < strength:
        chosen.add(rng.choices(ops, weights)[0])
    if "script" in chosen:
        if rec.country == "CN":
            out = _chinese_script(rec)
            return replace(out, id=new_id, lat=None, lng=None)
        if rec.country == "VN":
            out = _vietnamese_script(rec)
            name, address = out.name, out.address
        elif rec.country == "TH":
            name = _thai_script(rec).name
        else:
            chosen.add("case")
    if "legal" in chosen:
        stripped = _LEGAL_RE.sub("", name).strip(" ,.-")
        name = (stripped + " " + rng.choice(_LEGAL_VARIANTS)).strip() if stripped else name
    if "abbrev" in chosen:
        for full, short in rng.sample(_ABBREVIATIONS, k=6):
            if rng.random() < 0.5:
                address = re.sub(rf"\b{full}\b", short, address, flags=re.IGNORECASE)
                name = re.sub(rf"\b{full}\b", short, name, flags=re.IGNORECASE)
            else:
                address = re.sub(rf"\b{re.escape(short)}(?=\s|,|$)", full, address)
    if "typo_name" in chosen:
        words = name.split()
        pos = _distinctive_positions(words)
        if pos:
            i = rng.choice(pos)
            words[i] = _typo(words[i], rng)
            name = " ".join(words)
    if "typo_addr" in chosen:
        words = address.split()
        pos = _distinctive_positions(words)
        if pos:
            i = rng.choice(pos)
            words[i] = _typo(words[i], rng)
            address = " ".join(words)
    if "order" in chosen:
        words = name.split()
        if len(words) >= 3:
            words = [*words[1:2], *words[:1], *words[2:]] if rng.random() < 0.5 else [*words[1:], *words[:1]]
            name = " ".join(words)
    if "drop_addr" in chosen:
        parts = [p for p in address.split(",") if p.strip()]
        if len(parts) > 2:
            drop = rng.sample(range(len(parts)), k=rng.randint(1, max(1, len(parts) // 3)))
            address = ",".join(p for i, p in enumerate(parts) if i not in drop)
        elif rng.random() < 0.3:
            address = ""
    if "case" in chosen:
        if rng.random() < 0.5:
            name, address = name.upper(), address.upper()
        else:
            name = re.sub(r"[.,()]", " ", name.title())
            address = address.title()
    if "extra" in chosen:
        name = f"{name} {rng.choice(_EXTRA_WORDS)}"
    if "postcode" in chosen:
        address = re.sub(r"\b\d{5,6}\b", "", address)
    if "number_format" in chosen:
        address = re.sub(
            r"\bNo\.?\s*(\d+)", lambda m: rng.choice(["#", "", "No "]) + m.group(1), address, flags=re.IGNORECASE
        )
    return replace(rec, id=new_id, name=" ".join(name.split()), address=" ".join(address.split()), lat=None, lng=None)


def near_miss(rec: Record, other: Record, rng: random.Random, *, new_id: str) -> Record:
    """A different facility that resembles ``rec``: similar name or sister site.

    ``other`` is another facility of the same country whose address is borrowed.
    """
    words = rec.name.split()
    pos = _distinctive_positions(words)
    if pos and rng.random() < 0.6:
        i = rng.choice(pos)
        w = words[i]
        # Change a syllable-sized chunk: a different company, not a typo.
        cut = rng.randrange(2, max(3, len(w) - 1))
        repl = rng.choice(["xin", "hua", "tai", "long", "feng", "kang", "mei", "jin", "tex", "sun"])
        words[i] = (w[:cut] + repl) if rng.random() < 0.5 else (repl.title() + w[cut:])
        name = " ".join(words)
    else:
        name = f"{rec.name} {rng.choice(['Unit 2', 'II', 'Branch 3', 'Plant B'])}"
    return replace(rec, id=new_id, name=name, address=other.address, lat=None, lng=None)


# ---------------------------------------------------------------- synthetic
_SYLLABLE_RE = re.compile(r"[^aeiouy]*[aeiouy]+(?:ng|n|r|m)?(?![aeiouy])", re.IGNORECASE)


def _syllables(word: str) -> list[str]:
    parts = _SYLLABLE_RE.findall(word.lower())
    return [p for p in parts if p]


def _parts_by_country(reals: list[Record]) -> dict[str, dict[str, list[str]]]:
    pools: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for r in reals:
        p = pools[r.country]
        for w in re.split(r"[\s,.()&/-]+", r.name):
            if len(w) >= 3 and w.isalpha():
                if w.lower() in NAME_GENERIC:
                    p["generic"].append(w.title())
                else:
                    p["syll"].extend(_syllables(w))
        segments = [s.strip() for s in r.address.split(",") if s.strip()]
        for s in segments:
            if any(ch.isdigit() for ch in s):
                p["street"].append(re.sub(r"\d+", "{n}", s))
            else:
                p["place"].append(s)
    return pools


def synthetic_registry(n: int, seed: int = 7, reals: list[Record] | None = None) -> Iterator[Record]:
    """``n`` synthetic facilities recombined from real name/address parts per country."""
    rng = random.Random(seed)
    reals = reals if reals is not None else load_real()
    pools = _parts_by_country(reals)
    by_cc = defaultdict(int)
    for r in reals:
        by_cc[r.country] += 1
    countries = [c for c in by_cc if pools[c]["syll"]]
    weights = [by_cc[c] ** 0.7 for c in countries]
    legal = ["Co., Ltd.", "Ltd", "Limited", "Pvt Ltd", "Inc.", "", "Co Ltd", "S.A.", "JSC"]
    for i in range(n):
        cc = rng.choices(countries, weights)[0]
        p = pools[cc]
        syl = p["syll"]
        words = []
        for _ in range(rng.choice((1, 2, 2, 3))):
            words.append("".join(rng.choice(syl) for _ in range(rng.choice((2, 2, 3)))).title())
        generic = p["generic"] or ["Garment"]
        name = " ".join([*words, rng.choice(generic), rng.choice(legal)]).strip()
        street = rng.choice(p["street"]) if p["street"] else "{n} Main Road"
        street = street.replace("{n}", str(rng.randint(1, 2999)))
        places = p["place"] or ["Industrial Zone"]
        address = ", ".join([street, *rng.sample(places, k=min(len(places), rng.choice((1, 2, 3))))])
        base = next((r for r in reals if r.country == cc and r.lat is not None), None)
        lat = lng = None
        if base is not None and base.lat is not None and base.lng is not None and rng.random() < 0.5:
            lat = base.lat + rng.uniform(-1.5, 1.5)
            lng = base.lng + rng.uniform(-1.5, 1.5)
        yield Record(id=f"S{i:07d}", name=name, address=address, country=cc, lat=lat, lng=lng)


def with_coords(query: Record, source: Record, rng: random.Random, share: float = 0.4) -> Record:
    """Give ``share`` of the queries the (jittered, ~300 m) coordinates of ``source``.

    Supplier lists carry coordinates now and then; when they do, they come
    from a different geocoder than the register's.
    """
    if source.lat is None or source.lng is None or rng.random() >= share:
        return query
    return replace(query, lat=source.lat + rng.gauss(0, 0.003), lng=source.lng + rng.gauss(0, 0.003))


def accuracy_dataset(
    seed: int = 11, *, half: str = "test", absent_share: float = 0.25
) -> tuple[list[Record], list[tuple[Record, str | None]]]:
    """A register and labelled queries built from one half of the real facilities.

    ``half`` is ``"dev"`` (used to fit the shipped default weights) or
    ``"test"`` (used only to score). Queries: one or two noisy renderings of
    each registered facility (label: its id), noisy renderings of held-out
    facilities (label: ``None``) and near misses (label: ``None``).
    """
    reals = load_real()
    rng = random.Random(seed)
    order = list(range(len(reals)))
    random.Random(1234).shuffle(order)
    cut = len(order) // 2
    chosen = [reals[i] for i in (order[:cut] if half == "dev" else order[cut:])]
    rng.shuffle(chosen)
    n_absent = int(len(chosen) * absent_share)
    absent, present = chosen[:n_absent], chosen[n_absent:]
    registry = list(present)
    queries: list[tuple[Record, str | None]] = []
    q = 0
    by_cc: dict[str, list[Record]] = defaultdict(list)
    for r in present:
        by_cc[r.country].append(r)
    for r in present:
        for _ in range(1 if rng.random() < 0.6 else 2):
            nq = noisy(r, rng, new_id=f"Q{q:05d}", strength=rng.choice((1, 2, 2, 3, 4)))
            queries.append((with_coords(nq, r, rng), r.id))
            q += 1
    for r in absent:
        nq = noisy(r, rng, new_id=f"Q{q:05d}", strength=rng.choice((1, 2, 3)))
        queries.append((with_coords(nq, r, rng), None))
        q += 1
    for r in rng.sample(present, k=min(len(present), len(absent))):
        others = [o for o in by_cc[r.country] if o.id != r.id]
        if not others:
            continue
        other = rng.choice(others)
        queries.append((with_coords(near_miss(r, other, rng, new_id=f"Q{q:05d}"), other, rng), None))
        q += 1
    rng.shuffle(queries)
    return registry, queries
