"""Read the tables people hand us, CSV or XLSX, into rows of strings with spreadsheet row numbers.

Every import reads its file here: members' supplier lists (``registry.listfiles``), audit
findings and the APSCA register (``audits.services``), risk indicators and sanctions lists
(``risk.imports``), and the register and list of ``covenant match``.

Why here, at the top of the package
    The reader is shared by Django apps and by ``covenant.matching.cli``, which runs without
    Django (a test enforces it). It is not part of the matching engine, so it does not belong
    in ``covenant.matching``; it is not part of any one app either. So it is a module of its
    own, with no Django import (a test enforces that too), and nothing in it knows about
    supplier lists or audits: callers map the columns and check the cells.

What it does
    It works out the file type from the content (CSV or XLSX; old ``.xls``, ``.xlsb``,
    ``.ods``, password-protected workbooks and other binaries are refused with a reason),
    the text encoding of a CSV (a byte-order mark; UTF-8; UTF-16 without a mark; else the
    single-byte encoding that reads best, cp1252 first, with charset-normalizer for the
    non-Latin ones) and its delimiter (Excel's ``sep=`` line, else whichever of ``, ; tab |``
    gives the most records of one width). An XLSX is read by openpyxl in read-only mode with
    every XML part passing through a streaming scanner (:class:`_PartScanner`) that stops a
    zip bomb, a huge row or shared-strings table, or too many rows while openpyxl reads it.
    The header is the first of the first :data:`HEADER_SEARCH_ROWS` rows with two filled
    cells that are mostly not numbers, so title rows above it are skipped. Cells come back as
    stripped strings; empty rows are skipped.

Row numbers
    One convention, the spreadsheet's: a row's number is the number Excel shows at the left
    when the file is opened. Without a title row the header is row 1 and the first data row
    is row 2. Empty rows are skipped but still counted, and a title row above the header
    shifts everything down. In a CSV file a row is a *record*, not a physical line: a quoted
    cell spanning several lines keeps its record one row, as Excel shows it, so the record
    after it is numbered by records (the Nth record of the file is row N), never by lines.
    An Excel ``sep=`` first line is not shown by Excel and is not counted. Every message
    that names a row must use :attr:`Row.number` or :meth:`Table.row_number`.

Two ways to read
    :func:`read_table` reads a whole file into a :class:`Table`, bounded in rows and memory
    (uploads). :func:`open_rows` hands the rows over one by one as they are read, for the
    command line's registers of a million rows; its limits on rows are optional.

Errors
    Anything unreadable raises :class:`TableError` with a stable ``code`` and ``params``
    (the Django side translates them: ``registry.messages.file_error_text``); ``message``
    is the English text from :data:`FILE_ERROR_MESSAGES`.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import chain, islice
from types import TracebackType
from typing import Any, ClassVar, NamedTuple
from xml.parsers import expat

import charset_normalizer
import openpyxl  # type: ignore[import-untyped,unused-ignore]
from openpyxl.reader.excel import ExcelReader  # type: ignore[import-untyped,unused-ignore]

__all__ = [
    "FILE_ERROR_MESSAGES",
    "HEADER_SEARCH_ROWS",
    "MAX_COLUMNS",
    "Row",
    "Rows",
    "Table",
    "TableError",
    "open_rows",
    "read_table",
]

_ToText = Callable[[object], str]
_Record = tuple[int, Sequence[object]]

MAX_COLUMNS = 256
# Title rows and notes sometimes sit above the header; further down than this it is not a header.
HEADER_SEARCH_ROWS = 30
# Excel's own row limit: what a sheet may hold when the caller sets no limit of its own.
EXCEL_MAX_ROWS = 1_048_576
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
# a third of this). Above it the file is refused as too large rather than read.
MAX_TABLE_BYTES = 160 * 1024 * 1024
# A cell spanning this many lines means a quote was opened and never closed.
MAX_LINES_IN_CELL = 50

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
}


class TableError(ValueError):
    """A file that cannot be read as a whole; ``message`` is fit to show (in English)."""

    messages: ClassVar[Mapping[str, str]] = FILE_ERROR_MESSAGES

    def __init__(self, code: str, **params: str | int) -> None:
        self.code = code
        self.params: dict[str, str | int] = params
        self.message = self.messages[code] % params
        super().__init__(self.message)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Table:
    """The cells of a file as stripped strings, header row excluded from ``rows``.

    ``encoding`` is the detected text encoding of a CSV file (a Python codec name) or
    "xlsx"; ``sheet`` is the worksheet read, None for CSV. ``row_numbers`` holds the
    spreadsheet row number of each row (see the module docstring); tables built by hand
    may leave it empty, and then rows are numbered from ``header_row + 1``.
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


class Row(NamedTuple):
    """One data row: its spreadsheet row number and its cells, one per header."""

    number: int
    cells: list[str]


class Rows:
    """The header of a file, and an iterator over its data rows, read as they are asked for.

    Empty rows are left out; every row has one cell per header. A workbook stays open
    until the rows are read to the end or :meth:`close` is called, so use it in a ``with``.
    A file damaged further down raises :class:`TableError` while iterating.
    """

    def __init__(
        self,
        headers: list[str],
        header_row: int,
        encoding: str,
        sheet: str | None,
        rows: Iterator[Row],
        close: Callable[[], None] = lambda: None,
    ) -> None:
        self.headers = headers
        self.header_row = header_row
        self.encoding = encoding
        self.sheet = sheet
        self._rows = rows
        self._close = close

    def __iter__(self) -> Rows:
        return self

    def __next__(self) -> Row:
        try:
            return next(self._rows)
        except BaseException:  # the end, a damaged file, or the reader giving up: the workbook is done with
            self.close()
            raise

    def close(self) -> None:
        self._close()

    def __enter__(self) -> Rows:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


# --------------------------------------------------------------------------- reading


def read_table(
    data: bytes, filename: str, *, max_rows: int = 100_000, prefer_sheet: re.Pattern[str] | None = None
) -> Table:
    """Read a whole file. Raises :class:`TableError` for anything unreadable, or without data rows.

    At most ``max_rows`` data rows (and room for some empty ones), and at most
    :data:`MAX_TABLE_BYTES` of cells. ``prefer_sheet`` picks the worksheet of a workbook
    by name (see :func:`open_rows`).
    """
    rows: list[list[str]] = []
    numbers: list[int] = []
    held = 0
    with open_rows(data, filename, max_rows=max_rows, prefer_sheet=prefer_sheet) as source:
        for number, cells in source:
            # What the row costs in memory (the empty string is shared, so it costs its slot only).
            held += sys.getsizeof(cells) + sum(sys.getsizeof(cell) for cell in cells if cell) + _ROW_NUMBER_BYTES
            if held > MAX_TABLE_BYTES:
                raise TableError("too_large")
            rows.append(cells)
            numbers.append(number)
    if not rows:
        raise TableError("no_rows")
    return Table(source.headers, rows, source.encoding, source.sheet, numbers, source.header_row)


_ROW_NUMBER_BYTES = sys.getsizeof(1 << 20) + 8
# Nothing but white space, NUL bytes and byte-order marks (matched without copying a large file).
_BLANK = re.compile(rb"[ \t\r\n\x00\xef\xbb\xbf\xff\xfe]*\Z")


def open_rows(
    data: bytes, filename: str, *, max_rows: int | None = 100_000, prefer_sheet: re.Pattern[str] | None = None
) -> Rows:
    """Find the header of a file and hand its data rows over as they are read.

    ``max_rows`` bounds the data rows (with room for some empty ones); None leaves a CSV
    unbounded and a workbook to Excel's own limit. ``filename`` only helps to name what a
    damaged file was meant to be: the type is read from the content. Of a workbook's
    visible sheets, those whose name matches ``prefer_sheet`` come first and those that
    look like instructions or lookup lists last; the first with a header is read.
    Raises :class:`TableError`, also while iterating.
    """
    if _BLANK.match(data):
        raise TableError("empty")
    if _file_kind(data, filename) == "xlsx":
        return _open_xlsx(data, max_rows, prefer_sheet)
    text, encoding = _decode(data)
    return _rows_below_header(_csv_records(text), _clean_cell, max_rows, encoding=encoding, sheet=None)


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


def _file_kind(data: bytes, filename: str) -> str:
    """Whether to read the file as "xlsx" or "csv", by content first: people rename files, systems mislabel them."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(_OLE2_MAGIC):
        # An encrypted .xlsx is an OLE2 container holding an "EncryptedPackage" stream.
        raise TableError("encrypted" if "EncryptedPackage".encode("utf-16-le") in data else "xls")
    if data.startswith(_ZIP_MAGIC):
        return _zip_kind(data)
    if extension == "xls":
        raise TableError("xls")
    if extension in {"xlsx", "xlsm", "xltx", "xltm"}:
        raise TableError("damaged_xlsx")
    if data.startswith(_BINARY_MAGICS):
        raise TableError("unknown_format")
    return "csv"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TableError("damaged_xlsx") from exc
    if "xl/workbook.bin" in names:
        raise TableError("xlsb")
    if "xl/workbook.xml" in names:
        if unpacked > MAX_UNPACKED_BYTES:
            raise TableError("too_large")
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        raise TableError("ods")
    raise TableError("unknown_format")


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


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]")


def _decode(data: bytes) -> tuple[str, str]:
    text, encoding = _decode_unicode(data) or _decode_legacy(data)
    if "\x00" in text:
        raise TableError("unknown_format")
    # Category Cc is exactly these code points; a regex counts them at C speed in a large register.
    if len(_CONTROL_CHARS.findall(text)) > len(text) // 100:
        raise TableError("unknown_format")
    return text, encoding


def _decode_unicode(data: bytes) -> tuple[str, str] | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec.removesuffix("-sig")
            except UnicodeDecodeError as exc:
                raise TableError("undecodable") from exc
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
        raise TableError("unknown_format")
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


def _csv_records(text: str) -> Iterator[_Record]:
    # Excel writes and honours a first line "sep=;" and does not show it as a row.
    sep = _SEP_LINE.match(text)
    if sep:
        start, delimiter = sep.end(), sep.group(1)
    else:
        start, delimiter = 0, _detect_delimiter(text)
    reader = csv.reader(_lines(text, start), delimiter=delimiter, strict=False)
    number = last_line = 0
    try:
        for number, record in enumerate(reader, start=1):
            # Only a record spanning that many lines can hold such a cell: most records need no look.
            if reader.line_num - last_line > MAX_LINES_IN_CELL and any(
                cell.count("\n") > MAX_LINES_IN_CELL for cell in record
            ):
                raise TableError("damaged_csv", row=number)
            last_line = reader.line_num
            yield number, record
    except csv.Error as exc:
        raise TableError("damaged_csv", row=number + 1) from exc


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _lines(text: str, start: int = 0) -> Iterator[str]:
    """The lines of ``text`` from ``start``, with their line ends, split where io.StringIO(newline="") would.

    Not a StringIO: it would hold a second copy of a large file at four bytes a character.
    """
    return (match.group() for match in _LINE.finditer(text, start))


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


def _open_xlsx(data: bytes, max_rows: int | None, prefer_sheet: re.Pattern[str] | None) -> Rows:
    row_limit = _sheet_row_limit(max_rows)
    with _xlsx_errors():
        workbook = _load_workbook(data, row_limit)
    try:
        with _xlsx_errors():
            return _open_workbook(workbook, max_rows, row_limit, prefer_sheet)
    except BaseException:
        workbook.close()
        raise


@contextmanager
def _xlsx_errors() -> Iterator[None]:
    """What openpyxl raises on a damaged file, from KeyError to XML parse errors, as a :class:`TableError`."""
    try:
        with warnings.catch_warnings():
            # openpyxl warns about every unsupported extension (data validation, slicers, ...).
            warnings.simplefilter("ignore")
            yield
    except TableError:
        raise
    except Exception as exc:
        if isinstance(exc.__cause__, TableError):  # openpyxl wraps errors while loading in a ValueError
            raise exc.__cause__ from None
        raise TableError("damaged_xlsx") from exc


def _sheet_row_limit(max_rows: int | None) -> int:
    """How many rows a sheet may hold, empty ones and those above the header included."""
    if max_rows is None:
        return EXCEL_MAX_ROWS
    return max_rows + _row_margin(max_rows) + HEADER_SEARCH_ROWS


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
            raise TableError("damaged_xlsx") from exc
        if self.fed - self.last_event > MAX_TOKEN_BYTES:
            raise TableError("too_large")
        if self.item_start >= 0 and self.fed - self.item_start > self._item_max_bytes():
            raise TableError("too_large")
        if self.root == "sst" and self.fed > MAX_SHARED_STRINGS_BYTES:
            raise TableError("too_large")

    def _event(self) -> int:
        position: int = self.parser.CurrentByteIndex
        if position - self.last_event > MAX_TOKEN_BYTES:
            raise TableError("too_large")
        if self.item_start < 0:
            self.tree_bytes += position - self.last_event
            if self.tree_bytes > MAX_TREE_BYTES:
                raise TableError("too_large")
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
                raise TableError("too_many_rows", max_rows=f"{self.row_limit:,}")
            if local == "si" and self.items > MAX_SHARED_STRINGS:
                raise TableError("too_large")
            self.item_start, self.item_elements = position, 0
        if self.item_start >= 0:
            self.item_elements += 1
            if self.item_elements > MAX_ROW_ELEMENTS:
                raise TableError("too_large")
        else:
            self.tree_elements += 1
            if self.tree_elements > MAX_TREE_ELEMENTS:
                raise TableError("too_large")
        self.depth += 1

    def _end(self, name: str) -> None:
        position = self._event()
        self.depth -= 1
        if self.item_start >= 0 and self.depth == self.item_depth:
            if position - self.item_start > self._item_max_bytes():
                raise TableError("too_large")
            self.item_start = -1
            # Everything up to the end of the item's closing tag belongs to the item.
            self.last_event = position


def _open_workbook(
    workbook: openpyxl.Workbook, max_rows: int | None, row_limit: int, prefer_sheet: re.Pattern[str] | None
) -> Rows:
    sheets = _sheets_in_preference_order(workbook, prefer_sheet)
    for sheet in sheets:
        _check_declared_size(sheet, max_rows, row_limit)
        sheet.reset_dimensions()  # declared sizes are often wrong; read what is really there
        records = _guarded(_sheet_records(sheet))
        head = list(islice(records, HEADER_SEARCH_ROWS))
        if _find_header(head, _cell_text) is not None or sheet is sheets[-1]:
            return _rows_below_header(
                chain(head, records), _cell_text, max_rows, encoding="xlsx", sheet=sheet.title, close=workbook.close
            )
    raise TableError("no_header")


_HELP_SHEET = re.compile(r"instruct|readme|read me|toelichting|uitleg|help|info|lijsten|lists|lookup|dropdown", re.I)


def _sheets_in_preference_order(
    workbook: openpyxl.Workbook, prefer: re.Pattern[str] | None
) -> list[openpyxl.worksheet._read_only.ReadOnlyWorksheet]:
    visible = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    if not visible:
        raise TableError("no_header")

    def rank(sheet: openpyxl.worksheet._read_only.ReadOnlyWorksheet) -> int:
        if prefer is not None and prefer.search(sheet.title):
            return 0
        return 2 if _HELP_SHEET.search(sheet.title) else 1

    return sorted(visible, key=rank)


def _check_declared_size(
    sheet: openpyxl.worksheet._read_only.ReadOnlyWorksheet, max_rows: int | None, row_limit: int
) -> None:
    declared_rows = sheet.max_row or 0
    declared_columns = sheet.max_column or 0
    if declared_rows > row_limit:
        raise TableError("too_many_rows", max_rows=f"{max_rows or EXCEL_MAX_ROWS:,}")
    if declared_columns > 16384:  # Excel's own limit: the file is not what it claims to be
        raise TableError("damaged_xlsx")


def _sheet_records(sheet: openpyxl.worksheet._read_only.ReadOnlyWorksheet) -> Iterator[_Record]:
    # max_col bounds the work per row even if a stray cell sits in column XFD.
    yield from enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1)


def _guarded(records: Iterator[_Record]) -> Iterator[_Record]:
    """Rows of a sheet, each read under :func:`_xlsx_errors`: openpyxl parses the sheet as it goes.

    One row at a time, as openpyxl hands them over, so that no more than one raw row is held
    (a row may be :data:`MAX_ROW_BYTES`); the guard costs a few microseconds a row.
    """
    while True:
        with _xlsx_errors():
            record = next(records, None)
        if record is None:
            return
        yield record


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


# --------------------------------------------------------------------------- header and rows

_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_cell(value: object) -> str:
    text = value if isinstance(value, str) else str(value)
    if text.isascii() and text.isprintable():  # most cells: nothing to remove but spaces at the ends
        return text.strip()
    text = _CONTROL.sub("", text)
    return text.strip().strip(_INVISIBLE).strip()


def _row_margin(max_rows: int) -> int:
    """Empty rows tolerated on top of ``max_rows`` before the file counts as too long."""
    return max(1000, max_rows // 10)


def _find_header(records: list[_Record], to_text: _ToText) -> int | None:
    """Position in ``records`` of the first row with at least two filled cells, mostly not numbers.

    A title row ("Supplier list 2024") above the header has a single cell, and a row of
    numbers and dates is data, not a header.
    """
    for position, (_, values) in enumerate(records):
        filled = [text for text in map(to_text, values) if text]
        if len(filled) >= 2 and sum(1 for text in filled if _looks_numeric(text)) * 2 < len(filled):
            return position
    return None


def _rows_below_header(
    records: Iterator[_Record],
    to_text: _ToText,
    max_rows: int | None,
    *,
    encoding: str,
    sheet: str | None,
    close: Callable[[], None] = lambda: None,
) -> Rows:
    head = list(islice(records, HEADER_SEARCH_ROWS))
    position = _find_header(head, to_text)
    if position is None:
        raise TableError("no_header" if head else "empty")
    header_row, header_values = head[position]
    headers = _headers([to_text(value) for value in header_values])
    rows = _data_rows(chain(head[position + 1 :], records), to_text, len(headers), header_row, max_rows)
    return Rows(headers, header_row, encoding, sheet, rows, close)


def _headers(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells.pop()
    if len(cells) > MAX_COLUMNS:
        raise TableError("too_many_columns", max_columns=MAX_COLUMNS)
    headers = [cell or f"Column {_column_letter(index)}" for index, cell in enumerate(cells)]
    seen: dict[str, str] = {}
    for header in headers:
        key = " ".join(header.casefold().split())
        if key in seen:
            raise TableError("duplicate_header", name=header)
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
    records: Iterator[_Record], to_text: _ToText, width: int, header_row: int, max_rows: int | None
) -> Iterator[Row]:
    # Empty rows count towards the limit too, with a margin, so that a file of endless empty rows stops.
    last_allowed = header_row + max_rows + _row_margin(max_rows) if max_rows is not None else None
    count = 0
    for number, values in records:
        if last_allowed is not None and number > last_allowed:
            raise TableError("too_many_rows", max_rows=f"{max_rows:,}")
        cells = [to_text(value) for value in values[:width]]
        if not any(cells):
            continue
        count += 1
        if max_rows is not None and count > max_rows:
            raise TableError("too_many_rows", max_rows=f"{max_rows:,}")
        yield Row(number, cells + [""] * (width - len(cells)))
