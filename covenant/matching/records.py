"""Input records and identifier handling."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = [
    "IDENTIFIER_SCHEMES",
    "Record",
    "normalize_country",
    "normalize_identifier",
]

#: Identifier schemes understood by the matcher. An identical value is
#: near-certain evidence of a match; a different value under the same scheme is
#: strong evidence against.
IDENTIFIER_SCHEMES: tuple[str, ...] = ("os_id", "duns", "lei", "gln")

_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")
_NON_DIGIT = re.compile(r"[^0-9]+")


@dataclass(frozen=True, slots=True)
class Record:
    """One facility, as found in the register or in an uploaded supplier list.

    ``country`` is an ISO 3166-1 alpha-2 code (any case); ``identifiers`` maps a
    scheme in :data:`IDENTIFIER_SCHEMES` to its value (other schemes are kept
    but only compared for equality); ``aliases`` are other names of the same
    site (old names, trade names, local-script names).
    """

    id: str
    name: str
    address: str = ""
    country: str = ""
    identifiers: Mapping[str, str] = field(default_factory=dict)
    lat: float | None = None
    lng: float | None = None
    aliases: tuple[str, ...] = ()

    def coordinates(self) -> tuple[float, float] | None:
        """``(lat, lng)`` when both are present and plausible, else ``None``."""
        lat, lng = self.lat, self.lng
        if lat is None or lng is None:
            return None
        if not (math.isfinite(lat) and math.isfinite(lng)):
            return None
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lng <= 180.0):
            return None
        # (0, 0) is what broken geocoders emit, not a factory in the Gulf of Guinea.
        if lat == 0.0 and lng == 0.0:
            return None
        return (lat, lng)


def normalize_identifier(scheme: str, value: str) -> str:
    """Canonical form of an identifier value ("" when it is unusable)."""
    scheme = scheme.strip().lower()
    value = value.strip()
    if not value:
        return ""
    if scheme in ("duns", "gln"):
        digits = _NON_DIGIT.sub("", value)
        # An all-zero number is a placeholder, not an identifier.
        return digits if digits.strip("0") else ""
    return _NON_ALNUM.sub("", value).upper()


def identifier_keys(identifiers: Mapping[str, str]) -> dict[str, str]:
    """Identifiers with canonical scheme names and values, empty ones dropped."""
    out: dict[str, str] = {}
    for scheme, value in identifiers.items():
        if value is None:
            continue
        s = scheme.strip().lower()
        v = normalize_identifier(s, str(value))
        if v:
            out[s] = v
    return out


@lru_cache(maxsize=1024)
def _valid_alpha2(code: str) -> bool:
    import pycountry

    # Kosovo is used by the EU, the UN and most registers despite having no
    # ISO code of its own.
    if code == "XK":
        return True
    return pycountry.countries.get(alpha_2=code) is not None


def normalize_country(value: str) -> str | None:
    """Upper-case ISO 3166-1 alpha-2 code, or ``None`` if ``value`` is not one."""
    code = value.strip().upper()
    if len(code) != 2 or not code.isalpha():
        return None
    return code if _valid_alpha2(code) else None
