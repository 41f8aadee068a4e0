"""Read the supplier lists that member companies upload (CSV or XLSX) and clean their rows.

Three steps, each usable on its own:

1. :func:`read_table` turns the uploaded bytes into a :class:`Table` of strings: it
   works out the file type, the text encoding and the CSV delimiter, finds the header
   row and drops empty rows.
2. :func:`suggest_mapping` guesses which column holds which of our fields from the
   headers (English and Dutch).
3. :func:`clean_rows` validates and normalises every row under a mapping the person
   confirmed, giving :class:`CleanRow` objects and :class:`RowError` messages.

Row numbers
    Every row number shown to people is the *spreadsheet row number*: the number Excel
    shows at the left when the file is opened. Without a title row the header is row 1
    and the first data row is row 2. Empty rows are skipped but still counted, a title
    row above the header shifts everything down, and a quoted CSV field spanning several
    lines stays one row, as in Excel. Use :meth:`Table.row_number`.

Error codes
    Every error carries a stable ``code`` and ``params`` so the Django layer can
    translate it; ``message`` is the plain English text. :data:`FILE_ERROR_MESSAGES`
    and :data:`ROW_ERROR_MESSAGES` hold the English templates, in ``%(name)s`` form.

Pure Python: no Django imports.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import sys
import unicodedata
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from itertools import chain, islice
from typing import Any
from xml.parsers import expat

import charset_normalizer
import openpyxl  # type: ignore[import-untyped,unused-ignore]
import stdnum.ean
import stdnum.lei
from anyascii import anyascii
from dateutil import parser as dateutil_parser
from openpyxl.reader.excel import ExcelReader  # type: ignore[import-untyped,unused-ignore]

from covenant.registry.countries import country_candidates

__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "FILE_ERROR_MESSAGES",
    "REQUIRED_FIELDS",
    "ROW_ERROR_MESSAGES",
    "SPEND_BANDS",
    "CleanRow",
    "ListFileError",
    "RowError",
    "Table",
    "clean_rows",
    "normalize_identifier",
    "read_table",
    "suggest_mapping",
]

_ToText = Callable[[object], str]

MAX_COLUMNS = 256
# Title rows and notes sometimes sit above the header; further down than this it is not a header.
HEADER_SEARCH_ROWS = 30
# Unpacked size limit for XLSX files: far above any real supplier list, far below a zip bomb.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
# What one XLSX part may hold while openpyxl reads it, so that reading one upload stays well under
# 300 MB of memory however its 256 MB are shaped (see _PartScanner and benchmarks/registry).
# Excel keeps a cell to 32,767 characters, so no honest text or tag comes near MAX_TOKEN_BYTES.
MAX_TOKEN_BYTES = 1024 * 1024
# A row is read whole before its cells are handed over; so is a shared string.
MAX_ROW_BYTES = 4 * 1024 * 1024
MAX_ROW_ELEMENTS = 50_000
MAX_SHARED_STRINGS = 600_000
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
# Everything openpyxl keeps as a tree (styles, workbook, the parts of a sheet outside its rows).
MAX_TREE_BYTES = 16 * 1024 * 1024
MAX_TREE_ELEMENTS = 250_000
# The cells kept in a Table, counted as Python holds them (a wide list of 100,000 rows takes about
# a third of this). Above it the list is refused as too large rather than read.
MAX_TABLE_BYTES = 160 * 1024 * 1024
# A cell spanning this many lines means a quote was opened and never closed.
MAX_LINES_IN_CELL = 50
MAX_NAME_LENGTH = 300
MAX_TEXT_LENGTH = 1000

# --------------------------------------------------------------------------- errors

FILE_ERROR_MESSAGES: dict[str, str] = {
    "empty": "The file is empty.",
    "unknown_format": "This does not look like a CSV or Excel file.",
    "xls": "This is an old Excel file (.xls). Save it as .xlsx or .csv.",
    "xlsb": "This is a binary Excel workbook (.xlsb). Save it as .xlsx or .csv.",
    "encrypted": "This Excel file is protected with a password. Remove the password and save it again.",
    "ods": "OpenDocument spreadsheets (.ods) cannot be read. Save it as .xlsx or .csv.",
    "damaged_xlsx": "We could not open this Excel file; it may be damaged. Open it in Excel and save it again.",
    "damaged_csv": 'Row %(row)s could not be read. Check that its quotes (") are closed.',
    "undecodable": "We could not read the file as text: save it as UTF-8 CSV or as .xlsx.",
    "too_large": "The file is too large when unpacked; split it.",
    "too_many_rows": "The file has more than %(max_rows)s rows; split it.",
    "too_many_columns": "The file has more than %(max_columns)s columns.",
    "no_header": "The header row is missing.",
    "duplicate_header": "Two columns are both called '%(name)s'.",
    "no_rows": "The file has no rows below the header.",
    "missing_fields": "Choose the columns for: %(fields)s.",
    "invalid_mapping": "The column choice is not valid: %(detail)s.",
}


class ListFileError(ValueError):
    """A supplier list that cannot be read as a whole; ``message`` is fit to show."""

    def __init__(self, code: str, **params: str | int) -> None:
        self.code = code
        self.params: dict[str, str | int] = params
        self.message = FILE_ERROR_MESSAGES[code] % params
        super().__init__(self.message)


@dataclass(frozen=True)
class Table:
    """The cells of a supplier list as stripped strings, header row excluded from ``rows``.

    ``encoding`` is the detected text encoding of a CSV file (a Python codec name) or
    "xlsx"; ``sheet`` is the worksheet read, None for CSV. ``row_numbers`` holds the
    spreadsheet row number of each row (see the module docstring); tables built by hand
    may leave it empty, and then rows are numbered from 2.
    """

    headers: list[str]
    rows: list[list[str]]
    encoding: str
    sheet: str | None
    row_numbers: list[int] = field(default_factory=list)
    header_row: int = 1

    def row_number(self, index: int) -> int:
        """Spreadsheet row number of ``rows[index]``."""
        if self.row_numbers:
            return self.row_numbers[index]
        return self.header_row + 1 + index


# --------------------------------------------------------------------------- file type

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def read_table(data: bytes, filename: str, *, max_rows: int = 100_000) -> Table:
    """Read an uploaded supplier list. Raises :class:`ListFileError` for anything unreadable."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ListFileError("empty")
    if _file_kind(data, filename) == "xlsx":
        return _read_xlsx(data, max_rows)
    text, encoding = _decode(data)
    return _assemble(_csv_records(text), _clean_cell, max_rows, encoding=encoding, sheet=None)


def _file_kind(data: bytes, filename: str) -> str:
    """Whether to read the file as "xlsx" or "csv", by content first: people rename files, systems mislabel them."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(_OLE2_MAGIC):
        # An encrypted .xlsx is an OLE2 container holding an "EncryptedPackage" stream.
        raise ListFileError("encrypted" if "EncryptedPackage".encode("utf-16-le") in data else "xls")
    if data.startswith(_ZIP_MAGIC):
        return _zip_kind(data)
    if extension == "xls":
        raise ListFileError("xls")
    if extension in {"xlsx", "xlsm", "xltx", "xltm"}:
        raise ListFileError("damaged_xlsx")
    if data.startswith(_BINARY_MAGICS):
        raise ListFileError("unknown_format")
    return "csv"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ListFileError("damaged_xlsx") from exc
    if "xl/workbook.bin" in names:
        raise ListFileError("xlsb")
    if "xl/workbook.xml" in names:
        if unpacked > MAX_UNPACKED_BYTES:
            raise ListFileError("too_large")
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        raise ListFileError("ods")
    raise ListFileError("unknown_format")


# --------------------------------------------------------------------------- text decoding

# Single-byte encodings with mostly Latin letters, in order of preference on a tie:
# Excel on Windows in Western Europe writes cp1252.
_LATIN_ENCODINGS = ("cp1252", "cp1250", "cp1254")
_OTHER_ENCODINGS = [
    "cp1251", "koi8_r", "cp1253", "cp1255", "cp1256", "cp874", "gb18030", "big5", "shift_jis", "euc_jp",
    "euc_kr",
]  # fmt: skip
# Characters that, decoded from a single byte, mean the encoding guess is wrong:
# "Łódź" in cp1250 reads "£ódŸ" in cp1252, "Kaşık" in cp1254 reads "Kaþýk".
_SUSPECT = frozenset("¤¥¦¨¯±²³´µ¶¸¹¼½¾ŸÐÝÞðýþ\ufffd") | frozenset(map(chr, range(0x80, 0xA0)))
_SUSPECT_INSIDE_WORDS = frozenset("¿£ŒœªºˇˆŠšŽž")


def _decode(data: bytes) -> tuple[str, str]:
    text, encoding = _decode_unicode(data) or _decode_legacy(data)
    if "\x00" in text:
        raise ListFileError("unknown_format")
    controls = sum(1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\r\n")
    if controls > len(text) // 100:
        raise ListFileError("unknown_format")
    return text, encoding


def _decode_unicode(data: bytes) -> tuple[str, str] | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec.removesuffix("-sig")
            except UnicodeDecodeError as exc:
                raise ListFileError("undecodable") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            return None
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows up as a NUL byte next to almost every ASCII character."""
    sample = data[:4096]
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = max(len(sample) // 2, 1)
    if odd_nuls > half // 5 and odd_nuls > 4 * even_nuls:
        return "utf-16-le"
    if even_nuls > half // 5 and even_nuls > 4 * odd_nuls:
        return "utf-16-be"
    return None


def _decode_legacy(data: bytes) -> tuple[str, str]:
    if b"\x00" in data:
        raise ListFileError("unknown_format")
    western = data.decode("cp1252", errors="replace")
    if _looks_latin(western):
        return _best_latin(data)
    guess = charset_normalizer.from_bytes(data, cp_isolation=[*_OTHER_ENCODINGS, "cp1252"]).best()
    if guess is not None and guess.encoding and guess.encoding != "cp1252":
        return str(guess), guess.encoding
    return western, "cp1252"


def _looks_latin(text: str) -> bool:
    """Accented Latin words are mostly ASCII letters; Cyrillic or CJK bytes read as cp1252 are not."""
    non_ascii = total = 0
    for word in text.split():
        extra = sum(1 for char in word if ord(char) > 0x7F)
        if extra:
            non_ascii += extra
            total += len(word)
    return total == 0 or non_ascii * 2 < total


def _best_latin(data: bytes) -> tuple[str, str]:
    decoded = [(data.decode(codec, errors="replace"), codec) for codec in _LATIN_ENCODINGS]
    return min(decoded, key=lambda pair: _suspicion(pair[0]))


def _suspicion(text: str) -> int:
    score = 0
    for index, char in enumerate(text):
        if char in _SUSPECT:
            score += 1
        elif char in _SUSPECT_INSIDE_WORDS and 0 < index < len(text) - 1:
            score += text[index - 1].isalpha() and text[index + 1].isalpha()
    return score


# --------------------------------------------------------------------------- CSV

_DELIMITERS = ",;\t|"
_SEP_LINE = re.compile(r"sep=(.)\r?\n", re.IGNORECASE)


def _csv_records(text: str) -> Iterator[tuple[int, Sequence[object]]]:
    # Excel writes and honours a first line "sep=;" and does not show it as a row.
    sep = _SEP_LINE.match(text)
    if sep:
        text, delimiter = text[sep.end() :], sep.group(1)
    else:
        delimiter = _detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            if any(cell.count("\n") > MAX_LINES_IN_CELL for cell in record):
                raise ListFileError("damaged_csv", row=number)
            yield number, record
    except csv.Error as exc:
        raise ListFileError("damaged_csv", row=number + 1) from exc


def _detect_delimiter(text: str) -> str:
    sample = text[:65536]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        sniffed = csv.Sniffer().sniff(sample[:8192], delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    scores = {delimiter: _delimiter_score(sample, delimiter) for delimiter in _DELIMITERS}
    return max(_DELIMITERS, key=lambda d: (*scores[d], d == sniffed))


def _delimiter_score(sample: str, delimiter: str) -> tuple[int, int]:
    """How many records have the most common width, and that width; width 1 scores nothing."""
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, strict=False)
    try:
        widths = [len(record) for record in islice(reader, 200) if any(cell.strip() for cell in record)]
    except csv.Error:
        return (0, 0)
    if not widths:
        return (0, 0)
    common = max(set(widths), key=lambda width: (widths.count(width), width))
    if common < 2:
        return (0, 0)
    return (widths.count(common), common)


# --------------------------------------------------------------------------- XLSX

_SUPPLIER_SHEET = re.compile(r"supplier|leverancier|factor|fabriek|facilit|site|locati|vendor|upload", re.I)
_HELP_SHEET = re.compile(r"instruct|readme|read me|toelichting|uitleg|help|info|lijsten|lists|lookup|dropdown", re.I)


def _read_xlsx(data: bytes, max_rows: int) -> Table:
    try:
        with warnings.catch_warnings():
            # openpyxl warns about every unsupported extension (data validation, slicers, ...).
            warnings.simplefilter("ignore")
            workbook = _load_workbook(data, max_rows + _row_margin(max_rows) + HEADER_SEARCH_ROWS)
            try:
                return _read_workbook(workbook, max_rows)
            finally:
                workbook.close()
    except ListFileError:
        raise
    except Exception as exc:  # openpyxl raises anything from KeyError to XML parse errors on bad files
        if isinstance(exc.__cause__, ListFileError):  # openpyxl wraps errors while loading in a ValueError
            raise exc.__cause__ from None
        raise ListFileError("damaged_xlsx") from exc


def _load_workbook(data: bytes, row_limit: int) -> openpyxl.Workbook:
    """``openpyxl.load_workbook`` in read-only mode, with every XML part scanned while openpyxl reads it."""
    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    reader.archive.close()
    reader.archive = _ScannedZipFile(io.BytesIO(data), row_limit=row_limit)
    reader.read()
    return reader.wb


class _ScannedZipFile(zipfile.ZipFile):
    """A zip whose XML parts pass through a :class:`_PartScanner` as they are read."""

    def __init__(self, file: io.BytesIO, *, row_limit: int) -> None:
        super().__init__(file)
        self.row_limit = row_limit

    def open(self, name: Any, mode: Any = "r", pwd: bytes | None = None, *, force_zip64: bool = False) -> Any:
        stream = super().open(name, mode, pwd, force_zip64=force_zip64)
        filename = name.filename if isinstance(name, zipfile.ZipInfo) else str(name)
        if mode != "r" or not filename.lower().endswith((".xml", ".rels", ".vml")):
            return stream
        return _ScannedStream(stream, _PartScanner(self.row_limit))


class _ScannedStream(io.RawIOBase):
    """A zip member that refuses to hand over more of a part than :class:`_PartScanner` allows."""

    def __init__(self, raw: Any, scanner: _PartScanner) -> None:
        super().__init__()
        self._raw = raw
        self._scanner = scanner

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            # Whole-part reads (openpyxl's fromstring) in steps, so a bomb is stopped at the limit, not after.
            return b"".join(iter(lambda: self.read(1024 * 1024), b""))
        data: bytes = self._raw.read(size)
        self._scanner.feed(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _PartScanner:
    """Bounds what openpyxl can hold in memory while it parses one XML part, in constant memory itself.

    openpyxl (with the standard library's ElementTree) builds each row of a sheet and each
    shared string whole before it lets go of it, keeps every shared string, and keeps any
    other part (styles, the workbook, the parts of a sheet outside its rows) as a tree. An
    expat parser sees the same bytes first, with handlers for element starts and ends only,
    and stops the read when a text or tag, a row, a shared string, the number of rows or of
    shared strings, or the tree outside them grows past its limit. Rows are the ``row``
    elements of a ``worksheet``; shared strings the ``si`` elements of an ``sst``.
    """

    def __init__(self, row_limit: int) -> None:
        self.row_limit = row_limit
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.fed = 0
        self.last_event = 0
        self.depth = 0
        self.root = ""
        self.item_name = ""
        self.item_depth = -1
        self.item_start = -1
        self.item_elements = 0
        self.items = 0
        self.tree_bytes = 0
        self.tree_elements = 0
        self.finished = False

    def feed(self, data: bytes) -> None:
        if self.finished:
            return
        self.fed += len(data)
        self.finished = not data
        try:
            self.parser.Parse(data, self.finished)
        except expat.ExpatError as exc:
            raise ListFileError("damaged_xlsx") from exc
        if self.fed - self.last_event > MAX_TOKEN_BYTES:
            raise ListFileError("too_large")
        if self.item_start >= 0 and self.fed - self.item_start > self._item_max_bytes():
            raise ListFileError("too_large")
        if self.root == "sst" and self.fed > MAX_SHARED_STRINGS_BYTES:
            raise ListFileError("too_large")

    def _event(self) -> int:
        position: int = self.parser.CurrentByteIndex
        if position - self.last_event > MAX_TOKEN_BYTES:
            raise ListFileError("too_large")
        if self.item_start < 0:
            self.tree_bytes += position - self.last_event
            if self.tree_bytes > MAX_TREE_BYTES:
                raise ListFileError("too_large")
        self.last_event = position
        return position

    def _item_max_bytes(self) -> int:
        return MAX_ROW_BYTES if self.item_name == "row" else MAX_TOKEN_BYTES

    def _start(self, name: str, attributes: object) -> None:
        position = self._event()
        local = name.rpartition(" ")[2]
        if self.depth == 0:
            self.root = local
            self.item_name, self.item_depth = {"worksheet": ("row", 2), "sst": ("si", 1)}.get(local, ("", -1))
        if self.item_start < 0 and self.depth == self.item_depth and local == self.item_name:
            self.items += 1
            if local == "row" and self.items > self.row_limit:
                raise ListFileError("too_many_rows", max_rows=f"{self.row_limit:,}")
            if local == "si" and self.items > MAX_SHARED_STRINGS:
                raise ListFileError("too_large")
            self.item_start, self.item_elements = position, 0
        if self.item_start >= 0:
            self.item_elements += 1
            if self.item_elements > MAX_ROW_ELEMENTS:
                raise ListFileError("too_large")
        else:
            self.tree_elements += 1
            if self.tree_elements > MAX_TREE_ELEMENTS:
                raise ListFileError("too_large")
        self.depth += 1

    def _end(self, name: str) -> None:
        position = self._event()
        self.depth -= 1
        if self.item_start >= 0 and self.depth == self.item_depth:
            if position - self.item_start > self._item_max_bytes():
                raise ListFileError("too_large")
            self.item_start = -1
            # Everything up to the end of the item's closing tag belongs to the item.
            self.last_event = position


def _read_workbook(workbook: openpyxl.Workbook, max_rows: int) -> Table:
    sheets = _sheets_in_preference_order(workbook)
    for sheet in sheets:
        _check_declared_size(sheet, max_rows)
        sheet.reset_dimensions()  # declared sizes are often wrong; read what is really there
        records = _sheet_records(sheet)
        head = list(islice(records, HEADER_SEARCH_ROWS))
        if _find_header(head, _cell_text) is not None or sheet is sheets[-1]:
            return _assemble(chain(head, records), _cell_text, max_rows, encoding="xlsx", sheet=sheet.title)
    raise ListFileError("no_header")


def _sheets_in_preference_order(workbook: openpyxl.Workbook) -> list[openpyxl.worksheet._read_only.ReadOnlyWorksheet]:
    visible = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    if not visible:
        raise ListFileError("no_header")

    def rank(sheet: openpyxl.worksheet._read_only.ReadOnlyWorksheet) -> int:
        if _SUPPLIER_SHEET.search(sheet.title):
            return 0
        return 2 if _HELP_SHEET.search(sheet.title) else 1

    return sorted(visible, key=rank)


def _check_declared_size(sheet: openpyxl.worksheet._read_only.ReadOnlyWorksheet, max_rows: int) -> None:
    declared_rows = sheet.max_row or 0
    declared_columns = sheet.max_column or 0
    if declared_rows > max_rows + _row_margin(max_rows) + HEADER_SEARCH_ROWS:
        raise ListFileError("too_many_rows", max_rows=f"{max_rows:,}")
    if declared_columns > 16384:  # Excel's own limit: the file is not what it claims to be
        raise ListFileError("damaged_xlsx")


def _sheet_records(sheet: openpyxl.worksheet._read_only.ReadOnlyWorksheet) -> Iterator[tuple[int, Sequence[object]]]:
    # max_col bounds the work per row even if a stray cell sits in column XFD.
    yield from enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _clean_cell(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, Decimal):
        return _float_text(float(value))
    return _temporal_text(value)


def _float_text(value: float) -> str:
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return f"{value:.15g}"  # Excel shows 15 significant digits; more is binary noise


def _temporal_text(value: object) -> str:
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return _clean_cell(str(value))


# --------------------------------------------------------------------------- table assembly

_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_cell(value: object) -> str:
    text = _CONTROL.sub("", str(value))
    return text.strip().strip(_INVISIBLE).strip()


def _row_margin(max_rows: int) -> int:
    """Empty rows tolerated on top of ``max_rows`` before the file counts as too long."""
    return max(1000, max_rows // 10)


def _find_header(records: list[tuple[int, Sequence[object]]], to_text: _ToText) -> int | None:
    """Position in ``records`` of the first row with at least two filled cells, mostly not numbers.

    A title row ("Supplier list 2024") above the header has a single cell, and a row of
    numbers and dates is data, not a header.
    """
    for position, (_, values) in enumerate(records):
        filled = [text for text in map(to_text, values) if text]
        if len(filled) >= 2 and sum(1 for text in filled if _looks_numeric(text)) * 2 < len(filled):
            return position
    return None


def _assemble(
    records: Iterator[tuple[int, Sequence[object]]],
    to_text: _ToText,
    max_rows: int,
    *,
    encoding: str,
    sheet: str | None,
) -> Table:
    head = list(islice(records, HEADER_SEARCH_ROWS))
    position = _find_header(head, to_text)
    if position is None:
        raise ListFileError("no_header" if head else "empty")
    header_row, header_values = head[position]
    headers = _headers([to_text(value) for value in header_values])
    rows, numbers = _data_rows(chain(head[position + 1 :], records), to_text, len(headers), header_row, max_rows)
    if not rows:
        raise ListFileError("no_rows")
    return Table(headers, rows, encoding, sheet, numbers, header_row)


def _headers(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells.pop()
    if len(cells) > MAX_COLUMNS:
        raise ListFileError("too_many_columns", max_columns=MAX_COLUMNS)
    headers = [cell or f"Column {_column_letter(index)}" for index, cell in enumerate(cells)]
    seen: dict[str, str] = {}
    for header in headers:
        key = " ".join(header.casefold().split())
        if key in seen:
            raise ListFileError("duplicate_header", name=header)
        seen[key] = header
    return headers


def _looks_numeric(cell: str) -> bool:
    return bool(re.fullmatch(r"[-+]?[\d.,\s/:-]+", cell))


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _data_rows(
    records: Iterator[tuple[int, Sequence[object]]], to_text: _ToText, width: int, header_row: int, max_rows: int
) -> tuple[list[list[str]], list[int]]:
    rows: list[list[str]] = []
    numbers: list[int] = []
    last_allowed = header_row + max_rows + _row_margin(max_rows)
    held = 0
    for number, values in records:
        if number > last_allowed:
            raise ListFileError("too_many_rows", max_rows=f"{max_rows:,}")
        cells = [to_text(value) for value in values[:width]]
        if not any(cells):
            continue
        if len(rows) == max_rows:
            raise ListFileError("too_many_rows", max_rows=f"{max_rows:,}")
        row = cells + [""] * (width - len(cells))
        # What the row costs in memory (the empty string is shared, so it costs its slot only).
        held += sys.getsizeof(row) + sum(sys.getsizeof(cell) for cell in row if cell) + _ROW_NUMBER_BYTES
        if held > MAX_TABLE_BYTES:
            raise ListFileError("too_large")
        rows.append(row)
        numbers.append(number)
    return rows, numbers


_ROW_NUMBER_BYTES = sys.getsizeof(1 << 20) + 8


# --------------------------------------------------------------------------- header mapping

FIELDS: tuple[str, ...] = (
    "name", "country", "address", "city", "postal_code", "reference", "tier", "products", "spend_band", "volume",
    "sector", "lat", "lng", "duns", "lei", "gln", "os_id", "start_date", "end_date", "parent_company",
)  # fmt: skip
REQUIRED_FIELDS: tuple[str, ...] = ("name", "country")
FIELD_LABELS: dict[str, str] = {
    "name": "Name",
    "country": "Country",
    "address": "Address",
    "city": "City",
    "postal_code": "Postal code",
    "reference": "Your supplier ID",
    "tier": "Tier",
    "products": "Products",
    "spend_band": "Spend",
    "volume": "Volume",
    "sector": "Sector",
    "lat": "Latitude",
    "lng": "Longitude",
    "duns": "DUNS number",
    "lei": "LEI",
    "gln": "GLN",
    "os_id": "OS ID",
    "start_date": "Start date",
    "end_date": "End date",
    "parent_company": "Parent company",
}


@dataclass(frozen=True)
class _HeaderRule:
    exact: frozenset[str]
    # Each pattern is a list of slots; a slot is satisfied by any of its words:
    # "supplier|vendor id|nr" matches "vendor nr" and "supplier id number".
    patterns: tuple[str, ...] = ()
    exclude: frozenset[str] = frozenset()


def _rule(exact: str, patterns: tuple[str, ...] = (), exclude: str = "") -> _HeaderRule:
    return _HeaderRule(frozenset(exact.split(",")), patterns, frozenset(exclude.split()))


# Words that mark a column as something other than the facility's name.
_NOT_NAME = (
    "id nr no number nummer code ref reference type contact person persoon contactpersoon email mail phone"
    " telefoon tel fax parent moeder moederbedrijf group groep holding owner eigenaar address adres country land"
    " city plaats stad postcode zip tier schakel product products producten date datum website url web brand merk"
    " buyer inkoper category categorie status lat latitude lng longitude sector spend volume duns lei gln os oar"
    " since sinds start end street straat audit certificate certificaat"
)
_HEADER_RULES: dict[str, _HeaderRule] = {
    "name": _rule(
        "name,naam,supplier,supplier name,factory,factory name,facility,facility name,site,site name,"
        "production location,production location name,production site,name facility,name factory,name supplier,"
        "leverancier,naam leverancier,leveranciersnaam,leverancier naam,fabriek,fabrieksnaam,naam fabriek,"
        "productielocatie,naam productielocatie,productielocatie naam,bedrijfsnaam,bedrijf,company,company name,"
        "vendor,vendor name,manufacturer,manufacturer name,producer,producent,location name,locatie,locatienaam,"
        "business name,legal name,supplier legal name,factory legal name,facility legal name,organisation name,"
        "organization name,mill,mill name,name production location,name site,firmanaam,firma",
        (
            "name|naam|supplier|factory|facility|site|leverancier|fabriek|productielocatie|bedrijfsnaam|vendor"
            "|manufacturer|company|bedrijf|producent|producer|mill|fabrieksnaam|leveranciersnaam|locatienaam",
        ),
        _NOT_NAME,
    ),
    "country": _rule(
        "country,land,country code,landcode,country iso,iso country,iso country code,country iso code,country name,"
        "landnaam,country region,country of production,production country,productieland,land productie,"
        "country location,location country,vestigingsland,pays,pais,country iso2,iso2,iso 2,alpha 2,countries",
        ("country|land|landcode|productieland|vestigingsland|countries",),
        "phone telefoon tel dial origin",
    ),
    "address": _rule(
        "address,adres,street address,straat,street,straatnaam,address line 1,address 1,address line,adresregel,"
        "adresregel 1,adres 1,full address,volledig adres,site address,factory address,facility address,"
        "supplier address,adres leverancier,bezoekadres,vestigingsadres,location address,physical address,"
        "street and number,straat en huisnummer,straat huisnummer,adres fabriek,adres productielocatie,adresse,"
        "direccion,endereco,address street",
        ("address|adres|street|straat|adresse|adresregel|bezoekadres|vestigingsadres",),
        "email mail e web website url ip invoice factuur billing postbus 2 3 email",
    ),
    "city": _rule(
        "city,plaats,stad,town,city town,town city,woonplaats,vestigingsplaats,plaatsnaam,place,locality,"
        "municipality,gemeente,ort,ville,ciudad,cidade,city name",
        ("city|plaats|stad|town|woonplaats|vestigingsplaats|plaatsnaam|locality",),
        "country land postcode zip",
    ),
    "postal_code": _rule(
        "postcode,postal code,zip,zip code,zipcode,post code,postal,plz,code postal,codigo postal,cep,postalcode",
        ("postcode|zip|zipcode|postal|plz|postalcode",),
        "address adres city plaats stad",
    ),
    "reference": _rule(
        "reference,supplier id,supplier number,supplier nr,supplier code,supplier no,supplier ref,supplier reference,"
        "vendor id,vendor number,vendor no,vendor code,vendor nr,leveranciersnummer,leveranciernummer,"
        "leverancier nummer,leverancierscode,leveranciercode,leverancier code,leverancier id,leverancier nr,"
        "referentie,kenmerk,your reference,internal id,internal reference,eigen referentie,own reference,id,nr,"
        "nummer,code,number,factory id,facility id,site id,factory number,factory code,fabrieksnummer,"
        "crediteurnummer,crediteurennummer,crediteur nummer,creditor number,ref,ref no,erp id,sap id,sap number,"
        "member reference,internal code,your supplier id,supplier id member",
        (
            "supplier|vendor|leverancier|factory|facility|site|fabriek|crediteur|creditor|internal|intern|own|eigen"
            "|member|erp|sap id|nr|no|number|nummer|code|ref|reference|referentie",
        ),
        "duns lei gln os oar open tax vat btw kvk registration parent",
    ),
    "tier": _rule(
        "tier,schakel,ketenschakel,tier level,supply chain tier,tier nr,tier number,supplier tier,niveau,ketenniveau,"
        "chain tier,level,tier no",
        ("tier|schakel|ketenschakel|ketenniveau",),
    ),
    "products": _rule(
        "products,product,producten,product category,product categories,productcategorie,productgroep,product group,"
        "product type,product types,producttype,goods,items,artikelen,product description,main products,"
        "hoofdproducten,product range,assortiment,commodity,commodities,productcategorieen,main product",
        ("product|products|producten|productcategorie|productgroep|goods|commodity|commodities|artikelen",),
        "id code number nr volume quantity",
    ),
    "spend_band": _rule(
        "spend,spend band,spend category,annual spend,purchase value,inkoopwaarde,inkoopvolume,inkoopbedrag,"
        "spend range,spend bracket,purchase amount,annual purchase value,jaarlijkse inkoopwaarde,order value,"
        "inkoopwaarde categorie,spend eur,spend euro,business value,purchasing value",
        ("spend|inkoopwaarde|inkoopbedrag|inkoopvolume", "purchase|purchasing|inkoop|order value|waarde|amount"),
    ),
    "volume": _rule(
        "volume,production volume,productievolume,order volume,ordervolume,quantity,aantal,hoeveelheid,units,pieces,"
        "annual volume,volume pieces,aantal stuks,stuks,volume units,volumes,order quantity,annual quantity",
        ("volume|quantity|aantal|hoeveelheid|stuks|pieces|units|productievolume|ordervolume",),
        "purchase spend inkoop",
    ),
    "sector": _rule(
        "sector,industry,branche,industrie,bedrijfstak,sector name,industry sector,sector industry",
        ("sector|industry|branche|bedrijfstak",),
    ),
    "lat": _rule(
        "lat,latitude,breedtegraad,y,gps lat,gps latitude,lat dd,latitude dd,coordinates lat,y coordinate",
        ("lat|latitude|breedtegraad",),
    ),
    "lng": _rule(
        "lng,lon,long,longitude,lengtegraad,x,gps lng,gps lon,gps long,gps longitude,longitude dd,lon dd,"
        "coordinates lng,coordinates lon,x coordinate",
        ("lng|lon|longitude|lengtegraad",),
    ),
    "duns": _rule(
        "duns,duns number,duns nr,duns nummer,dunsnummer,duns no,duns id,duns code,dunsnumber",
        ("duns|dunsnummer|dunsnumber",),
    ),
    "lei": _rule("lei,lei code,lei number,legal entity identifier,lei nummer,lei id", ("lei",)),
    "gln": _rule("gln,global location number,gln number,gln code,gln nummer", ("gln",)),
    "os_id": _rule(
        "os id,osid,open supply id,open supply hub id,oar id,oar,os hub id,osh id,open apparel registry id,"
        "oar number,os number,os hub,open supply hub,ossh id",
        ("os|oar|osh|osid id|nr|number|nummer", "open supply|apparel"),
    ),
    "start_date": _rule(
        "start date,startdatum,start,since,sinds,begin date,begindatum,supplier since,relationship start,"
        "start relationship,active since,actief sinds,in use since,date added,start of relationship,aanvangsdatum,"
        "ingangsdatum,first order date,first order,datum eerste order,leverancier sinds,startdate",
        ("start|begin|since|sinds|aanvang|ingang date|datum|relationship|relatie", "startdatum|begindatum|startdate"),
    ),
    "end_date": _rule(
        "end date,einddatum,end,until,tot,stop date,stopdatum,einde,end of relationship,end relationship,"
        "relationship end,date ended,inactive since,last order date,last order,datum laatste order,terminated,"
        "termination date,enddate",
        ("end|eind|stop|until|termination|einde|ended date|datum|relationship|relatie", "einddatum|stopdatum|enddate"),
    ),
    "parent_company": _rule(
        "parent company,moederbedrijf,parent,moedermaatschappij,holding,group,groep,concern,parent company name,"
        "group name,owner,eigenaar,parent organisation,parent organization,holding company,business group,"
        "corporate group,moeder bedrijf,groepsnaam,concernnaam",
        ("parent|moederbedrijf|moedermaatschappij|holding|concern", "group|groep company|name|naam|bedrijf"),
    ),
}

_FILLER = frozenset(
    {"optional", "optioneel", "verplicht", "required", "mandatory", "please", "fill", "invullen", "your", "uw"}
    | {"the", "of", "van", "de", "het", "der", "den", "a", "an", "s"}
)
_EXACT_SCORE = 100


def _header_key(header: str) -> str:
    """Lower-case ASCII words of a header, without "(optional)"-style asides and filler words."""
    if not re.search(r"[^\W_]", header):
        return ""  # a lone "#" column numbers the rows; it is not the member's supplier id
    text = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", header)  # SupplierName, DUNSNumber
    text = anyascii(unicodedata.normalize("NFKC", text)).lower()
    without_asides = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text)
    if re.search(r"[a-z0-9]", without_asides):
        text = without_asides
    text = re.sub(r"\bd\W?u\W?n\W?s\b", "duns", text).replace("&", " and ").replace("#", " nr ")
    return " ".join(word for word in re.findall(r"[a-z0-9]+", text) if word not in _FILLER)


def _header_score(key: str, rule: _HeaderRule) -> int:
    if key in rule.exact:
        return _EXACT_SCORE
    words = set(key.split())
    if not words or words & rule.exclude:
        return 0
    best = 0
    for pattern in rule.patterns:
        slots = [set(slot.split("|")) for slot in pattern.split()]
        if all(words & slot for slot in slots):
            best = max(best, 50 + 5 * len(slots))
    return best


def suggest_mapping(headers: list[str]) -> dict[str, int]:
    """Guess the column index of each field from the headers; fields without a good guess are left out.

    No column is given to two fields: the strongest match wins, then the leftmost column.
    """
    keys = [_header_key(header) for header in headers]
    candidates = [
        (score, column, FIELDS.index(name), name)
        for name, rule in _HEADER_RULES.items()
        for column, key in enumerate(keys)
        if (score := _header_score(key, rule))
    ]
    candidates.sort(key=lambda candidate: (-candidate[0], candidate[1], candidate[2]))
    mapping: dict[str, int] = {}
    for _, column, _, name in candidates:
        if name not in mapping and column not in mapping.values():
            mapping[name] = column
    return {name: mapping[name] for name in FIELDS if name in mapping}


# --------------------------------------------------------------------------- row cleaning

SPEND_BANDS: tuple[str, ...] = ("<10k", "10k-100k", "100k-1M", ">1M")

ROW_ERROR_MESSAGES: dict[str, str] = {
    "missing_name": "Row %(row)s: the name is missing.",
    "missing_country": "Row %(row)s: the country is missing.",
    "unknown_country": (
        "Row %(row)s: '%(value)s' is not a country we know. Use the country's name or its two-letter code."
    ),
    "ambiguous_country": (
        "Row %(row)s: '%(value)s' could be more than one country (%(codes)s). Use the two-letter code."
    ),
    "too_long": "Row %(row)s: the %(label)s is longer than %(limit)s characters.",
    "duplicate_row": "Row %(row)s: this row repeats row %(first_row)s.",
    "invalid_tier": "Row %(row)s: tier must be a whole number from 1 to 10.",
    "invalid_spend_band": (
        "Row %(row)s: '%(value)s' is not a spend we understand. Use <10k, 10k-100k, 100k-1M or >1M, or an amount."
    ),
    "invalid_lat": "Row %(row)s: '%(value)s' is not a latitude; use decimal degrees such as 23.81.",
    "invalid_lng": "Row %(row)s: '%(value)s' is not a longitude; use decimal degrees such as 90.41.",
    "lat_out_of_range": "Row %(row)s: latitude must be between -90 and 90.",
    "lng_out_of_range": "Row %(row)s: longitude must be between -180 and 180.",
    "incomplete_coordinates": "Row %(row)s: give both latitude and longitude, or neither.",
    "invalid_duns": "Row %(row)s: '%(value)s' is not a valid DUNS number (9 digits).",
    "invalid_lei": "Row %(row)s: '%(value)s' is not a valid LEI (20 letters and digits, ending in check digits).",
    "invalid_gln": "Row %(row)s: '%(value)s' is not a valid GLN (13 digits, the last one a check digit).",
    "invalid_os_id": "Row %(row)s: '%(value)s' is not a valid OS ID (15 characters, such as CN2019303BQ3FZP).",
    "invalid_start_date": "Row %(row)s: '%(value)s' is not a date we understand. Use YYYY-MM-DD or DD-MM-YYYY.",
    "invalid_end_date": "Row %(row)s: '%(value)s' is not a date we understand. Use YYYY-MM-DD or DD-MM-YYYY.",
    "end_before_start": "Row %(row)s: the end date is before the start date.",
}


@dataclass(frozen=True)
class RowError:
    """One problem in one row. ``message`` is English; ``code`` and ``params`` allow translation.

    ``params`` always holds ``row``; see :data:`ROW_ERROR_MESSAGES` for the others.
    """

    row_number: int
    field: str
    message: str
    code: str
    # dataclasses.field: the attribute "field" above shadows the bare name in this class body.
    params: dict[str, str | int] = dataclasses.field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class CleanRow:
    """A validated supplier-list row. ``address`` joins the address, city and postal code columns."""

    row_number: int
    name: str
    address: str
    country: str
    reference: str = ""
    tier: int = 1
    products: tuple[str, ...] = ()
    spend_band: str = ""
    volume: str = ""
    sector: str = ""
    lat: float | None = None
    lng: float | None = None
    identifiers: dict[str, str] = field(default_factory=dict, hash=False)
    start_date: date | None = None
    end_date: date | None = None
    parent_company: str = ""
    city: str = ""
    postal_code: str = ""
    raw: dict[str, str] = field(default_factory=dict, hash=False)


def clean_rows(table: Table, mapping: Mapping[str, int]) -> tuple[list[CleanRow], list[RowError]]:
    """Validate every row of ``table`` under ``mapping`` (field name -> column index).

    Rows with an error are left out of the clean rows; every error is reported.
    Rows whose mapped cells are all empty are skipped silently. A row that repeats an
    earlier one (same name, address and country, ignoring case, accents and punctuation)
    is an error on the later row.
    """
    _check_mapping(table, mapping)
    clean: list[CleanRow] = []
    errors: list[RowError] = []
    first_seen: dict[tuple[str, str, str], int] = {}
    for index, cells in enumerate(table.rows):
        values = {name: cells[column] for name, column in mapping.items()}
        if not any(values.values()):
            continue
        row = _RowCleaner(table.row_number(index), values)
        result = row.clean(dict(zip(table.headers, cells, strict=True)))
        if result is None:
            errors += row.errors
            continue
        key = (_fold(result.name), _fold(result.address), result.country)
        if key in first_seen:
            errors.append(_row_error(result.row_number, "", "duplicate_row", first_row=first_seen[key]))
            continue
        first_seen[key] = result.row_number
        clean.append(result)
    return clean, errors


def _check_mapping(table: Table, mapping: Mapping[str, int]) -> None:
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise ListFileError("invalid_mapping", detail=f"unknown field {unknown[0]!r}")
    if any(not 0 <= column < len(table.headers) for column in mapping.values()):
        raise ListFileError("invalid_mapping", detail="a column number is outside the table")
    if len(set(mapping.values())) < len(mapping):
        raise ListFileError("invalid_mapping", detail="two fields use the same column")
    missing = [FIELD_LABELS[name].lower() for name in REQUIRED_FIELDS if name not in mapping]
    if missing:
        raise ListFileError("missing_fields", fields=", ".join(missing))


def _row_error(row: int, field_name: str, code: str, **params: str | int) -> RowError:
    params = {"row": row, **params}
    return RowError(row, field_name, ROW_ERROR_MESSAGES[code] % params, code, params)


def _fold(text: str) -> str:
    """Comparison form: ASCII, lower case, words only."""
    return " ".join(re.findall(r"[a-z0-9]+", anyascii(text).lower()))


def _shown(value: str) -> str:
    """A cell value quoted in a message, cut short so one bad cell cannot flood the page."""
    return value if len(value) <= 60 else value[:57] + "..."


class _RowCleaner:
    """Cleans one row, collecting every error instead of stopping at the first."""

    def __init__(self, row_number: int, values: dict[str, str]) -> None:
        self.row_number = row_number
        self.values = values
        self.errors: list[RowError] = []

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def error(self, field_name: str, code: str, **params: str | int) -> None:
        self.errors.append(_row_error(self.row_number, field_name, code, **params))

    def clean(self, raw: dict[str, str]) -> CleanRow | None:
        name = self.text("name", MAX_NAME_LENGTH)
        address = self.address()
        lat, lng = self.coordinates()
        start, end = self.dates()
        row = CleanRow(
            row_number=self.row_number,
            name=name,
            address=address,
            country=self.country(),
            reference=self.text("reference"),
            tier=self.tier(),
            products=_split_products(self.get("products")),
            spend_band=self.spend_band(),
            volume=self.text("volume"),
            sector=self.text("sector"),
            lat=lat,
            lng=lng,
            identifiers=self.identifiers(),
            start_date=start,
            end_date=end,
            parent_company=self.text("parent_company", MAX_NAME_LENGTH),
            city=self.text("city"),
            postal_code=self.text("postal_code"),
            raw=raw,
        )
        if not name:
            self.error("name", "missing_name")
        return None if self.errors else row

    def text(self, name: str, limit: int = MAX_TEXT_LENGTH) -> str:
        value = " ".join(self.get(name).split())
        if len(value) > limit:
            self.error(name, "too_long", label=FIELD_LABELS[name].lower(), limit=limit)
        return value

    def address(self) -> str:
        address = _join_address(self.get("address"), self.get("city"), self.get("postal_code"))
        if len(address) > MAX_TEXT_LENGTH:
            self.error("address", "too_long", label="address", limit=MAX_TEXT_LENGTH)
        return address

    def country(self) -> str:
        value = self.get("country")
        if not value:
            self.error("country", "missing_country")
            return ""
        candidates = country_candidates(value)
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            self.error("country", "ambiguous_country", value=_shown(value), codes=", ".join(candidates))
        else:
            self.error("country", "unknown_country", value=_shown(value))
        return ""

    def tier(self) -> int:
        value = self.get("tier")
        if not value:
            return 1
        tier = _parse_tier(value)
        if tier is None:
            self.error("tier", "invalid_tier", value=_shown(value))
            return 1
        return tier

    def spend_band(self) -> str:
        value = self.get("spend_band")
        if not value:
            return ""
        band = parse_spend_band(value)
        if band is None:
            self.error("spend_band", "invalid_spend_band", value=_shown(value))
            return ""
        return band

    def coordinates(self) -> tuple[float | None, float | None]:
        lat = self.coordinate("lat", 90)
        lng = self.coordinate("lng", 180)
        if lat == 0 and lng == 0:
            return None, None  # exports write 0,0 for "unknown"; nobody makes clothes at sea off Ghana
        already_wrong = any(error.field in {"lat", "lng"} for error in self.errors)
        if (lat is None) != (lng is None) and not already_wrong:
            self.error("lat" if lat is None else "lng", "incomplete_coordinates")
        return lat, lng

    def coordinate(self, name: str, limit: int) -> float | None:
        value = self.get(name)
        if not value:
            return None
        number = _parse_degrees(value)
        if number is None:
            self.error(name, f"invalid_{name}", value=_shown(value))
        elif not -limit <= number <= limit:
            self.error(name, f"{name}_out_of_range", value=_shown(value))
            return None
        return number

    def identifiers(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for scheme in ("duns", "lei", "gln", "os_id"):
            value = self.get(scheme)
            if not value:
                continue
            normalized = normalize_identifier(scheme, value)
            if normalized is None:
                self.error(scheme, f"invalid_{scheme}", value=_shown(value))
            else:
                found[scheme] = normalized
        return found

    def dates(self) -> tuple[date | None, date | None]:
        start = self.date("start_date", end_of_year=False)
        end = self.date("end_date", end_of_year=True)
        if start and end and end < start:
            self.error("end_date", "end_before_start")
        return start, end

    def date(self, name: str, *, end_of_year: bool) -> date | None:
        value = self.get(name)
        if not value:
            return None
        parsed = _parse_date(value, end_of_year=end_of_year)
        if parsed is None:
            self.error(name, f"invalid_{name}", value=_shown(value))
        return parsed


def _join_address(address: str, city: str, postal_code: str) -> str:
    """ "12 Road 3, Savar" + "Dhaka" + "1349" -> "12 Road 3, Savar, Dhaka 1349", without repeating parts."""
    address = ", ".join(part for part in (" ".join(line.split()) for line in address.splitlines()) if part)
    address = re.sub(r"\s*,[\s,]*", ", ", address).strip(", ")
    present = f" {_fold(address)} "
    extra = [" ".join(part.split()) for part in (city, postal_code) if part and f" {_fold(part)} " not in present]
    locality = " ".join(part for part in extra if part)
    return ", ".join(part for part in (address, locality) if part)


def _split_products(value: str) -> tuple[str, ...]:
    products: list[str] = []
    for part in re.split(r"[;,/|\n]", value):
        product = " ".join(part.split())
        if product and product.casefold() not in (known.casefold() for known in products):
            products.append(product)
    return tuple(products)


_TIER = re.compile(r"(?:tier|t|schakel|ketenschakel|level|niveau|rang)?\s*[-_:#]?\s*(\d+)(?:[.,]0+)?", re.I)


def _parse_tier(value: str) -> int | None:
    match = _TIER.fullmatch(re.sub(r"\([^)]*\)", "", value).strip())
    if not match:
        return None
    tier = int(match.group(1))
    return tier if 1 <= tier <= 10 else None


_DEGREES = re.compile(r"([-+]?)(\d{1,3}(?:\.\d+)?)")
_HEMISPHERES = {"N": 1, "E": 1, "O": 1, "S": -1, "W": -1, "Z": -1}  # O and Z: Dutch oost and zuid


def _parse_degrees(value: str) -> float | None:
    """Decimal degrees, also with a decimal comma, a degree sign or a hemisphere letter."""
    text = value.strip().upper().replace("°", "").replace(" ", "")
    sign = 1
    for letter, factor in _HEMISPHERES.items():
        if text.endswith(letter) or text.startswith(letter):
            text, sign = text.strip(letter), factor
            break
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    match = _DEGREES.fullmatch(text)
    if not match:
        return None
    number = float(match.group(2)) * sign
    return -number if match.group(1) == "-" else number


# --------------------------------------------------------------------------- spend

_SPEND_UNITS = {
    "k": 1e3, "thousand": 1e3, "duizend": 1e3, "dzd": 1e3,
    "m": 1e6, "mln": 1e6, "mio": 1e6, "mil": 1e6, "million": 1e6, "millions": 1e6, "miljoen": 1e6,
    "bn": 1e9, "b": 1e9, "mld": 1e9, "miljard": 1e9, "billion": 1e9,
}  # fmt: skip
_AMOUNT = re.compile(
    r"(\d+(?:[.,' \u00a0\u202f]\d+)*)\s*(" + "|".join(sorted(_SPEND_UNITS, key=len, reverse=True)) + r")?(?![a-z])",
    re.IGNORECASE,
)
_CURRENCY = re.compile(r"€|\$|£|¥|\b(?:eur|euro|euros|usd|gbp|dollar|dollars)\b|[.,]-(?!\d)", re.IGNORECASE)
_BELOW = re.compile(
    r"^(?:<|≤|=<|less than|under|below|up to|upto|max(?:imum|imaal)?|minder dan|tot|kleiner dan|onder)", re.I
)
_ABOVE = re.compile(r"^(?:>|≥|>=|more than|over|above|meer dan|boven|groter dan|vanaf|from|min(?:imum)?)|\+$", re.I)


def parse_spend_band(value: str) -> str | None:
    """One of :data:`SPEND_BANDS` for a band, a range or an amount; None if not understood.

    Bands include their lower bound: 10,000 is "10k-100k" and 1,000,000 is ">1M".
    A range falls in the band of its midpoint; "<X" counts as just under X, ">X" as X.
    """
    text = _CURRENCY.sub(" ", value).strip()
    amounts = [(_to_number(digits, bool(unit)), unit.lower()) for digits, unit in _AMOUNT.findall(text)]
    if not amounts or len(amounts) > 2 or not _only_hedges(_AMOUNT.sub(" ", text)):
        return None
    numbers = _scaled(amounts)
    if len(numbers) == 2:
        amount = sum(numbers) / 2
    elif _BELOW.search(text):
        amount = numbers[0] - 0.01
    else:
        amount = numbers[0]
    return _band(amount) if amount >= 0 and not text.startswith("-") else None


_HEDGES = re.compile(
    r"less than|up to|minder dan|kleiner dan|meer dan|groter dan|more than|\b(?:under|below|upto|max|maximum|"
    r"maximaal|tot|onder|over|above|boven|vanaf|from|to|and|en|min|minimum|per|year|jaar|annual|p|a|y)\b",
    re.IGNORECASE,
)


def _only_hedges(remainder: str) -> bool:
    """Whether all that is left besides the amounts is "less than", "per year", "-" and the like."""
    return not _HEDGES.sub(" ", remainder).strip(" -–—<>≤≥=+/.~")


def _scaled(amounts: Sequence[tuple[float, str]]) -> list[float]:
    numbers = [(number, _SPEND_UNITS.get(unit, 1.0)) for number, unit in amounts]
    if len(numbers) == 2 and not amounts[0][1] and amounts[1][1] and numbers[0][0] < numbers[1][0]:
        numbers[0] = (numbers[0][0], numbers[1][1])  # "10-100k" means 10k to 100k
    return [number * factor for number, factor in numbers]


def _to_number(digits: str, has_unit: bool) -> float:
    """Read "50.000", "50,000", "1.234.567,89", "1.5" and "1,5" the way people mean them."""
    text = re.sub(r"[' \u00a0\u202f]", "", digits)
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
    elif "," in text or "." in text:
        separator = "," if "," in text else "."
        parts = text.split(separator)
        thousands_grouping = len(parts) > 2 or (len(parts[-1]) == 3 and not has_unit)
        text = "".join(parts) if thousands_grouping else ".".join(parts)
    return float(text)


def _band(amount: float) -> str:
    if amount < 10_000:
        return "<10k"
    if amount < 100_000:
        return "10k-100k"
    if amount < 1_000_000:
        return "100k-1M"
    return ">1M"


# --------------------------------------------------------------------------- identifiers and dates


def normalize_identifier(scheme: str, value: str) -> str | None:
    """The canonical form of a "duns", "lei", "gln" or "os_id" value, or None if it is not valid.

    DUNS and GLN numbers that lost their leading zeros in a spreadsheet number cell
    (8 or 7 digits, 12 digits) are padded back. Check digits are python-stdnum's; the
    shapes are checked here (ASCII digits only), as stdnum's LEI module checks the digits
    alone and its EAN module also takes 8-, 12- and 14-digit codes, which are not GLNs.
    """
    text = re.sub(r"[\s\-.]", "", value).upper()
    if scheme == "duns":
        # DUNS numbers carry no check digit.
        return text.zfill(9) if re.fullmatch(r"[0-9]{7,9}", text) else None
    if scheme == "lei":
        return text if re.fullmatch(r"[0-9A-Z]{18}[0-9]{2}", text) and stdnum.lei.is_valid(text) else None
    if scheme == "gln":
        text = text.zfill(13) if re.fullmatch(r"[0-9]{12}", text) else text
        return text if re.fullmatch(r"[0-9]{13}", text) and stdnum.ean.is_valid(text) else None
    if scheme == "os_id":
        return text if re.fullmatch(r"[A-Z]{2}[0-9]{7}[0-9A-Z]{6}", text) else None
    raise ValueError(f"unknown identifier scheme {scheme!r}")


class _ListDateInfo(dateutil_parser.parserinfo):
    """What dateutil needs to read our members' dates: English and Dutch month names, and
    no guessing of the century, so that a two-digit year (ambiguous in "01/02/03") stays
    out of range and is refused."""

    MONTHS = [
        ("Jan", "January", "januari"),
        ("Feb", "February", "februari"),
        ("Mar", "March", "maart", "mrt"),  # type: ignore[list-item]  # the stubs stop at three names
        ("Apr", "April"),
        ("May", "mei"),
        ("Jun", "June", "juni"),
        ("Jul", "July", "juli"),
        ("Aug", "August", "augustus"),
        ("Sep", "Sept", "September"),
        ("Oct", "October", "okt", "oktober"),  # type: ignore[list-item]
        ("Nov", "November"),
        ("Dec", "December"),
    ]

    def convertyear(self, year: int, century_specified: bool = False) -> int:
        return year


_DATE_PARSER = dateutil_parser.parser(_ListDateInfo(dayfirst=True))
# dateutil fills what a text leaves out from a default: year 1 is out of our range, so a
# text without a year is refused; day 1 is what "maart 2021" means here. A second
# default with another month tells a text without a month (kept from being 1 January).
_DEFAULT = datetime(1, 1, 1)
_OTHER_MONTH = datetime(1, 2, 1)
_YEAR_FIRST = re.compile(r"\d{4}\D")
# The time of day after a date ("2023-01-31 10:20:30", "31.1.2023 10.20", "... 10:30 AM"),
# dropped before parsing: only the date is kept, and dateutil reads dotted times as dates.
_TIME_OF_DAY = re.compile(r"[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:[.,]\d+)?)?(?:\s*[ap]\.?m\.?)?$", re.IGNORECASE)


# A list repeats its dates (one contract start for many sites), and dateutil is slow beside a regex.
@lru_cache(maxsize=4096)
def _parse_date(value: str, *, end_of_year: bool = False) -> date | None:
    """ISO, day-first (dd-mm-yyyy, dd/mm/yyyy, dd.mm.yyyy), "5 March 2021", "maart 2021" or a bare year.

    Day-first because the members are European; "03/31/2021" is read month-first only
    because it cannot be day-first. A bare year means 1 January (31 December for an end);
    a month without a day means its first day. Years run from 1900 to 2100, written in full.
    """
    text = _TIME_OF_DAY.sub("", value.strip()).strip()
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        if not 1900 <= year < 2100:
            return None
        return date(year, 12, 31) if end_of_year else date(year, 1, 1)
    # dateutil reads day-first even after a leading year ("2023-01-02" as 1 February): only
    # ask for it when the year does not come first.
    day_first = _YEAR_FIRST.match(text) is None
    try:
        parsed = _DATE_PARSER.parse(text, default=_DEFAULT, dayfirst=day_first)
        if parsed.month == 1:
            without_month = _DATE_PARSER.parse(text, default=_OTHER_MONTH, dayfirst=day_first)
            if without_month.month != 1:
                return None
    except (ValueError, OverflowError):
        return None
    # dateutil takes numbers it cannot place as a time or an offset ("01-02-2023 - 05-06-2024")
    # or drops their fractions ("1.5 2021"): a reading must account for every number written.
    numbers = Counter(int(number) for number in re.findall(r"\d+", text))
    if numbers - Counter((parsed.day, parsed.month, parsed.year)) or parsed.tzinfo is not None:
        return None
    return parsed.date() if 1900 <= parsed.year <= 2100 else None
