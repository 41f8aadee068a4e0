"""API routes of the risk capability: a member's overview, a site's risk, events."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Field, Router, Schema

from covenant.core.web import actor_of
from covenant.orgs.models import OrgKind
from covenant.registry import selectors as registry_selectors
from covenant.risk import selectors

router = Router(tags=["Risk"])


class ContributionOut(Schema):
    label: str
    points: float


class TopicRiskOut(Schema):
    topic: str
    inherent: float
    adjusted: float
    band: str
    explanation: list[ContributionOut]
    your_score: float | None


class SiteRiskOut(Schema):
    facility: str
    computed: bool
    score: float
    band: str
    sanctions_hit: bool
    topics: list[TopicRiskOut]


class SiteRowOut(Schema):
    facility: str
    name: str
    country: str
    tier: int | None = Field(None, description="The link's tier; null for a site mapped beyond tier 1 through an edge.")
    topic: str
    score: float
    band: str
    severity: int
    sanctions_hit: bool
    in_event: bool


class HeatCellOut(Schema):
    topic: str
    mean: float
    band: str
    high_sites: int


class OverviewOut(Schema):
    sites: int
    bands: dict[str, int]
    heat: dict[str, list[HeatCellOut]]
    top_issues: list[str]
    count: int
    items: list[SiteRowOut]


@router.get("/risk/overview", response=OverviewOut, summary="Risk of your own supply chain, by priority")
def risk_overview(
    request: HttpRequest,
    tier: int | None = None,
    country: str = "",
    commodity: str = "",
    topic: str = "",
    page: int = 1,
    page_size: int = 50,
) -> dict[str, object]:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    data = selectors.member_overview(actor, tier=tier, country=country, commodity=commodity, topic=topic)
    size = max(1, min(page_size, 200))
    start = (max(page, 1) - 1) * size
    return {
        "sites": data.sites,
        "bands": data.band_counts,
        "heat": {
            cc: [{"topic": c, "mean": m, "band": b, "high_sites": n} for c, m, b, n in cells] for cc, cells in data.heat
        },
        "top_issues": [t.code for t, n, _mean in data.top_issues if n],
        "count": len(data.rows),
        "items": [
            {
                "facility": r.public_id,
                "name": r.name,
                "country": r.country,
                "tier": r.tier,
                "topic": r.topic,
                "score": r.score,
                "band": r.band,
                "severity": r.severity,
                "sanctions_hit": r.sanctioned,
                "in_event": r.events > 0,
            }
            for r in data.rows[start : start + size]
        ],
    }


@router.get("/risk/facilities/{public_id}", response=SiteRiskOut, summary="A site's risk by topic, explained")
def facility_risk(request: HttpRequest, public_id: str) -> dict[str, object]:
    actor = actor_of(request)
    site = registry_selectors.get_facility(actor, public_id)
    view = selectors.site_risk(actor, site)
    return {
        "facility": site.public_id,
        "computed": view.computed,
        "score": view.overall,
        "band": view.band,
        "sanctions_hit": bool(view.sanctions),
        "topics": [
            {
                "topic": t.topic.code,
                "inherent": t.inherent,
                "adjusted": t.adjusted,
                "band": t.band,
                "explanation": [{"label": a, "points": b} for a, b in t.explanation]
                + [{"label": s.explanation, "points": s.delta} for s in t.signals],
                "your_score": t.override.score if t.override else None,
            }
            for t in view.topics
        ],
    }


class EventOut(Schema):
    id: int
    kind: str
    title: str
    regions: list[str]
    starts_on: date
    ends_on: date | None
    active: bool
    topics: list[str]
    guidance: str
    checklist: list[str]


class AffectedSiteOut(Schema):
    facility: str
    name: str
    response: str | None


class EventDetailOut(EventOut):
    your_sites: list[AffectedSiteOut]
    members_exposed: int | None
    members_responded: int | None


def _event(e: object) -> dict[str, object]:
    return {
        "id": e.pk,  # type: ignore[attr-defined]
        "kind": e.kind,  # type: ignore[attr-defined]
        "title": e.title,  # type: ignore[attr-defined]
        "regions": e.regions,  # type: ignore[attr-defined]
        "starts_on": e.starts_on,  # type: ignore[attr-defined]
        "ends_on": e.ends_on,  # type: ignore[attr-defined]
        "active": e.is_active,  # type: ignore[attr-defined]
        "topics": [t.code for t in e.topics.all()],  # type: ignore[attr-defined]
        "guidance": e.guidance,  # type: ignore[attr-defined]
        "checklist": e.checklist,  # type: ignore[attr-defined]
    }


@router.get("/risk/events", response=list[EventOut], summary="Declared risk events")
def list_events(request: HttpRequest) -> list[dict[str, object]]:
    return [_event(e) for e in selectors.events(actor_of(request))[:200]]


@router.get("/risk/events/{event_id}", response=EventDetailOut, summary="A risk event, with your affected sites")
def get_event(request: HttpRequest, event_id: int) -> dict[str, object]:
    actor = actor_of(request)
    event = selectors.get_event(actor, event_id)
    stats = selectors.event_stats(event) if actor.is_secretariat else None
    return {
        **_event(event),
        "your_sites": [
            {"facility": link.facility.public_id, "name": link.facility.name, "response": r.status if r else None}
            for link, r in selectors.affected_sites(actor, event)
        ],
        "members_exposed": stats.members_exposed if stats else None,
        "members_responded": stats.members_responded if stats else None,
    }
