"""API routes of finding partners: the caller's shared subjects with counts, and its interests."""
# No "from __future__ import annotations": django-ninja reads the Annotated query parameters at import.

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from covenant.core.apiutils import Page, PathId
from covenant.core.roles import OrgKind
from covenant.core.web import actor_of
from covenant.partners import selectors, services
from covenant.partners.models import Interest, SubjectKind

router = Router(tags=["Partners"])

BandName = Literal["low", "medium", "high", "very_high", ""]


class SharedOut(Schema):
    kind: SubjectKind
    key: str = Field(..., description="Site: its public id. Hotspot: country|commodity|topic.")
    country: str
    commodity: str = Field("", description="Hotspots: the commodity as risk scores it.")
    topic: str = Field(..., description="Site: its top topic in your view. Hotspot: the topic.")
    score: float = Field(..., description="Your own view's score (hotspot: the highest of your sites in it).")
    band: BandName
    sites: int = Field(..., description="Hotspots: how many of your sites are in it; 1 for a site.")
    others: int = Field(..., description="How many other members share it now: a number, never who.")
    matchable: bool = Field(True, description="False: high in your own view only, so no partner can be found on it.")
    interested: bool = Field(..., description="You signalled interest (active).")
    interest_id: int | None = None
    partners: list[str] = Field(
        default_factory=list, description="Slugs of members mutually interested and sharing it; empty otherwise."
    )


class InterestIn(Schema):
    kind: SubjectKind
    key: str = Field(..., max_length=200)
    note: str = Field("", max_length=services.NOTE_MAX, description="Shown to partners on a match only.")
    show_contact: bool = Field(False, description="Show the token's person as the contact on a match.")


class InterestOut(Schema):
    id: int
    kind: SubjectKind
    key: str
    note: str
    created_at: datetime
    withdrawn_at: datetime | None


@router.get(
    "/partners/shared", response=list[SharedOut], summary="Your sites and hotspots other members share, with counts"
)
@paginate(Page)
def partners_shared(
    request: HttpRequest,
    topic: Annotated[str, Field(max_length=40)] = "",
    country: Annotated[str, Field(max_length=2)] = "",
) -> Any:
    view = selectors.shared(actor_of(request), topic=topic, country=country)
    return [
        {
            "kind": s.kind,
            "key": s.key,
            "country": s.country,
            "commodity": s.commodity,
            "topic": s.topic,
            "score": round(s.score, 2),
            "band": s.band,
            "sites": s.sites,
            "others": s.others,
            "matchable": s.matchable,
            "interested": s.interest is not None,
            "interest_id": s.interest.pk if s.interest is not None else None,
            "partners": [p.slug for p in s.partners],
        }
        for s in view.subjects
    ]


@router.post(
    "/partners/interests",
    response={201: InterestOut},
    summary="Signal interest in acting together on a site or hotspot you share",
)
def signal_partner_interest(request: HttpRequest, payload: InterestIn) -> Any:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    interest = services.signal_interest(
        actor, payload.kind.value, payload.key, note=payload.note, show_contact=payload.show_contact
    )
    return Status(201, interest)


@router.delete(
    "/partners/interests/{interest_id}", response={204: None}, summary="Withdraw your interest (hides its matches)"
)
def withdraw_partner_interest(request: HttpRequest, interest_id: PathId) -> Any:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    interest: Interest = selectors.get_own_interest(actor, interest_id)
    services.withdraw_interest(actor, interest)
    return Status(204, None)
