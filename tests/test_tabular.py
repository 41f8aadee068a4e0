"""The shared tabular reader (covenant.tabular): encodings, delimiters, row numbers, XLSX limits, streaming.

Row numbers are the spreadsheet's: the header is row 1, a data row is numbered by its
record (a quoted cell spanning lines is one row), empty rows are counted.
"""

from __future__ import annotations

import codecs
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from covenant import tabular
from covenant.tabular import Row, TableError, open_rows, read_table

TEXT = "Name;City;Country\r\nSociété Générale;Paris;FR\r\nMüller – Werk 2;München;DE\r\n"
ROWS = [["Société Générale", "Paris", "FR"], ["Müller – Werk 2", "München", "DE"]]


def error_of(data: bytes, filename: str = "x.csv", **kwargs: object) -> TableError:
    with pytest.raises(TableError) as caught:
        read_table(data, filename, **kwargs)  # type: ignore[arg-type]
    return caught.value


def workbook(tmp_path: Path, cells: dict[str, object], *, sheets: tuple[str, ...] = ("Sheet",)) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title in sheets:
        sheet = book.create_sheet(title)
        for ref, value in cells.items():
            sheet[ref] = value
    path = tmp_path / "book.xlsx"
    book.save(path)
    return path.read_bytes()


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("cp1252"), "cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-16-le", "utf-16-be", "cp1252"],
)
def test_encodings(data: bytes, encoding: str) -> None:
    table = read_table(data, "x.csv")
    assert (table.encoding, table.headers, table.rows) == (encoding, ["Name", "City", "Country"], ROWS)
    assert [table.row_number(0), table.row_number(1)] == [2, 3]


def test_a_non_latin_legacy_encoding_is_found_by_charset_normalizer() -> None:
    text = "Название;Страна\nООО Ромашка;Россия\nТекстиль Плюс;Украина\n"
    table = read_table(text.encode("cp1251"), "x.csv")
    assert table.encoding == "cp1251"
    assert table.rows[0] == ["ООО Ромашка", "Россия"]


def test_a_bom_that_lies_is_refused() -> None:
    assert error_of(codecs.BOM_UTF8 + TEXT.encode("cp1252")).code == "undecodable"


def test_binary_data_is_not_taken_for_text() -> None:
    assert error_of(bytes(range(256)) * 20).code == "unknown_format"


# --------------------------------------------------------------------------- delimiters


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_sniffed(delimiter: str) -> None:
    text = f"Name{delimiter}Address{delimiter}Country\nA{delimiter}Plot 5 Road 3{delimiter}BD\n"
    assert read_table(text.encode(), "x.txt").rows == [["A", "Plot 5 Road 3", "BD"]]


def test_commas_inside_semicolon_cells_do_not_win() -> None:
    text = "Name;Address;Country\nA;Plot 5, Road 3, Savar;BD\nB;1 Le Loi, District 1;VN\n"
    assert read_table(text.encode(), "x.csv").rows[0] == ["A", "Plot 5, Road 3, Savar", "BD"]


def test_excels_sep_line_sets_the_delimiter_and_is_not_a_row() -> None:
    table = read_table(b"sep=|\r\nName|Country\r\nA, B; C|BD\r\n", "x.csv")
    assert table.rows == [["A, B; C", "BD"]]
    assert (table.header_row, table.row_number(0)) == (1, 2)


# --------------------------------------------------------------------------- row numbers


def test_a_quoted_multi_line_cell_is_one_row_and_the_next_row_keeps_its_number() -> None:
    # Physical lines: header 1, "A" 2-4, "B" 5, "C" 6. Excel shows rows 1, 2, 3, 4.
    text = 'Name,Address,Country\nA,"Plot 5,\nRoad 3,\nSavar",BD\nB,1 Le Loi,VN\nC,"x",TR\n'
    table = read_table(text.encode(), "x.csv")
    assert table.rows[0] == ["A", "Plot 5,\nRoad 3,\nSavar", "BD"]
    assert [table.row_number(index) for index in range(3)] == [2, 3, 4]


def test_a_quoted_cell_with_crlf_line_ends_is_one_row() -> None:
    text = 'Name,Address,Country\r\nA,"Plot 5\r\nSavar",BD\r\nB,Rd 1,VN\r\n'
    table = read_table(text.encode(), "x.csv")
    assert table.rows[0][1] == "Plot 5\r\nSavar"
    assert table.row_number(1) == 3


def test_blank_lines_are_skipped_and_counted() -> None:
    text = "Name,Country\n\nA,BD\n , \n,,\nB,VN\n\n"
    table = read_table(text.encode(), "x.csv")
    assert [(table.row_number(index), row[0]) for index, row in enumerate(table.rows)] == [(3, "A"), (6, "B")]


def test_title_rows_above_the_header_shift_the_numbers() -> None:
    table = read_table(b"Suppliers 2024\n\nName,Country\nA,BD\n", "x.csv")
    assert (table.header_row, table.row_number(0)) == (3, 4)


def test_an_unclosed_quote_names_the_row_it_opens() -> None:
    text = "Name,Country\nA,BD\n" + '"B,VN\n' + "".join(f"F{i},BD\n" for i in range(100))
    error = error_of(text.encode())
    assert (error.code, error.params) == ("damaged_csv", {"row": 3})


def test_xlsx_with_leading_blank_rows(tmp_path: Path) -> None:
    data = workbook(tmp_path, {"B3": "Name", "C3": "Country", "B4": "A", "C4": "BD", "B6": "B", "C6": "VN"})
    table = read_table(data, "list.xlsx")
    assert table.headers == ["Column A", "Name", "Country"]
    assert table.rows == [["", "A", "BD"], ["", "B", "VN"]]
    assert (table.header_row, table.row_numbers) == (3, [4, 6])


def test_xlsx_cells_become_text(tmp_path: Path) -> None:
    data = workbook(tmp_path, {"A1": "Id", "B1": "Score", "A2": 12, "B2": 2.5, "A3": 3.0, "B3": True})
    assert read_table(data, "list.xlsx").rows == [["12", "2.5"], ["3", "TRUE"]]


# --------------------------------------------------------------------------- sheets and streaming


def test_preferred_sheet_then_others_then_instructions(tmp_path: Path) -> None:
    data = workbook(tmp_path, {"A1": "Name", "B1": "Country", "A2": "A", "B2": "BD"}, sheets=("Help", "Data", "Sites"))
    assert read_table(data, "x.xlsx").sheet == "Data"
    assert read_table(data, "x.xlsx", prefer_sheet=re.compile("site", re.I)).sheet == "Sites"


def test_rows_are_handed_over_as_they_are_read() -> None:
    # The header is looked for in the first 30 records; a damaged record below them shows up while iterating.
    good = "".join(f"F{i},BD\n" for i in range(40))
    text = "Name,Country\nA,BD\n\n" + good + '"broken,BD\n' + "".join(f"G{i},BD\n" for i in range(100))
    rows = open_rows(text.encode(), "x.csv")
    assert (rows.headers, rows.header_row, rows.encoding, rows.sheet) == (["Name", "Country"], 1, "utf-8", None)
    assert [next(rows), next(rows)] == [Row(2, ["A", "BD"]), Row(4, ["F0", "BD"])]
    with pytest.raises(TableError) as caught:
        list(rows)
    assert (caught.value.code, caught.value.params) == ("damaged_csv", {"row": 44})


def test_a_header_alone_gives_no_rows_to_stream_and_a_table_error() -> None:
    assert list(open_rows(b"Name,Country\n", "x.csv")) == []
    assert error_of(b"Name,Country\n").code == "no_rows"


def test_without_a_row_limit_nothing_is_cut_off() -> None:
    text = "Name,Country\n" + "A,BD\n" * 30 + ",\n" * 1100 + "B,VN\n"
    assert error_of(text.encode(), max_rows=20).code == "too_many_rows"
    assert [row.number for row in open_rows(text.encode(), "x.csv", max_rows=None)][-1] == 1132


def test_the_workbook_is_closed_when_the_rows_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    closed: list[bool] = []
    original = openpyxl.Workbook.close
    monkeypatch.setattr(openpyxl.Workbook, "close", lambda self: closed.append(True) or original(self))
    data = workbook(tmp_path, {"A1": "Name", "B1": "Country", "A2": "A", "B2": "BD"})
    rows = open_rows(data, "x.xlsx")
    assert not closed
    assert list(rows) == [Row(2, ["A", "BD"])]
    assert closed


# --------------------------------------------------------------------------- XLSX limits

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def with_rows(tmp_path: Path, rows_xml: str, dimension: str = "") -> bytes:
    """A real workbook whose sheet holds ``rows_xml`` (inline strings), to build what openpyxl will not write.

    Without a ``dimension`` (such as "A1:B10") openpyxl reads the whole sheet to find its size when it opens it.
    """
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    data = workbook(tmp_path, {"A1": "Name", "B1": "Country"})
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = f'<worksheet xmlns="{_NS}">{declared}<sheetData>{rows_xml}</sheetData></worksheet>'.encode()
            target.writestr(item.filename, content)
    return out.getvalue()


def row_xml(*texts: str) -> str:
    return "<row>" + "".join(f'<c t="inlineStr"><is><t>{text}</t></is></c>' for text in texts) + "</row>"


def test_the_hand_built_workbook_is_readable(tmp_path: Path) -> None:
    """So the refusals below are the limits at work, not a broken file."""
    assert read_table(with_rows(tmp_path, row_xml("Name", "Country") + row_xml("A", "BD")), "x.xlsx").rows == [
        ["A", "BD"]
    ]


def test_rows_past_the_limit_stop_the_scan(tmp_path: Path) -> None:
    data = with_rows(tmp_path, row_xml("Name", "Country") + row_xml("A", "BD") * 1100)
    assert error_of(data, "x.xlsx", max_rows=10).code == "too_many_rows"
    assert len(read_table(data, "x.xlsx", max_rows=1100).rows) == 1100


def test_an_oversized_cell_is_refused(tmp_path: Path) -> None:
    data = with_rows(tmp_path, row_xml("Name", "Country") + row_xml("x" * (tabular.MAX_TOKEN_BYTES + 1), "BD"))
    assert error_of(data, "x.xlsx").code == "too_large"


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = workbook(tmp_path, {"A1": "Name", "B1": "Country", "A2": "A", "B2": "BD"})
    monkeypatch.setattr(tabular, "MAX_UNPACKED_BYTES", 1000)
    assert error_of(data, "x.xlsx").code == "too_large"


def test_a_row_with_too_many_elements_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "MAX_ROW_ELEMENTS", 100)
    assert error_of(with_rows(tmp_path, row_xml("Name", "Country") + row_xml(*["c"] * 40)), "x.xlsx").code == (
        "too_large"
    )


def test_a_sheet_damaged_further_down_fails_while_streaming(tmp_path: Path) -> None:
    data = with_rows(tmp_path, row_xml("Name", "Country") + row_xml("A", "BD") * 600 + "<row><c", "A1:B602")
    rows = open_rows(data, "x.xlsx")
    assert next(rows) == Row(2, ["A", "BD"])
    with pytest.raises(TableError) as caught:
        list(rows)
    assert caught.value.code == "damaged_xlsx"


# --------------------------------------------------------------------------- the module


def test_every_error_code_has_an_english_text() -> None:
    for code, params in {
        "damaged_csv": {"row": 2},
        "too_many_rows": {"max_rows": "10"},
        "too_many_columns": {"max_columns": 256},
        "duplicate_header": {"name": "Name"},
    }.items():
        assert str(TableError(code, **params)) == tabular.FILE_ERROR_MESSAGES[code] % params


def test_the_reader_does_not_import_django() -> None:
    code = "import sys, covenant.tabular; print(any(name.startswith('django') for name in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert result.stdout.strip() == "False"
