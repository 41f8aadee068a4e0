"""Reading supplier lists: file types, encodings, delimiters, headers, mapping and row cleaning.

Fixture files are generated in the tests (openpyxl into tmp_path) so no binary sits in git.
"""

from __future__ import annotations

import codecs
import io
import random
import re
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from covenant import tabular
from covenant.registry.listfiles import (
    FIELD_LABELS,
    FIELDS,
    FILE_ERROR_MESSAGES,
    REQUIRED_FIELDS,
    ROW_ERROR_MESSAGES,
    SPEND_BANDS,
    CleanRow,
    ListFileError,
    RowError,
    Table,
    clean_rows,
    normalize_identifier,
    parse_spend_band,
    read_table,
    suggest_mapping,
)

# What Excel on Windows writes when a Western European saves "CSV (semicolon)":
# cp1252 with an en dash (0x96) and curly apostrophes (0x92).
EXCEL_CSV = (
    "Naam leverancier;Adres;Plaats;Land\r\n"
    "Société Générale;12 rue de la Paix;Paris;Frankrijk\r\n"
    "Müller GmbH;Hauptstraße 3;München;Duitsland\r\n"
    "Tecelagem São Paulo;Rua 5;São Paulo;Brasil\r\n"
    "Acme Ltd – Unit 2;Baker’s Street 1;London;UK\r\n"
)
EXCEL_NAMES = ["Société Générale", "Müller GmbH", "Tecelagem São Paulo", "Acme Ltd – Unit 2"]


def read_error(data: bytes, filename: str = "list.csv", **kwargs: int) -> ListFileError:
    with pytest.raises(ListFileError) as caught:
        read_table(data, filename, **kwargs)
    return caught.value


def xlsx(
    tmp_path: Path, *sheets: tuple[str, list[list[object]]], hidden: tuple[str, ...] = (), name: str = "x"
) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    path = tmp_path / f"{name}.xlsx"
    workbook.save(path)
    return path.read_bytes()


def with_cached_values(data: bytes, values: dict[str, str]) -> bytes:
    """Give formula cells the cached values Excel would have stored (openpyxl writes none)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                for formula, value in values.items():
                    text = text.replace(f"<f>{formula}</f><v />", f"<f>{formula}</f><v>{value}</v>")
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (EXCEL_CSV.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + EXCEL_CSV.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + EXCEL_CSV.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + EXCEL_CSV.encode("utf-16-be"), "utf-16"),
        (EXCEL_CSV.encode("utf-16-le"), "utf-16-le"),
        (EXCEL_CSV.encode("utf-16-be"), "utf-16-be"),
        (EXCEL_CSV.encode("cp1252"), "cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-16-le", "utf-16-be", "cp1252"],
)
def test_encodings(encoded: bytes, encoding: str) -> None:
    table = read_table(encoded, "leveranciers.csv")
    assert table.encoding == encoding
    assert table.headers == ["Naam leverancier", "Adres", "Plaats", "Land"]
    assert [row[0] for row in table.rows] == EXCEL_NAMES
    assert table.rows[3][1] == "Baker’s Street 1"
    assert table.sheet is None


def test_cp1252_bytes_are_what_excel_writes() -> None:
    encoded = EXCEL_CSV.encode("cp1252")
    assert b"\x96" in encoded  # en dash
    assert b"\x92" in encoded  # right single quotation mark
    assert read_table(encoded, "x.csv").rows[3][0] == "Acme Ltd – Unit 2"


def test_utf8_bom_does_not_stick_to_the_first_header() -> None:
    table = read_table(codecs.BOM_UTF8 + b"Name,Country\nA,BD\n", "x.csv")
    assert table.headers == ["Name", "Country"]


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Nazwa;Kraj\nŁódzkie Zakłady Włókiennicze;Polska\nZakład Śląsk;Polska\n", "cp1250"),
        ("Ad;Ülke\nÇalışkan Tekstil;Türkiye\nİstanbul Örme;Türkiye\n", "cp1254"),
        ("Название;Страна\nООО Ромашка;Россия\nТекстиль Плюс;Украина\n", "cp1251"),
        ("名称,国家\n广州纺织厂,中国\n上海服装有限公司,中国\n", "gb18030"),
    ],
)
def test_other_legacy_encodings(text: str, codec: str) -> None:
    table = read_table(text.encode(codec), "x.csv")
    assert table.encoding == codec
    delimiter = ";" if ";" in text else ","
    assert [table.headers, *table.rows] == [line.split(delimiter) for line in text.splitlines()]


def test_short_cp1252_file() -> None:
    table = read_table("name,country\nSociété,FR\n".encode("cp1252"), "x.csv")
    assert table.rows == [["Société", "FR"]]


def test_utf8_with_a_broken_bom_body_is_refused() -> None:
    error = read_error(codecs.BOM_UTF8 + "Name,Country\nSociété,FR\n".encode("cp1252"))
    assert error.code == "undecodable"
    assert error.message == "We could not read the file as text: save it as UTF-8 CSV or as .xlsx."


# --------------------------------------------------------------------------- delimiters and quoting


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters(delimiter: str) -> None:
    lines = [["Name", "Address", "Country"], ["Dhaka Knit", "Plot 5, Savar", "BD"], ["Saigon Sew", "1 Le Loi", "VN"]]
    text = "\n".join(
        delimiter.join(f'"{cell}"' if "," in cell and delimiter == "," else cell for cell in line) for line in lines
    )
    table = read_table(text.encode(), "x.txt")
    assert table.headers == lines[0]
    assert table.rows == lines[1:]


def test_semicolon_file_with_unquoted_commas_in_addresses() -> None:
    text = "Naam;Adres;Land\nDhaka Knit;Plot 5, Road 3, Savar;BD\nSaigon Sew;1 Le Loi, District 1;VN\n"
    table = read_table(text.encode(), "x.csv")
    assert table.rows[0] == ["Dhaka Knit", "Plot 5, Road 3, Savar", "BD"]


def test_excel_sep_line_is_honoured_and_not_counted() -> None:
    table = read_table(b"sep=;\r\nName;Country\r\nA, B and C;BD\r\n", "x.csv")
    assert table.headers == ["Name", "Country"]
    assert table.rows == [["A, B and C", "BD"]]
    assert table.row_number(0) == 2


def test_quoted_newlines_and_delimiters_stay_in_one_cell_and_one_row() -> None:
    text = 'Name,Address,Country\n"Dhaka Knit","Plot 5,\nRoad 3,\nSavar",BD\n"Saigon ""Sew"" Co",1 Le Loi,VN\n'
    table = read_table(text.encode(), "x.csv")
    assert table.rows[0][1] == "Plot 5,\nRoad 3,\nSavar"
    assert table.rows[1][0] == 'Saigon "Sew" Co'
    # Excel shows the multi-line record as a single row 2; the next record is row 3.
    assert [table.row_number(0), table.row_number(1)] == [2, 3]


def test_unclosed_quote_is_reported() -> None:
    text = "Name,Country\n" + '"Dhaka Knit,BD\n' + "".join(f"Factory {i},BD\n" for i in range(100))
    error = read_error(text.encode())
    assert error.code == "damaged_csv"
    assert error.message == 'Row 2 could not be read. Check that its quotes (") are closed.'


# --------------------------------------------------------------------------- rows, headers and row numbers


def test_empty_rows_are_skipped_but_counted() -> None:
    text = "Name,Country\n\nA,BD\n,\n , \nB,VN\n\n\nC,TR\n"
    table = read_table(text.encode(), "x.csv")
    assert [row[0] for row in table.rows] == ["A", "B", "C"]
    assert [table.row_number(index) for index in range(3)] == [3, 6, 9]


def test_cells_are_stripped_and_rows_padded_and_truncated() -> None:
    text = "Name,Country,Tier\n  A  ,\tBD\u00a0\nB,VN,2,extra,cells\n"
    table = read_table(text.encode(), "x.csv")
    assert table.rows == [["A", "BD", ""], ["B", "VN", "2"]]


def test_title_rows_above_the_header_in_csv() -> None:
    text = "Supplier list Member A\n\nName,Country\nA,BD\n"
    table = read_table(text.encode(), "x.csv")
    assert table.headers == ["Name", "Country"]
    assert table.header_row == 3
    assert table.row_number(0) == 4


def test_empty_header_cells_get_column_letters() -> None:
    table = read_table(b"Name,,Country,,\nA,note,BD,,\n", "x.csv")
    assert table.headers == ["Name", "Column B", "Country"]
    assert table.rows == [["A", "note", "BD"]]


def test_hand_built_table_numbers_rows_from_two() -> None:
    table = Table(["Name", "Country"], [["A", "BD"], ["B", "VN"]], "utf-8", None)
    assert [table.row_number(0), table.row_number(1)] == [2, 3]


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b"", "empty", "The file is empty."),
        (b"  \r\n\r\n", "empty", "The file is empty."),
        (codecs.BOM_UTF8, "empty", "The file is empty."),
        (b"Name,Name\nA,B\n", "duplicate_header", "Two columns are both called 'Name'."),
        (b"Name,country,COUNTRY \nA,B,C\n", "duplicate_header", "Two columns are both called 'COUNTRY'."),
        (b"Name,Country\n", "no_rows", "The file has no rows below the header."),
        (b"Name,Country\n,\n\n", "no_rows", "The file has no rows below the header."),
        (b"just one column\nA\nB\n", "no_header", "The header row is missing."),
        (b"1,2,3\n4,5,6\n", "no_header", "The header row is missing."),
    ],
)
def test_table_errors(data: bytes, code: str, message: str) -> None:
    error = read_error(data)
    assert (error.code, error.message, str(error)) == (code, message, message)


def test_too_many_rows() -> None:
    text = "Name,Country\n" + "".join(f"F{i},BD\n" for i in range(11))
    assert len(read_table(text.encode(), "x.csv", max_rows=11).rows) == 11
    error = read_error(text.encode(), max_rows=10)
    assert error.code == "too_many_rows"
    assert error.message == "The file has more than 10 rows; split it."
    assert FILE_ERROR_MESSAGES["too_many_rows"] % {"max_rows": f"{100_000:,}"} == (
        "The file has more than 100,000 rows; split it."
    )


def test_endless_empty_rows_are_cut_off() -> None:
    text = "Name,Country\nA,BD\n" + ",\n" * 2000 + "B,VN\n"
    assert read_error(text.encode(), max_rows=10).code == "too_many_rows"


def test_too_many_columns() -> None:
    header = ",".join(f"C{i}" for i in range(tabular.MAX_COLUMNS + 1))
    assert read_error(f"{header}\n{header}\n".encode()).code == "too_many_columns"


# --------------------------------------------------------------------------- file types


def test_random_bytes_are_refused() -> None:
    noise = random.Random(42).randbytes(5000)
    error = read_error(noise, "suppliers.csv")
    assert error.code == "unknown_format"
    assert error.message == "This does not look like a CSV or Excel file."


def test_random_bytes_without_nul_are_refused() -> None:
    noise = bytes(byte or 1 for byte in random.Random(7).randbytes(5000))
    assert read_error(noise, "suppliers.csv").code == "unknown_format"


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "list.xls", "xls"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "list.bin", "xls"),
        (b"<html><table><tr><td>Name</td></tr></table></html>", "export.xls", "xls"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "list.xlsx", "encrypted"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "list.pdf", "unknown_format"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "list.csv", "unknown_format"),
        (b"Name,Country\nA,BD\n", "list.xlsx", "damaged_xlsx"),
        (b"PK\x03\x04 this is not really a zip", "list.xlsx", "damaged_xlsx"),
    ],
)
def test_file_type_errors(data: bytes, filename: str, code: str) -> None:
    assert read_error(data, filename).code == code


def test_xls_message_says_what_to_do() -> None:
    error = read_error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.xls")
    assert "Save it as .xlsx or .csv" in error.message


def test_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert read_error(buffer.getvalue(), "list.xlsx").code == "unknown_format"


def test_binary_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01")
    error = read_error(buffer.getvalue(), "list.xlsb")
    assert (error.code, error.message) == ("xlsb", "This is a binary Excel workbook (.xlsb). Save it as .xlsx or .csv.")


def test_opendocument_spreadsheet() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    error = read_error(buffer.getvalue(), "list.ods")
    assert error.code == "ods"
    assert "Save it as .xlsx or .csv" in error.message


def test_zip_bomb_is_refused_before_unpacking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = xlsx(tmp_path, ("Sheet", [["Name", "Country"], ["A", "BD"]]))
    monkeypatch.setattr(tabular, "MAX_UNPACKED_BYTES", 1000)
    assert read_error(data, "list.xlsx").code == "too_large"


def test_damaged_workbook_part(tmp_path: Path) -> None:
    data = xlsx(tmp_path, ("Sheet", [["Name", "Country"], ["A", "BD"]]))
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = b"<worksheet><sheetData><row" if item.filename.startswith("xl/worksheets/") else source.read(item)
            target.writestr(item, content)
    assert read_error(out.getvalue(), "list.xlsx").code == "damaged_xlsx"


# --------------------------------------------------------------------------- XLSX limits

_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def with_sheet_xml(tmp_path: Path, sheet_rows: str, shared_strings: list[str] | None = None) -> bytes:
    """A real workbook whose first sheet's rows are replaced by ``sheet_rows`` (XML), with a shared-strings part."""
    data = xlsx(tmp_path, ("Suppliers", [["Name", "Country"], ["A", "BD"]]))
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = f'<worksheet xmlns="{_SHEET_NS}"><sheetData>{sheet_rows}</sheetData></worksheet>'.encode()
            if item.filename == "[Content_Types].xml" and shared_strings is not None:
                override = (
                    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
                )
                content = content.replace(b"</Types>", override.encode())
            target.writestr(item.filename, content)
        if shared_strings is not None:
            entries = "".join(f"<si><t>{text}</t></si>" for text in shared_strings)
            target.writestr("xl/sharedStrings.xml", f'<sst xmlns="{_SHEET_NS}">{entries}</sst>')
    return out.getvalue()


def inline(*texts: str) -> str:
    return "<row>" + "".join(f'<c t="inlineStr"><is><t>{text}</t></is></c>' for text in texts) + "</row>"


def test_hand_built_sheet_is_read(tmp_path: Path) -> None:
    """The helper below builds readable workbooks: the refusals that follow are the limits at work."""
    table = read_table(with_sheet_xml(tmp_path, inline("Name", "Country") + inline("Dhaka Knit", "BD")), "l.xlsx")
    assert table.rows == [["Dhaka Knit", "BD"]]


def test_a_cell_far_beyond_excels_own_limit_is_refused_while_it_streams(tmp_path: Path) -> None:
    data = with_sheet_xml(tmp_path, inline("Name", "Country") + inline("x" * (tabular.MAX_TOKEN_BYTES + 1), "BD"))
    assert len(data) < 20_000  # a small file that unpacks to over a megabyte
    assert read_error(data, "list.xlsx").code == "too_large"


def test_a_row_too_large_to_hold_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "MAX_ROW_ELEMENTS", 100)
    wide = inline(*["cell"] * 40)  # 121 elements
    assert read_error(with_sheet_xml(tmp_path, inline("Name", "Country") + wide), "list.xlsx").code == "too_large"
    narrow = inline(*["cell"] * 30)
    assert read_table(with_sheet_xml(tmp_path, inline("Name", "Country") + narrow), "l.xlsx").rows


def test_rows_are_counted_as_they_stream(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The row count is checked in the scanner, before openpyxl hands the rows over."""
    data = with_sheet_xml(tmp_path, inline("Name", "Country") + inline("A", "BD") * 1100)
    monkeypatch.setattr(tabular, "_data_rows", lambda *args: pytest.fail("the rows were read"))
    error = read_error(data, "list.xlsx", max_rows=10)  # 10 rows, and room for 1,000 empty ones
    assert error.code == "too_many_rows"


def shared_strings_workbook(tmp_path: Path) -> bytes:
    rows = '<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row><row><c t="s"><v>2</v></c><c t="s"><v>3</v></c></row>'
    return with_sheet_xml(tmp_path, rows, ["Name", "Country", "Dhaka Knit", "BD", *[f"Site {i}" for i in range(30)]])


def test_too_many_shared_strings_are_refused_while_openpyxl_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = shared_strings_workbook(tmp_path)
    assert read_table(data, "list.xlsx").rows == [["Dhaka Knit", "BD"]]
    monkeypatch.setattr(tabular, "MAX_SHARED_STRINGS", 20)
    # openpyxl wraps what goes wrong while it loads in a ValueError: the reason still comes through.
    assert read_error(data, "list.xlsx").code == "too_large"


def test_a_shared_strings_part_too_large_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = shared_strings_workbook(tmp_path)
    monkeypatch.setattr(tabular, "MAX_SHARED_STRINGS_BYTES", 200)
    assert read_error(data, "list.xlsx").code == "too_large"


def test_parts_kept_as_a_tree_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = xlsx(tmp_path, ("Suppliers", [["Name", "Country"], ["A", "BD"]]))
    monkeypatch.setattr(tabular, "MAX_TREE_ELEMENTS", 5)  # styles.xml alone has more
    assert read_error(data, "list.xlsx").code == "too_large"


def test_the_cells_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Name,Country\n" + "Dhaka Knit Limited,Bangladesh\n" * 200
    assert len(read_table(text.encode(), "list.csv").rows) == 200
    monkeypatch.setattr(tabular, "MAX_TABLE_BYTES", 10_000)
    assert read_error(text.encode()).code == "too_large"


# --------------------------------------------------------------------------- XLSX


SUPPLIER_ROWS: list[list[object]] = [
    ["Supplier list 2024 - Member A"],
    [],
    ["Factory name", "Address", "City", "ZIP", "Country", "Tier", "DUNS", "Start date", "Lat", "Lng", "Spend"],
    ["Dhaka Knit Ltd", "12 Road 3, Savar", "Dhaka", 1349, "Bangladesh", 1, 123456789, date(2021, 3, 1),
     23.8103, 90.4125, 250000.0],
    [],
    [None, None, None],
    ["Saigon Sew", "1 Le Loi", "HCMC", "700000", "Vietnam", 2.0, None, datetime(2020, 1, 1), "10.77", "106.70", 1.5],
    ["Istanbul Örme", "Cad. 5", "İstanbul", None, "Türkiye", "Tier 2", "12-345-6789", "15-06-2019", None, None, 12.25],
]  # fmt: skip


def test_xlsx_with_title_row_numbers_dates_and_empty_rows(tmp_path: Path) -> None:
    table = read_table(xlsx(tmp_path, ("Suppliers", SUPPLIER_ROWS)), "list.xlsx")
    assert table.sheet == "Suppliers"
    assert table.encoding == "xlsx"
    assert table.header_row == 3
    assert table.headers[0] == "Factory name"
    assert [table.row_number(index) for index in range(len(table.rows))] == [4, 7, 8]
    first, second, third = table.rows
    assert first[3] == "1349"  # integral numbers lose the ".0"
    assert first[5] == "1"
    assert first[6] == "123456789"
    assert first[7] == "2021-03-01"
    assert first[8:11] == ["23.8103", "90.4125", "250000"]
    assert second[5] == "2"
    assert second[7] == "2020-01-01"
    assert second[10] == "1.5"
    assert third[3] == ""
    assert third[10] == "12.25"


def test_xlsm_is_accepted(tmp_path: Path) -> None:
    table = read_table(xlsx(tmp_path, ("Sheet", [["Name", "Country"], ["A", "BD"]])), "list.xlsm")
    assert table.rows == [["A", "BD"]]


def test_formulas_give_their_cached_values(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Name", "Country", "Spend"], ["A", "BD", "=1000*5"], ["B", "VN", "=1+1"]]
    data = with_cached_values(xlsx(tmp_path, ("Sheet", rows)), {"1000*5": "5000", "1+1": "2"})
    table = read_table(data, "list.xlsx")
    assert [row[2] for row in table.rows] == ["5000", "2"]


def test_first_visible_sheet_or_the_supplier_sheet(tmp_path: Path) -> None:
    data = xlsx(
        tmp_path,
        ("Secret", [["Name", "Country"], ["Hidden factory", "BD"]]),
        ("Instructions", [["Fill in the next sheet"], ["Field", "Explanation"], ["Name", "The factory"]]),
        ("Leveranciers", [["Naam", "Land"], ["Zichtbare fabriek", "Nederland"]]),
        hidden=("Secret",),
    )
    table = read_table(data, "list.xlsx")
    assert table.sheet == "Leveranciers"
    assert table.rows == [["Zichtbare fabriek", "Nederland"]]


def test_first_visible_sheet_when_no_name_helps(tmp_path: Path) -> None:
    data = xlsx(tmp_path, ("Blad1", [["Naam", "Land"], ["A", "NL"]]), ("Blad2", [["Other", "Thing"], ["x", "y"]]))
    assert read_table(data, "list.xlsx").sheet == "Blad1"


def test_declared_dimension_too_large(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Name", "Country"]] + [[f"F{i}", "BD"] for i in range(30)]
    data = xlsx(tmp_path, ("Sheet", rows))
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:B1048576"', content)
            target.writestr(item, content)
    error = read_error(out.getvalue(), "list.xlsx", max_rows=1000)
    assert error.code == "too_many_rows"


def test_xlsx_too_many_rows(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Name", "Country"]] + [[f"F{i}", "BD"] for i in range(30)]
    assert read_error(xlsx(tmp_path, ("Sheet", rows)), "list.xlsx", max_rows=20).code == "too_many_rows"


def test_xlsx_without_header(tmp_path: Path) -> None:
    data = xlsx(tmp_path, ("Sheet", [["Only a title"], [], ["and a note"]]))
    assert read_error(data, "list.xlsx").code == "no_header"


# --------------------------------------------------------------------------- mapping


def mapped(headers: list[str]) -> dict[str, str]:
    return {field: headers[column] for field, column in suggest_mapping(headers).items()}


def test_mapping_english() -> None:
    headers = [
        "Supplier name", "Street address", "City", "ZIP", "Country", "Supplier ID", "Tier", "Product category",
        "Spend band", "Volume", "Sector", "Latitude", "Longitude", "D-U-N-S", "LEI", "GLN", "OS ID", "Start date",
        "End date", "Parent company", "Email address", "Contact person", "Number of workers",
    ]  # fmt: skip
    assert mapped(headers) == {
        "name": "Supplier name",
        "country": "Country",
        "address": "Street address",
        "city": "City",
        "postal_code": "ZIP",
        "reference": "Supplier ID",
        "tier": "Tier",
        "products": "Product category",
        "spend_band": "Spend band",
        "volume": "Volume",
        "sector": "Sector",
        "lat": "Latitude",
        "lng": "Longitude",
        "duns": "D-U-N-S",
        "lei": "LEI",
        "gln": "GLN",
        "os_id": "OS ID",
        "start_date": "Start date",
        "end_date": "End date",
        "parent_company": "Parent company",
    }


def test_mapping_dutch() -> None:
    headers = [
        "Naam leverancier", "Straat", "Plaats", "Postcode", "Land", "Leveranciersnummer", "Ketenschakel", "Producten",
        "Inkoopwaarde", "Breedtegraad", "Lengtegraad", "Startdatum", "Einddatum", "Moederbedrijf", "E-mail adres",
    ]  # fmt: skip
    assert mapped(headers) == {
        "name": "Naam leverancier",
        "country": "Land",
        "address": "Straat",
        "city": "Plaats",
        "postal_code": "Postcode",
        "reference": "Leveranciersnummer",
        "tier": "Ketenschakel",
        "products": "Producten",
        "spend_band": "Inkoopwaarde",
        "lat": "Breedtegraad",
        "lng": "Lengtegraad",
        "start_date": "Startdatum",
        "end_date": "Einddatum",
        "parent_company": "Moederbedrijf",
    }


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["Factory name", "Adres", "Country code"], {"name": 0, "address": 1, "country": 2}),
        (["Facility", "Landcode"], {"name": 0, "country": 1}),
        (["Site name", "Land"], {"name": 0, "country": 1}),
        (["Production location", "Country"], {"name": 0, "country": 1}),
        (["Name of facility", "Country"], {"name": 0, "country": 1}),
        (["Leverancier", "Land"], {"name": 0, "country": 1}),
        (["Fabriek", "Land"], {"name": 0, "country": 1}),
        (["Productielocatie", "Land"], {"name": 0, "country": 1}),
        (["Bedrijfsnaam", "Stad", "Land"], {"name": 0, "city": 1, "country": 2}),
        (["Name (optional)", "Country *", "Address:"], {"name": 0, "country": 1, "address": 2}),
        (["SupplierName", "SupplierCountry", "supplier_id", "DUNSNumber"],
         {"name": 0, "country": 1, "reference": 2, "duns": 3}),
        (["Vendor number", "Name", "Country"], {"reference": 0, "name": 1, "country": 2}),
        (["Lat", "Lon", "Name", "Land"], {"lat": 0, "lng": 1, "name": 2, "country": 3}),
        (["OAR ID", "Name", "Country"], {"os_id": 0, "name": 1, "country": 2}),
        (["Schakel", "Product", "Spend", "Naam", "Land"],
         {"tier": 0, "products": 1, "spend_band": 2, "name": 3, "country": 4}),
        (["#", "Name", "Country"], {"name": 1, "country": 2}),
        (["Notes", "Remarks"], {}),
    ],
)  # fmt: skip
def test_mapping_variants(headers: list[str], expected: dict[str, int]) -> None:
    assert suggest_mapping(headers) == expected


def test_mapping_never_gives_one_column_to_two_fields() -> None:
    headers = ["Supplier", "Supplier name", "Supplier", "Country", "Land", "Supplier ID"]
    mapping = suggest_mapping(headers)
    assert len(set(mapping.values())) == len(mapping)
    assert mapping["name"] == 0  # "Supplier" and "Supplier name" are both exact names: the leftmost wins
    assert mapping["country"] == 3
    assert mapping["reference"] == 5


def test_field_metadata() -> None:
    assert REQUIRED_FIELDS == ("name", "country")
    assert set(FIELD_LABELS) == set(FIELDS)
    assert all(isinstance(label, str) and label for label in FIELD_LABELS.values())


# --------------------------------------------------------------------------- cleaning

HEADERS = [
    "Name", "Country", "Address", "City", "Postcode", "Ref", "Tier", "Products", "Spend", "Volume", "Sector",
    "Lat", "Lng", "DUNS", "LEI", "GLN", "OS ID", "Start date", "End date", "Parent company",
]  # fmt: skip
MAPPING = {field: index for index, field in enumerate(FIELDS)}


def row(**cells: str) -> list[str]:
    values = {"name": "Dhaka Knit Ltd", "country": "BD"} | cells
    return [values.get(field, "") for field in FIELDS]


def clean(*rows: list[str]) -> tuple[list[CleanRow], list[RowError]]:
    return clean_rows(Table(HEADERS, list(rows), "utf-8", None), MAPPING)


def only_error(*rows: list[str]) -> RowError:
    _, errors = clean(*rows)
    assert len(errors) == 1, errors
    return errors[0]


def test_headers_line_up_with_fields() -> None:
    assert suggest_mapping(HEADERS) == MAPPING


def test_a_full_row() -> None:
    rows, errors = clean(
        row(
            name="  Dhaka   Knit Ltd ",
            address="12 Road 3, Savar",
            city="Dhaka",
            postal_code="1349",
            country="Bangladesh",
            reference="S-001",
            tier="Tier 2",
            products="T-shirts; Hoodies / Polos, t-shirts",
            spend_band="€ 50.000",
            volume="120,000 pcs",
            sector="Apparel",
            lat="23,8103",
            lng="90.4125 E",
            duns="12-345-6789",
            lei="HWUPKR0MPOU8FGXBT394",
            gln="4012345000009",
            os_id="bd2019303bq3fzp",
            start_date="01-03-2021",
            end_date="2024",
            parent_company="Knit Group",
        )
    )
    assert errors == []
    (clean_row,) = rows
    assert clean_row == CleanRow(
        row_number=2,
        name="Dhaka Knit Ltd",
        address="12 Road 3, Savar, Dhaka 1349",
        country="BD",
        reference="S-001",
        tier=2,
        products=("T-shirts", "Hoodies", "Polos"),
        spend_band="10k-100k",
        volume="120,000 pcs",
        sector="Apparel",
        lat=23.8103,
        lng=90.4125,
        identifiers={
            "duns": "123456789",
            "lei": "HWUPKR0MPOU8FGXBT394",
            "gln": "4012345000009",
            "os_id": "BD2019303BQ3FZP",
        },
        start_date=date(2021, 3, 1),
        end_date=date(2024, 12, 31),
        parent_company="Knit Group",
        city="Dhaka",
        postal_code="1349",
        raw=dict(zip(HEADERS, clean_row.raw.values(), strict=True)),
    )
    assert clean_row.raw["Name"] == "  Dhaka   Knit Ltd "
    assert clean_row.raw["Country"] == "Bangladesh"


def test_defaults() -> None:
    (clean_row,), errors = clean(row())
    assert errors == []
    assert (clean_row.tier, clean_row.products, clean_row.spend_band, clean_row.lat, clean_row.identifiers) == (
        1,
        (),
        "",
        None,
        {},
    )


@pytest.mark.parametrize(
    ("address", "city", "postal_code", "joined"),
    [
        ("12 Road 3, Savar", "Dhaka", "1349", "12 Road 3, Savar, Dhaka 1349"),
        ("12 Road 3, Savar, Dhaka", "Dhaka", "1349", "12 Road 3, Savar, Dhaka, 1349"),
        ("12 Road 3\nSavar\n", "Dhaka", "", "12 Road 3, Savar, Dhaka"),
        ("", "Dhaka", "1349", "Dhaka 1349"),
        ("Plot 5,, Savar ,", "", "", "Plot 5, Savar"),
        ("Hauptstraße 3, 80331 München", "München", "80331", "Hauptstraße 3, 80331 München"),
    ],
)
def test_address_joining(address: str, city: str, postal_code: str, joined: str) -> None:
    (clean_row,), _ = clean(row(address=address, city=city, postal_code=postal_code))
    assert clean_row.address == joined


def test_mapping_without_address_columns() -> None:
    table = Table(["Naam", "Land"], [["A", "Nederland"]], "utf-8", None)
    (clean_row,), errors = clean_rows(table, {"name": 0, "country": 1})
    assert (clean_row.name, clean_row.country, clean_row.address, errors) == ("A", "NL", "", [])


@pytest.mark.parametrize(
    ("cells", "code", "field", "message"),
    [
        ({"name": ""}, "missing_name", "name", "Row 2: the name is missing."),
        ({"country": ""}, "missing_country", "country", "Row 2: the country is missing."),
        (
            {"country": "Atlantis"},
            "unknown_country",
            "country",
            "Row 2: 'Atlantis' is not a country we know. Use the country's name or its two-letter code.",
        ),
        (
            {"country": "Congo"},
            "ambiguous_country",
            "country",
            "Row 2: 'Congo' could be more than one country (CD, CG). Use the two-letter code.",
        ),
        ({"name": "x" * 301}, "too_long", "name", "Row 2: the name is longer than 300 characters."),
        ({"tier": "0"}, "invalid_tier", "tier", "Row 2: tier must be a whole number from 1 to 10."),
        ({"tier": "11"}, "invalid_tier", "tier", "Row 2: tier must be a whole number from 1 to 10."),
        ({"tier": "1.5"}, "invalid_tier", "tier", "Row 2: tier must be a whole number from 1 to 10."),
        (
            {"spend_band": "lots"},
            "invalid_spend_band",
            "spend_band",
            "Row 2: 'lots' is not a spend we understand. Use <10k, 10k-100k, 100k-1M or >1M, or an amount.",
        ),
        (
            {"lat": "north", "lng": "90"},
            "invalid_lat",
            "lat",
            "Row 2: 'north' is not a latitude; use decimal degrees such as 23.81.",
        ),
        (
            {"lat": "23", "lng": "east-ish"},
            "invalid_lng",
            "lng",
            "Row 2: 'east-ish' is not a longitude; use decimal degrees such as 90.41.",
        ),
        ({"lat": "123.5", "lng": "90"}, "lat_out_of_range", "lat", "Row 2: latitude must be between -90 and 90."),
        ({"lat": "23", "lng": "190"}, "lng_out_of_range", "lng", "Row 2: longitude must be between -180 and 180."),
        ({"lat": "23.81"}, "incomplete_coordinates", "lng", "Row 2: give both latitude and longitude, or neither."),
        ({"duns": "12345"}, "invalid_duns", "duns", "Row 2: '12345' is not a valid DUNS number (9 digits)."),
        (
            {"lei": "HWUPKR0MPOU8FGXBT395"},
            "invalid_lei",
            "lei",
            "Row 2: 'HWUPKR0MPOU8FGXBT395' is not a valid LEI (20 letters and digits, ending in check digits).",
        ),
        (
            {"gln": "4012345000008"},
            "invalid_gln",
            "gln",
            "Row 2: '4012345000008' is not a valid GLN (13 digits, the last one a check digit).",
        ),
        (
            {"os_id": "CN123"},
            "invalid_os_id",
            "os_id",
            "Row 2: 'CN123' is not a valid OS ID (15 characters, such as CN2019303BQ3FZP).",
        ),
        (
            {"start_date": "yesterday"},
            "invalid_start_date",
            "start_date",
            "Row 2: 'yesterday' is not a date we understand. Use YYYY-MM-DD or DD-MM-YYYY.",
        ),
        (
            {"end_date": "31-02-2024"},
            "invalid_end_date",
            "end_date",
            "Row 2: '31-02-2024' is not a date we understand. Use YYYY-MM-DD or DD-MM-YYYY.",
        ),
        (
            {"start_date": "2024-05-01", "end_date": "2023-01-01"},
            "end_before_start",
            "end_date",
            "Row 2: the end date is before the start date.",
        ),
    ],
)
def test_row_errors(cells: dict[str, str], code: str, field: str, message: str) -> None:
    error = only_error(row(**cells))
    assert (error.code, error.field, error.message, error.row_number) == (code, field, message, 2)
    assert error.params["row"] == 2
    assert ROW_ERROR_MESSAGES[code] % error.params == message


def test_duplicate_rows() -> None:
    rows, errors = clean(
        row(name="Dhaka Knit Ltd", address="12 Road 3", country="BD"),
        row(name="Saigon Sew", country="VN"),
        row(name="DHAKA KNIT LTD.", address="12 road 3", country="Bangladesh"),
        row(name="Dhaka Knit Ltd", address="99 Other Road", country="BD"),
    )
    assert [clean_row.row_number for clean_row in rows] == [2, 3, 5]
    assert errors == [
        RowError(4, "", "Row 4: this row repeats row 2.", "duplicate_row", {"row": 4, "first_row": 2}),
    ]


def test_every_error_code_is_exercised() -> None:
    # The parametrised cases above plus duplicate_row cover the whole catalogue.
    tested = {
        "missing_name", "missing_country", "unknown_country", "ambiguous_country", "too_long", "invalid_tier",
        "invalid_spend_band", "invalid_lat", "invalid_lng", "lat_out_of_range", "lng_out_of_range",
        "incomplete_coordinates", "invalid_duns", "invalid_lei", "invalid_gln", "invalid_os_id",
        "invalid_start_date", "invalid_end_date", "end_before_start", "duplicate_row",
        # Junk text and the repair note: tests/registry/test_junk_rows.py.
        "formula", "no_letters", "garbled_text", "control_characters", "bidi_controls", "repaired_text",
    }  # fmt: skip
    assert tested == set(ROW_ERROR_MESSAGES)


def test_modules_do_not_import_django() -> None:
    code = (
        "import sys, covenant.registry.listfiles, covenant.registry.countries;"
        "print(any(name.startswith('django') for name in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert result.stdout.strip() == "False"


def test_one_bad_coordinate_is_not_also_reported_as_incomplete() -> None:
    _, errors = clean(row(lat="123", lng="90"))
    assert [error.code for error in errors] == ["lat_out_of_range"]
    _, errors = clean(row(name="x" * 400, lng="90"))
    assert [error.code for error in errors] == ["too_long", "incomplete_coordinates"]


def test_a_row_with_several_errors_reports_them_all() -> None:
    _, errors = clean(row(name="", country="Atlantis", tier="first"))
    assert [error.code for error in errors] == ["unknown_country", "invalid_tier", "missing_name"]


def test_rows_with_nothing_in_mapped_columns_are_skipped() -> None:
    rows, errors = clean(row(name="", country=""), row())
    assert (len(rows), errors) == (1, [])


def test_zero_zero_coordinates_mean_unknown() -> None:
    (clean_row,), errors = clean(row(lat="0", lng="0.0"))
    assert (clean_row.lat, clean_row.lng, errors) == (None, None, [])


def test_row_numbers_as_a_person_sees_them(tmp_path: Path) -> None:
    text = (
        "Suppliers of Member A\n"  # row 1: a title
        "Name;Address;Country\n"  # row 2: the header
        'Dhaka Knit;"Plot 5\nSavar";BD\n'  # row 3, spanning two lines
        ";;\n"  # row 4: empty
        ";Somewhere;BD\n"  # row 5: no name
        "Saigon Sew;1 Le Loi;Atlantis\n"  # row 6: bad country
        "Dhaka Knit;Plot 5, Savar;Bangladesh\n"  # row 7: repeats row 3
    )
    table = read_table(text.encode("cp1252"), "list.csv")
    rows, errors = clean_rows(table, suggest_mapping(table.headers))
    assert [clean_row.row_number for clean_row in rows] == [3]
    assert [error.message for error in errors] == [
        "Row 5: the name is missing.",
        "Row 6: 'Atlantis' is not a country we know. Use the country's name or its two-letter code.",
        "Row 7: this row repeats row 3.",
    ]
    data = xlsx(
        tmp_path, ("Sheet", [line.split(";") for line in text.replace('"Plot 5\nSavar"', "Plot 5, Savar").splitlines()])
    )
    _, xlsx_errors = clean_rows(read_table(data, "list.xlsx"), {"name": 0, "address": 1, "country": 2})
    assert [error.row_number for error in xlsx_errors] == [5, 6, 7]


def test_long_values_are_shortened_in_messages() -> None:
    error = only_error(row(country="A" * 100))
    assert "'" + "A" * 57 + "...'" in error.message


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"name": 0}, "Choose the columns for: country."),
        ({"address": 1}, "Choose the columns for: name, country."),
    ],
)
def test_missing_required_fields(mapping: dict[str, int], message: str) -> None:
    with pytest.raises(ListFileError) as caught:
        clean_rows(Table(HEADERS, [row()], "utf-8", None), mapping)
    assert (caught.value.code, caught.value.message) == ("missing_fields", message)


@pytest.mark.parametrize(
    "mapping",
    [
        {"name": 0, "country": 0},
        {"name": 0, "country": 99},
        {"name": 0, "country": 4, "colour": 5},
    ],
)
def test_invalid_mappings(mapping: dict[str, int]) -> None:
    with pytest.raises(ListFileError) as caught:
        clean_rows(Table(HEADERS, [row()], "utf-8", None), mapping)
    assert caught.value.code == "invalid_mapping"


# --------------------------------------------------------------------------- value parsers


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("<10k", "<10k"),
        ("< 10K", "<10k"),
        ("10k-100k", "10k-100k"),
        ("10K - 100K", "10k-100k"),
        ("100k-1M", "100k-1M"),
        (">1M", ">1M"),
        ("> 1 M", ">1M"),
        ("1M+", ">1M"),
        ("€ 50.000", "10k-100k"),
        ("€ 50.000,-", "10k-100k"),
        ("EUR 75k", "10k-100k"),
        ("250000", "100k-1M"),
        ("1.5M", ">1M"),
        ("1,5 mln", ">1M"),
        ("2 miljoen", ">1M"),
        ("€1.234.567,89", ">1M"),
        ("$ 12,500.00", "10k-100k"),
        ("9999", "<10k"),
        ("10000", "10k-100k"),
        ("1.000.000", ">1M"),
        ("10.000 - 100.000", "10k-100k"),
        ("10-100k", "10k-100k"),
        ("minder dan 10.000", "<10k"),
        ("less than 10k", "<10k"),
        ("more than 1 million", ">1M"),
        ("5000 per year", "<10k"),
    ],
)
def test_spend_bands(text: str, band: str) -> None:
    assert parse_spend_band(text) == band


@pytest.mark.parametrize("text", ["lots", "n/a", "-5", "10k-100k-1M", "about half", "abc 100"])
def test_unreadable_spend(text: str) -> None:
    assert parse_spend_band(text) is None


def test_spend_bands_constant() -> None:
    assert SPEND_BANDS == ("<10k", "10k-100k", "100k-1M", ">1M")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-01-31", date(2023, 1, 31)),
        ("2023-01-31 00:00:00", date(2023, 1, 31)),
        ("31-01-2023", date(2023, 1, 31)),
        ("31/01/2023", date(2023, 1, 31)),
        ("31.01.2023", date(2023, 1, 31)),
        ("1/3/2023", date(2023, 3, 1)),
        ("03/31/2023", date(2023, 3, 31)),
        ("5 March 2021", date(2021, 3, 5)),
        ("maart 2021", date(2021, 3, 1)),
        ("2019", date(2019, 1, 1)),
    ],
)
def test_dates(text: str, expected: date) -> None:
    (clean_row,), errors = clean(row(start_date=text))
    assert (clean_row.start_date, errors) == (expected, [])


@pytest.mark.parametrize(
    ("scheme", "value", "expected"),
    [
        ("duns", "123456789", "123456789"),
        ("duns", "12-345-6789", "123456789"),
        ("duns", "12345678", "012345678"),  # a number cell that lost its leading zero
        ("duns", "1234567890", None),
        ("duns", "12345678X", None),
        ("lei", "7LTWFZYICNSX8D621K86", "7LTWFZYICNSX8D621K86"),
        ("lei", "529900t8bm49aursdo55", "529900T8BM49AURSDO55"),
        ("lei", "529900T8BM49AURSDO56", None),
        ("lei", "529900T8BM49AURSDO5", None),
        ("gln", "0614141000012", "0614141000012"),
        ("gln", "614141000012", "0614141000012"),
        ("gln", "0614141000013", None),
        ("os_id", "CN2019303BQ3FZP", "CN2019303BQ3FZP"),
        ("os_id", "cn 2019303 bq3fzp", "CN2019303BQ3FZP"),
        ("os_id", "CN2019303BQ3FZ", None),
        ("os_id", "1234567890ABCDE", None),
    ],
)
def test_identifiers(scheme: str, value: str, expected: str | None) -> None:
    assert normalize_identifier(scheme, value) == expected


def test_unknown_identifier_scheme() -> None:
    with pytest.raises(ValueError, match="unknown identifier scheme"):
        normalize_identifier("vat", "NL123")


@pytest.mark.parametrize(
    ("lat", "lng", "expected"),
    [
        ("23.8103", "90.4125", (23.8103, 90.4125)),
        ("23,8103", "90,4125", (23.8103, 90.4125)),
        ("-33.9", "18.4", (-33.9, 18.4)),
        ("33.9 S", "18.4 E", (-33.9, 18.4)),
        ("52.37°N", "4.89°E", (52.37, 4.89)),
        ("40.7 N", "74.0 W", (40.7, -74.0)),
    ],
)
def test_coordinates(lat: str, lng: str, expected: tuple[float, float]) -> None:
    (clean_row,), errors = clean(row(lat=lat, lng=lng))
    assert ((clean_row.lat, clean_row.lng), errors) == (expected, [])


@pytest.mark.parametrize(
    ("text", "tier"), [("1", 1), ("2.0", 2), ("Tier 3", 3), ("T2", 2), ("tier-4", 4), ("Schakel 2", 2), ("10", 10)]
)
def test_tiers(text: str, tier: int) -> None:
    (clean_row,), _ = clean(row(tier=text))
    assert clean_row.tier == tier


def test_end_to_end_xlsx(tmp_path: Path) -> None:
    table = read_table(xlsx(tmp_path, ("Suppliers", SUPPLIER_ROWS)), "list.xlsx")
    rows, errors = clean_rows(table, suggest_mapping(table.headers))
    assert errors == []
    assert [(r.row_number, r.country, r.tier, r.address) for r in rows] == [
        (4, "BD", 1, "12 Road 3, Savar, Dhaka 1349"),
        (7, "VN", 2, "1 Le Loi, HCMC 700000"),
        (8, "TR", 2, "Cad. 5, İstanbul"),
    ]
    assert rows[0].start_date == date(2021, 3, 1)
    assert rows[0].spend_band == "100k-1M"
    assert rows[2].identifiers == {"duns": "123456789"}
    assert rows[2].start_date == date(2019, 6, 15)
