"""Turn whatever people type as a country into ISO 3166-1 alpha-2.

Used by the register's supplier lists and by every form that takes a country
(``core.forms.CountryInput``), so it lives in ``core``, below the apps.

Supplier lists come from buyers, agents and factories all over the world, so the
country column holds codes ("BD", "BGD"), English names in several official and
colloquial forms ("Viet Nam", "Vietnam"), Dutch names ("Duitsland") and names in
the supplier's own script ("বাংলাদেশ"). The lookup table is built once, lazily, from
pycountry's names and its bundled gettext translations, plus a hand-written alias
table for what pycountry lacks (old names, colloquial names, a few local spellings).

Matching is exact after normalisation; nothing is fuzzy-matched, because a wrong
country silently moves a factory to the wrong place in the shared register. Strings
that could mean several countries ("Congo", "Korea", "Guinea") give ``None``;
:func:`country_candidates` tells the caller which countries they could mean.

Pure Python: no Django imports.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

import pycountry

__all__ = ["country_candidates", "country_name", "parse_country"]

# Languages whose pycountry translations feed the lookup table: the member
# companies' own languages plus those of the main sourcing countries.
LANGUAGES = (
    "nl", "de", "fr", "es", "pt", "pt_BR", "it", "zh_CN", "zh_TW", "zh_HK", "vi", "th", "bn", "hi",
    "tr", "ru", "uk", "ar", "ur", "id", "ms", "km", "my", "am", "ja", "ko", "el", "sr", "bg", "pl",
    "ro", "fil", "sw", "cs", "hu", "hr", "sv", "da", "fi", "ne", "si", "ta", "lo", "fa", "he", "mk",
)  # fmt: skip

# Kosovo has no ISO code; "XK" is the user-assigned code that the EU, the World Bank
# and Open Supply Hub use. pycountry does not list it.
_KOSOVO_NAMES = {"en": "Kosovo", "sq": "Kosova", "sr": "Косово", "de": "Kosovo", "fr": "Kosovo"}

# pycountry's English names are catalogue names ("Congo, The Democratic Republic of the");
# these read better on a page.
_ENGLISH_DISPLAY = {
    "BN": "Brunei",
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "FM": "Micronesia",
    "PS": "Palestine",
    "RU": "Russia",
    "VA": "Vatican City",
    "VG": "British Virgin Islands",
    "VI": "US Virgin Islands",
}
_DUTCH_DISPLAY = {
    "BO": "Bolivia",
    "CD": "Democratische Republiek Congo",
    "CG": "Congo-Brazzaville",
    "PS": "Palestina",
    "VA": "Vaticaanstad",
    "VE": "Venezuela",
    "VG": "Britse Maagdeneilanden",
    "VI": "Amerikaanse Maagdeneilanden",
}

# Strings that name more than one country. Guessing would put a factory in the
# wrong country, so these give None and the person is asked for the code.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "korea": ("KR", "KP"),
    "corea": ("KR", "KP"),
    "coree": ("KR", "KP"),
    "kore": ("KR", "KP"),
    "корея": ("KR", "KP"),
    "congo": ("CG", "CD"),
    "kongo": ("CG", "CD"),
    "конго": ("CG", "CD"),
    "guinea": ("GN", "GQ", "GW", "PG"),
    "guinee": ("GN", "GQ", "GW", "PG"),
    "guine": ("GN", "GQ", "GW", "PG"),
    "republic of china": ("CN", "TW"),
    "virgin islands": ("VG", "VI"),
    "saint martin": ("MF", "SX"),
    "st martin": ("MF", "SX"),
    "sint maarten": ("MF", "SX"),
}

# Codes outside ISO 3166-1 that people still use for a country.
_EXTRA_CODES = {"UK": "GB", "EL": "GR", "XK": "XK", "XKX": "XK", "RKS": "XK"}

# Hand-written aliases: colloquial and former English names, plus Dutch, German,
# French, Spanish and local-script spellings that pycountry's catalogues miss.
_ALIASES: dict[str, tuple[str, ...]] = {
    "AE": ("UAE", "Emirates", "U.A.E.", "Verenigde Arabische Emiraten", "Dubai"),
    "BA": ("Bosnia", "Bosnië", "Bosnië en Herzegovina"),
    "BD": ("Bangla Desh", "বাংলাদেশ"),
    "BN": ("Brunei",),
    "BO": ("Bolivia",),
    "BY": ("Belarus", "Byelorussia", "Wit-Rusland", "Witrusland", "Weißrussland", "Biélorussie"),
    "CD": (
        "DR Congo", "DRC", "D.R.C.", "DRC Congo", "Congo DR", "Congo-Kinshasa", "Congo (Kinshasa)",
        "Congo Kinshasa", "Democratic Republic of Congo", "Congo, Dem. Rep.", "Congo, Democratic Republic",
        "Zaire", "Zaïre", "Kongo-Kinshasa", "Democratische Republiek Congo", "RD Congo", "RDC",
        "République démocratique du Congo",
    ),
    "CG": (
        "Congo-Brazzaville", "Congo (Brazzaville)", "Congo Brazzaville", "Republic of Congo",
        "Congo Republic", "Congo, Rep.", "Republiek Congo", "Kongo-Brazzaville",
    ),
    "CI": ("Ivory Coast", "Ivoorkust", "Elfenbeinküste", "Costa de Marfil", "Cote dIvoire", "Cote d Ivoire"),
    "CN": (
        "PRC", "P.R.C.", "P.R. China", "PR China", "P.R.China", "Mainland China", "China Mainland",
        "China (Mainland)", "People's Republic of China", "中国大陆", "中國大陸", "Chine", "Trung Quốc",
    ),
    "CV": ("Cape Verde", "Kaapverdië"),
    "CZ": ("Czech Republic", "Czech", "Tsjechië", "Tschechien", "Česko", "Česká republika"),
    "DE": ("Deutschland", "Duitsland", "Allemagne", "Alemania", "West Germany", "BRD"),
    "EG": ("Egypte", "Ägypten", "Egipto", "مصر"),
    "ET": ("Ethiopië", "Äthiopien", "ኢትዮጵያ"),
    "FM": ("Micronesia", "Micronesia, Fed. Sts."),
    "GB": (
        "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland", "United Kingdom",
        "U.K.", "Engeland", "Schotland", "Groot-Brittannië", "Groot Brittannië", "Verenigd Koninkrijk",
        "Großbritannien", "Vereinigtes Königreich", "Royaume-Uni", "Reino Unido",
    ),
    "GN": ("Guinea-Conakry", "Guinea Conakry", "Guinée-Conakry", "Republic of Guinea", "Guinee-Conakry"),
    "GR": ("Greece", "Ελλάδα", "Ελλάς", "Hellas", "Griekenland"),
    "HK": ("Hong Kong SAR", "Hongkong", "Hong Kong, China", "香港", "香港特别行政区", "香港特別行政區"),
    "ID": ("Indonesië", "Indonesien", "Republik Indonesia", "Negara Kesatuan Republik Indonesia"),
    "IN": ("भारत", "Bharat", "Hindustan"),
    "IR": ("Iran", "Persia"),
    "KH": ("Cambodja", "Kambodscha", "Kampuchea", "ព្រះរាជាណាចក្រកម្ពុជា", "កម្ពុជា"),
    "KP": ("North Korea", "Korea, North", "DPRK", "D.P.R.K.", "Noord-Korea", "Nordkorea", "조선"),
    "KR": (
        "South Korea", "Korea, South", "Republic of Korea", "ROK", "Korea Rep", "S Korea", "Zuid-Korea", "Südkorea",
        "Corée du Sud", "Corea del Sur", "대한민국", "한국", "南韓", "韩国", "韓國",
    ),
    "LA": ("Laos", "Lao PDR", "Lao"),
    "MA": ("Marokko", "Maroc", "Marruecos", "المغرب"),
    "MD": ("Moldova", "Moldavia", "Moldavië"),
    "MK": ("Macedonia", "FYROM", "Republic of Macedonia", "Macedonië", "Noord-Macedonië", "Nordmazedonien"),
    "MM": ("Burma", "Birma", "Myanmar (Burma)", "Republic of the Union of Myanmar", "မြန်မာ", "မြန်မာနိုင်ငံ"),
    "MO": ("Macau", "Macao SAR", "Macau SAR", "澳門", "澳门"),
    "MX": ("México", "Mexiko", "Mexique"),
    "MY": ("Maleisië", "Malaysia"),
    "NL": ("Holland", "The Netherlands", "Netherlands", "Nederland", "Niederlande", "Pays-Bas", "Países Bajos"),
    "PE": ("Perú",),
    "PH": ("Filipijnen", "Philippines", "Pilipinas", "Philippinen"),
    "PK": ("پاکستان",),
    "PS": ("Palestine", "Palestinian Territories", "Palestinian Territory", "West Bank and Gaza", "Palestina"),
    "RU": ("Russia", "Rusland", "Russland", "Russie", "Rusia", "Россия", "РФ"),
    "SA": ("KSA", "Saudi", "Saudi-Arabië"),
    "SY": ("Syria",),
    "SZ": ("Swaziland", "Swasiland", "eSwatini"),
    "TH": ("ประเทศไทย", "ไทย", "Thailand", "Thaïlande", "Tailandia"),
    "TL": ("East Timor", "Oost-Timor", "Timor Leste"),
    "TR": (
        "Turkey", "Turkije", "Türkei", "Turquie", "Turquía", "Turkiye", "Türkiye", "Republic of Turkey",
        "Türkiye Cumhuriyeti",
    ),
    "TW": ("Taiwan", "Chinese Taipei", "Taiwan ROC", "Taiwan (ROC)", "台灣", "臺灣", "台湾", "中華民國"),
    "TZ": ("Tanzania",),
    "UA": ("Ukraine", "Oekraïne", "Україна", "Ukrayina"),
    "US": (
        "USA", "U.S.A.", "U.S.", "US of A", "United States of America", "America", "Amerika",
        "Verenigde Staten", "Verenigde Staten van Amerika", "Vereinigte Staaten", "États-Unis",
        "Estados Unidos", "EE.UU.", "EEUU",
    ),
    "VA": ("Vatican", "Vatican City", "Holy See"),
    "VE": ("Venezuela", "Venezuela, RB"),
    "LK": ("Srilanka", "Ceylon"),
    "VN": ("Vietnam", "Viet Nam", "Việt Nam", "Socialist Republic of Vietnam"),
    "XK": ("Kosovo", "Kosova", "Косово", "Republic of Kosovo"),
    "ZA": ("Zuid-Afrika", "Südafrika", "Afrique du Sud", "Sudáfrica", "RSA"),
}  # fmt: skip

# Abbreviations expanded before the noise-tolerant lookup ("St Lucia", "Congo, Dem. Rep.").
_TOKEN_SYNONYMS = {"st": "saint", "ste": "sainte", "dem": "democratic", "rep": "republic", "fed": "federated"}

# Words that carry no information about *which* country is meant once the rest of the
# name is known: "Republic of Moldova", "Moldova, Republic of" and "Moldova" all
# reduce to {"moldova"}. Only used as a fallback, and a reduced form that several
# countries share is treated as ambiguous.
_NOISE = frozenset(
    {"the", "of", "and", "republic", "kingdom", "state", "federal", "federation", "islamic", "arab"}
    | {"plurinational", "bolivarian", "sar", "special", "administrative", "region", "province"}
)

_SPECIAL_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l", "ı": "i", "þ": "th", "ð": "d"})
_APOSTROPHES = re.compile(r"['’‘ʼ`´]")
_DOTTED = re.compile(r"\S*\.\S*")
# "N.A." and "n/a" mean "not available", even though "NA" is Namibia.
_NOT_AVAILABLE = re.compile(r"\s*n\s*[./\\]\s*a\s*\.?\s*", re.IGNORECASE)
_FOLDED_SCRIPTS = ("LATIN", "GREEK", "ARABIC")


def _fold_marks(text: str) -> str:
    """Drop accents on Latin, Greek and Arabic letters; keep the marks other scripts need.

    Thai, Devanagari, Bengali and Khmer write vowels as combining marks, so
    stripping every combining mark would turn their names into nonsense.
    """
    out: list[str] = []
    base_folds = False
    for char in unicodedata.normalize("NFD", text):
        category = unicodedata.category(char)
        if category == "Cf":
            continue  # zero-width spaces and joiners, common in Khmer and Persian text
        if category == "Mn":
            if not base_folds:
                out.append(char)
            continue
        base_folds = unicodedata.name(char, "").startswith(_FOLDED_SCRIPTS)
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def _undot(match: re.Match[str]) -> str:
    """Join initialisms ("U.S.A.", "P.R.China" -> "usa", "pr china") but split "St.Lucia"."""
    words: list[str] = []
    joining = False
    for piece in match.group().split("."):
        if not piece:
            joining = False
        elif len(piece) <= 2 and joining:
            words[-1] += piece
        else:
            words.append(piece)
            joining = len(piece) <= 2
    return " ".join(words)


@lru_cache(maxsize=8192)
def normalize(value: str) -> str:
    """The form in which country names are compared."""
    text = unicodedata.normalize("NFKC", value).casefold()
    text = _fold_marks(text).translate(_SPECIAL_LETTERS).replace("&", " and ")
    text = _APOSTROPHES.sub("", text).replace("\u0640", "")  # U+0640: Arabic tatweel
    text = _DOTTED.sub(_undot, text)
    text = "".join(" " if unicodedata.category(c)[0] in "PSZC" else c for c in text)
    words = text.split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def _reduced(key: str) -> str:
    words = (_TOKEN_SYNONYMS.get(word, word) for word in key.split())
    return " ".join(sorted({word for word in words if word not in _NOISE}))


@dataclass
class _Index:
    exact: dict[str, frozenset[str]] = field(default_factory=dict)
    reduced: dict[str, frozenset[str]] = field(default_factory=dict)

    def add_tier(self, entries: dict[str, set[str]]) -> None:
        """Add one tier of names; keys already claimed by a stronger tier are left alone."""
        for key, codes in entries.items():
            self.exact.setdefault(key, frozenset(codes))


def _collect(pairs: list[tuple[str, str]]) -> dict[str, set[str]]:
    entries: dict[str, set[str]] = {}
    for text, code in pairs:
        key = normalize(text)
        if key:
            entries.setdefault(key, set()).add(code)
    return entries


def _english_names(country: object) -> list[str]:
    names = [getattr(country, attr, "") for attr in ("name", "official_name", "common_name")]
    # "Korea, Republic of" is also written "Republic of Korea".
    names += [f"{tail} {head}" for head, _, tail in (name.partition(", ") for name in names) if tail]
    return [name for name in names if name]


def _code_pairs() -> list[tuple[str, str]]:
    pairs = list(_EXTRA_CODES.items())
    for country in pycountry.countries:
        pairs += [(country.alpha_2, country.alpha_2), (country.alpha_3, country.alpha_2)]
    return pairs


def _translation_pairs() -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for language in LANGUAGES:
        catalog = _catalog(language)
        for country in pycountry.countries:
            pairs += [(catalog.gettext(name), country.alpha_2) for name in _english_names(country)]
    return pairs


@cache
def _catalog(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


@cache
def _index() -> _Index:
    index = _Index()
    english = [(name, country.alpha_2) for country in pycountry.countries for name in _english_names(country)]
    aliases = [(alias, code) for code, names in _ALIASES.items() for alias in names]
    index.add_tier(_collect(_code_pairs()))
    index.add_tier(_collect(aliases))
    index.add_tier(_collect(english))
    index.add_tier(_collect(_translation_pairs()))
    reduced: dict[str, set[str]] = {}
    for text, code in aliases + english:
        reduced.setdefault(_reduced(normalize(text)), set()).add(code)
    index.reduced = {key: frozenset(codes) for key, codes in reduced.items() if key}
    return index


@lru_cache(maxsize=4096)
def country_candidates(value: str) -> tuple[str, ...]:
    """All alpha-2 codes ``value`` could mean, sorted: empty if unknown, several if ambiguous."""
    key = normalize(value)
    if not key or _NOT_AVAILABLE.fullmatch(value):
        return ()
    if key in AMBIGUOUS:
        return tuple(sorted(AMBIGUOUS[key]))
    index = _index()
    if key in index.exact:
        return tuple(sorted(index.exact[key]))
    reduced = _reduced(key)
    if reduced in AMBIGUOUS:
        return tuple(sorted(AMBIGUOUS[reduced]))
    return tuple(sorted(index.reduced.get(reduced, ())))


def parse_country(value: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a country as a person typed it, or None.

    None means unknown or ambiguous; :func:`country_candidates` tells which.
    Kosovo gives the user-assigned code "XK".
    """
    candidates = country_candidates(value)
    return candidates[0] if len(candidates) == 1 else None


def country_name(code: str, language: str = "en") -> str:
    """Display name of a country in ``language`` (a pycountry locale such as "nl"), English if missing.

    Unknown codes are returned unchanged, upper-cased, so a page never breaks on one.
    """
    code = code.strip().upper()
    if code == "XK":
        return _KOSOVO_NAMES.get(language, _KOSOVO_NAMES["en"])
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    english = _ENGLISH_DISPLAY.get(code) or getattr(country, "common_name", "") or country.name
    if language == "en":
        return str(english)
    if language == "nl" and code in _DUTCH_DISPLAY:
        return _DUTCH_DISPLAY[code]
    catalog = _catalog(language)
    for msgid in (getattr(country, "common_name", ""), country.name):
        translated = catalog.gettext(msgid) if msgid else ""
        if translated and translated != msgid:
            return translated
    return str(english)
