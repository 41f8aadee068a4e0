"""API routes of audits: audit firms and suppliers push audits, findings and reports; members read what is shared."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Path, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.params.functions import Form as FormField
from ninja.responses import Status

from covenant.audits import selectors, services
from covenant.audits.models import (
    Announcement,
    Audit,
    AuditRead,
    AuditRequestStatus,
    AuditShare,
    AuditStatus,
    AuditType,
    CapEvidence,
    CapStatus,
    CorrectiveAction,
    DeadlineExtension,
    ExtensionStatus,
    Finding,
    FindingComment,
    JointAudit,
    JointAuditStatus,
    RegisterCheck,
    SchemeVersion,
    Verification,
    ZeroToleranceAlert,
)
from covenant.audits.views import report_response, version_report_response
from covenant.core.apiutils import Page, PathId
from covenant.core.web import actor_of
from covenant.orgs.models import ApscaFirmStatus, Organisation, OrgKind
from covenant.registry import interface as registry
from covenant.risk import lists as risk_lists

router = Router(tags=["Audits"])


class SchemeVersionOut(Schema):
    code: str
    label: str
    sections: list[dict[str, Any]]
    grades: list[dict[str, Any]]
    ratings: list[dict[str, Any]]
    validity_months: int
    pillars: list[str]
    reference_map: dict[str, list[str]] = Field(
        ..., description="Which clauses of the sector's reference protocol each section covers."
    )
    overlap: float = Field(..., description="The share (percent) of the reference protocol the sections cover.")

    @staticmethod
    def resolve_code(obj: SchemeVersion) -> str:
        return f"{obj.scheme.code}/{obj.version}"

    @staticmethod
    def resolve_overlap(obj: SchemeVersion) -> float:
        return obj.reference_overlap


# Head counts are stored as 32-bit unsigned integers.
Workers = Annotated[int | None, Field(None, ge=0, le=2**31 - 1)]


class AuditorIn(Schema):
    name: str = Field(..., max_length=200)
    apsca_number: str = Field("", max_length=8)
    level: str = Field("", max_length=20)
    is_lead: bool = False


class FindingIn(Schema):
    section: str = Field(..., max_length=20, description="A section code of the scheme version.")
    grade: str = Field(..., max_length=30, description="A grade code of the scheme version.")
    description: str
    legal_reference: str = Field("", max_length=300)


class AuditIn(Schema):
    facility: str = Field(..., description="The site's id in the register.")
    scheme: str = Field(
        ..., description='A scheme version, as "code/version" from /audit-schemes, e.g. "smeta/7.0-4p".'
    )
    start_date: date
    end_date: date
    audit_firm: str | None = Field(
        None,
        max_length=80,
        description="Suppliers (self-reported audits): the audit firm that did the audit, by its slug "
        "from GET /organisations?kind=audit_firm. Audit firms leave it out: the audit is theirs.",
    )
    commissioned_by: str | None = Field(
        None,
        max_length=80,
        description="Audit firms, for a site without a verified supplier (required then): the member "
        "that commissioned the audit, by its slug from GET /organisations?kind=member. It reads the audit, "
        "held for the site until the supplier's claim is verified.",
    )
    audit_type: AuditType = AuditType.INITIAL
    announcement: Announcement = Announcement.ANNOUNCED
    workers_female: Workers = None
    workers_male: Workers = None
    workers_other: Workers = None
    rating: str = Field("", max_length=10, description="A rating code of the scheme version, if it rates.")
    auditors: list[AuditorIn]
    findings: list[FindingIn] = []
    submit: bool = Field(
        True,
        description="Audit firms: submit at once (the audit is then locked and changes only by revisions); "
        "false keeps it as the firm's draft, read by nobody else.",
    )


class ActionOut(Schema):
    id: int
    status: CapStatus
    overdue: bool
    due_date: date | None
    action: str
    responsible: str
    extended_from: date | None = Field(None, description="The deadline before the last approved extension.")
    extended_by: str | None = Field(None, description="Who approved the last extension (audit firm or member).")

    @staticmethod
    def resolve_overdue(obj: CorrectiveAction) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_extended_from(obj: CorrectiveAction) -> date | None:
        extension = obj.last_extension
        return extension.from_date if extension else None

    @staticmethod
    def resolve_extended_by(obj: CorrectiveAction) -> str | None:
        extension = obj.last_extension
        return extension.decided_by_org.name if extension and extension.decided_by_org else None


class FindingOut(Schema):
    number: int
    section: str
    grade: str
    severity: Literal["critical", "major", "minor", "none"]
    collaborative: bool
    description: str
    legal_reference: str
    action: ActionOut | None

    @staticmethod
    def resolve_action(obj: Finding) -> CorrectiveAction | None:
        return getattr(obj, "action", None)


class AuditFirmOut(Schema):
    slug: str
    name: str
    apsca_status: ApscaFirmStatus | Literal[""] = Field(
        ..., description='The firm\'s APSCA membership as the secretariat recorded it ("" if not recorded).'
    )


class AuditOut(Schema):
    id: uuid.UUID
    facility: str
    scheme: str
    audit_type: AuditType
    announcement: Announcement
    start_date: date
    end_date: date
    audit_firm_name: str = Field(..., description="The audit firm's name when the audit was entered.")
    audit_firm: AuditFirmOut | None
    held: bool = Field(..., description="Entered for a site without a verified supplier: no owner yet.")
    rating: str
    valid_until: date
    follow_up_due: date | None
    qualified_auditor: bool
    status: AuditStatus
    has_report: bool
    self_reported: bool = Field(..., description="Entered by the site's supplier itself, not by an audit firm.")
    version: int
    locked: bool = Field(..., description="A firm's submitted audit: only the firm changes it, by revisions.")

    @staticmethod
    def resolve_locked(obj: Audit) -> bool:
        return obj.is_locked

    @staticmethod
    def resolve_audit_firm(obj: Audit) -> Organisation | None:
        return obj.audit_firm_org

    @staticmethod
    def resolve_held(obj: Audit) -> bool:
        return obj.owner_id is None

    @staticmethod
    def resolve_facility(obj: Audit) -> str:
        return obj.facility.public_id

    @staticmethod
    def resolve_scheme(obj: Audit) -> str:
        return f"{obj.scheme_version.scheme.code}/{obj.scheme_version.version}"

    @staticmethod
    def resolve_has_report(obj: Audit) -> bool:
        return bool(obj.report)


class AuditorOut(Schema):
    name: str
    apsca_number: str
    level: str
    is_lead: bool
    register_check: RegisterCheck


class AuditDetailOut(AuditOut):
    auditors: list[AuditorOut]
    findings: list[FindingOut]

    @staticmethod
    def resolve_auditors(obj: Audit) -> Any:
        return obj.auditors.all()

    @staticmethod
    def resolve_findings(obj: Audit) -> Any:
        # Set by _detail from the scoped selector; the schema never reads findings on its own.
        return getattr(obj, "visible_findings", [])


class CoverageOut(Schema):
    """Counted from the audits you may read only: an audit not shared with you leaves no trace."""

    sites: int
    covered: int
    not_recognised: int
    never_audited: int = Field(..., description="Sites without an audit you may read.")
    high_risk: int
    high_risk_covered: int
    unscored: int = Field(0, description="Sites whose risk is being computed: in neither high-risk count yet.")


# On a firm's submitted audit a change makes a new version and needs a reason (409 without one).
Reason = Annotated[
    str,
    FormField("", max_length=2000, description="Why the firm changes its submitted audit (a new version)."),
]


def _detail(request: HttpRequest, audit: Audit) -> Audit:
    audit.visible_findings = list(selectors.findings(actor_of(request), audit))  # type: ignore[attr-defined]
    return audit


def _org_by_slug(slug: str | None, kind: str, field_name: str) -> Organisation | None:
    """An audit firm or member named in the input by its slug; an unknown one is refused (400)."""
    if not slug:
        return None
    org = Organisation.objects.filter(slug=slug, kind=kind, is_active=True).first()
    if org is None:
        what = _("audit firm") if kind == OrgKind.AUDIT_FIRM else _("member company")
        raise ValidationError(
            _("%(field)s: there is no %(what)s '%(slug)s' (see GET /organisations?kind=%(kind)s).")
            % {"field": field_name, "what": what, "slug": slug, "kind": kind}
        )
    return org


def _required(file: UploadedFile | None) -> UploadedFile:
    """The file is checked after access, so an outsider learns nothing from a 422."""
    if file is None:
        raise ValidationError("Send the file as multipart form data in the field 'file'.")
    return file


@router.get("/audit-schemes", response=list[SchemeVersionOut], summary="The audit schemes and versions")
@paginate(Page)
def list_schemes(request: HttpRequest) -> Any:
    actor_of(request).require_org()
    return selectors.scheme_versions()


@router.get("/audits", response=list[AuditOut], summary="Audits you may read")
@paginate(Page)
def list_audits(request: HttpRequest, q: str = "") -> Any:
    return selectors.audit_list(actor_of(request), q=q)


@router.post("/audits", response={201: AuditDetailOut}, summary="Enter an audit (audit firms and suppliers)")
def create_audit(request: HttpRequest, payload: AuditIn) -> Any:
    actor = actor_of(request)
    facility = registry.get_facility(actor, payload.facility)
    data = services.AuditInput(
        facility=facility,
        scheme_version=services.scheme_version_by_code(payload.scheme),
        start_date=payload.start_date,
        end_date=payload.end_date,
        audit_firm=_org_by_slug(payload.audit_firm, OrgKind.AUDIT_FIRM, "audit_firm"),
        commissioned_by=_org_by_slug(payload.commissioned_by, OrgKind.MEMBER, "commissioned_by"),
        audit_type=payload.audit_type,
        announcement=payload.announcement,
        workers_female=payload.workers_female,
        workers_male=payload.workers_male,
        workers_other=payload.workers_other,
        rating=payload.rating,
        auditors=[services.AuditorInput(**a.dict()) for a in payload.auditors],
        findings=[services.FindingInput(**f.dict()) for f in payload.findings],
    )
    audit = services.create_audit(actor, data, submit=payload.submit)
    return Status(201, _detail(request, selectors.get_audit(actor, audit.pk)))


# Declared after the fixed paths above so that they are not taken for an id.
@router.get("/audits/coverage", response=CoverageOut, summary="Your recognised audit coverage (members)")
def get_coverage(request: HttpRequest) -> Any:
    return selectors.coverage(actor_of(request))


# --- Risk columns and filters (risk.lists: the member's own view of its sites' risk) ----------

BandFilter = Literal["low", "medium", "high", "very_high", "high_plus"]
BandCode = Literal["low", "medium", "high", "very_high"]
BandParam = Annotated[
    BandFilter | Literal[""],
    Field(description="Only sites in this band (high_plus: high or very high); with a topic, that topic's band."),
]
TopicParam = Annotated[
    str, Field(max_length=40, description="A topic code: the band filter and the risk sort follow that topic.")
]
SortParam = Annotated[Literal["", "risk"], Field(description="risk: highest risk first (band, then score).")]


def _risk_query(band: str, topic: str, sort: str) -> risk_lists.RiskQuery:
    query = risk_lists.parse({"band": band, "topic": topic, "sort": sort})
    if topic and query.topic != topic:
        raise HttpError(422, f"Unknown topic: {topic}")
    return query


class RiskColumns(Schema):
    """A site's risk in your own view: the shared picture, your overrides, evidence you may read."""

    risk_band: BandCode | None = Field(None, description="None while the site is being scored.")
    risk_score: float | None = None
    risk_top_topic: str = ""
    risk_topic_score: float | None = Field(None, description="With a topic filter: that topic's score.")
    risk_topic_band: BandCode | None = None

    @staticmethod
    def resolve_risk_band(obj: Any) -> str | None:
        return risk_lists.band_code(getattr(obj, "risk_band", None)) or None

    @staticmethod
    def resolve_risk_score(obj: Any) -> float | None:
        value = getattr(obj, "risk_score", None)
        return round(value, 2) if value is not None else None

    @staticmethod
    def resolve_risk_top_topic(obj: Any) -> str:
        return getattr(obj, "risk_top_topic", None) or ""

    @staticmethod
    def resolve_risk_topic_score(obj: Any) -> float | None:
        value = getattr(obj, "risk_topic_score", None)
        return round(value, 2) if value is not None else None

    @staticmethod
    def resolve_risk_topic_band(obj: Any) -> str | None:
        return risk_lists.band_code(getattr(obj, "risk_topic_band", None)) or None


class CoverageSiteOut(RiskColumns):
    facility: str
    name: str
    country: str
    tier: int
    state: Literal["covered", "audited_not_recognised", "no_audit"]
    last_audit: date | None = Field(None, description="The end date of the last audit you may read.")

    @staticmethod
    def resolve_facility(obj: Any) -> str:
        return str(obj.facility.public_id)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.facility.name)

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.facility.country)

    @staticmethod
    def resolve_state(obj: Any) -> str:
        if obj.covered:
            return "covered"
        return "audited_not_recognised" if obj.audited else "no_audit"


@router.get(
    "/audits/coverage/sites",
    response=list[CoverageSiteOut],
    summary="Your linked sites with their audit state and risk (members)",
)
@paginate(Page)
def coverage_sites(
    request: HttpRequest,
    state: Annotated[
        Literal["", "covered", "gap"], Field(description="covered, or gap: no recognised audit you may read.")
    ] = "",
    band: BandParam = "",
    topic: TopicParam = "",
    sort: SortParam = "",
) -> Any:
    """``?state=gap&band=high_plus&sort=risk`` is the coverage page's list to act on: high-risk
    sites, in your view, without a recognised audit, worst first."""
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    return selectors.coverage_export_rows(actor, state, risk=_risk_query(band, topic, sort))


@router.get("/audits/{audit_id}", response=AuditDetailOut, summary="One audit with its auditors and findings")
def get_audit(request: HttpRequest, audit_id: uuid.UUID) -> Any:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    services.record_read(actor, audit, "viewed")
    return _detail(request, audit)


@router.post("/audits/{audit_id}/report", response=AuditOut, summary="Attach the report (PDF only)")
def upload_report(
    request: HttpRequest,
    audit_id: uuid.UUID,
    reason: Reason = "",
    file: File[UploadedFile | None] = None,
) -> Any:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    file = _required(file)
    return services.attach_report(
        actor,
        audit,
        filename=file.name or "report.pdf",
        data=file.read(services.max_report_bytes() + 1),
        reason=reason,
    )


@router.get(
    "/audits/{audit_id}/report",
    summary="Download the report",
    openapi_extra={
        "responses": {
            200: {
                "description": "The report",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_report(request: HttpRequest, audit_id: uuid.UUID) -> HttpResponse:
    return report_response(request, audit_id)


@router.post(
    "/audits/{audit_id}/findings/import",
    response={201: list[FindingOut]},
    summary="Add findings from CSV or XLSX (all rows or none)",
)
def import_findings(
    request: HttpRequest,
    audit_id: uuid.UUID,
    reason: Reason = "",
    file: File[UploadedFile | None] = None,
) -> Any:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    file = _required(file)
    created = services.import_findings(
        actor,
        audit,
        filename=file.name or "findings.csv",
        data=file.read(services.max_report_bytes() + 1),
        reason=reason,
    )
    return Status(201, created)


class CapOut(ActionOut):
    audit: uuid.UUID
    facility: str
    section: str
    grade: str

    @staticmethod
    def resolve_audit(obj: CorrectiveAction) -> uuid.UUID:
        return obj.audit_id

    @staticmethod
    def resolve_facility(obj: CorrectiveAction) -> str:
        return obj.audit.facility.public_id

    @staticmethod
    def resolve_section(obj: CorrectiveAction) -> str:
        return obj.finding.section

    @staticmethod
    def resolve_grade(obj: CorrectiveAction) -> str:
        return obj.finding.grade


class VerifyIn(Schema):
    method: Verification
    note: str = ""


class ShareIn(Schema):
    member: str  # the member's slug


class CapListOut(CapOut, RiskColumns):
    topic: str = Field("", description="The risk topic of the finding's section, where its scheme says.")

    @staticmethod
    def resolve_topic(obj: CorrectiveAction) -> str:
        return selectors.section_topic(obj)


@router.get("/caps", response=list[CapListOut], summary="Corrective actions of the audits you may read")
@paginate(Page)
def list_caps(
    request: HttpRequest,
    show: Literal["overdue", "open"] = "overdue",
    band: BandParam = "",
    topic: Annotated[
        str,
        Field(max_length=40, description="Only findings on this topic; the site's band and the sort follow it."),
    ] = "",
    sort: SortParam = "",
) -> Any:
    actor = actor_of(request)
    actions = selectors.overdue_actions(actor) if show == "overdue" else selectors.open_actions(actor)
    return selectors.actions_by_risk(actor, actions, _risk_query(band, topic, sort))


@router.post("/caps/{action_id}/verify", response=CapOut, summary="Verify and close a corrective action")
def verify_cap(request: HttpRequest, action_id: PathId, payload: VerifyIn) -> Any:
    actor = actor_of(request)
    return services.verify_action(
        actor, selectors.get_action(actor, action_id), method=payload.method, note=payload.note
    )


@router.post("/audits/{audit_id}/shares", response={201: dict[str, str]}, summary="Share an audit with a member")
def share_audit(request: HttpRequest, audit_id: uuid.UUID, payload: ShareIn) -> Any:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    member = selectors.members().filter(slug=payload.member).first()
    if member is None:
        raise ValidationError(f"There is no member company '{payload.member}'.")
    services.grant_access(actor, audit, member)
    return Status(201, {"audit": str(audit.pk), "member": member.slug})


@router.delete("/audits/{audit_id}/shares/{member}", response={204: None}, summary="Stop sharing an audit")
def unshare_audit(request: HttpRequest, audit_id: uuid.UUID, member: str) -> Any:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    org = selectors.members().filter(slug=member).first()
    if org is None:
        raise Http404
    services.revoke_access(actor, audit, org)
    return Status(204, None)


# --- What the pages do that the routes above did not: whom an audit is shared with, and the
# site's side of a corrective action plan (its evidence and its updates).


class AuditShareOut(Schema):
    member: str = Field(..., description="The member's slug.")
    name: str
    shared_at: datetime
    recognised: bool = Field(..., description="Whether the audit meets this member's recognition policy.")

    @staticmethod
    def resolve_member(obj: AuditShare) -> str:
        return obj.org.slug

    @staticmethod
    def resolve_name(obj: AuditShare) -> str:
        return obj.org.name

    @staticmethod
    def resolve_shared_at(obj: AuditShare) -> datetime:
        return obj.created_at

    @staticmethod
    def resolve_recognised(obj: AuditShare) -> bool:
        return selectors.is_recognised_for(obj.audit, obj.org)


class EvidenceOut(Schema):
    id: int
    action: int
    filename: str
    size: int
    note: str
    uploaded_at: datetime

    @staticmethod
    def resolve_action(obj: CapEvidence) -> int:
        return obj.action_id


class CapUpdateIn(Schema):
    action: str | None = Field(None, description="What the site does about the finding; left out: unchanged.")
    responsible: str | None = Field(None, max_length=200, description="Who at the site owns it; left out: unchanged.")
    due_date: date | None = Field(None, description="Not before the audit; collaborative actions have none.")
    progress: bool = Field(False, description="Marks an open action as in progress ('Progress made').")


@router.get(
    "/audits/{audit_id}/shares",
    response=list[AuditShareOut],
    summary="Whom an audit is shared with (the supplier that owns it)",
)
@paginate(Page)
def list_audit_shares(request: HttpRequest, audit_id: uuid.UUID) -> Any:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    # As on the audit's page: a member the audit is shared with reads the audit, not its other readers.
    if actor.org is None or audit.owner_id != actor.org.pk:
        raise PermissionDenied("Only the supplier that owns the audit sees whom it is shared with.")
    return selectors.shares_of(actor, audit).select_related("audit").order_by("org__name")


@router.post(
    "/caps/{action_id}/evidence",
    response={201: EvidenceOut},
    summary="Add evidence to a corrective action (the site's side; PDF, PNG or JPEG)",
)
def add_cap_evidence(
    request: HttpRequest,
    action_id: PathId,
    note: Annotated[str, FormField("", max_length=500)] = "",
    file: File[UploadedFile | None] = None,
) -> Any:
    actor = actor_of(request)
    action = selectors.get_action(actor, action_id)
    file = _required(file)
    evidence = services.add_evidence(
        actor,
        action,
        filename=file.name or "evidence",
        data=file.read(services.max_report_bytes() + 1),
        note=note,
    )
    return Status(201, evidence)


@router.patch(
    "/caps/{action_id}",
    response=CapOut,
    summary="Update a corrective action (the site's side): the plan, its owner, due date, progress",
)
def update_cap(request: HttpRequest, action_id: PathId, payload: CapUpdateIn) -> Any:
    actor = actor_of(request)
    item = selectors.get_action(actor, action_id)
    return services.update_action(
        actor,
        item,
        action_text=item.action if payload.action is None else payload.action,
        responsible=item.responsible if payload.responsible is None else payload.responsible,
        due_date=payload.due_date,
        progress=payload.progress,
    )


# --- Locked audits: submission and revisions; deadlines: extension requests; zero-tolerance alerts.


class FindingChangeIn(Schema):
    number: int = Field(..., ge=1, le=100_000, description="The finding's number in the audit.")
    section: str | None = Field(None, max_length=20)
    grade: str | None = Field(None, max_length=30)
    description: str | None = None
    legal_reference: str | None = Field(None, max_length=300)


class RevisionIn(Schema):
    reason: str = Field(..., max_length=2000, description="Why the audit changes (required once submitted).")
    start_date: date | None = None
    end_date: date | None = None
    rating: str | None = Field(None, max_length=10)
    audit_type: AuditType | None = None
    announcement: Announcement | None = None
    workers_female: Workers = None
    workers_male: Workers = None
    workers_other: Workers = None
    auditors: list[AuditorIn] | None = Field(None, description="All the auditors (replaces the list).")
    findings: list[FindingChangeIn] = Field([], description="Changes to existing findings; fields left out stay.")
    new_findings: list[FindingIn] = []
    remove_findings: list[Annotated[int, Field(ge=1, le=100_000)]] = Field(
        [],
        description="Numbers of findings the new version no longer has; their corrective actions go with "
        "them, and the version before keeps them as they stood.",
    )


class RevisionOut(Schema):
    version: int = Field(..., description="The earlier version this record keeps.")
    reason: str
    changed: list[str]
    changed_by: str
    changed_at: datetime
    snapshot: dict[str, Any] = Field(..., description="That version as it was: dates, rating, auditors, findings.")

    @staticmethod
    def resolve_version(obj: Any) -> int:
        return int(obj.number)

    @staticmethod
    def resolve_changed_by(obj: Any) -> str:
        return obj.created_by_org.name if obj.created_by_org else ""

    @staticmethod
    def resolve_changed_at(obj: Any) -> datetime:
        return obj.created_at  # type: ignore[no-any-return]

    @staticmethod
    def resolve_snapshot(obj: Any) -> dict[str, Any]:
        # The stored file's path is the server's business; the name says which report it was.
        return {k: v for k, v in obj.snapshot.items() if k != "report"}


class ExtensionIn(Schema):
    due_date: date = Field(..., description="The deadline asked for (later than the current one).")
    reason: str = Field(..., max_length=2000)


class ExtensionDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=500)


class ExtensionOut(Schema):
    id: int
    action: int
    from_date: date
    to_date: date
    reason: str
    status: ExtensionStatus
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str

    @staticmethod
    def resolve_action(obj: DeadlineExtension) -> int:
        return obj.action_id

    @staticmethod
    def resolve_decided_by(obj: DeadlineExtension) -> str | None:
        return obj.decided_by_org.name if obj.decided_by_org else None


class AlertOut(Schema):
    id: int
    audit: uuid.UUID
    facility: str
    section: str
    grade: str
    created_at: datetime

    @staticmethod
    def resolve_audit(obj: ZeroToleranceAlert) -> uuid.UUID:
        return obj.audit_id

    @staticmethod
    def resolve_facility(obj: ZeroToleranceAlert) -> str:
        return obj.audit.facility.public_id

    @staticmethod
    def resolve_section(obj: ZeroToleranceAlert) -> str:
        return obj.finding.section

    @staticmethod
    def resolve_grade(obj: ZeroToleranceAlert) -> str:
        return obj.finding.grade


@router.post("/audits/{audit_id}/submit", response=AuditOut, summary="Submit a draft audit (the audit firm)")
def submit_audit(request: HttpRequest, audit_id: uuid.UUID) -> Any:
    actor = actor_of(request)
    return services.submit_audit(actor, selectors.get_audit(actor, audit_id))


@router.post(
    "/audits/{audit_id}/revisions",
    response={201: AuditDetailOut},
    summary="Change an audit as a new version, with a reason (the audit firm that entered it)",
)
def revise_audit(request: HttpRequest, audit_id: uuid.UUID, payload: RevisionIn) -> Any:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    change = services.AuditChange(
        start_date=payload.start_date,
        end_date=payload.end_date,
        rating=payload.rating,
        audit_type=payload.audit_type,
        announcement=payload.announcement,
        workers_female=payload.workers_female,
        workers_male=payload.workers_male,
        workers_other=payload.workers_other,
        auditors=None if payload.auditors is None else [services.AuditorInput(**a.dict()) for a in payload.auditors],
        findings=[services.FindingChange(**f.dict()) for f in payload.findings],
        new_findings=[services.FindingInput(**f.dict()) for f in payload.new_findings],
        remove_findings=list(payload.remove_findings),
    )
    services.revise_audit(actor, audit, change, reason=payload.reason)
    return Status(201, _detail(request, selectors.get_audit(actor, audit.pk)))


@router.get("/audits/{audit_id}/revisions", response=list[RevisionOut], summary="An audit's earlier versions")
@paginate(Page)
def list_audit_revisions(request: HttpRequest, audit_id: uuid.UUID) -> Any:
    actor = actor_of(request)
    return selectors.revisions(actor, selectors.get_audit(actor, audit_id))


@router.get(
    "/caps/{action_id}/extensions", response=list[ExtensionOut], summary="A corrective action's deadline history"
)
@paginate(Page)
def list_cap_extensions(request: HttpRequest, action_id: PathId) -> Any:
    actor = actor_of(request)
    return selectors.extensions(actor, selectors.get_action(actor, action_id))


@router.post(
    "/caps/{action_id}/extensions",
    response={201: ExtensionOut},
    summary="Ask for a later deadline, with a reason (the site's supplier)",
)
def request_cap_extension(request: HttpRequest, action_id: PathId, payload: ExtensionIn) -> Any:
    actor = actor_of(request)
    action = selectors.get_action(actor, action_id)
    extension = services.request_extension(actor, action, to_date=payload.due_date, reason=payload.reason)
    return Status(201, extension)


@router.post(
    "/cap-extensions/{extension_id}/decision",
    response=ExtensionOut,
    summary="Approve or refuse a deadline extension (the audit firm or a verifying member)",
)
def decide_cap_extension(request: HttpRequest, extension_id: PathId, payload: ExtensionDecisionIn) -> Any:
    actor = actor_of(request)
    extension = selectors.get_extension(actor, extension_id)
    return services.decide_extension(actor, extension, approve=payload.approve, note=payload.note)


@router.get(
    "/audit-alerts", response=list[AlertOut], summary="Zero-tolerance findings at sites you source from (members)"
)
@paginate(Page)
def list_audit_alerts(request: HttpRequest) -> Any:
    actor = actor_of(request)
    actor.require_org()
    return selectors.zero_tolerance_alerts(actor)


# --- Issue 13, item 6: who read an audit, comments on findings, an earlier version's report.

# A finding's or a version's number in its audit (stored as a 32-bit unsigned integer).
FindingNumber = Annotated[int, Path(..., ge=1, le=2**31 - 1)]


class ReadOut(Schema):
    member: str = Field(..., description="The reading organisation's slug.")
    name: str = Field(..., description="The reading organisation's name.")
    person: str = Field(..., description="Who read it (their name, or e-mail address).")
    first_read_at: datetime
    last_read_at: datetime
    reads: int = Field(..., description="Page views, downloads and API reads, counted together.")

    @staticmethod
    def resolve_member(obj: AuditRead) -> str:
        return obj.org.slug

    @staticmethod
    def resolve_name(obj: AuditRead) -> str:
        return obj.org.name

    @staticmethod
    def resolve_person(obj: AuditRead) -> str:
        return obj.user.get_full_name() if obj.user else ""


class CommentIn(Schema):
    text: str = Field(..., min_length=1, max_length=services.COMMENT_MAX_CHARS)


class CommentOut(Schema):
    id: int
    finding: int = Field(..., description="The finding's number in the audit.")
    organisation: str
    author: str = Field(
        ..., description="The writer's name, for the writer's organisation and the audit's supplier; else empty."
    )
    text: str
    created_at: datetime

    @staticmethod
    def resolve_finding(obj: FindingComment) -> int:
        return obj.finding.number

    @staticmethod
    def resolve_organisation(obj: FindingComment) -> str:
        return obj.org.name

    @staticmethod
    def resolve_author(obj: FindingComment, context: Any) -> str:
        return selectors.comment_author(actor_of(context["request"]), obj)


@router.get(
    "/audits/{audit_id}/reads",
    response=list[ReadOut],
    summary="Who read an audit: organisation, person, first and last time (the supplier that owns it)",
)
@paginate(Page)
def list_audit_reads(request: HttpRequest, audit_id: uuid.UUID) -> Any:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    # As on the audit's page: its readers do not learn who else reads it.
    if actor.org is None or audit.owner_id != actor.org.pk:
        raise PermissionDenied("Only the supplier that owns the audit sees who read it.")
    return selectors.audit_reads(actor, audit)


@router.get(
    "/audits/{audit_id}/findings/{number}/comments",
    response=list[CommentOut],
    summary="Comments on a finding you may read (a member reads its own and the site's side's, no other member's)",
)
@paginate(Page)
def list_finding_comments(request: HttpRequest, audit_id: uuid.UUID, number: FindingNumber) -> Any:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    finding = selectors.get_finding(actor, audit, number)
    return selectors.finding_comments(actor, audit).filter(finding=finding)


@router.post(
    "/audits/{audit_id}/findings/{number}/comments",
    response={201: CommentOut},
    summary="Comment on a finding (the supplier, the audit firm that entered it, members that may read it)",
)
def comment_on_finding(request: HttpRequest, audit_id: uuid.UUID, number: FindingNumber, payload: CommentIn) -> Any:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    finding = selectors.get_finding(actor, audit, number)
    return Status(201, services.comment_on_finding(actor, finding, payload.text))


@router.get(
    "/audits/{audit_id}/revisions/{number}/report",
    summary="Download the report an earlier version had",
    openapi_extra={
        "responses": {
            200: {
                "description": "The report",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_version_report(request: HttpRequest, audit_id: uuid.UUID, number: FindingNumber) -> HttpResponse:
    return version_report_response(request, audit_id, number)


# --- Joint audits (members plan one audit of a site together; the chosen firm or the supplier links it)


CostShare = Annotated[
    Decimal | None,
    Field(
        None,
        gt=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        description="Your agreed share (percent); empty: an equal share of what the agreed shares leave.",
    ),
]


class JointAuditIn(Schema):
    facility: str = Field(..., max_length=15, description="The site's id in the register: a site in your chain.")
    scheme: str | None = Field(None, max_length=60, description='The scheme version wanted, as "code/version".')
    target_date: date | None = None
    estimated_cost: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    note: str = Field("", max_length=500)
    cost_share_percent: CostShare = None


class JointJoinIn(Schema):
    cost_share_percent: CostShare = None


class JointLinkIn(Schema):
    audit: uuid.UUID = Field(
        ..., description="A submitted audit of the site: the chosen firm's own, or the supplier's."
    )


class CofunderOut(Schema):
    member: str = Field(..., description="The member's slug.")
    name: str
    cost_share_percent: Decimal | None
    amount: Decimal | None = Field(..., description="Its part of the estimated cost (EUR).")
    status: AuditRequestStatus


class JointAuditOut(Schema):
    id: int
    facility: str
    status: JointAuditStatus
    scheme: str | None
    target_date: date | None
    estimated_cost: Decimal | None
    audit_firm: str | None = Field(..., description="The chosen audit firm's slug.")
    note: str
    cofunder_count: int
    cofunders: list[CofunderOut] | None = Field(
        ..., description="Names and shares, for the co-funders and the chosen firm; null for the site's supplier."
    )
    audit_linked: bool
    audit: uuid.UUID | None = Field(..., description="The linked audit, once you may read it (the supplier decides).")


def _joint_out(request: HttpRequest, joint: JointAudit) -> dict[str, Any]:
    actor = actor_of(request)
    cofunders = selectors.joint_cofunders(actor, joint)
    readable = joint.audit_id is not None and selectors.visible_audits(actor).filter(pk=joint.audit_id).exists()
    sees_names = actor.kind == OrgKind.MEMBER or (actor.org is not None and actor.org.pk == joint.audit_firm_id)
    return {
        "id": joint.pk,
        "facility": joint.facility.public_id,
        "status": joint.status,
        "scheme": f"{joint.scheme_version.scheme.code}/{joint.scheme_version.version}"
        if joint.scheme_version
        else None,
        "target_date": joint.target_date,
        "estimated_cost": joint.estimated_cost,
        "audit_firm": joint.audit_firm.slug if joint.audit_firm else None,
        "note": joint.note,
        "cofunder_count": getattr(joint, "cofunders", len(cofunders)),
        "cofunders": [
            {
                "member": r.org.slug,
                "name": r.org.name,
                "cost_share_percent": r.cost_share_percent,
                "amount": amount,
                "status": r.status,
            }
            for r, amount in cofunders
        ]
        if sees_names
        else None,
        "audit_linked": joint.audit_id is not None,
        "audit": joint.audit_id if readable else None,
    }


@router.get("/joint-audits", response=list[JointAuditOut], summary="Your joint audits")
@paginate(Page)
def list_joint_audits(request: HttpRequest) -> Any:
    actor = actor_of(request)
    actor.require_org()
    return [_joint_out(request, joint) for joint in selectors.joint_audits(actor)]


@router.post("/joint-audits", response={201: JointAuditOut}, summary="Open a joint audit of a site (members)")
def open_joint_audit(request: HttpRequest, payload: JointAuditIn) -> Any:
    actor = actor_of(request)
    facility = registry.get_facility(actor, payload.facility)
    joint = services.open_joint_audit(
        actor,
        facility,
        scheme_version=services.scheme_version_by_code(payload.scheme) if payload.scheme else None,
        target_date=payload.target_date,
        estimated_cost=payload.estimated_cost,
        note=payload.note,
        cost_share_percent=payload.cost_share_percent,
    )
    return Status(201, _joint_out(request, selectors.get_joint_audit(actor, joint.pk)))


@router.get("/joint-audits/{joint_id}", response=JointAuditOut, summary="One joint audit (its participants)")
def get_joint_audit(request: HttpRequest, joint_id: PathId) -> Any:
    return _joint_out(request, selectors.get_joint_audit(actor_of(request), joint_id))


@router.post(
    "/joint-audits/{joint_id}/join",
    response=JointAuditOut,
    summary="Join as a co-funder, or change your agreed share (members linked to the site)",
)
def join_joint_audit(request: HttpRequest, joint_id: PathId, payload: JointJoinIn) -> Any:
    actor = actor_of(request)
    joint = selectors.joinable_joint_audit(actor, joint_id)
    services.join_joint_audit(actor, joint, cost_share_percent=payload.cost_share_percent)
    return _joint_out(request, selectors.get_joint_audit(actor, joint.pk))


@router.post(
    "/joint-audits/{joint_id}/link",
    response=JointAuditOut,
    summary="Link the audit that fulfils it (the chosen audit firm or the site's supplier)",
)
def link_joint_audit(request: HttpRequest, joint_id: PathId, payload: JointLinkIn) -> Any:
    actor = actor_of(request)
    joint = selectors.get_joint_audit(actor, joint_id)
    audit = selectors.audits_to_link(actor, joint).filter(pk=payload.audit).first()
    if audit is None:
        raise ValidationError(_("Choose a submitted audit of this site that you entered or own."))
    services.link_joint_audit(actor, joint, audit)
    return _joint_out(request, selectors.get_joint_audit(actor, joint.pk))
