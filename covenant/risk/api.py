"""API routes of the risk capability: a member's overview, a site's risk, events."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from covenant.core.actors import Actor
from covenant.core.apiutils import MAX_PAGE, Page, PathId, page_of
from covenant.core.web import actor_of
from covenant.orgs.models import OrgKind
from covenant.registry import interface as registry
from covenant.registry.interface import Facility
from covenant.risk import selectors, services
from covenant.risk.models import EventKind, EventResponse, ResponseStatus, RiskOverride

router = Router(tags=["Risk"])

BandName = Literal["low", "medium", "high", "very_high"]


class ContributionOut(Schema):
    label: str
    points: float
    source: str | None = Field(
        None, description="For site evidence: audit, grievance, event, sanctions; null for the inherent score's lines."
    )
    observed_on: date | None = Field(None, description="For site evidence: the date it was observed.")


class TopicRiskOut(Schema):
    topic: str
    inherent: float
    adjusted: float
    band: BandName
    explanation: list[ContributionOut]
    your_score: float | None
    your_review_on: date | None = Field(None, description="Your score applies up to and including this day.")
    your_score_expired: bool = Field(False, description="Past its review date: the computed score applies.")


class SiteRiskOut(Schema):
    facility: str
    computed: bool
    score: float
    band: BandName
    sanctions_hit: bool
    topics: list[TopicRiskOut]


class SiteRowOut(Schema):
    facility: str
    name: str
    country: str
    tier: int | None = Field(None, description="The link's tier; null for a site mapped beyond tier 1 through an edge.")
    topic: str
    score: float
    band: BandName
    severity: int
    sanctions_hit: bool
    in_event: bool
    overridden: bool = Field(False, description="Your own override replaced a topic's score.")
    evidence: bool = Field(
        False, description="Moved by evidence you may read (audits shared with you, grievance cases routed to you)."
    )


class HeatCellOut(Schema):
    topic: str
    mean: float
    band: BandName
    high_sites: int


class OverviewOut(Schema):
    """The summary of the whole (filtered) chain, beside one page of its prioritised sites."""

    sites: int
    unscored: int = Field(0, description="Sites whose risk is being computed: in no band, heat cell or item yet.")
    bands: dict[str, int]
    heat: dict[str, list[HeatCellOut]]
    top_issues: list[str]
    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None
    items: list[SiteRowOut]


@router.get("/risk/overview", response=OverviewOut, summary="Risk of your own supply chain, by priority")
def risk_overview(
    request: HttpRequest,
    tier: Annotated[int | None, Field(ge=1, le=32767)] = None,
    country: str = "",
    commodity: str = "",
    topic: str = "",
    page: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 1,
    page_size: Annotated[int, Field(ge=1, le=200)] = 50,
) -> dict[str, object]:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    data = selectors.member_overview(actor, tier=tier, country=country, commodity=commodity, topic=topic)
    # The same paging shape as every other list, beside the summary of the whole chain.
    paged = page_of(request, data.rows, page=page, page_size=page_size)
    paged["items"] = [
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
            "overridden": r.overridden,
            "evidence": r.evidence,
        }
        for r in paged["items"]
    ]
    return {
        "sites": data.sites,
        "unscored": data.unscored,
        "bands": data.band_counts,
        "heat": {
            cc: [{"topic": c, "mean": m, "band": b, "high_sites": n} for c, m, b, n in cells] for cc, cells in data.heat
        },
        "top_issues": [t.code for t, n, _mean in data.top_issues if n],
        **paged,
    }


@router.get("/risk/facilities/{public_id}", response=SiteRiskOut, summary="A site's risk by topic, explained")
def facility_risk(request: HttpRequest, public_id: str) -> dict[str, object]:
    actor = actor_of(request)
    site = registry.get_facility(actor, public_id)
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
                "explanation": [{"label": a, "points": b} for a, b, _added in t.explanation]
                + [
                    {"label": s.text, "points": s.delta, "source": s.source, "observed_on": s.observed_on}
                    for s in t.lines
                ],
                "your_score": t.override.score if t.override else None,
                "your_review_on": t.override.review_on if t.override else None,
                "your_score_expired": bool(t.override and t.override.expired),
            }
            for t in view.topics
        ],
    }


class EventOut(Schema):
    id: int
    kind: EventKind
    title: str
    regions: list[str]
    starts_on: date
    ends_on: date | None
    active: bool
    topics: list[str]
    guidance: str
    checklist: list[str]

    @staticmethod
    def resolve_active(obj: Any) -> bool:
        return bool(obj["active"] if isinstance(obj, dict) else obj.is_active)

    @staticmethod
    def resolve_topics(obj: Any) -> list[str]:
        return list(obj["topics"]) if isinstance(obj, dict) else [t.code for t in obj.topics.all()]


class AffectedSiteOut(Schema):
    facility: str
    name: str
    response: ResponseStatus | None


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
@paginate(Page)
def list_events(request: HttpRequest) -> Any:
    return selectors.events(actor_of(request))


@router.get("/risk/events/{event_id}", response=EventDetailOut, summary="A risk event, with your affected sites")
def get_event(request: HttpRequest, event_id: PathId) -> dict[str, object]:
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


# --- A member's own judgement and response, as on a site's page and an event's page -----------


class OverrideIn(Schema):
    topic: str = Field(..., description="The topic's code, as in GET /risk/facilities/{id}.")
    score: float = Field(..., ge=0, le=10, description="Your score, 0 (no risk) to 10.")
    justification: str = Field(..., max_length=2000, description="Why, in a sentence or two.")
    review_on: date | None = Field(
        None,
        description="Until when your score applies (that day included): after today, at most 24 months ahead;"
        " 12 months ahead if left out. Setting the score again with a new date renews it.",
    )


class OverrideOut(Schema):
    facility: str
    topic: str
    score: float
    justification: str
    review_on: date
    review_state: Literal["", "due", "expired"] = Field(
        ..., description='"due" within 30 days of the review date, "expired" after it (no longer applied).'
    )
    created_at: datetime

    @staticmethod
    def resolve_facility(obj: RiskOverride) -> str:
        return obj.facility.public_id

    @staticmethod
    def resolve_topic(obj: RiskOverride) -> str:
        return obj.topic.code


class ResponseIn(Schema):
    facility: str = Field(..., description="One of your sites in the event's area (see GET /risk/events/{id}).")
    status: ResponseStatus
    checklist_done: list[Annotated[int, Field(ge=0)]] = Field(
        [], description="Which items of the event's checklist are done, counted from 0."
    )
    note: str = Field("", max_length=2000)


class ResponseOut(Schema):
    event: int
    facility: str
    status: ResponseStatus
    checklist_done: list[int]
    note: str
    updated_at: datetime

    @staticmethod
    def resolve_event(obj: EventResponse) -> int:
        return obj.event_id

    @staticmethod
    def resolve_facility(obj: EventResponse) -> str:
        return obj.facility.public_id


def _own_site(request: HttpRequest, public_id: str) -> tuple[Actor, Facility]:
    """A site in the member's own supply chain; any other site is "not found", as on the page."""
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    site = registry.get_facility(actor, public_id)
    if registry.own_link(actor, site) is None:
        raise Http404
    return actor, site


@router.get("/risk/overrides", response=list[OverrideOut], summary="Your own scores of sites, soonest review first")
@paginate(Page)
def list_risk_overrides(request: HttpRequest) -> Any:
    return selectors.own_overrides(actor_of(request))


@router.put(
    "/risk/facilities/{public_id}/override",
    response=OverrideOut,
    summary="Your own score of a site on one topic, kept beside the computed one",
)
def set_risk_override(request: HttpRequest, public_id: str, payload: OverrideIn) -> RiskOverride:
    actor, site = _own_site(request, public_id)
    return services.set_override(
        actor, site, payload.topic, payload.score, payload.justification, review_on=payload.review_on
    )


@router.delete(
    "/risk/facilities/{public_id}/override",
    response={204: None},
    summary="Remove your own score of a site on one topic (the computed one applies)",
)
def remove_risk_override(request: HttpRequest, public_id: str, topic: str) -> Any:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    site = registry.get_facility(actor, public_id)
    services.remove_override(actor, selectors.get_own_override(actor, site, topic))
    return Status(204, None)


@router.post(
    "/risk/events/{event_id}/responses",
    response=ResponseOut,
    summary="Your response for one of your sites in an event's area (replaces the previous one)",
)
def respond_to_event(request: HttpRequest, event_id: PathId, payload: ResponseIn) -> EventResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    event = selectors.get_event(actor, event_id)
    site = registry.get_facility(actor, payload.facility)
    # The sites GET /risk/events/{id} lists as yours: linked, or mapped beyond tier 1.
    if all(chain_site.facility.pk != site.pk for chain_site, _response in selectors.affected_sites(actor, event)):
        raise Http404
    return services.record_response(
        actor,
        event,
        site,
        status=payload.status.value,
        checklist_done=payload.checklist_done,
        note=payload.note,
    )
