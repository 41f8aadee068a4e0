"""API routes of supplier self-assessment: a site's current SAQ where readable, and the SAQs one may read."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from covenant.core.apiutils import Page
from covenant.core.web import actor_of
from covenant.registry import interface as registry
from covenant.saq import selectors
from covenant.saq.models import Saq

router = Router(tags=["Supplier self-assessment"])


class NationalityOut(Schema):
    country: str = Field(..., description="ISO 3166-1 alpha-2 code")
    count: int


class WorkforceOut(Schema):
    headcount: int | None
    women: int | None
    men: int | None
    other_or_undisclosed: int | None
    migrant: int | None
    agency: int | None
    refugee: int | None
    young_under_18: int | None
    nationalities: list[NationalityOut]


class SaqOut(Schema):
    id: int
    facility: str = Field(..., description="The site's public id")
    supplier: str
    version: str = Field(..., description="The questionnaire version the answers belong to")
    submitted_at: datetime | None
    valid_until: date | None
    expired: bool
    completeness: int = Field(..., description="Per cent of the questions answered")

    @staticmethod
    def resolve_facility(obj: Any) -> str:
        return str(obj["facility"] if isinstance(obj, dict) else obj.facility.public_id)

    @staticmethod
    def resolve_supplier(obj: Any) -> str:
        return str(obj["supplier"] if isinstance(obj, dict) else obj.owner.name)

    @staticmethod
    def resolve_expired(obj: Any) -> bool:
        return bool(obj["expired"] if isinstance(obj, dict) else obj.is_expired)

    @staticmethod
    def resolve_id(obj: Any) -> int:
        return int(obj["id"] if isinstance(obj, dict) else obj.pk)


class SaqDetailOut(SaqOut):
    answers: dict[str, Any] = Field(
        ..., description="Answers by question code: yes, no, partly, na; a number; a choice's code; or text"
    )
    workforce: WorkforceOut


def _out(saq: Saq) -> dict[str, Any]:
    return {
        "id": saq.pk,
        "facility": saq.facility.public_id,
        "supplier": saq.owner.name,
        "version": saq.version,
        "submitted_at": saq.submitted_at,
        "valid_until": saq.valid_until,
        "expired": saq.is_expired,
        "completeness": saq.completeness,
    }


def _detail(saq: Saq) -> dict[str, Any]:
    return {
        **_out(saq),
        "answers": dict(saq.answers),
        "workforce": {
            "headcount": saq.headcount,
            "women": saq.workers_women,
            "men": saq.workers_men,
            "other_or_undisclosed": saq.workers_other,
            "migrant": saq.migrant_workers,
            "agency": saq.agency_workers,
            "refugee": saq.refugee_workers,
            "young_under_18": saq.young_workers,
            "nationalities": list(saq.nationalities),
        },
    }


@router.get(
    "/facilities/{public_id}/saq",
    response=SaqDetailOut,
    summary="A site's current self-assessment (SAQ), where the supplier shares it with you",
)
def facility_saq(request: HttpRequest, public_id: str) -> dict[str, Any]:
    actor = actor_of(request)
    site = registry.get_facility(actor, public_id)
    saq = selectors.site_saq(actor, site)
    if saq is None:
        raise Http404
    return _detail(saq)


@router.get("/saqs", response=list[SaqOut], summary="The current self-assessments you may read")
@paginate(Page)
def list_saqs(request: HttpRequest) -> Any:
    actor = actor_of(request)
    actor.require_org()
    return selectors.shared_with_me(actor)
