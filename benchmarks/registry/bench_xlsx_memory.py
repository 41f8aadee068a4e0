"""Peak memory of reading a small XLSX that unpacks to a very large one (a "zip bomb").

It builds, in a temporary directory, workbooks of a few hundred KB that unpack to about
``--unpacked-mb`` MB (250 by default), and reads each with ``listfiles.read_table`` in a
fresh process, printing the file sizes, the outcome (rows read, or the error shown to the
person) and the peak resident memory of that process (``VmHWM``), next to its memory
after the imports. Shapes:

``wide``     many identical rows of 200 short text cells (everything fits the row limit)
``strings``  a shared-strings table of millions of entries, read whole by openpyxl
``cell``     one cell holding the whole text

    python benchmarks/registry/bench_xlsx_memory.py
    python benchmarks/registry/bench_xlsx_memory.py --shape wide --unpacked-mb 100
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHAPES = ("wide", "strings", "cell")
WIDTH = 200
TEXT = "Huaxin Garments Co"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Suppliers" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def _inline(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def _header_row() -> str:
    return "<row>" + "".join(_inline(f"Field {i:03d}") for i in range(WIDTH)) + "</row>"


def _chunks(unit: str, total: int) -> Iterator[bytes]:
    """``unit`` repeated until about ``total`` bytes, in pieces of about 4 MB."""
    encoded = unit.encode()
    per_piece = max(1, 4 * 1024 * 1024 // len(encoded))
    piece = encoded * per_piece
    written = 0
    while written < total:
        yield piece
        written += len(piece)


def build(shape: str, unpacked: int, path: Path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/sharedStrings.xml", "w") as strings:
            strings.write(b'<?xml version="1.0" encoding="UTF-8"?>')
            strings.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            strings.write(f"<si><t>{TEXT}</t></si>".encode())
            if shape == "strings":
                for piece in _chunks(f"<si><t>{TEXT}</t></si>", unpacked):
                    strings.write(piece)
            strings.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write((_SHEET_HEAD + _header_row()).encode())
            if shape == "wide":
                for piece in _chunks("<row>" + _inline(TEXT) * WIDTH + "</row>", unpacked):
                    sheet.write(piece)
            elif shape == "strings":
                sheet.write(("<row>" + '<c t="s"><v>0</v></c>' * WIDTH + "</row>").encode())
            else:
                sheet.write(b'<row><c t="inlineStr"><is><t>')
                for piece in _chunks("a", unpacked):
                    sheet.write(piece)
                sheet.write(b"</t></is></c></row>")
            sheet.write(_SHEET_TAIL.encode())


def _memory_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def child(path: str) -> None:
    sys.path.insert(0, str(ROOT))
    from covenant.registry.listfiles import ListFileError, read_table

    data = Path(path).read_bytes()
    baseline = _memory_kb("VmRSS")
    try:
        table = read_table(data, "list.xlsx")
        outcome = f"read {len(table.rows):,} rows of {len(table.headers)} columns"
    except ListFileError as exc:
        outcome = f"refused: {exc.message}"
    print(json.dumps({"baseline_mb": baseline / 1024, "peak_mb": _memory_kb("VmHWM") / 1024, "outcome": outcome}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shape", choices=[*SHAPES, "all"], default="all")
    parser.add_argument("--unpacked-mb", type=int, default=250)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    shapes = SHAPES if args.shape == "all" else (args.shape,)
    with tempfile.TemporaryDirectory() as tmp:
        for shape in shapes:
            path = Path(tmp) / f"{shape}.xlsx"
            build(shape, args.unpacked_mb * 1024 * 1024, path)
            with zipfile.ZipFile(path) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
            run = subprocess.run(
                [sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, check=True
            )
            result = json.loads(run.stdout)
            print(
                f"{shape:8} {path.stat().st_size / 1024:7.0f} KB file, {unpacked / 2**20:6.0f} MB unpacked: "
                f"peak {result['peak_mb']:6.0f} MB (after imports {result['baseline_mb']:.0f} MB); {result['outcome']}"
            )


if __name__ == "__main__":
    main()
