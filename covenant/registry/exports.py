"""CSV and XLSX downloads of a member's mapped chain and of the public disclosure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from covenant.registry.models import Publication, SupplyLink

CHAIN_HEADER = [
    "facility_id",
    "name",
    "address",
    "country",
    "lat",
    "lng",
    "tier",
    "products",
    "spend_band",
    "volume",
    "your_reference",
    "start_date",
    "end_date",
]


def _chain_rows(links: Iterable[SupplyLink]) -> Iterable[list[Any]]:
    for link in links:
        f = link.facility
        yield [
            f.public_id,
            f.name,
            f.address,
            f.country,
            f.lat,
            f.lng,
            link.tier,
            "; ".join(link.products),
            link.spend_band,
            link.volume,
            link.reference,
            link.start_date.isoformat() if link.start_date else "",
            link.end_date.isoformat() if link.end_date else "",
        ]


def _safe_cell(value: Any) -> Any:
    # A cell starting with = + - @ is run as a formula by spreadsheets: neutralise it.
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"}:
        return "'" + value
    return value


def table_response(header: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, basename: str) -> HttpResponse:
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


def chain_response(links: Iterable[SupplyLink], fmt: str) -> HttpResponse:
    return table_response(CHAIN_HEADER, _chain_rows(links), fmt, "supply-chain")


def disclosure_csv(publication: Publication) -> HttpResponse:
    header = ["id", "name", "address", "country", "lat", "lng", "sector", "products", "disclosed_by"]
    rows = (
        [
            r["id"],
            r["name"],
            r["address"],
            r["country"],
            r["lat"],
            r["lng"],
            r["sector"],
            "; ".join(r["products"]),
            "; ".join(r["disclosed_by"]),
        ]
        for r in publication.data
    )
    return table_response(header, rows, "csv", "production-locations")
