"""CSV and XLSX downloads of a member's mapped chain and of the public disclosure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify

from covenant.core.downloads import table_response
from covenant.registry.extensions import ChainView
from covenant.registry.models import ListUpload, Publication, SupplyLink
from covenant.registry.results import RESULT_HEADER

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


def _chain_rows(links: Iterable[SupplyLink], view: ChainView | None = None) -> Iterable[list[Any]]:
    for link in links:
        f = link.facility
        extra = view.export_values(link) if view is not None else []
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
            *extra,
        ]


def chain_response(links: Iterable[SupplyLink], fmt: str, view: ChainView | None = None) -> HttpResponse:
    """The chain under :data:`CHAIN_HEADER`, then the columns apps above the register add
    (``registry/extensions.py``: risk's band, score and topic)."""
    header = CHAIN_HEADER + ([c.key for c in view.columns] if view is not None else [])
    return table_response(header, _chain_rows(links, view), fmt, "supply-chain")


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


def results_response(upload: ListUpload, lines: Iterable[Sequence[Any]], fmt: str) -> HttpResponse:
    """An upload's match results (``selectors.upload_results``) under :data:`results.RESULT_HEADER`."""
    basename = f"{slugify(upload.supplier_list.name) or 'list'}-v{upload.version}-results"
    return table_response(RESULT_HEADER, lines, fmt, basename)
