"""The demo's word lists, read from the JSON files in ``data/`` (see ``data/SOURCES.md``).

``data/countries/<iso alpha-3>.json`` holds one :class:`Country` (its cities, kinds of
site, name and address templates); ``kinds.json`` what a kind of site is everywhere;
``organisations.json`` the fictional secretariat, members, audit firms and NGOs;
``people.json`` given and family names per country; ``noise.json`` how members
misspell names. Every file has an ``about`` note, which is not loaded. JSON arrays
become tuples, so a token reads back exactly as the shapes in :mod:`._types` expect.

To add a country, write its file like the others and add its code to ``_ORDER``.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from covenant.demo.wordlists._types import City, Country, Kind, KindInfo, MemberSpec, OrgSpec

# Order matters for reproducibility: sites are allotted to countries in this order,
# so never sort or reorder it casually.
_ORDER = (
    "chn", "ind", "bgd", "vnm", "tur", "idn", "pak", "tha", "khm", "mmr", "mys", "lka",
    "phl", "twn", "kor", "jpn", "uzb", "tkm", "civ", "gha", "nga", "eth", "ken", "egy",
    "mar", "zaf", "bra", "col", "ecu", "cri", "mex", "gtm", "hnd", "per", "chl", "ukr",
    "rus", "pol", "rou", "prt", "ita", "esp", "grc", "deu", "nld",
)  # fmt: skip


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def _read(name: str) -> dict[str, Any]:
    text = resources.files(__name__).joinpath("data", *name.split("/")).read_text(encoding="utf-8")
    data: dict[str, Any] = _tuples(json.loads(text))
    data.pop("about", None)
    return data


def _country(code: str) -> Country:
    fields = _read(f"countries/{code}.json")
    cities = tuple(City(**city) for city in fields.pop("cities"))
    kinds = tuple(Kind(**kind) for kind in fields.pop("kinds"))
    return Country(cities=cities, kinds=kinds, **fields)


COUNTRIES: tuple[Country, ...] = tuple(_country(code) for code in _ORDER)
KINDS: dict[str, KindInfo] = {key: KindInfo(**info) for key, info in _read("kinds.json")["kinds"].items()}
_ORGANISATIONS = _read("organisations.json")
ORGS: tuple[OrgSpec, ...] = tuple(OrgSpec(**org) for org in _ORGANISATIONS["organisations"])
MEMBERS: tuple[MemberSpec, ...] = tuple(MemberSpec(**member) for member in _ORGANISATIONS["members"])
PEOPLE: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    country: (names["given"], names["family"], names["language"])
    for country, names in _read("people.json")["people"].items()
}

_NOISE = _read("noise.json")
# How members mistype and reformat supplier names (used by ``data.noisy_variant``).
LEGAL_VARIANTS: tuple[tuple[str, ...], ...] = _NOISE["legal_variants"]
ABBREVIATIONS: tuple[tuple[str, str], ...] = _NOISE["abbreviations"]
NAME_PREFIXES: tuple[tuple[str, ...], ...] = _NOISE["name_prefixes"]
SUFFIXES: tuple[str, ...] = _NOISE["suffixes"]

__all__ = [
    "ABBREVIATIONS",
    "COUNTRIES",
    "KINDS",
    "LEGAL_VARIANTS",
    "MEMBERS",
    "NAME_PREFIXES",
    "ORGS",
    "PEOPLE",
    "SUFFIXES",
]
