"""API routes of capability building: the quick scan as JSON, without an account."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict
from ninja import Query, Router
from pydantic import BaseModel, Field

from covenant.capability.forms import QuickScanForm
from covenant.capability.scan import QuickScan, quick_scan

router = Router(tags=["Quick scan"])

# Plain pydantic models, filled with dicts: a 5 × 5 scan answers some 2,500 nested objects, and
# ninja's Schema (which reads attributes off ORM objects) took most of the request's time.

BandName = Literal["low", "medium", "high", "very_high"]


class ScanLineOut(BaseModel):
    label: str = Field(..., description="In the request's language (Accept-Language: en or nl).")
    points: float
    added: bool = Field(..., description="Points added to the likelihood, rather than a resulting value.")


class FirstActionOut(BaseModel):
    id: str
    text: str
    gender_specific: bool
    source: str
    source_url: str


class ScanTopicOut(BaseModel):
    topic: str
    name: str
    score: float
    band: BandName
    severity: int
    sources: list[str] = Field(..., description="The indicators (name and edition) and baselines the score uses.")
    explanation: list[ScanLineOut]
    first_actions: list[FirstActionOut] = Field(..., description="3-5 for a high or very high topic; empty otherwise.")


class ScanPairOut(BaseModel):
    country: str
    product: str = Field(..., description="The product or sector as the recommendations library names it.")
    sector: str
    listed_goods: list[str]
    band: BandName
    score: float
    topics: list[ScanTopicOut]


class IndicatorSourceOut(BaseModel):
    name: str
    edition: str
    source: str
    url: str
    licence: str


class QuickScanOut(BaseModel):
    band_limits: list[float] = Field(
        ..., description="Low below the first, medium below the second, high below the third."
    )
    library_edition: str
    sources: list[IndicatorSourceOut]
    results: list[ScanPairOut]


def _out(scan: QuickScan) -> dict[str, Any]:
    return {
        "band_limits": list(scan.limits),
        "library_edition": scan.library_edition,
        "sources": [
            {"name": s.name, "edition": s.edition, "source": s.source, "url": s.url, "licence": s.licence}
            for s in scan.sources
        ],
        "results": [
            {
                "country": p.country,
                "product": p.item.code,
                "sector": p.item.sector,
                "listed_goods": list(p.goods),
                "band": p.top.risk.band,
                "score": p.top.risk.score,
                "topics": [
                    {
                        "topic": t.risk.code,
                        "name": t.label,
                        "score": t.risk.score,
                        "band": t.risk.band,
                        "severity": t.risk.severity,
                        "sources": list(t.sources),
                        "explanation": [{"label": x.text, "points": x.number, "added": x.added} for x in t.lines],
                        "first_actions": [
                            {
                                "id": a.id,
                                "text": a.text,
                                "gender_specific": a.gender,
                                "source": f"{a.source.title} ({a.source.publisher}, {a.source.year})",
                                "source_url": a.source.url,
                            }
                            for a in t.actions
                        ],
                    }
                    for t in p.topics
                ],
            }
            for p in scan.pairs
        ],
    }


@router.get(
    "/quick-scan",
    response=QuickScanOut,
    auth=None,
    summary="Quick scan: risk per topic for countries × products (no account)",
)
def quick_scan_api(
    request: HttpRequest,
    country: Annotated[
        list[str], Query(description="Country names or ISO codes; repeat or separate by commas (5 at most).")
    ],
    product: Annotated[
        list[str], Query(description="Products or sectors (codes or names); repeat or separate by commas (5 at most).")
    ],
) -> dict[str, Any]:
    """The same scan as the /quick-scan/ page, open to anyone: inherent risk per topic from public
    indicators, each topic's sources and editions, and first actions for high and very high topics."""
    params = QueryDict(mutable=True)
    params.setlist("country", [c[:1000] for c in country[:20]])
    params.setlist("product", [p[:1000] for p in product[:20]])
    form = QuickScanForm(params)
    if not form.is_valid():
        raise ValidationError(form.error_texts())
    return _out(quick_scan(form.cleaned_data["country"], form.cleaned_data["product"]))
