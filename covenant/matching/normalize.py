"""Normalisation of facility names and addresses in many languages and scripts.

Everything is folded to lower-case ASCII tokens so that a supplier list written in
Vietnamese with diacritics, in Chinese characters or in a casual English
romanisation compares against the same canonical form:

1. Unicode NFKC (full-width digits, circled or parenthesised ideographs such as
   ``㈱``, ligatures).
2. Local-script morphemes that carry no identity (legal forms such as
   ``有限公司``, ``ООО``, ``บริษัท``) are removed *before* transliteration, and
   address morphemes (``路``, ``号``, ``镇``...) are replaced by their canonical
   ASCII token, because after transliteration they would melt into the
   neighbouring syllables (``DongGuanShiHouJieZhen``).
3. Transliteration with anyascii (ISC licence) for every other script.
4. Punctuation and dotted abbreviations (``S.A. de C.V.`` -> ``sa de cv``).
5. Token level: legal forms are dropped, abbreviations are expanded to a
   canonical spelling, numbers are kept (ordinals and number words become
   digits, leading zeros go) because house and plot numbers are strong evidence.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from anyascii import anyascii

__all__ = [
    "ADDRESS_GENERIC",
    "GENERIC_SPELLINGS",
    "NAME_GENERIC",
    "address_tokens",
    "fold",
    "load_table",
    "name_tokens",
]

# ---------------------------------------------------------------------------
# Word knowledge lives in data files (covenant/matching/data/*.csv, sources in
# SOURCES.md there): legal forms, spelling variants of name words, site
# qualifiers, generic words, stop words, address words, number words.
# A variant written in a script other than Latin is a *morpheme*: it is
# replaced before transliteration (a value of "" deletes it), because
# afterwards it would melt into the neighbouring syllables.
# ---------------------------------------------------------------------------
DATA_DIR = Path(__file__).resolve().parent / "data"


def load_table(name: str) -> list[dict[str, str]]:
    """Rows of ``data/<name>.csv`` as dicts (UTF-8, header row, ``source`` column)."""
    with open(DATA_DIR / f"{name}.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if not row.get("source"):
            raise ValueError(f"{name}.csv: entry {next(iter(row.values()))!r} has no source")
    return rows


def _is_morpheme(word: str) -> bool:
    return not word.isascii()


def _pairs(name: str, key: str, value: str) -> list[tuple[str, str]]:
    return [(row[key], row[value]) for row in load_table(name)]


_LEGAL_ROWS = [row["form"] for row in load_table("legal_forms")]
_STOPWORD_ROWS = [row["word"] for row in load_table("stopwords")]
_NAME_WORD_ROWS = _pairs("name_words", "variant", "canonical")
_SITE_ROWS = _pairs("site_qualifiers", "variant", "canonical")
_ADDRESS_WORD_ROWS = _pairs("address_words", "variant", "canonical")

_LOCAL_NAME_MORPHEMES: dict[str, str] = {}
for _word in _LEGAL_ROWS + _STOPWORD_ROWS:
    if _is_morpheme(_word):
        _LOCAL_NAME_MORPHEMES[_word] = ""
for _word, _canon in _NAME_WORD_ROWS + _SITE_ROWS:
    if _is_morpheme(_word):
        _LOCAL_NAME_MORPHEMES[_word] = f" {_canon} "
_LOCAL_ADDRESS_MORPHEMES: dict[str, str] = {
    word: f" {canon} " if canon else " " for word, canon in _ADDRESS_WORD_ROWS if _is_morpheme(word)
}


def _nfkc_keys(table: dict[str, str]) -> dict[str, str]:
    # Keys must be compared after NFKC: Thai SARA AM, for one, decomposes.
    return {unicodedata.normalize("NFKC", k): v for k, v in table.items()}


_LOCAL_NAME_MORPHEMES = _nfkc_keys(_LOCAL_NAME_MORPHEMES)
_LOCAL_ADDRESS_MORPHEMES = _nfkc_keys(_LOCAL_ADDRESS_MORPHEMES)


_UNSPACED_SCRIPTS_RE = re.compile(
    r"[\u0e00-\u0e7f\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)


def _morpheme_regex(table: dict[str, str]) -> re.Pattern[str]:
    parts = []
    for key in sorted(table, key=len, reverse=True):
        if _UNSPACED_SCRIPTS_RE.search(key):
            # Chinese, Japanese, Korean and Thai write words without spaces.
            parts.append(re.escape(key))
        else:
            # Elsewhere a morpheme is a whole word: "АД" must not eat "НАДЕЖДА".
            parts.append(r"(?<!\w)" + re.escape(key) + r"(?!\w)")
    return re.compile("|".join(parts))


_NAME_MORPH_RE = _morpheme_regex(_LOCAL_NAME_MORPHEMES)
_ADDR_MORPH_RE = _morpheme_regex({**_LOCAL_NAME_MORPHEMES, **_LOCAL_ADDRESS_MORPHEMES})
_ADDR_MORPH_TABLE = {**_LOCAL_NAME_MORPHEMES, **_LOCAL_ADDRESS_MORPHEMES}
# Han, kana and hangul runs have no spaces between words: isolate them so that
# the transliteration of a run stays one token and never glues onto Latin text.
_CJK_RUN_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_APOSTROPHES_RE = re.compile(r"['`\u2019\u2018\u02bc\u00b4]")
_DOTTED_ABBR_RE = re.compile(r"\b(?:[a-z]\.)+[a-z]\b\.?")
_ORDINAL_RE = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")
_ALPHA_DIGIT_RE = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
# "M/S" (messrs) prefixes Indian and Bangladeshi supplier names.
_MESSRS_RE = re.compile(r"^\s*m\s*/\s*s\.?\s+")


# Site numbers written in CJK: "二厂" (plant 2), "第2工場", "제2공장". Converted before
# the morphemes so that the number survives as a digit token ("factory 2").
_CJK_DIGITS = {"一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CJK_SITE_NO_RE = re.compile(
    r"(?:第|제)?\s*([一二两兩三四五六七八九十]{1,3}|\d{1,3})\s*(?:分厂|分廠|工厂|工廠|工場|厂|廠|공장)"
)


def _cjk_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _CJK_DIGITS.get(tens, 0) if tens else 1
        o = _CJK_DIGITS.get(ones, 0) if ones else 0
        return 10 * t + o if (not tens or tens in _CJK_DIGITS) and (not ones or ones in _CJK_DIGITS) else None
    if len(text) == 1:
        return _CJK_DIGITS.get(text)
    return None


def _site_number(m: re.Match[str]) -> str:
    n = _cjk_number(m.group(1))
    return m.group(0) if n is None else f" factory {n} "


def _replace_morphemes(text: str, regex: re.Pattern[str], table: dict[str, str]) -> str:
    return regex.sub(lambda m: table[m.group(0)] or " ", text)


@lru_cache(maxsize=65536)
def _fold_cached(text: str, address: bool) -> str:
    return _fold(text, address)


def _fold(text: str, address: bool) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        if address:
            text = _replace_morphemes(text, _ADDR_MORPH_RE, _ADDR_MORPH_TABLE)
        else:
            text = _CJK_SITE_NO_RE.sub(_site_number, text)
            text = _replace_morphemes(text, _NAME_MORPH_RE, _LOCAL_NAME_MORPHEMES)
        text = _CJK_RUN_RE.sub(lambda m: " " + m.group(0) + " ", text)
        text = anyascii(text)
    text = text.lower()
    text = _APOSTROPHES_RE.sub("", text)
    text = _MESSRS_RE.sub(" ", text)
    text = _DOTTED_ABBR_RE.sub(lambda m: m.group(0).replace(".", ""), text)
    text = _ORDINAL_RE.sub(r"\1", text)
    text = _NON_ALNUM_RE.sub(" ", text)
    text = _ALPHA_DIGIT_RE.sub(" ", text)
    return text


def fold(text: str, *, address: bool = False) -> str:
    """Fold ``text`` to lower-case ASCII words separated by single spaces.

    Local-script legal forms are dropped and (with ``address=True``) local-script
    address morphemes are replaced by canonical tokens; no token-level rules are
    applied here.
    """
    if not text:
        return ""
    # Names and addresses repeat a lot across lists; very long cells do not.
    folded = _fold_cached(text, address) if len(text) < 200 else _fold(text, address)
    return " ".join(folded.split())


# ---------------------------------------------------------------------------
# Token rules
# ---------------------------------------------------------------------------
_NUMBER_WORDS: dict[str, str] = dict(_pairs("number_words", "word", "number"))

# Legal forms as token sequences (after folding). Dropped wherever they occur.
_LEGAL_FORMS: frozenset[tuple[str, ...]] = frozenset(tuple(form.split()) for form in _LEGAL_ROWS if form.isascii())
_LEGAL_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _form in sorted(_LEGAL_FORMS, key=len, reverse=True):
    _LEGAL_BY_FIRST.setdefault(_form[0], []).append(_form)

_NAME_STOPWORDS: frozenset[str] = frozenset(w for w in _STOPWORD_ROWS if w.isascii())

# Spelling variants of name words (and site qualifiers in other languages:
# "Filial 2", "Çerkezköy Şubesi", "Usine 2") mapped to one canonical spelling.
_NAME_CANON: dict[str, str] = {w: c for w, c in _NAME_WORD_ROWS + _SITE_ROWS if w.isascii()}

#: Words that say what kind of business or site a name is, not which one
#: (sector words in many languages, scope words, country names). They keep a
#: place in the name but weigh much less than distinctive words, on top of the
#: IDF learned from the register (which is weak on a small register).
NAME_GENERIC: frozenset[str] = frozenset(
    _NAME_CANON.get(row["word"], row["word"]) for row in load_table("name_generic")
)

#: Generic words and every spelling of them that :data:`_NAME_CANON` maps to
#: one ("agricola", "curtume"): a typo of any of these is a generic word too.
GENERIC_SPELLINGS: frozenset[str] = NAME_GENERIC | frozenset(k for k, v in _NAME_CANON.items() if v in NAME_GENERIC)

# Address words: canonical spelling for abbreviations and local-language terms
# ("" drops the word: number markers, prepositions).
_ADDR_CANON: dict[str, str] = {w: c for w, c in _ADDRESS_WORD_ROWS if w.isascii()}

#: Address words that say what kind of place a token is but not which one.
ADDRESS_GENERIC: frozenset[str] = frozenset(row["word"] for row in load_table("address_generic"))

_COUNTRY_TAIL_EXTRA: dict[str, tuple[str, ...]] = {}
for _row in load_table("country_names"):
    _COUNTRY_TAIL_EXTRA[_row["country"]] = (*_COUNTRY_TAIL_EXTRA.get(_row["country"], ()), _row["name"])


@lru_cache(maxsize=512)
def _country_tails(country: str) -> tuple[tuple[str, ...], ...]:
    names: set[str] = set(_COUNTRY_TAIL_EXTRA.get(country, ()))
    if country:
        try:
            import pycountry

            entry = pycountry.countries.get(alpha_2=country)
        except (LookupError, KeyError):
            entry = None
        if entry is not None:
            for attr in ("name", "common_name", "official_name"):
                value = getattr(entry, attr, None)
                if isinstance(value, str):
                    names.add(fold(value))
    return tuple(sorted((tuple(n.split()) for n in names if n), key=len, reverse=True))


def _common_token_rules(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for tok in tokens:
        num = _NUMBER_WORDS.get(tok)
        if num is not None:
            tok = num
        elif tok.isdigit() and 1 < len(tok) < 5:
            # "No. 007" is 7; "04100" stays a five-digit postcode (not house number 4100).
            tok = tok.lstrip("0") or "0"
        out.append(tok)
    return out


def _drop_legal_forms(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        forms = _LEGAL_BY_FIRST.get(tokens[i])
        if forms:
            for form in forms:
                k = len(form)
                if tuple(tokens[i : i + k]) == form:
                    i += k
                    break
            else:
                out.append(tokens[i])
                i += 1
        else:
            out.append(tokens[i])
            i += 1
    return out


# Variants of five letters and more that end a word written together with the
# one before it ("Cbfoods", "M.C.I.Foods", "Weiyeefoods"), longest first.
_CANON_SUFFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        ((w, c) for w, c in _NAME_CANON.items() if len(w) >= 5 and w.isalpha() and c.isalpha() and w != c),
        key=lambda wc: -len(wc[0]),
    )
)


@lru_cache(maxsize=65536)
def _canon_suffix(tok: str) -> str:
    """``tok`` with a variant spelling at its end made canonical ("cbfoods" -> "cbfood").

    A word glued to the next one is compared by joining the other side's words
    (features._join_runs): the joined words must then be spelt as the separate
    ones are, canonical spelling included ("cb" + "food" against "cbfoods").
    """
    if len(tok) < 7 or not tok.isalpha():
        return tok
    for variant, canon in _CANON_SUFFIXES:
        if len(tok) - len(variant) >= 2 and tok.endswith(variant):
            return tok[: -len(variant)] + canon
    return tok


def name_tokens(name: str) -> list[str]:
    """Tokens of a facility or entity name, legal forms and stop words removed.

    >>> name_tokens("Công ty TNHH May Mặc Việt Tiến")
    ['may', 'mac', 'viet', 'tien']
    >>> name_tokens("PT. Sumber Mitra Gasutri Tbk")
    ['sumber', 'mitra', 'gasutri']
    """
    tokens = _common_token_rules(fold(name).split())
    tokens = _drop_legal_forms(tokens)
    out: list[str] = []
    for tok in tokens:
        if tok in _NAME_STOPWORDS:
            continue
        canon = _NAME_CANON.get(tok)
        out.append(canon if canon is not None else _canon_suffix(tok))
    if not out and tokens:
        # A name made only of stop words ("The Company") still needs a key.
        out = tokens
    return out


def address_tokens(address: str, country: str = "") -> list[str]:
    """Canonical tokens of an address.

    Abbreviations and local-language address words map to one spelling
    (``Jl.`` -> ``jalan``, ``Phường`` -> ``ward``, ``路`` -> ``road``); number
    markers (``No.``, ``#``) are dropped but the numbers themselves are kept; a
    trailing country name is removed since the country is a separate field.
    """
    tokens = _common_token_rules(fold(address, address=True).split())
    out: list[str] = []
    for tok in tokens:
        canon = _ADDR_CANON.get(tok)
        if canon is None:
            out.append(tok)
        elif canon:
            out.extend(canon.split())
    if country and out:
        for tail in _country_tails(country):
            k = len(tail)
            if len(out) > k and tuple(out[-k:]) == tail:
                del out[-k:]
                break
    return out
