"""Reading uploaded files: indicators (CSV or XLSX), sanctions lists (FollowTheMoney JSON lines, CSV or XLSX), regions.

Parsers return what they read plus row-numbered errors and never write: the
services decide, and write everything in one transaction or nothing.
Tables are read by :mod:`covenant.tabular`, the reader every import shares, so row
numbers are spreadsheet rows (the header is row 1, empty rows counted); JSON lines
are numbered by line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pycountry
from django.utils.translation import gettext as _

from covenant.registry.interface import file_error_text
from covenant.tabular import Table, TableError, read_table

# User-assigned, in wide use (World Bank, Walk Free): accept it like an ISO code.
EXTRA_COUNTRIES = {"XK"}


def known_country(code: str) -> bool:
    code = code.strip().upper()
    if len(code) != 2:
        return False
    return code in EXTRA_COUNTRIES or pycountry.countries.get(alpha_2=code) is not None  # type: ignore[no-untyped-call]


def known_subdivision(code: str) -> bool:
    return pycountry.subdivisions.get(code=code.strip().upper()) is not None  # type: ignore[no-untyped-call]


def check_regions(codes: list[str]) -> tuple[list[str], list[str]]:
    """Normalised region codes, and an error for each unknown one."""
    regions: list[str] = []
    errors: list[str] = []
    for raw in codes:
        code = raw.strip().upper()
        if not code:
            continue
        if ("-" in code and known_subdivision(code)) or ("-" not in code and known_country(code)):
            if code not in regions:
                regions.append(code)
        else:
            errors.append(
                _(
                    "Unknown region %(code)s: use an ISO 3166-1 country code (such as UA) "
                    "or an ISO 3166-2 subdivision code (such as UA-14)."
                )
                % {"code": raw.strip()}
            )
    return regions, errors


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(_("The file is not UTF-8 text.")) from exc


@dataclass
class IndicatorRows:
    values: list[tuple[str, str, float, str]] = field(default_factory=list)  # country, commodity, value, raw
    sources: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # From the optional columns of the same names: one value for the whole file, or blank.
    edition: str = ""
    licence: str = ""


def parse_indicator_csv(data: bytes, *, level: str, filename: str = "indicator.csv") -> IndicatorRows:
    """Columns: ``country``, ``value`` (0-10, 10 = highest risk), ``source``; ``commodity`` for commodity
    indicators; optionally ``edition`` and ``licence`` (the same on every row) and ``raw`` (the value
    as published, which explanations quote). See docs/risk.md, "Indicator files".

    CSV or XLSX, despite the name: the content decides.
    """
    out = IndicatorRows()
    try:
        table = read_table(data, filename)
    except TableError as exc:
        out.errors.append(file_error_text(exc))
        return out
    header = [h.strip().casefold() for h in table.headers]
    required = ["country", "value", "source"] + (["commodity"] if level == "commodity" else [])
    missing = [c for c in required if c not in header]
    if missing:
        out.errors.append(
            _("Row %(row)s: missing column(s): %(cols)s.") % {"row": table.header_row, "cols": ", ".join(missing)}
        )
        return out
    seen: dict[tuple[str, str], int] = {}
    sources: set[str] = set()
    # Optional columns naming the whole set: the first row's value, and where it was.
    whole: dict[str, tuple[str, int]] = {}
    for number, row in _dict_rows(table):
        problems = []
        for column in ("edition", "licence"):
            if column not in header:
                continue
            text = row.get(column, "").strip()
            if not text:
                problems.append(_("the edition is missing") if column == "edition" else _("the licence is missing"))
            elif column not in whole:
                whole[column] = (text, number)
            elif whole[column][0] != text:
                problems.append(
                    _("%(column)s %(value)r differs from row %(row)s's %(first)r")
                    % {"column": column, "value": text, "row": whole[column][1], "first": whole[column][0]}
                )
        country = row.get("country", "").upper()
        if not known_country(country):
            problems.append(_("unknown country code %(code)r") % {"code": row.get("country", "")})
        commodity = row.get("commodity", "").casefold() if level == "commodity" else ""
        if level == "commodity" and not commodity:
            problems.append(_("the commodity is missing"))
        value = 0.0
        try:
            value = float(row.get("value", "").replace(",", "."))
        except ValueError:
            problems.append(_("value %(v)r is not a number") % {"v": row.get("value", "")})
        else:
            if not 0 <= value <= 10:
                problems.append(_("value %(v)s is outside 0-10") % {"v": row.get("value", "")})
        source = row.get("source", "")
        if not source:
            problems.append(_("the source is missing"))
        key = (country, commodity)
        if not problems and key in seen:
            problems.append(_("the same country appears in row %(row)s") % {"row": seen[key]})
        if problems:
            out.errors.append(_("Row %(row)s: %(problems)s.") % {"row": number, "problems": "; ".join(problems)})
            continue
        seen[key] = number
        sources.add(source)
        raw = (row.get("raw", "").strip() or row.get("value", ""))[:60]
        out.values.append((country, commodity, value, raw))
    out.sources = sorted(sources)
    out.edition = whole.get("edition", ("", 0))[0][:40]
    out.licence = whole.get("licence", ("", 0))[0][:200]
    return out


def _dict_rows(table: Table) -> list[tuple[int, dict[str, str]]]:
    """Each row's spreadsheet row number, and its cells by casefolded header."""
    header = [h.strip().casefold() for h in table.headers]
    return [(table.row_number(index), dict(zip(header, cells, strict=True))) for index, cells in enumerate(table.rows)]


@dataclass
class SanctionsRow:
    ext_id: str
    schema: str
    name: str
    aliases: list[str]
    countries: list[str]
    identifiers: dict[str, str]
    programme: str


# FollowTheMoney schemata that can own or be a production site.
FTM_SCHEMATA = {"Company", "Organization", "LegalEntity", "PublicBody"}
# A consolidated list in one sheet stays under Excel's own limit; the reader bounds the memory.
SANCTIONS_MAX_ROWS = 1_000_000
_FTM_IDS = {"leiCode": "lei", "dunsCode": "duns", "registrationNumber": "registration", "taxNumber": "tax"}


def parse_sanctions(data: bytes, filename: str) -> tuple[str, list[SanctionsRow], list[str]]:
    """Returns (format, rows, errors). JSON lines (FollowTheMoney, as OpenSanctions exports), CSV or XLSX."""
    if filename.lower().endswith((".json", ".jsonl", ".ftm")) or data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        try:
            text = _text(data)
        except ValueError as exc:
            return "", [], [str(exc)]
        rows, errors = _parse_ftm(text)
        return "ftm", rows, errors
    try:
        table = read_table(data, filename, max_rows=SANCTIONS_MAX_ROWS)
    except TableError as exc:
        return "", [], [file_error_text(exc)]
    rows, errors = _parse_sanctions_table(table)
    return "csv", rows, errors


def _parse_ftm(text: str) -> tuple[list[SanctionsRow], list[str]]:
    rows: list[SanctionsRow] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            errors.append(_("Line %(row)s: not a JSON object.") % {"row": number})
            continue
        if not isinstance(obj, dict) or obj.get("schema") not in FTM_SCHEMATA:
            continue  # persons, vessels, sanctions and links are not sites
        props = obj.get("properties") or {}
        names = [n for n in props.get("name", []) if isinstance(n, str) and n.strip()]
        if not names or not obj.get("id"):
            errors.append(_("Line %(row)s: an entity without id or name.") % {"row": number})
            continue
        countries = [
            c.upper()
            for c in props.get("country", []) + props.get("jurisdiction", [])
            if isinstance(c, str) and known_country(c)
        ]
        identifiers = {v: props[k][0] for k, v in _FTM_IDS.items() if props.get(k)}
        programme = "; ".join(props.get("program", []) or props.get("programId", []) or obj.get("datasets", []))
        rows.append(
            SanctionsRow(
                ext_id=str(obj["id"])[:120],
                schema=str(obj["schema"]),
                name=names[0][:300],
                aliases=[n[:300] for n in names[1:] + props.get("alias", []) + props.get("previousName", [])][:20],
                countries=list(dict.fromkeys(countries)),
                identifiers=identifiers,
                programme=programme[:300],
            )
        )
    return rows, errors


def _parse_sanctions_table(table: Table) -> tuple[list[SanctionsRow], list[str]]:
    """Columns: ``name``, ``country`` (codes separated by ;), ``identifiers`` (``lei:…; duns:…``), ``programme``."""
    if "name" not in [h.strip().casefold() for h in table.headers]:
        return [], [_("Row %(row)s: missing column(s): %(cols)s.") % {"row": table.header_row, "cols": "name"}]
    rows: list[SanctionsRow] = []
    errors: list[str] = []
    for number, row in _dict_rows(table):
        name = row.get("name", "")
        countries = [c.strip().upper() for c in row.get("country", "").split(";") if c.strip()]
        bad = [c for c in countries if not known_country(c)]
        if not name or bad:
            problem = _("the name is missing") if not name else _("unknown country code %(code)r") % {"code": bad[0]}
            errors.append(_("Row %(row)s: %(problems)s.") % {"row": number, "problems": problem})
            continue
        identifiers = {}
        for part in row.get("identifiers", "").split(";"):
            if ":" in part:
                scheme, value = part.split(":", 1)
                identifiers[scheme.strip().casefold()] = value.strip()
        rows.append(
            SanctionsRow(
                # Stable across versions of the list, so decisions on hits survive a re-import.
                ext_id=(row.get("id") or f"{name.casefold()}|{';'.join(countries)}")[:120],
                schema="LegalEntity",
                name=name[:300],
                aliases=[a.strip() for a in row.get("aliases", "").split(";") if a.strip()],
                countries=countries,
                identifiers=identifiers,
                programme=row.get("programme", row.get("program", ""))[:300],
            )
        )
    return rows, errors
