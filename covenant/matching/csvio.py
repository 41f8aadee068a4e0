"""Reading registers and supplier lists from CSV, with row-numbered errors."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from pathlib import Path

from .records import IDENTIFIER_SCHEMES, Record, normalize_country

__all__ = ["REQUIRED_COLUMNS", "InputError", "read_records"]

REQUIRED_COLUMNS: tuple[str, ...] = ("id", "name", "address", "country")
_LAT_COLUMNS = ("lat", "latitude")
_LNG_COLUMNS = ("lng", "lon", "long", "longitude")
_ALIAS_SEPARATORS = ("|", ";")


class InputError(ValueError):
    """A problem with an input file, phrased for the person who made the file."""


def _parse_coordinate(value: str, low: float, high: float) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        return None
    if not math.isfinite(number) or not low <= number <= high:
        return None
    return number


def _split_aliases(value: str) -> list[str]:
    parts = [value]
    for sep in _ALIAS_SEPARATORS:
        parts = [p for part in parts for p in part.split(sep)]
    return [p.strip() for p in parts if p.strip()]


def read_records(path: str | Path, *, label: str) -> Iterator[Record]:
    """Yield the rows of ``path`` as :class:`Record` objects.

    The header must contain ``id,name,address,country`` (any order, any case);
    recognised optional columns are the identifier schemes (``os_id``,
    ``duns``, ``lei``, ``gln``), ``lat``/``lng`` (or ``latitude``/
    ``longitude``) and ``alias``/``aliases``/``alias_*`` (several aliases in
    one cell separated by ``|`` or ``;``). Other columns are ignored. A UTF-8
    byte-order mark is tolerated.

    Raises :class:`InputError` naming the file (``label``) and the row: row 1
    is the first data row, and the physical line is given too because quoted
    cells can span lines.
    """
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(f"{label}: the file is empty (expected a header row)") from None
        except csv.Error as exc:
            raise InputError(f"{label}: header: {exc}") from None
        columns = [h.strip().lower() for h in header]
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise InputError(
                f"{label}: header is missing column(s) {', '.join(missing)} (need {','.join(REQUIRED_COLUMNS)})"
            )
        pos = {name: columns.index(name) for name in REQUIRED_COLUMNS}
        ident_pos = {s: columns.index(s) for s in IDENTIFIER_SCHEMES if s in columns}
        lat_pos = next((columns.index(c) for c in _LAT_COLUMNS if c in columns), None)
        lng_pos = next((columns.index(c) for c in _LNG_COLUMNS if c in columns), None)
        alias_pos = [i for i, c in enumerate(columns) if c in ("alias", "aliases") or c.startswith("alias_")]
        width = len(columns)
        row_no = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError(f"{label}: row {row_no + 1}: {exc}") from None
            row_no += 1
            where = f"{label}: row {row_no} (line {reader.line_num})"
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) < width:
                row = row + [""] * (width - len(row))
            rid = row[pos["id"]].strip()
            if not rid:
                raise InputError(f"{where}: empty id")
            raw_country = row[pos["country"]].strip()
            country = normalize_country(raw_country)
            if country is None:
                shown = raw_country or "(empty)"
                raise InputError(
                    f"{where}: unknown country code {shown!r} (expected ISO 3166-1 alpha-2, e.g. CN, BD, VN)"
                )
            name = row[pos["name"]].strip()
            if not name:
                raise InputError(f"{where}: empty name")
            identifiers = {s: row[i].strip() for s, i in ident_pos.items() if row[i].strip()}
            lat = _parse_coordinate(row[lat_pos], -90.0, 90.0) if lat_pos is not None else None
            lng = _parse_coordinate(row[lng_pos], -180.0, 180.0) if lng_pos is not None else None
            if (lat_pos is not None and row[lat_pos].strip() and lat is None) or (
                lng_pos is not None and row[lng_pos].strip() and lng is None
            ):
                raise InputError(f"{where}: invalid latitude/longitude")
            aliases: list[str] = []
            for i in alias_pos:
                aliases.extend(_split_aliases(row[i]))
            yield Record(
                id=rid,
                name=name,
                address=row[pos["address"]].strip(),
                country=country,
                identifiers=identifiers,
                lat=lat,
                lng=lng,
                aliases=tuple(aliases),
            )
