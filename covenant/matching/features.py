"""Pairwise comparison features between a query and one registered name/address."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

from .normalize import ADDRESS_GENERIC, GENERIC_SPELLINGS, NAME_GENERIC, address_tokens, name_tokens
from .records import Record, identifier_keys

__all__ = [
    "ADDRESS_FEATURES",
    "FEATURES",
    "NAME_FEATURES",
    "PERSON_FEATURES",
    "Prepared",
    "compare",
    "compare_people",
    "prepare",
    "prepare_tokens",
]

#: Feature order of the full (facility) model.
FEATURES: tuple[str, ...] = (
    "name_ratio",
    "name_token_sort",
    "name_token_set",
    "name_compact",
    "name_weighted",
    "name_number_conflict",
    "name_qualifier_one_side",
    "name_distinct_conflict",
    "address_weighted",
    "address_token_set",
    "address_missing",
    "number_match",
    "number_conflict",
    "name_x_address",
    "country_differs",
    "identifier_match",
    "identifier_conflict",
    "geo_near",
    "geo_far",
)
#: Features used by the name-only (screening) model.
NAME_FEATURES: tuple[str, ...] = (
    "name_ratio",
    "name_token_sort",
    "name_token_set",
    "name_compact",
    "name_weighted",
    "name_number_conflict",
    "name_qualifier_one_side",
    "name_distinct_conflict",
    "country_differs",
    "identifier_match",
    "identifier_conflict",
)
ADDRESS_FEATURES: frozenset[str] = frozenset(FEATURES) - frozenset(NAME_FEATURES)
#: Features of the person model (``Matcher(kind="people")``): names and addresses
#: compared part by part, numbers by how many agree rather than by a conflict.
PERSON_FEATURES: tuple[str, ...] = (
    "name_token_sort",
    "name_weighted",
    "name_parts",
    "name_parts_min",
    "name_parts_best",
    "name_part_missing",
    "address_weighted",
    "address_token_set",
    "address_parts",
    "address_missing",
    "number_share",
    "number_conflict",
    "name_x_address",
    "country_differs",
    "identifier_match",
    "identifier_conflict",
    "geo_near",
    "geo_far",
)

_EARTH_KM = 6371.0

#: Sites further apart than this (both sides with coordinates) are not matched
#: automatically: geocodes of one site rarely differ by more.
SISTER_SITE_KM = 10.0
#: Sites further apart than this (both sides with coordinates) are *other sites*:
#: unless an identifier is shared or the addresses agree (see ``far_site`` in
#: :func:`compare`), the candidate is neither matched nor sent to review for its
#: name. Geocodes of one facility in independently geocoded real lists (Open
#: Apparel Registry, ``benchmarks/matching/data/oar``) differed by 0-19 km when
#: their addresses were the same; the larger outliers (35 and 1,393 km) had the
#: same address, which keeps the pair in review. A mine or plantation spans up to
#: about ten kilometres, so 25 km is well beyond one site and its geocoding error.
OTHER_SITE_KM = 25.0
#: Share of each address's distinctive weight the other address lacks from
#: which (with an address similarity below it) the two addresses are taken to
#: name different places.
ADDRESS_CONFLICT_SHARE = 0.5
#: Address similarity from which two addresses whose postcodes differ are still
#: taken to be one (the postcode mistyped or changed, the street and town the same:
#: 0.69 for "524 East 2nd Ave" / "524 E. 2nd Avenue"; FSIS sister sites with another
#: street and town scored 0.29-0.46).
POSTCODE_ADDRESS_SAME = 0.6

#: Share of a name's distinctive weight in words the other name lacks (place
#: names of the other address set aside) from which a place name of this side is
#: taken to be *replaced* by them rather than added (see ``_soft_overlap``).
REPLACED_SHARE = 0.1

#: Name words that mark one site of several even without a number
#: ("Çerkezköy Şubesi", "Liaobu Town Branch", "分公司").
_SITE_WORDS: frozenset[str] = frozenset({"branch"})


@dataclass(slots=True)
class Prepared:
    """A name/address pair in normalised form, ready to be compared."""

    name: tuple[str, ...]
    address: tuple[str, ...]
    country: str
    identifiers: Mapping[str, str]
    coords: tuple[float, float] | None
    name_core: str
    name_compact: str
    name_numbers: frozenset[str]
    name_qualifiers: frozenset[str]
    address_core: str
    address_numbers: frozenset[str]
    address_set: frozenset[str]

    @property
    def name_text(self) -> str:
        return " ".join(self.name)

    @property
    def address_text(self) -> str:
        return " ".join(self.address)


def _distinctive(tokens: Sequence[str], generic: frozenset[str]) -> list[str]:
    core = [t for t in tokens if t not in generic and not t.isdigit()]
    return core or list(tokens)


def compact_name(tokens: Sequence[str]) -> str:
    """The distinctive part of a name, as one string: what the index keys a site under and
    what a query looks it up by. Both sides must use this one rule, or a name such as
    "Golden Textile Co. 14" (generic words and a number) cannot find its own record."""
    return "".join(_distinctive(tokens, NAME_GENERIC))


def house_numbers(address: Sequence[str]) -> frozenset[str]:
    """House and plot numbers of an address (normalised tokens).

    Numbers of up to four digits are; longer ones are mostly postal codes and
    phone fragments, too often missing on one side to count as a house-number
    conflict. A five-digit number *leading* the address is a house number when
    a street follows it ("27926 School Street, Bell City, MO 63735": a street
    word before any other number, or a postcode further on), as is common in
    the US; a leading postcode is followed by its town ("04100 Nijar",
    "75008 Paris, 12 rue de Rivoli").
    """
    out = {t for t in address if t.isdigit() and len(t) <= 4}
    if len(address) >= 2 and len(address[0]) == 5 and address[0].isdigit() and not address[1].isdigit():
        rest = address[1:]
        street = False
        for tok in rest[:3]:
            if tok.isdigit():
                break
            if tok in ADDRESS_GENERIC:
                street = True
                break
        if street or any(t.isdigit() and len(t) >= 5 for t in rest):
            out.add(address[0])
    return frozenset(out)


def prepare_tokens(
    name: Sequence[str],
    address: Sequence[str],
    country: str,
    identifiers: Mapping[str, str],
    coords: tuple[float, float] | None,
) -> Prepared:
    """Build a :class:`Prepared` from already normalised tokens."""
    core = _distinctive(name, NAME_GENERIC)
    addr_core = [t for t in address if t not in ADDRESS_GENERIC]
    numbers = frozenset(t for t in name if t.isdigit())
    return Prepared(
        name=tuple(name),
        address=tuple(address),
        country=country,
        identifiers=identifiers,
        coords=coords,
        name_core=" ".join(core),
        name_compact=compact_name(name),
        name_numbers=numbers,
        name_qualifiers=numbers | _SITE_WORDS.intersection(name),
        address_core=" ".join(addr_core),
        address_numbers=house_numbers(address),
        address_set=frozenset(address),
    )


def prepare(record: Record) -> Prepared:
    """Normalise a :class:`Record` for comparison."""
    country = record.country.strip().upper()
    return prepare_tokens(
        name_tokens(record.name),
        address_tokens(record.address, country),
        country,
        identifier_keys(record.identifiers),
        record.coordinates(),
    )


def _join_runs(a: Sequence[str], b: Sequence[str]) -> list[str]:
    """``b`` with runs of tokens glued together where the glued run is a token of ``a``.

    Romanisations split and join syllables at will ("Hai Ning" / "Haining",
    Chinese-script rows transliterate to one token per run of characters), so
    ``b = [hai, ning, yue, li]`` against ``a = [hainingyueli]`` becomes
    ``[hainingyueli]``.
    """
    targets = {t for t in a if len(t) >= 4 and not t.isdigit()}
    if not targets or len(b) < 2:
        return list(b)
    targets.difference_update(b)
    if not targets:
        return list(b)
    prefixes = {t[:k] for t in targets for k in range(1, len(t))}
    out: list[str] = []
    i = 0
    n = len(b)
    while i < n:
        joined = b[i]
        if joined not in prefixes:
            out.append(joined)
            i += 1
            continue
        matched = -1
        for j in range(i + 1, min(n, i + 6)):
            joined += b[j]
            if joined in targets:
                matched = j
                break
            if joined not in prefixes:
                break
        if matched >= 0:
            out.append(joined)
            i = matched + 1
        else:
            out.append(b[i])
            i += 1
    return out


def _soft_overlap(
    a: Sequence[str],
    b: Sequence[str],
    a_compact: str,
    b_compact: str,
    weight: Callable[[str], float],
    *,
    align: bool = True,
    neutral: tuple[frozenset[str], frozenset[str]] | None = None,
) -> tuple[float, float, float]:
    """IDF-weighted Dice overlap where near-identical tokens count partly.

    A token also counts when it is a long substring of the other side written
    without spaces: romanisations split and join syllables at will
    ("Dong Guan" / "Dongguan", "ShenzhenMeiquan" / "Shenzhen Meiquan").

    Returns ``(dice, missing_a, missing_b)``. With ``neutral`` (tokens of ``a``
    and of ``b`` not to count as missing: the place names of the other side's
    address), ``missing_x`` is the share of ``x``'s weight in tokens that the
    other side lacks; a near-identical token (a typo) counts by how different
    it is; numbers and tokens under three letters are never missing. Without
    ``neutral`` both are 0.
    """
    if not a or not b:
        return 0.0, 0.0, 0.0
    if align:
        b = _join_runs(a, b)
        a = _join_runs(b, a)
    set_a = dict.fromkeys(a)
    set_b = dict.fromkeys(b)
    total = 0.0
    matched = 0.0
    missing = [0.0, 0.0]
    # The same, counting the neutral tokens too (see the end).
    strict = [0.0, 0.0]
    side_totals = [0.0, 0.0]
    sides = ((set_a, set_b, b_compact), (set_b, set_a, a_compact))
    for k, (side, other, other_compact) in enumerate(sides):
        others = [t for t in other if len(t) >= 3 and not t.isdigit()]
        skip = neutral[k] if neutral is not None else None
        side_total = 0.0
        side_missing = 0.0
        side_strict = 0.0
        for tok in side:
            w = weight(tok)
            side_total += w
            if tok in other:
                matched += w
                continue
            if tok.isdigit() or len(tok) < 3:
                continue
            if len(tok) >= 5 and tok in other_compact:
                matched += 0.8 * w
                continue
            sim = 0.0
            if others and len(tok) >= 4:
                best = process.extractOne(tok, others, scorer=Levenshtein.normalized_similarity, score_cutoff=0.75)
                if best is not None:
                    sim = float(best[1])
                    matched += w * sim
            if skip is None:
                continue
            if sim == 0.0 and others:
                # A typo that Levenshtein scores low (a transposition) still
                # resembles its original: "balaij" / "balaji".
                near = process.extractOne(tok, others, scorer=fuzz.ratio, score_cutoff=70.0)
                if near is not None:
                    sim = float(near[1]) / 100.0
            side_strict += w * (1.0 - sim)
            if tok not in skip:
                side_missing += w * (1.0 - sim)
        total += side_total
        side_totals[k] = side_total
        missing[k] = side_missing
        strict[k] = side_strict
    dice = matched / total if total > 0 else 0.0
    shares = [missing[k] / side_totals[k] if side_totals[k] > 0 else 0.0 for k in (0, 1)]
    if neutral is not None:
        # A place name of the other address is neutral only when it is *missing*
        # on one side (a name that adds its town). When the other side has a
        # distinctive word of its own in its stead ("Stone Dairy Farm" / "Jones
        # Dairy Farm" @ Jones Ave, "... - Carnegie" / "... - Dallas" @ Dallas),
        # the place name was *replaced*: it counts.
        strict_shares = [strict[k] / side_totals[k] if side_totals[k] > 0 else 0.0 for k in (0, 1)]
        shares = [strict_shares[k] if shares[1 - k] >= REPLACED_SHARE else shares[k] for k in (0, 1)]
    return dice, shares[0], shares[1]


def typo_distance_allowed(a: str, b: str) -> int:
    """Edits (OSA: a transposition is one) by which two spellings of one word may differ.

    Words up to eight letters change identity with two edits ("Jorge" / "Jose",
    "Parker" / "Porter", "Huaxing" / "Huaqiang"); longer ones survive them as
    typos.
    """
    longest = max(len(a), len(b))
    if longest <= 8:
        return 1
    if longest <= 12:
        return 2
    return 3


_VOWELS = str.maketrans("", "", "aeiouyhw")


def _skeleton(word: str) -> str:
    """Consonants without repeats: romanisations differ mostly in vowels
    ("Mohammad" / "Muhammad", "Chowdhury" / "Choudhury")."""
    out: list[str] = []
    for ch in word.translate(_VOWELS):
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def _abbreviates(short: str, long_: str) -> bool:
    """``short`` is ``long_`` shortened: its letters in order, the first one first,
    at most half as long ("Dev." / "Development", "Pkg." / "Packaging", "Agro" /
    "Agroindustrial"; not "Phu" / "Phuoc")."""
    if len(short) < 3 or len(long_) < 2 * len(short) or short[0] != long_[0]:
        return False
    pos = 0
    for ch in short:
        pos = long_.find(ch, pos) + 1
        if pos == 0:
            return False
    return True


def _same_word(tok: str, other: str) -> bool:
    """Whether ``tok`` and ``other`` are one word: a typo, a transliteration, an abbreviation."""
    if tok == other:
        return True
    short, long_ = (tok, other) if len(tok) <= len(other) else (other, tok)
    if _abbreviates(short, long_):
        return True
    if tok[0] == other[0] and len(short) >= 4:
        # Letters swapped ("Shaoxgin" / "Shaoxing"), or the same consonants in
        # another romanisation ("Mohammad" / "Muhammad").
        if len(tok) == len(other) and sorted(tok) == sorted(other):
            return True
        if _skeleton(tok) == _skeleton(other):
            return True
    allowed = typo_distance_allowed(tok, other)
    return OSA.distance(tok, other, score_cutoff=allowed + 1) <= allowed


def _resembles_any(tok: str, words: Sequence[str], cutoff: float = 75.0) -> bool:
    """A looser test than :func:`_same_word`, for a word already known to differ."""
    return any(fuzz.ratio(tok, w) >= cutoff for w in words)


@lru_cache(maxsize=65536)
def _generic_like(tok: str) -> bool:
    """A generic word, or a typo of one or of a spelling mapped to one ("Agricloa")."""
    if tok in NAME_GENERIC:
        return True
    if len(tok) < 5:
        return False
    allowed = typo_distance_allowed(tok, tok)
    best = process.extractOne(tok, GENERIC_SPELLINGS, scorer=OSA.distance, score_cutoff=allowed)
    return best is not None


_GENERIC_BY_START: dict[str, list[str]] = {}
for _g in sorted(GENERIC_SPELLINGS):
    _GENERIC_BY_START.setdefault(_g[:2], []).append(_g)


@lru_cache(maxsize=65536)
def _near_generic(tok: str) -> bool:
    """One edit more than :func:`_generic_like` allows from a generic spelling of about
    the same length and the same first two letters ("kncting" / "knitting")."""
    allowed = typo_distance_allowed(tok, tok) + 1
    return any(
        abs(len(g) - len(tok)) <= 1 and OSA.distance(tok, g, score_cutoff=allowed) <= allowed
        for g in _GENERIC_BY_START.get(tok[:2], ())
    )


def differing_words(
    a: Sequence[str],
    b: Sequence[str],
    b_compact: str,
    neutral: frozenset[str],
) -> list[str]:
    """Distinctive words of ``a`` that ``b`` has in no spelling.

    Generic words (sector, legal, scope), numbers, tokens under three letters
    and the place names of ``b``'s address (``neutral``) never count; a word
    that ``b`` has with a typo, transliterated differently, abbreviated or
    written together with its neighbour (``b_compact``) is the same word.
    """
    out: list[str] = []
    others = [t for t in b if len(t) >= 2 and not t.isdigit()]
    places = [t for t in neutral if len(t) >= 4 and not t.isdigit()]
    initials = {t[0] for t in places}
    a_words, b_words = set(a), set(b)
    for tok in dict.fromkeys(a):
        if tok.isdigit() or len(tok) < 3 or tok in neutral or _generic_like(tok):
            continue
        if tok[0] in initials and any(_same_word(tok, place) for place in places if place[0] == tok[0]):
            # a misspelt town of the other address ("Dooguan", Dongguan)
            continue
        if len(tok) >= 5 and tok in b_compact:
            continue
        if tok in b_words:
            continue
        # A word of ``b`` that ``a`` has as it is stands for that word, not for
        # another spelling of this one ("Sir Pizza of Siemer" / "Sir Pizza of
        # Tennessee": "sir" is Sir, not an abbreviation of Siemer).
        if any(_same_word(tok, other) for other in others if other not in a_words):
            continue
        out.append(tok)
    return out


def _replaced_by(a: Sequence[str], b: Sequence[str], a_diff: Sequence[str]) -> list[str]:
    """Words of ``b`` standing where ``a`` has one of its differing words ``a_diff``.

    Only a word in the *place* of another counts (the two names aligned word by
    word), not one that either side merely adds or drops; a spelling of a word
    of ``a`` is the same word.
    """
    diff = set(a_diff)
    out: list[str] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, list(a), list(b), autojunk=False).get_opcodes():
        # Words of three letters are as often a mangled legal form or a cut word,
        # and a word one edit more than a typo away from a generic word is likely
        # that word garbled ("Kncting" / "Knitting", "Indd." / "Inds.").
        replaced = {w for w in diff.intersection(a[i1:i2]) if len(w) >= 4 and not _near_generic(w)}
        if op != "replace" or not replaced:
            continue
        for tok in b[j1:j2]:
            if tok.isdigit() or len(tok) < 3 or tok in out:
                continue
            # A word repeated in ``b`` more often than ``a`` has it stands in the
            # place of another ("Bee Plump Farms" / "Bee Bee Farms").
            repeated = b.count(tok) > a.count(tok)
            if any(_same_word(tok, other) for other in a if len(other) >= 2 and not (repeated and other == tok)):
                continue
            # "Gmts" for "Garments": a contraction, not another word; "Kncting" for
            # "Knitting": a typo too garbled for a spelling rule, but alike.
            run = [w for w in a[i1:i2] if len(w) >= 3]
            if any(_contracts(word, tok) or _contracts(tok, word) for word in run):
                continue
            if _resembles_any(tok, run, 60.0):
                continue
            out.append(tok)
    return out


def _contracts(short: str, long_: str) -> bool:
    """``short`` (a plural "s" aside) is ``long_``'s letters in order, the first one
    first: a contraction ("gmts" / "garment", "mfg" / "manufacturing")."""
    short = short[:-1] if len(short) > 3 and short.endswith("s") else short
    if len(short) >= len(long_) or short[0] != long_[0]:
        return False
    pos = 0
    for ch in short:
        pos = long_.find(ch, pos) + 1
        if pos == 0:
            return False
    return True


def _places_in_name(name: Sequence[str], other_name: Sequence[str], other_address: frozenset[str]) -> set[str]:
    """Tokens of ``name`` that the other side has in its address but not in its name."""
    if len(name) < 2 or not other_address:
        return set()
    places = {t for t in name if t in other_address and t not in other_name and len(t) >= 4 and not t.isdigit()}
    # Never strip a name down to nothing, or to generic words only.
    rest = [t for t in name if t not in places and t not in NAME_GENERIC]
    return places if rest else set()


def _locality_only(a: Prepared, b: Prepared) -> bool:
    """True when ``a``'s address is just a town that ``b``'s address also names.

    "Dongguan" against "88 Dongcheng Road, Dongguan, Guangdong" agrees but says
    little: it is scored as a missing address, not as a poor street match.
    """
    core = [t for t in a.address if t not in ADDRESS_GENERIC]
    return len(core) == 1 and not a.address_numbers and all(t in b.address_set for t in core)


def _postcodes(address: Sequence[str], house: frozenset[str]) -> set[str]:
    # Five- and six-digit numbers that are not house numbers: postal codes in most
    # countries (longer runs are phone numbers and registration numbers).
    return {t for t in address if t.isdigit() and 5 <= len(t) <= 6 and t not in house}


def postcodes_differ(a: Sequence[str], b: Sequence[str], a_house: frozenset[str], b_house: frozenset[str]) -> bool:
    """Both addresses carry a postcode and no two of them are one typo apart."""
    pa, pb = _postcodes(a, a_house), _postcodes(b, b_house)
    if not pa or not pb or not pa.isdisjoint(pb):
        return False
    return all(OSA.distance(x, y) >= 2 for x in pa for y in pb)


def _haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1 = math.radians(a[0]), math.radians(a[1])
    lat2, lng2 = math.radians(b[0]), math.radians(b[1])
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def compare(
    q: Prepared,
    c: Prepared,
    name_weight: Callable[[str], float],
    address_weight: Callable[[str], float],
    *,
    name_only: bool = False,
    lookalike: bool = True,
    generic: Callable[[str], bool] | None = None,
) -> dict[str, float]:
    """Comparison features of query ``q`` against candidate ``c``.

    ``generic`` tells the words generic in the register at hand (see
    :func:`.index.register_generic`): like the listed generic words, they are
    left out of the distinctive part of both names and never "differ".

    With ``lookalike`` (the default) the dict also carries the two flags that
    keep a pair from an automatic match, ``name_word_differs`` and
    ``address_conflict``; they are not model features, and the matcher asks for
    them only for candidates that score high enough to matter.

    Values are in [0, 1]. Besides the model features the dict carries
    ``distance_km`` when both sides have coordinates, ``far_site`` when they
    are more than :data:`OTHER_SITE_KM` apart and nothing else ties them, and
    ``same_<scheme>`` / ``different_<scheme>`` flags for identifiers, so a
    reviewer can be told why a candidate scored as it did.
    """
    f: dict[str, float] = {}
    qn, cn = q.name_core, c.name_core
    q_text, c_text = q.name_text, c.name_text
    q_name, c_name = list(q.name), list(c.name)
    common: frozenset[str] = NAME_GENERIC
    learned: frozenset[str] = frozenset()
    if generic is not None:
        learned = frozenset(t for t in {*q.name, *c.name} if t not in NAME_GENERIC and generic(t))
        if learned:
            common = NAME_GENERIC | learned
            qn = " ".join(_distinctive(q_name, common))
            cn = " ".join(_distinctive(c_name, common))
    # A town in one side's name that the other side gives as its address
    # ("Dongguan Huaxin Garment" / "Huaxin Garments, Dongguan") is where the
    # site is, not part of what it is called: compare the names without it.
    q_place = _places_in_name(q_name, c_name, c.address_set)
    c_place = _places_in_name(c_name, q_name, q.address_set)
    if q_place or c_place:
        q_name = [t for t in q_name if t not in q_place]
        c_name = [t for t in c_name if t not in c_place]
        qn = " ".join(_distinctive(q_name, common))
        cn = " ".join(_distinctive(c_name, common))
        q_text, c_text = " ".join(q_name), " ".join(c_name)
    # Align word splits first ("ningbohuayi" vs "ningbo huayi") so that the
    # token-based ratios compare like with like.
    q_aligned = _join_runs(c_name, q_name)
    c_aligned = _join_runs(q_aligned, c_name)
    if q_aligned != q_name or c_aligned != c_name:
        q_name, c_name = q_aligned, c_aligned
        qn = " ".join(_distinctive(q_name, common))
        cn = " ".join(_distinctive(c_name, common))
        q_text, c_text = " ".join(q_name), " ".join(c_name)
    f["name_ratio"] = fuzz.ratio(qn, cn) / 100.0
    f["name_token_sort"] = fuzz.token_sort_ratio(q_text, c_text) / 100.0
    f["name_token_set"] = fuzz.token_set_ratio(qn, cn) / 100.0
    f["name_compact"] = fuzz.ratio(q.name_compact, c.name_compact) / 100.0
    # Names are aligned above; the place names of the other side's address are
    # neutral (a name that adds its town is not a different name).
    f["name_weighted"], q_missing, c_missing = _soft_overlap(
        q_name,
        c_name,
        q.name_compact,
        c.name_compact,
        name_weight,
        align=False,
        neutral=(c.address_set, q.address_set),
    )
    f["name_number_conflict"] = (
        1.0 if q.name_numbers and c.name_numbers and q.name_numbers.isdisjoint(c.name_numbers) else 0.0
    )
    # "Unit 2", "Branch", "No. 3", "二厂" on one side only: often another site of
    # the same company (and sometimes a member's own addition).
    f["name_qualifier_one_side"] = 1.0 if bool(q.name_qualifiers) != bool(c.name_qualifiers) else 0.0
    # Distinctive words on *both* sides that the other lacks ("Assin Akropong
    # Dwenesie ..." vs "Assin Bereku Boafo ..."): a different site of a group
    # or of a naming pattern, however much of the name is shared.
    f["name_distinct_conflict"] = min(q_missing, c_missing)
    if lookalike:
        # A distinctive word replaced by another ("Silver Moon Tea" / "Blue Moon
        # Tea", "San Jorge" / "San Jose"): a different site however much else
        # agrees. Not a model feature: it only keeps the pair from an automatic
        # match (see matcher.site_confirmed).
        # Spellings are looked up in the whole other name, place names included
        # ("Nignbo Rizi Dresses" / "Ningbo Rizi Dresses", Ningbo being the town).
        q_diff = differing_words(q_name, [*c_name, *c.name], c.name_compact, c.address_set | learned)
        c_diff = differing_words(c_name, [*q_name, *q.name], q.name_compact, q.address_set | learned)
        # A place name set aside above ("... de Andes", the town of the other
        # address) still differs from another place name in its stead ("... de
        # Salgar"), not from that town misspelt ("Dooguan" for Dongguan).
        # A place name of the other address left neutral above was likewise
        # replaced, not added, when the other name has a word of its own in its
        # stead ("Stone Dairy Farm" / "Jones Dairy Farm" @ 800 Jones Ave).
        if q_diff and not c_diff:
            c_diff = [p for p in sorted(c_place) if not _resembles_any(p, q_diff)]
            if not c_diff:
                c_strict = differing_words(c_name, [*q_name, *q.name], q.name_compact, learned)
                c_diff = [p for p in c_strict if not _resembles_any(p, q_diff)]
        elif c_diff and not q_diff:
            q_diff = [p for p in sorted(q_place) if not _resembles_any(p, c_diff)]
            if not q_diff:
                q_strict = differing_words(q_name, [*c_name, *c.name], c.name_compact, learned)
                q_diff = [p for p in q_strict if not _resembles_any(p, c_diff)]
        # A distinctive word in the place of a generic one ("Golden Sechrist
        # Bakery" / "Golden Grains Bakery", "R. L. Industrial" / "R. L.
        # Schreiber") replaced a word too: the names differ where they are
        # aligned, not by a word one side adds.
        if q_diff and not c_diff:
            c_diff = _replaced_by(q_name, c_name, q_diff)
        elif c_diff and not q_diff:
            q_diff = _replaced_by(c_name, q_name, c_diff)
        f["name_word_differs"] = 1.0 if q_diff and c_diff else 0.0
    f["country_differs"] = 1.0 if q.country and c.country and q.country != c.country else 0.0

    id_match = 0.0
    id_conflict = 0.0
    if q.identifiers and c.identifiers:
        for scheme, value in q.identifiers.items():
            other = c.identifiers.get(scheme)
            if other is None:
                continue
            if other == value:
                id_match = 1.0
                f["same_" + scheme] = 1.0
            else:
                id_conflict = 1.0
                f["different_" + scheme] = 1.0
    f["identifier_match"] = id_match
    f["identifier_conflict"] = 0.0 if id_match else id_conflict
    if name_only:
        return f

    if q.address and c.address and not _locality_only(q, c) and not _locality_only(c, q):
        qa = q.address_core.replace(" ", "")
        ca = c.address_core.replace(" ", "")
        f["address_weighted"] = _soft_overlap(q.address, c.address, qa, ca, address_weight)[0]
        f["address_token_set"] = fuzz.token_set_ratio(q.address_core, c.address_core) / 100.0
        f["address_missing"] = 0.0
    else:
        f["address_weighted"] = 0.0
        f["address_token_set"] = 0.0
        f["address_missing"] = 1.0
    qnum, cnum = q.address_numbers, c.address_numbers
    if qnum and cnum:
        # A conflict is a number on each side that the other lacks ("No. 28,
        # ..., National Road 4" vs "No. 7, National Road 4"); a number present on
        # one side only is a dropped address part.
        f["number_match"] = 0.0 if qnum.isdisjoint(cnum) else 1.0
        f["number_conflict"] = 1.0 if (qnum - cnum) and (cnum - qnum) else 0.0
    else:
        f["number_match"] = 0.0
        f["number_conflict"] = 0.0
    f["name_x_address"] = f["name_weighted"] * f["address_weighted"]
    # Another site of the same name: both addresses given and they disagree
    # (house numbers that conflict, or each lacks most of the other's
    # distinctive words: another street, another town). Not a model feature;
    # it only keeps the pair from an automatic match.
    address_conflict = bool(f["number_conflict"])
    # A shared house/plot number places both on one plot, whatever the words
    # (an address in Arabic or Thai script against its Latin rendering).
    if lookalike and not f["address_missing"] and not address_conflict and not f["number_match"]:
        qa_core = [t for t in q.address if t not in ADDRESS_GENERIC and not t.isdigit()]
        ca_core = [t for t in c.address if t not in ADDRESS_GENERIC and not t.isdigit()]
        if qa_core and ca_core:
            _, qa_missing, ca_missing = _soft_overlap(
                qa_core, ca_core, qa, ca, address_weight, neutral=(frozenset(), frozenset())
            )
            address_conflict = (
                min(qa_missing, ca_missing) >= ADDRESS_CONFLICT_SHARE and f["address_weighted"] < ADDRESS_CONFLICT_SHARE
            )

    # Postcodes that differ in more than a typo name other postal areas, even
    # where a house number is shared by chance ("3280 E. 44th Street, Vernon, CA
    # 90058" / "3280 Calf Canyon, Creston, CA 93432") or a street's ordinal reads
    # as one ("2 Anderson Ave, ... 07074" / "524 E. 2nd Ave, ... 07203"), unless
    # the addresses otherwise agree (then the postcode is the error).
    if lookalike and not address_conflict and not f["address_missing"]:
        address_conflict = (
            postcodes_differ(q.address, c.address, q.address_numbers, c.address_numbers)
            and f["address_weighted"] < POSTCODE_ADDRESS_SAME
        )

    if q.coords is not None and c.coords is not None:
        d = _haversine_km(q.coords, c.coords)
        f["distance_km"] = round(d, 3)
        f["geo_near"] = math.exp(-d / 2.0)
        f["geo_far"] = 1.0 if d > 50.0 else 0.0
        address_conflict = address_conflict or d > SISTER_SITE_KM
        # Far apart means another site, unless something else ties the two: a
        # shared identifier, or addresses that agree (then one geocode is wrong,
        # and a person should look). Not a model feature: the matcher sets such a
        # candidate aside (see ``Matcher._decide``). Computed on every pass, as
        # every candidate needs it, not only the best.
        addresses_agree = (
            not f["address_missing"] and not f["number_conflict"] and f["address_weighted"] >= ADDRESS_CONFLICT_SHARE
        )
        if d > OTHER_SITE_KM and not id_match and not addresses_agree:
            f["far_site"] = 1.0
    else:
        f["geo_near"] = 0.0
        f["geo_far"] = 0.0
    if lookalike:
        f["address_conflict"] = 1.0 if address_conflict else 0.0
    return f


def _parts_similarity(a: Sequence[str], b: Sequence[str]) -> tuple[float, float, float]:
    """Mean, least and greatest Jaro-Winkler similarity of each word of the shorter side to its
    best counterpart on the other (order-free: a given name and a surname swapped, or
    one of them missing, still compare part by part)."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if not short:
        return 0.0, 0.0, 0.0
    sims = []
    for tok in short:
        best = process.extractOne(tok, long_, scorer=JaroWinkler.normalized_similarity)
        sims.append(float(best[1]) if best is not None else 0.0)
    return sum(sims) / len(sims), min(sims), max(sims)


def compare_people(
    q: Prepared,
    c: Prepared,
    name_weight: Callable[[str], float],
    address_weight: Callable[[str], float],
) -> dict[str, float]:
    """Comparison features of two person records (name + address), :data:`PERSON_FEATURES`.

    People are not sites: a register of people has no sister sites, and a house
    number, postcode or given name that differs in one place among otherwise
    agreeing fields is mostly a typing error. So no look-alike flags here, each name
    and address word is compared with its best counterpart (Jaro-Winkler, as person
    linkage does), and address numbers count by the share that agree.
    """
    f: dict[str, float] = {}
    qn, cn = list(q.name), list(c.name)
    f["name_token_sort"] = fuzz.token_sort_ratio(q.name_text, c.name_text) / 100.0
    f["name_weighted"] = _soft_overlap(qn, cn, q.name_compact, c.name_compact, name_weight)[0]
    # The least similar part matters on its own (a given name replaced), and so does
    # the most similar one: whether the names have anything in common at all (it also
    # decides ``matcher.person_confirmed``).
    f["name_parts"], f["name_parts_min"], f["name_parts_best"] = _parts_similarity(qn, cn)
    f["name_part_missing"] = 1.0 if len(set(qn)) != len(set(cn)) and min(len(qn), len(cn)) <= 1 else 0.0
    f["country_differs"] = 1.0 if q.country and c.country and q.country != c.country else 0.0
    id_match = 0.0
    id_conflict = 0.0
    for scheme, value in q.identifiers.items():
        other = c.identifiers.get(scheme)
        if other is None:
            continue
        if other == value:
            id_match = 1.0
            f["same_" + scheme] = 1.0
        else:
            id_conflict = 1.0
            f["different_" + scheme] = 1.0
    f["identifier_match"] = id_match
    f["identifier_conflict"] = id_conflict
    qa = [t for t in q.address if not t.isdigit()]
    ca = [t for t in c.address if not t.isdigit()]
    if q.address and c.address:
        f["address_weighted"] = _soft_overlap(
            q.address, c.address, q.address_core.replace(" ", ""), c.address_core.replace(" ", ""), address_weight
        )[0]
        f["address_token_set"] = fuzz.token_set_ratio(q.address_core, c.address_core) / 100.0
        f["address_parts"] = _parts_similarity(qa, ca)[0] if qa and ca else 0.0
        f["address_missing"] = 0.0
    else:
        f["address_weighted"] = f["address_token_set"] = f["address_parts"] = 0.0
        f["address_missing"] = 1.0
    # All numbers of the address (house number, postcode, unit): a share, since a
    # typo in one of them is common and says little when the others agree.
    qnum = {t for t in q.address if t.isdigit()}
    cnum = {t for t in c.address if t.isdigit()}
    f["number_share"] = len(qnum & cnum) / len(qnum | cnum) if qnum and cnum else 0.0
    f["number_conflict"] = 1.0 if qnum and cnum and qnum.isdisjoint(cnum) else 0.0
    f["name_x_address"] = f["name_weighted"] * f["address_weighted"]
    if q.coords is not None and c.coords is not None:
        d = _haversine_km(q.coords, c.coords)
        f["distance_km"] = round(d, 3)
        f["geo_near"] = math.exp(-d / 2.0)
        f["geo_far"] = 1.0 if d > 50.0 else 0.0
    else:
        f["geo_near"] = f["geo_far"] = 0.0
    return f
