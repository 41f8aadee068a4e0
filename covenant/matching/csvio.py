"""Reading registers and supplier lists (CSV or XLSX) into records, with row-numbered errors.

The file is read by :mod:`covenant.tabular`, the reader every import shares (no Django
there either), so ``covenant match`` takes the files the web upload takes and names rows
the same way: spreadsheet row numbers, the header being row 1.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from covenant.tabular import TableError, open_rows

from .records import IDENTIFIER_SCHEMES, Record, normalize_country

__all__ = ["REQUIRED_COLUMNS", "InputError", "RowProblem", "read_records", "read_rows"]

REQUIRED_COLUMNS: tuple[str, ...] = ("id", "name", "address", "country")
_LAT_COLUMNS = ("lat", "latitude")
_LNG_COLUMNS = ("lng", "lon", "long", "longitude")
_ALIAS_SEPARATORS = ("|", ";")


class InputError(ValueError):
    """A problem with an input file, phrased for the person who made the file."""


class RowProblem(NamedTuple):
    """A data row that cannot be used: its id cell (possibly empty) and why, for a person."""

    id: str
    reason: str


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
    """Yield the rows of ``path`` as :class:`Record` objects, stopping at the first bad row.

    The strict form of :func:`read_rows` (same columns, same reading): a row that
    cannot be used raises :class:`InputError` naming the file (``label``) and the
    spreadsheet row.
    """
    for number, item in read_rows(path, label=label):
        if isinstance(item, RowProblem):
            raise InputError(f"{label}: row {number}: {item.reason}")
        yield item


def read_rows(path: str | Path, *, label: str) -> Iterator[tuple[int, Record | RowProblem]]:
    """Yield ``(row number, record or problem)`` for each data row of ``path``, read as needed.

    The header must contain ``id,name,address,country`` (any order, any case);
    recognised optional columns are the identifier schemes (``os_id``,
    ``duns``, ``lei``, ``gln``), ``lat``/``lng`` (or ``latitude``/
    ``longitude``) and ``alias``/``aliases``/``alias_*`` (several aliases in
    one cell separated by ``|`` or ``;``). Other columns are ignored. The
    encoding, the delimiter and title rows above the header are worked out as
    for an upload; empty rows are skipped.

    Row numbers are spreadsheet row numbers: the header is row 1, the first data
    row row 2, and a quoted cell spanning several lines keeps its record one row.
    A row that cannot be used (empty id or name, unknown country, bad coordinates)
    comes as a :class:`RowProblem`, so one bad row does not cost the others; a
    file that cannot be read, or lacks a required column, raises :class:`InputError`
    naming the file (``label``).
    """
    try:
        rows = open_rows(Path(path).read_bytes(), Path(path).name, max_rows=None)
    except TableError as exc:
        raise InputError(f"{label}: {exc.message}") from None
    with rows:
        columns = [h.strip().lower() for h in rows.headers]
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
        try:
            for number, row in rows:
                yield number, _record(row, pos, ident_pos, lat_pos, lng_pos, alias_pos)
        except TableError as exc:
            raise InputError(f"{label}: {exc.message}") from None


def _record(
    row: list[str],
    pos: dict[str, int],
    ident_pos: dict[str, int],
    lat_pos: int | None,
    lng_pos: int | None,
    alias_pos: list[int],
) -> Record | RowProblem:
    # Every problem of the row at once, so whoever fixes the file fixes it in one go.
    problems: list[str] = []
    rid = row[pos["id"]]
    if not rid:
        problems.append("empty id")
    raw_country = row[pos["country"]]
    country = normalize_country(raw_country)
    if country is None:
        shown = raw_country or "(empty)"
        problems.append(f"unknown country code {shown!r} (expected ISO 3166-1 alpha-2, e.g. CN, BD, VN)")
    name = row[pos["name"]]
    if not name:
        problems.append("empty name")
    lat = _parse_coordinate(row[lat_pos], -90.0, 90.0) if lat_pos is not None else None
    lng = _parse_coordinate(row[lng_pos], -180.0, 180.0) if lng_pos is not None else None
    if (lat_pos is not None and row[lat_pos] and lat is None) or (lng_pos is not None and row[lng_pos] and lng is None):
        problems.append("invalid latitude/longitude")
    if problems or country is None:
        return RowProblem(rid, "; ".join(problems))
    identifiers = {s: row[i] for s, i in ident_pos.items() if row[i]}
    aliases: list[str] = []
    for i in alias_pos:
        aliases.extend(_split_aliases(row[i]))
    return Record(
        id=rid,
        name=name,
        address=row[pos["address"]],
        country=country,
        identifiers=identifiers,
        lat=lat,
        lng=lng,
        aliases=tuple(aliases),
    )
