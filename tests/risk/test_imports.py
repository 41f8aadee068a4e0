"""Reading indicator and sanctions files: the shared reader, spreadsheet row numbers, nothing written."""

from __future__ import annotations

import io

import openpyxl
from django.utils import translation

from covenant.risk.imports import parse_indicator_csv, parse_sanctions


def xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_indicator_rows_after_a_blank_line_keep_their_spreadsheet_number() -> None:
    # The blank line is row 3 in Excel: the bad value is on row 4 (it used to be reported as row 3).
    parsed = parse_indicator_csv(b"country,value,source\nCI,6.5,GSI\n\nTM,11,GSI\n", level="country")
    assert parsed.errors == ["Row 4: value 11 is outside 0-10."]
    assert parsed.values == [("CI", "", 6.5, "6.5")]


def test_indicator_duplicate_names_the_first_row() -> None:
    parsed = parse_indicator_csv(b"country,value,source\nCI,6,GSI\n\nCI,7,GSI\n", level="country")
    assert parsed.errors == ["Row 4: the same country appears in row 2."]


def test_indicator_from_excel_with_a_title_row() -> None:
    data = xlsx([["Global Slavery Index 2023"], ["Country", "Value", "Source"], ["BD", 7, "GSI"], ["XX", 3, "GSI"]])
    parsed = parse_indicator_csv(data, level="country")
    assert parsed.errors == ["Row 4: unknown country code 'XX'."]
    assert parsed.values == [("BD", "", 7.0, "7")]


def test_indicator_in_cp1252_with_semicolons() -> None:
    data = "country;value;source\r\nCI;6,5;Walk Free – GSI\r\n".encode("cp1252")
    parsed = parse_indicator_csv(data, level="country")
    assert (parsed.errors, parsed.sources) == ([], ["Walk Free – GSI"])


def test_indicator_missing_column_names_the_header_row() -> None:
    parsed = parse_indicator_csv(b"Index 2023\ncountry,value\nCI,6\n", level="country")
    assert parsed.errors == ["Row 2: missing column(s): source."]


def test_indicator_file_errors_are_translated() -> None:
    assert parse_indicator_csv(b"", level="country").errors == ["The file is empty."]
    with translation.override("nl"):
        dutch = parse_indicator_csv(b"country,value,source\n", level="country").errors
    assert dutch == ["Het bestand heeft geen rijen onder de kolomnamen."]


def test_sanctions_csv_rows_are_spreadsheet_rows() -> None:
    data = b'name,country,identifiers\n"Mary\nCotton",TM,lei:X\n\nBad,ZZ,\n'
    fmt, rows, errors = parse_sanctions(data, "list.csv")
    assert fmt == "csv"
    assert [row.name for row in rows] == ["Mary\nCotton"]
    assert errors == ["Row 4: unknown country code 'ZZ'."]


def test_sanctions_from_excel() -> None:
    data = xlsx([["Name", "Country", "Programme"], ["Huaxin Garment", "CN", "Test"], [None, "CN", "x"]])
    fmt, rows, errors = parse_sanctions(data, "list.xlsx")
    assert (fmt, [(row.name, row.countries, row.programme) for row in rows]) == (
        "csv",
        [("Huaxin Garment", ["CN"], "Test")],
    )
    assert errors == ["Row 3: the name is missing."]


def test_sanctions_json_lines_keep_line_numbers() -> None:
    data = b'\xef\xbb\xbf{"id": "a", "schema": "Company", "properties": {"name": ["Acme"]}}\n\nnot json\n'
    fmt, rows, errors = parse_sanctions(data, "export")
    assert (fmt, [row.name for row in rows], errors) == ("ftm", ["Acme"], ["Line 3: not a JSON object."])
