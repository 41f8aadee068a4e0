"""API routes of the register: search, lookup, synchronous match, list uploads, review, export."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal, cast

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from covenant.core.actors import Actor
from covenant.core.apiutils import Page, PathId
from covenant.core.web import actor_of
from covenant.matching import Record
from covenant.orgs.models import OrgKind
from covenant.registry import exports, matchindex, selectors, services
from covenant.registry.countries import parse_country
from covenant.registry.extensions import ChainView, chain_view, unknown_values
from covenant.registry.listfiles import FIELD_LABELS, REQUIRED_FIELDS
from covenant.registry.models import (
    Confirmation,
    DuplicatePair,
    DuplicateStatus,
    Facility,
    FacilityStatus,
    ListRow,
    ListUpload,
    RowStatus,
    SpendBand,
    SupplierList,
    SupplyLink,
    UploadMode,
    UploadStatus,
)
from covenant.registry.templatetags.registry_tags import explain

router = Router(tags=["Facility register"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    status: FacilityStatus
    confirmation: Confirmation = Field(
        ..., description="`provisional`: new from one member's list, seen by others once confirmed."
    )

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
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)


class CandidateOut(Schema):
    id: str
    name: str
    address: str
    country: str
    score: float
    reasons: list[str]


Decision = Literal["match", "review", "new"]


class MatchOut(Schema):
    decision: Decision
    facility: str | None
    score: float
    candidates: list[CandidateOut]


class PendingEndOut(Schema):
    """A link a full list would end, waiting for ``POST /lists/uploads/{id}/confirm``."""

    link: int
    facility: str
    name: str
    country: str
    tier: int
    spend_band: str


class UploadOut(Schema):
    id: uuid.UUID
    list_name: str
    version: int
    mode: UploadMode
    filename: str
    status: UploadStatus
    pending_ends: list[PendingEndOut] = Field(
        ..., description="While the status is 'confirm': the links this full list would end."
    )
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

    @staticmethod
    def resolve_pending_ends(obj: ListUpload) -> list[dict[str, Any]]:
        return list(obj.diff.get("pending_ends", [])) if obj.status == UploadStatus.CONFIRM else []


class RowOut(Schema):
    id: int
    row_number: int
    name: str
    address: str
    country: str
    status: RowStatus
    error: str
    facility: str | None
    score: float | None
    candidates: list[dict[str, Any]]

    @staticmethod
    def resolve_facility(obj: ListRow) -> str | None:
        return obj.facility.public_id if obj.facility else None


class DecisionIn(Schema):
    facility: str
    searched: bool = Field(
        False, description="Confirm only: the facility was found by searching the register, not among the candidates."
    )


class LinkOut(Schema):
    facility: str
    name: str
    country: str
    tier: int
    products: list[str]
    spend_band: SpendBand | Literal[""]
    volume: str
    reference: str
    start_date: date | None
    end_date: date | None
    columns: dict[str, str | float | int | None] = Field(
        default_factory=dict,
        description=(
            "Columns that capabilities above the register add (risk: risk_band, risk_score, "
            "risk_top_topic; with a topic, risk_topic_score and risk_topic_band), in your own view."
        ),
    )

    @staticmethod
    def resolve_facility(obj: SupplyLink) -> str:
        return obj.facility.public_id

    @staticmethod
    def resolve_columns(obj: SupplyLink, context: dict[str, Any]) -> dict[str, Any]:
        view = getattr(context.get("request"), "chain_view", None)
        return view.export_dict(obj) if isinstance(view, ChainView) else {}

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
    actor = actor_of(request)
    actor.require_org()
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
    # Another member's provisional site is not named to this caller (see visible_facilities).
    found = {f.public_id: f for f in selectors.visible_facilities(actor, Facility.objects.filter(public_id__in=ids))}
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
    decision = result.decision
    if decision == "match" and (result.registry_id or "") not in found:
        # A sure match the caller may not see yet: adding the site (POST /supply-chain/sites)
        # links it, which confirms it.
        decision = "review" if candidates else "new"
    return MatchOut(
        decision=cast(Decision, decision),
        facility=result.registry_id if decision == "match" else None,
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
def upload_list(
    request: HttpRequest,
    list_name: Form[str],
    file: File[UploadedFile],
    mode: Form[UploadMode] = UploadMode.FULL,
) -> Any:
    """``mode``: ``full`` (the default) is the whole list: links to sites an earlier version named
    and this file does not are not ended at once; the upload stops in status ``confirm`` with
    them in ``pending_ends``, and ``POST /lists/uploads/{id}/confirm`` ends or keeps them.
    ``additions`` adds the file's sites and ends nothing."""
    actor = _member(request)
    supplier_list = services.create_list(actor, list_name)
    # One byte over the limit is enough for the service to refuse it; the rest stays in the spooled file.
    data = file.read(services.MAX_UPLOAD_BYTES + 1)
    upload = services.start_upload(actor, supplier_list, filename=file.name or "list.csv", data=data, mode=mode)
    return Status(201, selectors.get_upload(actor, upload.pk))


class LinkEndsIn(Schema):
    end_links: bool = Field(
        ...,
        description="true: end the links listed in pending_ends;"
        " false: keep them all (the upload counts as additions).",
    )


@router.post(
    "/lists/uploads/{upload_id}/confirm",
    response=UploadOut,
    summary="Answer a full list that would end links: end them or keep them",
)
def confirm_upload(request: HttpRequest, upload_id: uuid.UUID, payload: LinkEndsIn) -> ListUpload:
    actor = _member(request)
    upload = services.decide_link_ends(actor, selectors.get_upload(actor, upload_id), end_links=payload.end_links)
    return selectors.get_upload(actor, upload.pk)


@router.get("/lists/uploads/{upload_id}", response=UploadOut, summary="An upload's status and outcome")
def get_upload(request: HttpRequest, upload_id: uuid.UUID) -> ListUpload:
    return selectors.get_upload(_member(request), upload_id)


@router.get("/lists/uploads/{upload_id}/rows", response=list[RowOut], summary="Match results, row by row")
@paginate(Page)
def upload_rows(request: HttpRequest, upload_id: uuid.UUID, status: RowStatus | None = None) -> Any:
    actor = _member(request)
    return selectors.upload_rows(actor, selectors.get_upload(actor, upload_id), status or "")


@router.post("/rows/{row_id}/confirm", response=RowOut, summary="Confirm a candidate for a row in review")
def confirm_row(request: HttpRequest, row_id: PathId, payload: DecisionIn) -> ListRow:
    actor = _member(request)
    return services.confirm_row(
        actor,
        selectors.get_row(actor, row_id),
        selectors.get_facility(actor, payload.facility),
        searched=payload.searched,
    )


@router.post("/rows/{row_id}/reject", response=RowOut, summary="Reject one candidate for a row in review")
def reject_row(request: HttpRequest, row_id: PathId, payload: DecisionIn) -> ListRow:
    actor = _member(request)
    return services.reject_candidate(actor, selectors.get_row(actor, row_id), payload.facility.upper())


@router.post("/rows/{row_id}/new", response=RowOut, summary="Add a row in review as a new facility")
def new_from_row(request: HttpRequest, row_id: PathId) -> ListRow:
    actor = _member(request)
    return services.create_facility_from_row(actor, selectors.get_row(actor, row_id))


@router.post("/rows/{row_id}/undo", response=RowOut, summary="Take a review decision back")
def undo_row(request: HttpRequest, row_id: PathId) -> ListRow:
    """A confirmed or new row goes back to review (a link or site the decision created and
    nothing else uses is removed again); on a row in review, the last rejected candidate
    comes back. Rows matched automatically answer 409."""
    actor = _member(request)
    return services.undo_decision(actor, selectors.get_row(actor, row_id))


@router.get(
    "/lists/uploads/{upload_id}/results",
    summary="An upload's match results as CSV or XLSX, with facility ids",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file; column names follow Open Supply Hub's list results where one exists",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    XLSX: {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def export_upload_results(
    request: HttpRequest, upload_id: uuid.UUID, format: Literal["csv", "xlsx"] = "csv"
) -> HttpResponse:
    actor = _member(request)
    upload = selectors.get_upload(actor, upload_id)
    return exports.results_response(upload, selectors.upload_results(actor, upload), format)


@router.get("/supply-chain", response=list[LinkOut], summary="Your mapped supply chain")
@paginate(Page)
def supply_chain(
    request: HttpRequest,
    tier: Annotated[int | None, Field(ge=1, le=32767)] = None,
    country: str = "",
    include_ended: Annotated[
        bool, Field(description="Also list links that have ended (their end_date is past).")
    ] = False,
    band: Annotated[
        str, Field(max_length=40, description="Risk band: low, medium, high, very_high, or high_plus (high or worse).")
    ] = "",
    topic: Annotated[
        str, Field(max_length=40, description="A topic code: bands, the band filter and the sort follow that topic.")
    ] = "",
    sort: Annotated[
        str, Field(max_length=40, description="risk: highest risk first; empty: tier, country, name.")
    ] = "",
) -> Any:
    actor = _member(request)
    links = selectors.member_links(actor, tier=tier, country=country, include_ended=include_ended)
    return _with_columns(request, actor, links, {"band": band, "topic": topic, "sort": sort})


def _with_columns(request: HttpRequest, actor: Actor, links: QuerySet[SupplyLink], query: dict[str, str]) -> Any:
    """The providers' filters, sort and columns (``registry/extensions.py``); 422 for a value none knows."""
    unknown = unknown_values(query)
    if unknown:
        raise HttpError(422, f"Unknown value: {', '.join(unknown)}")
    view = chain_view(actor, links, query)
    request.chain_view = view  # type: ignore[attr-defined]  # read by LinkOut.resolve_columns
    return view.links


@router.get(
    "/supply-chain/export",
    summary="Your mapped supply chain as CSV or XLSX",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    XLSX: {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def export_chain(
    request: HttpRequest,
    format: Literal["csv", "xlsx"] = "csv",
    band: Annotated[str, Field(max_length=40, description="As for GET /supply-chain.")] = "",
    topic: Annotated[str, Field(max_length=40, description="As for GET /supply-chain.")] = "",
    sort: Annotated[str, Field(max_length=40, description="As for GET /supply-chain.")] = "",
) -> HttpResponse:
    actor = _member(request)
    links = selectors.member_links(actor, include_ended=True)
    _with_columns(request, actor, links, {"band": band, "topic": topic, "sort": sort})
    view: ChainView = request.chain_view  # type: ignore[attr-defined]
    return exports.chain_response(view.links, format, view)


# --- Lists and column mapping: what the lists page and the mapping page do ----------------

# The fields a column can be mapped to (``listfiles.FIELD_LABELS``; a test keeps the two equal).
MappingField = Literal[
    "name",
    "country",
    "address",
    "city",
    "postal_code",
    "reference",
    "tier",
    "products",
    "spend_band",
    "volume",
    "sector",
    "lat",
    "lng",
    "duns",
    "lei",
    "gln",
    "os_id",
    "start_date",
    "end_date",
    "parent_company",
]


class ListOut(Schema):
    id: uuid.UUID
    name: str
    created_at: datetime
    archived_at: datetime | None
    versions: int
    latest_upload: UploadOut | None

    @staticmethod
    def resolve_latest_upload(obj: SupplierList) -> ListUpload | None:
        latest: list[ListUpload] = getattr(obj, "latest_uploads", [])
        return latest[0] if latest else None


class MappingOut(Schema):
    upload: uuid.UUID
    status: UploadStatus
    error: str
    headers: list[str] = Field(..., description="The file's column headers; a mapping points into this list by index.")
    mapping: dict[str, int] = Field(..., description="Field → column index, as suggested or as last set.")
    fields: list[str] = Field(..., description="Every field a column can be mapped to.")
    required: list[str] = Field(..., description="The fields that must be mapped before matching can start.")
    samples: list[list[str]] = Field(
        [], description="For each column (as in `headers`), its first few non-empty values."
    )

    @staticmethod
    def resolve_upload(obj: ListUpload) -> uuid.UUID:
        return obj.pk

    @staticmethod
    def resolve_fields(obj: ListUpload) -> list[str]:
        return list(FIELD_LABELS)

    @staticmethod
    def resolve_required(obj: ListUpload) -> list[str]:
        return list(REQUIRED_FIELDS)


class MappingIn(Schema):
    mapping: dict[MappingField, Annotated[int, Field(ge=0)]] = Field(
        ..., description="Field → index of the column that holds it (0 is the first column)."
    )


@router.get("/lists", response=list[ListOut], summary="Your supplier lists, each with its latest upload")
@paginate(Page)
def list_lists(
    request: HttpRequest,
    archived: Annotated[bool, Field(description="List the archived lists instead of those in use.")] = False,
) -> Any:
    return selectors.lists_with_latest_upload(_member(request), archived=archived)


class ArchiveOut(Schema):
    list: ListOut
    links_ended: int = Field(..., description="How many active links that came from the list ended today.")


@router.post("/lists/{list_id}/archive", response=ArchiveOut, summary="Archive a list: the links from it end")
def archive_list(request: HttpRequest, list_id: uuid.UUID) -> Any:
    """Ends today every active link that came from the list, and hides the list (``GET /lists``
    shows it with ``archived=true``). Uploading a new version of it brings it back."""
    actor = _member(request)
    ended = services.archive_list(actor, selectors.get_list(actor, list_id))
    listed = selectors.lists_with_latest_upload(actor).get(pk=list_id)
    return {"list": listed, "links_ended": ended}


@router.delete("/lists/{list_id}", response={204: None}, summary="Delete a list nothing depends on")
def delete_list(request: HttpRequest, list_id: uuid.UUID) -> Any:
    """Refused (409, with the reasons) while active links come from it or an upload of it is
    being matched; archive it first."""
    actor = _member(request)
    services.delete_list(actor, selectors.get_list(actor, list_id))
    return Status(204, None)


@router.get("/lists/uploads", response=list[UploadOut], summary="Your list uploads, newest first")
@paginate(Page)
def list_uploads(request: HttpRequest) -> Any:
    return selectors.member_uploads(_member(request)).order_by("-created_at", "-version")


@router.get("/lists/uploads/{upload_id}/mapping", response=MappingOut, summary="An upload's columns and their mapping")
def get_upload_mapping(request: HttpRequest, upload_id: uuid.UUID) -> ListUpload:
    actor = _member(request)
    upload = selectors.get_upload(actor, upload_id)
    upload.samples = [values for _header, values in selectors.column_samples(actor, upload)]  # type: ignore[attr-defined]
    return upload


@router.put(
    "/lists/uploads/{upload_id}/mapping",
    response=UploadOut,
    summary="Say which column holds what; matching then starts",
)
def set_upload_mapping(request: HttpRequest, upload_id: uuid.UUID, payload: MappingIn) -> ListUpload:
    """For an upload waiting for its mapping (or one that failed): as on the mapping page,
    the upload is queued for matching at once; poll ``GET /lists/uploads/{id}``."""
    actor = _member(request)
    mapping: dict[str, int] = dict(payload.mapping.items())
    upload = services.set_mapping(actor, selectors.get_upload(actor, upload_id), mapping)
    return selectors.get_upload(actor, upload.pk)


# --- One site by hand: what the "Add a site" page does --------------------------------------

IdentifierScheme = Literal["duns", "lei", "gln", "os_id"]
SiteDecision = Literal["linked_existing", "review", "created"]


class SiteIn(Schema):
    name: str = Field("", max_length=300, description="Needed unless `facility` names the site.")
    address: str = Field("", max_length=500)
    country: str = Field("", max_length=60, description="ISO code or name; needed unless `facility` is given.")
    identifiers: dict[IdentifierScheme, Annotated[str, Field(max_length=40)]] = {}
    tier: Annotated[int, Field(ge=1, le=10)] = 1
    products: list[Annotated[str, Field(max_length=100)]] = Field([], max_length=50)
    spend_band: SpendBand | Literal[""] = ""
    facility: str | None = Field(
        None, max_length=15, description="A register id: link this site (one of the candidates of a `review`)."
    )
    create: bool = Field(False, description="Add a new site to the register even though candidates were found.")


class SiteOut(Schema):
    decision: SiteDecision
    facility: str | None = Field(..., description="The linked site (not for `review`).")
    link: LinkOut | None
    candidates: list[CandidateOut] = Field(..., description="For `review`: pick one, or send `create`.")


@router.post(
    "/supply-chain/sites",
    response={200: SiteOut, 201: SiteOut},
    summary="Add one site to your supply chain",
)
def add_site(request: HttpRequest, payload: SiteIn) -> Any:
    """Matched against the register first: a sure match is linked (`linked_existing`), a site
    the register lacks is added to it and linked (`created`, 201), and an unsure one answers
    `review` with candidates and changes nothing; confirm with a second call naming `facility`."""
    actor = _member(request)
    facility = selectors.get_facility(actor, payload.facility) if payload.facility else None
    outcome = services.add_site(
        actor,
        name=payload.name,
        address=payload.address,
        country=payload.country,
        identifiers={str(scheme): value for scheme, value in payload.identifiers.items()},
        tier=payload.tier,
        products=payload.products,
        spend_band=payload.spend_band,
        facility=facility,
        create=payload.create,
    )
    # The link goes out as the model: the response schema resolves its fields (``LinkOut``).
    answer = {
        "decision": outcome.decision,
        "facility": outcome.facility.public_id if outcome.facility else None,
        "link": outcome.link,
        "candidates": [
            CandidateOut(
                id=c.facility.public_id,
                name=c.facility.name,
                address=c.facility.address,
                country=c.facility.country,
                score=c.score,
                reasons=explain(c.features),
            )
            for c in outcome.candidates
        ],
    }
    return Status(201 if outcome.decision == "created" else 200, answer)


# --- The moderation queue: provisional sites, for the secretariat ----------------------------


class ModerationItemOut(FacilityOut):
    created_at: datetime
    nearest: list[CandidateOut] = Field(..., description="The confirmed register sites nearest to it, best first.")

    @staticmethod
    def resolve_nearest(obj: Facility) -> list[CandidateOut]:
        return [
            CandidateOut(
                id=c.facility.public_id,
                name=c.facility.name,
                address=c.facility.address,
                country=c.facility.country,
                score=c.score,
                reasons=explain(c.features),
            )
            for c in selectors.nearest_sites(obj)
        ]


class MergeIntoIn(Schema):
    into: str = Field(..., max_length=15, description="The register id of the site it is a second record of.")


def _secretariat(request: HttpRequest) -> Any:
    actor = actor_of(request)
    actor.require_kind(OrgKind.SECRETARIAT)
    return actor


@router.get(
    "/register/moderation", response=list[ModerationItemOut], summary="Provisional sites to check (secretariat)"
)
@paginate(Page)
def moderation_queue(request: HttpRequest) -> Any:
    """Oldest first, each with its nearest confirmed register sites: accept, merge or reject it."""
    return selectors.moderation_queue(_secretariat(request))


@router.post("/register/moderation/{public_id}/accept", response=FacilityOut, summary="Accept a provisional site")
def moderation_accept(request: HttpRequest, public_id: str) -> Facility:
    actor = _secretariat(request)
    return services.accept_facility(actor, selectors.get_provisional(actor, public_id))


@router.post(
    "/register/moderation/{public_id}/merge",
    response=FacilityOut,
    summary="Merge a provisional site into a register site",
)
def moderation_merge(request: HttpRequest, public_id: str, payload: MergeIntoIn) -> Facility:
    """The same as the merge page: links, names and identifiers move to ``into``, which is returned."""
    actor = _secretariat(request)
    site = selectors.get_provisional(actor, public_id)
    return services.merge_facilities(actor, site, selectors.get_facility(actor, payload.into))


@router.post(
    "/register/moderation/{public_id}/reject", response=FacilityOut, summary="Reject a provisional site as not a site"
)
def moderation_reject(request: HttpRequest, public_id: str) -> Facility:
    """Final: it leaves the register and the matcher, its links are removed and its list rows become errors."""
    actor = _secretariat(request)
    return services.reject_facility(actor, selectors.get_provisional(actor, public_id))


# --- The duplicates queue and publishing the disclosure list (secretariat) ------------------


class DuplicateSiteOut(Schema):
    id: str
    name: str
    address: str
    country: str
    sector: str
    links: int = Field(..., description="Active member links (a count: no member is named).")
    pending_claims: int
    claimed: bool = Field(..., description="A supplier's claim to the site was verified.")


class DuplicatePairOut(Schema):
    id: int
    score: float
    reasons: list[str] = Field(..., description="Why the two records scored alike, in the reader's language.")
    status: DuplicateStatus
    found_at: datetime
    a: DuplicateSiteOut
    b: DuplicateSiteOut

    @staticmethod
    def resolve_reasons(obj: DuplicatePair) -> list[str]:
        return explain(obj.features)

    @staticmethod
    def resolve_a(obj: DuplicatePair) -> dict[str, Any]:
        return _pair_site(obj.a, obj.a_links, obj.a_claims)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_b(obj: DuplicatePair) -> dict[str, Any]:
        return _pair_site(obj.b, obj.b_links, obj.b_claims)  # type: ignore[attr-defined]


def _pair_site(facility: Facility, links: int, claims: int) -> dict[str, Any]:
    return {
        "id": facility.public_id,
        "name": facility.name,
        "address": facility.address,
        "country": str(facility.country),
        "sector": facility.sector,
        "links": links,
        "pending_claims": claims,
        "claimed": facility.owner_id is not None,
    }


class DuplicateDecisionOut(Schema):
    id: int
    status: DuplicateStatus
    decided_at: datetime | None


@router.get(
    "/register/duplicates", response=list[DuplicatePairOut], summary="Likely duplicate facilities (secretariat)"
)
@paginate(Page)
def duplicate_pairs(request: HttpRequest, country: str = "") -> Any:
    """Open pairs, best score first; ``country`` (a code or a name) filters. Merge a pair with the merge
    page, or dismiss it here."""
    actor = _secretariat(request)
    code = parse_country(country[:60]) if country else ""
    if code is None:
        return DuplicatePair.objects.none()  # not a country: no pair is in it
    return selectors.duplicate_pairs(actor, country=code)


@router.post(
    "/register/duplicates/{pair_id}/dismiss",
    response=DuplicateDecisionOut,
    summary="Not the same site: dismiss a pair (it is not proposed again)",
)
def dismiss_duplicate(request: HttpRequest, pair_id: PathId) -> DuplicatePair:
    actor = actor_of(request)
    return services.dismiss_duplicate(actor, selectors.get_duplicate_pair(actor, pair_id))


class DisclosedRowOut(Schema):
    id: str
    name: str = ""
    address: str = ""
    country: str = ""
    lat: float | None = None
    lng: float | None = None
    sector: str = ""
    products: list[str] = []
    disclosed_by: list[str] = Field([], description="Members that chose to be named as sourcing from the site.")


class ChangedRowOut(Schema):
    id: str
    fields: list[str]
    before: DisclosedRowOut
    after: DisclosedRowOut


class DisclosurePreviewOut(Schema):
    fingerprint: str = Field(..., description="Send it to publish: publishing is refused (409) if the list changed.")
    facility_count: int
    last_published_at: datetime | None
    added: list[DisclosedRowOut]
    removed: list[DisclosedRowOut]
    changed: list[ChangedRowOut]
    newly_named: list[str]
    no_longer_named: list[str]
    rows: list[DisclosedRowOut]


class PublishIn(Schema):
    fingerprint: str = Field(..., min_length=64, max_length=64)


class PublicationOut(Schema):
    id: int
    published_at: datetime
    facility_count: int


@router.get(
    "/register/disclosure/preview",
    response=DisclosurePreviewOut,
    summary="What publishing the disclosure list now would publish, and what changed (secretariat)",
)
def disclosure_preview(request: HttpRequest) -> dict[str, Any]:
    preview = selectors.disclosure_preview(_secretariat(request))
    return {
        "fingerprint": preview.fingerprint,
        "facility_count": len(preview.rows),
        "last_published_at": preview.previous.published_at if preview.previous is not None else None,
        "added": preview.added,
        "removed": preview.removed,
        "changed": [
            {"id": c.row["id"], "fields": c.fields, "before": c.before, "after": c.row} for c in preview.changed
        ],
        "newly_named": preview.newly_named,
        "no_longer_named": preview.no_longer_named,
        "rows": preview.rows,
    }


@router.post(
    "/register/disclosure/publications",
    response={201: PublicationOut},
    summary="Publish the disclosure list you previewed",
)
def publish_disclosure(request: HttpRequest, payload: PublishIn) -> Any:
    """``fingerprint`` comes from the preview; when the list changed since, nothing is published (409)."""
    publication = services.publish_disclosure(_secretariat(request), fingerprint=payload.fingerprint)
    return Status(201, publication)
