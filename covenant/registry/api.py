"""API routes of the register: search, lookup, synchronous match, list uploads, review, export."""

import uuid
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from covenant.core.apiutils import Page
from covenant.core.web import actor_of
from covenant.matching import Record
from covenant.orgs.models import OrgKind
from covenant.registry import exports, matchindex, selectors, services
from covenant.registry.models import Facility, ListRow, ListUpload, SupplyLink
from covenant.registry.templatetags.registry_tags import explain

router = Router(tags=["Facility register"])


class FacilityOut(Schema):
    id: str
    name: str
    address: str
    country: str
    subdivision: str
    lat: float | None
    lng: float | None
    sector: str
    products: list[str]
    status: str

    @staticmethod
    def resolve_id(obj: Facility) -> str:
        return obj.public_id


class FacilityDetailOut(FacilityOut):
    aliases: list[str]
    identifiers: dict[str, str]
    owner: str | None

    @staticmethod
    def resolve_aliases(obj: Facility) -> list[str]:
        return [a.name for a in obj.aliases.all()]

    @staticmethod
    def resolve_identifiers(obj: Facility) -> dict[str, str]:
        return {i.scheme: i.value for i in obj.identifiers.all()}

    @staticmethod
    def resolve_owner(obj: Facility) -> str | None:
        return obj.owner.slug if obj.owner else None


class MatchIn(Schema):
    name: str
    address: str = ""
    country: str
    identifiers: dict[str, str] = {}
    lat: float | None = None
    lng: float | None = None


class CandidateOut(Schema):
    id: str
    name: str
    address: str
    country: str
    score: float
    reasons: list[str]


class MatchOut(Schema):
    decision: str
    facility: str | None
    score: float
    candidates: list[CandidateOut]


class UploadOut(Schema):
    id: uuid.UUID
    list_name: str
    version: int
    filename: str
    status: str
    error: str
    headers: list[str]
    mapping: dict[str, int]
    counts: dict[str, int]
    diff: dict[str, Any]
    created_at: datetime
    finished_at: datetime | None
    progress: int

    @staticmethod
    def resolve_list_name(obj: ListUpload) -> str:
        return obj.supplier_list.name

    @staticmethod
    def resolve_progress(obj: ListUpload) -> int:
        return obj.job.percent if obj.job else 0


class RowOut(Schema):
    id: int
    row_number: int
    name: str
    address: str
    country: str
    status: str
    error: str
    facility: str | None
    score: float | None
    candidates: list[dict[str, Any]]

    @staticmethod
    def resolve_facility(obj: ListRow) -> str | None:
        return obj.facility.public_id if obj.facility else None


class DecisionIn(Schema):
    facility: str


class LinkOut(Schema):
    facility: str
    name: str
    country: str
    tier: int
    products: list[str]
    spend_band: str
    volume: str
    reference: str
    start_date: date | None
    end_date: date | None

    @staticmethod
    def resolve_facility(obj: SupplyLink) -> str:
        return obj.facility.public_id

    @staticmethod
    def resolve_name(obj: SupplyLink) -> str:
        return obj.facility.name

    @staticmethod
    def resolve_country(obj: SupplyLink) -> str:
        return obj.facility.country


@router.get("/facilities", response=list[FacilityOut], summary="Search the shared register")
@paginate(Page)
def search_facilities(request: HttpRequest, q: str = "", country: str = "") -> Any:
    return selectors.search_facilities(actor_of(request), q=q, country=country)


@router.post("/facilities/match", response=MatchOut, summary="Match one site synchronously")
def match_facility(request: HttpRequest, payload: MatchIn) -> MatchOut:
    """Which register facility is this? Answers in milliseconds from the in-memory index."""
    actor_of(request).require_org()
    from covenant.registry.countries import parse_country

    country = parse_country(payload.country)
    if country is None:
        raise ValidationError(f"'{payload.country}' is not a country we know.")
    if not payload.name.strip():
        raise ValidationError("A name is needed.")
    record = Record(
        id="query",
        name=payload.name,
        address=payload.address,
        country=country,
        identifiers=payload.identifiers,
        lat=payload.lat,
        lng=payload.lng,
    )
    result = matchindex.get_matcher().match(record)
    ids = [c.registry_id for c in result.candidates[:5]]
    found = {f.public_id: f for f in Facility.objects.filter(public_id__in=ids)}
    candidates = [
        CandidateOut(
            id=c.registry_id,
            name=found[c.registry_id].name,
            address=found[c.registry_id].address,
            country=found[c.registry_id].country,
            score=round(c.score, 4),
            reasons=explain(c.features),
        )
        for c in result.candidates[:5]
        if c.registry_id in found
    ]
    return MatchOut(
        decision=result.decision,
        facility=result.registry_id if result.decision == "match" else None,
        score=round(result.score, 4),
        candidates=candidates,
    )


# Declared after /facilities/match so that "match" is not taken for an id.
@router.get("/facilities/{public_id}", response=FacilityDetailOut, summary="A facility by id (merged ids resolve)")
def get_facility(request: HttpRequest, public_id: str) -> Facility:
    return selectors.get_facility(actor_of(request), public_id)


def _member(request: HttpRequest) -> Any:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    return actor


@router.post("/lists/uploads", response={201: UploadOut}, summary="Upload a supplier list (CSV or XLSX)")
def upload_list(request: HttpRequest, list_name: Form[str], file: File[UploadedFile]) -> Any:
    actor = _member(request)
    supplier_list = services.create_list(actor, list_name)
    upload = services.start_upload(actor, supplier_list, filename=file.name or "list.csv", data=file.read())
    return Status(201, selectors.get_upload(actor, upload.pk))


@router.get("/lists/uploads/{upload_id}", response=UploadOut, summary="An upload's status and outcome")
def get_upload(request: HttpRequest, upload_id: uuid.UUID) -> ListUpload:
    return selectors.get_upload(_member(request), upload_id)


@router.get("/lists/uploads/{upload_id}/rows", response=list[RowOut], summary="Match results, row by row")
@paginate(Page)
def upload_rows(request: HttpRequest, upload_id: uuid.UUID, status: str = "") -> Any:
    actor = _member(request)
    return selectors.upload_rows(actor, selectors.get_upload(actor, upload_id), status)


@router.post("/rows/{row_id}/confirm", response=RowOut, summary="Confirm a candidate for a row in review")
def confirm_row(request: HttpRequest, row_id: int, payload: DecisionIn) -> ListRow:
    actor = _member(request)
    return services.confirm_row(
        actor, selectors.get_row(actor, row_id), selectors.get_facility(actor, payload.facility)
    )


@router.post("/rows/{row_id}/reject", response=RowOut, summary="Reject one candidate for a row in review")
def reject_row(request: HttpRequest, row_id: int, payload: DecisionIn) -> ListRow:
    actor = _member(request)
    return services.reject_candidate(actor, selectors.get_row(actor, row_id), payload.facility.upper())


@router.post("/rows/{row_id}/new", response=RowOut, summary="Add a row in review as a new facility")
def new_from_row(request: HttpRequest, row_id: int) -> ListRow:
    actor = _member(request)
    return services.create_facility_from_row(actor, selectors.get_row(actor, row_id))


@router.get("/supply-chain", response=list[LinkOut], summary="Your mapped supply chain")
@paginate(Page)
def supply_chain(request: HttpRequest, tier: int | None = None, country: str = "") -> Any:
    return selectors.member_links(_member(request), tier=tier, country=country)


@router.get("/supply-chain/export", summary="Your mapped supply chain as CSV or XLSX")
def export_chain(request: HttpRequest, format: str = "csv") -> HttpResponse:
    if format not in {"csv", "xlsx"}:
        raise HttpError(400, "format must be csv or xlsx")
    return exports.chain_response(selectors.member_links(_member(request), include_ended=True), format)
