"""CSV and XLSX downloads of a table, for every app that offers one (chain, risk, disclosure)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook


def _safe_cell(value: Any) -> Any:
    # A cell starting with = + - @ is run as a formula by spreadsheets: neutralise it.
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"}:
        return "'" + value
    return value


def table_response(header: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, basename: str) -> HttpResponse:
    """``fmt`` is ``csv`` (with a BOM, for Excel) or ``xlsx``; cells a spreadsheet would run
    as formulas are neutralised."""
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(basename[:31])
        sheet.append(list(header))
        for row in rows:
            sheet.append([_safe_cell(v) for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.xlsx"'
        return response
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe_cell(v) for v in row])
    # A BOM so that Excel opens non-Latin names correctly.
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.csv"'
    return response
