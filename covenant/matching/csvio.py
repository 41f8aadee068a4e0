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

__all__ = ["REQUIRED_COLUMNS", "InputError", "RowProblem", "person_columns", "read_header", "read_records", "read_rows"]

REQUIRED_COLUMNS: tuple[str, ...] = ("id", "name", "address", "country")
#: A person register may give the name in parts instead of ``name``: given name(s)
#: first, then the surname. Any of these columns marks a register of people.
GIVEN_NAME_COLUMNS: tuple[str, ...] = ("given_name", "given_names", "first_name", "firstname", "forename", "forenames")
SURNAME_COLUMNS: tuple[str, ...] = ("surname", "last_name", "lastname", "family_name")
#: Date-of-birth and national-id columns, compared as identifiers (``dob``, ``national_id``).
PERSON_ID_COLUMNS: dict[str, tuple[str, ...]] = {
    "dob": ("date_of_birth", "dob", "birth_date", "birthdate"),
    "national_id": ("soc_sec_id", "ssn", "national_id", "social_security_number"),
}
#: Without an ``address`` column, an address is put together from these, in this order.
ADDRESS_PART_COLUMNS: tuple[str, ...] = (
    "street_number",
    "house_number",
    "street",
    "address_1",
    "address_2",
    "suburb",
    "locality",
    "city",
    "town",
    "state",
    "postcode",
    "postal_code",
    "zip",
)
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


def person_columns(columns: list[str]) -> list[str]:
    """The columns of a header (lower case) that say its rows are people, in header order."""
    marks = {*GIVEN_NAME_COLUMNS, *SURNAME_COLUMNS, *(c for cols in PERSON_ID_COLUMNS.values() for c in cols)}
    return [c for c in columns if c in marks]


def read_header(path: str | Path, *, label: str) -> list[str]:
    """The header of ``path``, stripped and in lower case (reads no further than the header)."""
    try:
        rows = open_rows(Path(path).read_bytes(), Path(path).name, max_rows=None)
    except TableError as exc:
        raise InputError(f"{label}: {exc.message}") from None
    with rows:
        return [h.strip().lower() for h in rows.headers]


def read_rows(path: str | Path, *, label: str, people: bool = False) -> Iterator[tuple[int, Record | RowProblem]]:
    """Yield ``(row number, record or problem)`` for each data row of ``path``, read as needed.

    The header must contain ``id,name,address,country`` (any order, any case);
    recognised optional columns are the identifier schemes (``os_id``,
    ``duns``, ``lei``, ``gln``), ``lat``/``lng`` (or ``latitude``/
    ``longitude``) and ``alias``/``aliases``/``alias_*`` (several aliases in
    one cell separated by ``|`` or ``;``). Other columns are ignored. The
    encoding, the delimiter and title rows above the header are worked out as
    for an upload; empty rows are skipped.

    With ``people`` (a register of persons) the name may come in parts
    (``given_name``/``first_name``... and ``surname``/``last_name``..., joined in
    that order), the address in parts (``street_number``, ``address_1``,
    ``suburb``, ``postcode``...: :data:`ADDRESS_PART_COLUMNS`), a date of birth
    and a national id become the identifiers ``dob`` and ``national_id``, and the
    country may be missing or empty (people are then not kept apart by country).
    Without it the address parts are used too when there is no ``address`` column.

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
        name_parts = [
            columns.index(found)
            for group in (GIVEN_NAME_COLUMNS, SURNAME_COLUMNS)
            if (found := next((c for c in group if c in columns), None)) is not None
        ]
        address_parts = [columns.index(c) for c in ADDRESS_PART_COLUMNS if c in columns]
        present = set(columns)
        if "address" not in present and address_parts:
            present.add("address")
        if people:
            present.add("country")
            if name_parts:
                present.add("name")
        missing = [c for c in REQUIRED_COLUMNS if c not in present]
        if missing:
            need = ",".join(REQUIRED_COLUMNS)
            if people:
                need += " (people: name may be given_name,surname; country may be left out)"
            raise InputError(f"{label}: header is missing column(s) {', '.join(missing)} (need {need})")
        pos = {name: columns.index(name) for name in REQUIRED_COLUMNS if name in columns}
        layout = _Layout(
            name=[pos["name"]] if "name" in pos else name_parts,
            address=[pos["address"]] if "address" in pos else address_parts,
            people=people,
        )
        ident_pos = {s: columns.index(s) for s in IDENTIFIER_SCHEMES if s in columns}
        if people:
            for scheme, names in PERSON_ID_COLUMNS.items():
                where = next((columns.index(c) for c in names if c in columns), None)
                if where is not None:
                    ident_pos[scheme] = where
        lat_pos = next((columns.index(c) for c in _LAT_COLUMNS if c in columns), None)
        lng_pos = next((columns.index(c) for c in _LNG_COLUMNS if c in columns), None)
        alias_pos = [i for i, c in enumerate(columns) if c in ("alias", "aliases") or c.startswith("alias_")]
        try:
            for number, row in rows:
                yield number, _record(row, pos, layout, ident_pos, lat_pos, lng_pos, alias_pos)
        except TableError as exc:
            raise InputError(f"{label}: {exc.message}") from None


class _Layout(NamedTuple):
    """Where a row's name and address are: one column each, or parts joined by spaces/commas."""

    name: list[int]
    address: list[int]
    people: bool


def _joined(row: list[str], columns: list[int], sep: str) -> str:
    return sep.join(row[i] for i in columns if row[i])


def _record(
    row: list[str],
    pos: dict[str, int],
    layout: _Layout,
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
    raw_country = row[pos["country"]] if "country" in pos else ""
    country = normalize_country(raw_country)
    if country is None and layout.people and not raw_country:
        country = ""  # a person register need not say the country
    if country is None:
        shown = raw_country or "(empty)"
        problems.append(f"unknown country code {shown!r} (expected ISO 3166-1 alpha-2, e.g. CN, BD, VN)")
    name = _joined(row, layout.name, " ")
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
        address=_joined(row, layout.address, ", "),
        country=country,
        identifiers=identifiers,
        lat=lat,
        lng=lng,
        aliases=tuple(aliases),
    )
