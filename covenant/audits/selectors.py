"""Reads of audits, findings, CAPs, sharing, recognition and the sector's counters.

Who sees an audit (the one rule, applied through ``core.scoping.scoped``):
the supplier that owns it; the audit firm that entered it; a member the
supplier shared it with (one audit at a time, or all its audits with every
member), while the audit is not withdrawn. Nobody else: not the secretariat
(it gets aggregates only), not other members, not other audit firms.
Findings, corrective actions and evidence are reached only through their audit.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone

from covenant.audits import rules
from covenant.audits.coverage import count_coverage
from covenant.audits.models import (
    AccessRequest,
    ApscaAuditor,
    Audit,
    AuditRead,
    AuditRequest,
    AuditRequestStatus,
    AuditRevision,
    AuditScheme,
    AuditShare,
    AuditStatus,
    CapEvidence,
    CapStatus,
    CorrectiveAction,
    DeadlineExtension,
    ExtensionStatus,
    Finding,
    FindingComment,
    JointAudit,
    JointAuditStatus,
    RecognitionPolicy,
    RequestStatus,
    SchemeVersion,
    SectorCount,
    SupplierSharing,
    ZeroToleranceAlert,
)
from covenant.audits.protocol import overlap_of
from covenant.core.actors import Actor
from covenant.core.scoping import get_scoped_or_404, scoped
from covenant.orgs.models import Organisation, OrgKind
from covenant.registry.interface import (
    Facility,
    SupplyLink,
    active_links,
    linked_site_ids,
    own_links,
    search_facilities,
)
from covenant.risk import lists as risk_lists
from covenant.risk.evidence import member_scores
from covenant.risk.interface import HIGH_BAND, band_rows
from covenant.risk.lists import HIGH_PLUS, SORT_RISK, RiskQuery


def share_all_supplier_ids() -> list[int]:
    """Suppliers that share all their audits with every member (a short list)."""
    return list(SupplierSharing.objects.filter(share_all_members=True).values_list("supplier_id", flat=True))


def _member_access(org_id: int, path: str = "") -> Q:
    """Audits a member may read: shared with it, or by a supplier sharing all; never withdrawn ones."""
    shares = AuditShare.objects.filter(org_id=org_id).values("audit_id")
    return Q(**{f"{path}status": AuditStatus.ACTIVE}) & (
        Q(**{f"{path}id__in": Subquery(shares)}) | Q(**{f"{path}owner_id__in": share_all_supplier_ids()})
    )


def _shared(actor: Actor, path: str = "") -> Q | None:
    if actor.org is None:
        return None
    if actor.kind == OrgKind.MEMBER:
        return _member_access(actor.org.pk, path)
    if actor.kind == OrgKind.AUDIT_FIRM:
        # The firm that entered the audit; not the firm a supplier named on its self-reported audit.
        return Q(**{f"{path}audit_firm_org_id": actor.org.pk, f"{path}self_reported": False})
    return None


def _firm_draft_of_others(actor: Actor, path: str = "") -> Q:
    """A firm's draft is the firm's alone: not even the site's supplier (its owner) reads it until
    it is submitted. A supplier's own self-reported audit is never a firm's draft."""
    firm_id = actor.org.pk if actor.org is not None else None
    draft = Q(**{f"{path}status": AuditStatus.DRAFT, f"{path}self_reported": False})
    return draft & ~Q(**{f"{path}audit_firm_org_id": firm_id})


def visible_audits(actor: Actor) -> QuerySet[Audit]:
    qs = Audit.objects.select_related("facility", "scheme_version__scheme", "owner", "audit_firm_org")
    return scoped(actor, qs, owner="owner", shared=_shared(actor)).exclude(_firm_draft_of_others(actor))


def get_audit(actor: Actor, audit_id: uuid.UUID | str) -> Audit:
    return get_scoped_or_404(visible_audits(actor), pk=audit_id)


def readable_audit_refs(actor: Actor, refs: frozenset[str]) -> set[str]:
    """Which of these audit ids (risk signals' ``source_ref``) the actor may read: the
    audits' own rule, registered with ``risk.interface`` for the site risk it shows."""
    ids = []
    for ref in refs:
        try:
            ids.append(uuid.UUID(ref))
        except ValueError:
            continue
    if not ids:
        return set()
    return {str(pk) for pk in visible_audits(actor).filter(pk__in=ids).values_list("pk", flat=True)}


def readable_audit_refs_at(actor: Actor, facilities: QuerySet[Any]) -> set[str]:
    """The ids of the audits of these sites (a queryset of facility ids) the actor may read:
    :func:`readable_audit_refs` for a whole chain in one joined query (registered with risk)."""
    # Only an active audit speaks for its site in risk (services.refresh_site_signals).
    readable = visible_audits(actor).filter(facility_id__in=facilities, status=AuditStatus.ACTIVE)
    return {str(pk) for pk in readable.values_list("pk", flat=True)}


def audit_list(actor: Actor, *, q: str = "", status: str = "") -> QuerySet[Audit]:
    qs = visible_audits(actor)
    if q:
        qs = qs.filter(Q(facility__name__icontains=q) | Q(facility__public_id=q.upper()))
    if status in AuditStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-end_date", "-created_at")


def findings(actor: Actor, audit: Audit) -> QuerySet[Finding]:
    qs = scoped(actor, Finding.objects.all(), owner="audit__owner", shared=_shared(actor, "audit__"))
    return (
        qs.filter(audit=audit)
        .select_related("action", "audit__scheme_version")
        .prefetch_related(approved_extensions("action__"))
        .order_by("number")
    )


def approved_extensions(path: str = "") -> Prefetch[Any, Any, Any]:
    """Each action's approved extensions, newest first, for the "extended from … to …" flag
    (``CorrectiveAction.last_extension``) without a query per line."""
    qs = DeadlineExtension.objects.filter(status=ExtensionStatus.APPROVED).select_related("decided_by_org")
    return Prefetch(f"{path}extensions", queryset=qs.order_by("-decided_at", "-pk"), to_attr="approved_extensions")


def extensions(actor: Actor, action: CorrectiveAction) -> QuerySet[DeadlineExtension]:
    """An action's deadline history (requests and decisions), for whoever may read the action."""
    qs = scoped(
        actor,
        DeadlineExtension.objects.select_related("decided_by_org", "action__audit"),
        owner="action__audit__owner",
        shared=_shared(actor, "action__audit__"),
    )
    return qs.filter(action=action).order_by("-requested_at", "-pk")


def get_extension(actor: Actor, extension_id: int) -> DeadlineExtension:
    qs = scoped(
        actor,
        DeadlineExtension.objects.select_related("action__audit__facility", "action__finding"),
        owner="action__audit__owner",
        shared=_shared(actor, "action__audit__"),
    ).exclude(_firm_draft_of_others(actor, "action__audit__"))
    return get_scoped_or_404(qs, pk=extension_id)


def pending_extensions(actor: Actor) -> QuerySet[DeadlineExtension]:
    """Extension requests waiting: the ones a supplier sent, or the ones a firm or member may decide."""
    qs = DeadlineExtension.objects.filter(
        status=ExtensionStatus.PENDING, action__in=chain_actions(actor).values("pk")
    ).select_related("action__audit__facility", "action__finding")
    return qs.order_by("requested_at", "pk")


def revisions(actor: Actor, audit: Audit) -> QuerySet[AuditRevision]:
    """The earlier versions of an audit, for whoever may read the audit."""
    qs = scoped(
        actor,
        AuditRevision.objects.select_related("created_by_org"),
        owner="audit__owner",
        shared=_shared(actor, "audit__"),
    )
    return qs.filter(audit=audit).order_by("-number")


def linked_readers(audit: Audit) -> list[int]:
    """The members that may read the audit and have an active link to its site (a system read,
    for the zero-tolerance alert): the audits' one rule, narrowed to the site's buyers."""
    if audit.status != AuditStatus.ACTIVE:
        return []
    linked = active_links().filter(facility_id=audit.facility_id).values("org_id")
    members = Organisation.objects.filter(kind=OrgKind.MEMBER, is_active=True, pk__in=Subquery(linked))
    if audit.owner_id not in share_all_supplier_ids():
        members = members.filter(pk__in=AuditShare.objects.filter(audit=audit).values("org_id"))
    return sorted(members.values_list("pk", flat=True))


def zero_tolerance_alerts(actor: Actor) -> QuerySet[ZeroToleranceAlert]:
    """A member's alerts of zero-tolerance findings, for the audits it may still read."""
    qs = scoped(actor, ZeroToleranceAlert.objects.all(), owner="org")
    return (
        qs.filter(audit__in=visible_audits(actor).values("pk"))
        .select_related("finding", "audit__facility", "audit__scheme_version")
        .order_by("-created_at", "-pk")
    )


def visible_actions(actor: Actor) -> QuerySet[CorrectiveAction]:
    qs = CorrectiveAction.objects.select_related("finding", "audit__facility", "audit__scheme_version")
    scoped_qs = scoped(actor, qs, owner="audit__owner", shared=_shared(actor, "audit__"))
    return scoped_qs.exclude(_firm_draft_of_others(actor, "audit__"))


def get_action(actor: Actor, action_id: int) -> CorrectiveAction:
    return get_scoped_or_404(visible_actions(actor), pk=action_id)


def get_evidence(actor: Actor, evidence_id: int) -> CapEvidence:
    qs = scoped(
        actor,
        CapEvidence.objects.select_related("action__audit"),
        owner="action__audit__owner",
        shared=_shared(actor, "action__audit__"),
    ).exclude(_firm_draft_of_others(actor, "action__audit__"))
    return get_scoped_or_404(qs, pk=evidence_id)


def site_audits(actor: Actor, facility: Facility) -> list[Audit]:
    """A site's audit history (newest first) as far as the actor may see it."""
    return list(visible_audits(actor).filter(facility=facility).order_by("-end_date"))


def may_ask_for_audits(actor: Actor, facility: Facility) -> bool:
    """Whether a member may ask the site's supplier for its audits: it has an active link to
    the site and the site has a verified owner to ask.

    Deliberately blind to whether unshared audits exist: how many there are (even "one") would
    tell the member what the supplier chose not to share.
    """
    if actor.kind != OrgKind.MEMBER or actor.org is None or facility.owner_id is None:
        return False
    return active_links().filter(org=actor.org, facility=facility).exists()


def shares_of(actor: Actor, audit: Audit) -> QuerySet[AuditShare]:
    """Whom the supplier shared an audit with: for the supplier's eyes only."""
    return scoped(actor, AuditShare.objects.select_related("org"), owner="audit__owner").filter(audit=audit)


def get_share(actor: Actor, audit: Audit, member_id: int) -> AuditShare:
    """One share of the audit, for the supplier (404 for anyone else, and for a member without one)."""
    return get_scoped_or_404(shares_of(actor, audit), org_id=member_id)


def get_finding(actor: Actor, audit: Audit, number: int) -> Finding:
    return get_scoped_or_404(findings(actor, audit), number=number)


def share_candidates(actor: Actor, audit: Audit) -> QuerySet[Organisation]:
    """Members the supplier knows for the audit's site, to offer first on its sharing form: those
    that asked it for the site's audits (any answer) and those it shares another audit of the site
    with; not those it already shares this audit with. For the supplier's eyes only.

    Not the members linked to the site (``linked_readers``' query): a member's links are its own,
    and the supplier learns of a customer only when the customer comes forward."""
    if actor.org is None or audit.owner_id != actor.org.pk:
        return Organisation.objects.none()
    asked = access_requests(actor, status="").filter(facility_id=audit.facility_id).values("org_id")
    reading = scoped(actor, AuditShare.objects.all(), owner="audit__owner").filter(audit__facility_id=audit.facility_id)
    already = AuditShare.objects.filter(audit=audit).values("org_id")
    return (
        members()
        .filter(Q(pk__in=Subquery(asked)) | Q(pk__in=Subquery(reading.exclude(audit=audit).values("org_id"))))
        .exclude(pk__in=Subquery(already))
    )


def member_search(audit: Audit, q: str, limit: int = 20) -> list[Organisation]:
    """Members whose name holds ``q`` and that do not read this audit through a share yet: the rest
    of the sharing form, searched rather than listed whole (the directory is visible to suppliers)."""
    q = q.strip()
    if not q:
        return []
    already = AuditShare.objects.filter(audit=audit).values("org_id")
    return list(members().filter(name__icontains=q).exclude(pk__in=Subquery(already))[:limit])


def audit_reads(actor: Actor, audit: Audit) -> QuerySet[AuditRead]:
    """Who read the audit, person by person (organisation, person, first and last time, how often):
    the supplier's, as the events of these reads are. Nobody else gets a row."""
    qs = scoped(actor, AuditRead.objects.select_related("org", "user"), owner="audit__owner")
    return qs.filter(audit=audit).order_by("-last_read_at", "pk")


def audit_reads_by_org(actor: Actor, audit: Audit) -> list[dict[str, Any]]:
    """Who read the audit, per organisation only (no persons): for the audit firm that entered it,
    and the supplier. Members get nothing: which other members read an audit is not theirs to know."""
    if actor.org is None or actor.org.pk not in {audit.owner_id, audit.entering_firm_id}:
        return []
    rows = (
        AuditRead.objects.filter(audit=audit)
        .values("org__name")
        .annotate(first=Min("first_read_at"), last=Max("last_read_at"), reads=Sum("reads"))
        .order_by("-last", "org__name")
    )
    return [dict(row) for row in rows]


def finding_comments(actor: Actor, audit: Audit) -> QuerySet[FindingComment]:
    """The comments on the audit's findings the actor may read. The supplier and the firm read all;
    every reader reads theirs; a member reads its own and no other member's (members do not learn
    of each other through an audit, see ``shares_of``)."""
    qs = scoped(
        actor,
        FindingComment.objects.select_related("org", "author", "finding", "audit"),
        owner="audit__owner",
        shared=_shared(actor, "audit__"),
    ).filter(audit=audit)
    if actor.org is not None and actor.org.pk not in {audit.owner_id, audit.entering_firm_id}:
        site_side = [pk for pk in (audit.owner_id, audit.entering_firm_id) if pk is not None]
        qs = qs.filter(Q(org_id=actor.org.pk) | Q(org_id__in=site_side))
    return qs.order_by("created_at", "pk")


def comment_author(actor: Actor, comment: FindingComment) -> str:
    """Who wrote a comment, by name, for the writer's own organisation and the audit's supplier (whose
    trail names its readers anyway); everyone else reads the organisation only, as people of an
    organisation are its own."""
    if comment.author is None or actor.org is None:
        return ""
    if actor.org.pk in {comment.org_id, comment.audit.owner_id}:
        return comment.author.get_full_name()
    return ""


def with_comments(actor: Actor, audit: Audit, findings: QuerySet[Finding]) -> list[Finding]:
    """The findings, each with ``visible_comments``: the comments the actor may read (one query)."""
    by_finding: dict[int, list[FindingComment]] = defaultdict(list)
    for comment in finding_comments(actor, audit):
        comment.author_shown = comment_author(actor, comment)  # type: ignore[attr-defined]
        by_finding[comment.finding_id].append(comment)
    rows = list(findings)
    for finding in rows:
        finding.visible_comments = by_finding.get(finding.pk, [])  # type: ignore[attr-defined]
    return rows


def sharing_choice(actor: Actor) -> SupplierSharing:
    org = actor.require_kind(OrgKind.SUPPLIER)
    return SupplierSharing.objects.filter(supplier=org).first() or SupplierSharing(supplier=org)


def access_requests(actor: Actor, status: str = RequestStatus.PENDING) -> QuerySet[AccessRequest]:
    """Requests the supplier receives, or the ones a member sent."""
    qs = AccessRequest.objects.select_related("facility", "org", "supplier")
    qs = scoped(actor, qs, owner="supplier" if actor.kind == OrgKind.SUPPLIER else "org")
    return qs.filter(status=status) if status else qs


def get_access_request(actor: Actor, request_id: int) -> AccessRequest:
    return get_scoped_or_404(scoped(actor, AccessRequest.objects.all(), owner="supplier"), pk=request_id)


def members() -> QuerySet[Organisation]:
    """Members a supplier may share with (the directory is visible to suppliers anyway); also the
    members an audit firm may name as commissioning an audit of a site without a supplier (any
    member: which members source from a site is theirs to know, never the firm's)."""
    return Organisation.objects.filter(kind=OrgKind.MEMBER, is_active=True).order_by("name")


def audit_firms() -> QuerySet[Organisation]:
    """The audit-firm organisations a supplier picks its self-reported audit's firm from (the
    directory shows them to everyone); a suspended firm is listed, and refused on entry."""
    return Organisation.objects.filter(kind=OrgKind.AUDIT_FIRM, is_active=True).order_by("name")


# --- Schemes, the APSCA register, policies -------------------------------------------------


def scheme_versions(active_only: bool = True) -> QuerySet[SchemeVersion]:
    qs = SchemeVersion.objects.select_related("scheme").order_by("scheme__name", "version")
    return qs.filter(is_active=True) if active_only else qs


SITE_SUGGESTIONS = 10


def auditable_sites(actor: Actor, q: str, limit: int = SITE_SUGGESTIONS) -> list[Facility]:
    """Register sites ``actor`` may enter an audit of whose name, alias (any script) or facility
    id matches ``q``: the register's own search (active sites, provisional ones only where the
    actor may see them); a supplier's own sites only, as it audits nothing else."""
    actor.require_org()
    q = q.strip()[:200]
    if len(q) < 2:
        return []
    qs = search_facilities(actor, q=q)
    if actor.kind == OrgKind.SUPPLIER:
        qs = qs.filter(owner=actor.org)
    return list(qs[:limit])


def schemes() -> QuerySet[AuditScheme]:
    return AuditScheme.objects.prefetch_related("versions").order_by("name")


def apsca_register(q: str = "") -> QuerySet[ApscaAuditor]:
    qs = ApscaAuditor.objects.all()
    if q:
        qs = qs.filter(Q(number=q.strip()) | Q(name__icontains=q.strip()))
    return qs


def sector_policy() -> RecognitionPolicy:
    policy = RecognitionPolicy.objects.filter(org__isnull=True).first()
    return policy or RecognitionPolicy(org=None)


def member_policy(org: Organisation) -> RecognitionPolicy | None:
    return RecognitionPolicy.objects.filter(org=org).first()


def _as_rule(policy: RecognitionPolicy) -> rules.Policy:
    versions = frozenset(policy.accepted_versions.values_list("pk", flat=True)) if policy.pk else frozenset()
    return rules.Policy(
        version_ids=versions,
        max_age_months=policy.max_age_months,
        require_qualified_auditor=policy.require_qualified_auditor,
        required_pillars=frozenset(policy.required_pillars or ()),
        accept_self_reported=policy.accept_self_reported,
        min_overlap=policy.min_overlap,
    )


def effective_policy(org: Organisation | None) -> rules.Policy:
    """The sector benchmark, made stricter by the member's own rules if it set any.

    Versions lacking a required pillar or below the minimum overlap with the reference protocol
    drop out here, so recognition (and the coverage SQL) stays one test on the version."""
    own = member_policy(org) if org is not None else None
    pillars: dict[int, Any] = {}
    overlaps: dict[int, float] = {}
    for pk, version_pillars, reference_map in SchemeVersion.objects.values_list("pk", "pillars", "reference_map"):
        pillars[pk] = version_pillars
        overlaps[pk] = overlap_of(reference_map)
    return rules.stricter(_as_rule(sector_policy()), _as_rule(own) if own else None, pillars, overlaps)


def recognised_audits(
    policy: rules.Policy, today: date | None = None, audits: QuerySet[Audit] | None = None
) -> QuerySet[Audit]:
    """Audits that count under ``policy`` today (one indexed filter; see rules.is_recognised)."""
    today = today or timezone.localdate()
    return (audits if audits is not None else Audit.objects.all()).filter(recognition(policy, today))


def recognition(policy: rules.Policy, today: date, path: str = "") -> Q:
    """``rules.is_recognised`` as a filter on audits (or on another table, through ``path``,
    e.g. ``"audit__"``): the one place the rule is written for the database."""
    q = Q(
        **{
            f"{path}status": AuditStatus.ACTIVE,
            f"{path}scheme_version_id__in": sorted(policy.version_ids),
            f"{path}valid_until__gte": today,
            f"{path}end_date__gte": rules.oldest_accepted_end(policy, today),
        }
    )
    if not policy.accept_self_reported:
        q &= Q(**{f"{path}self_reported": False})
    return q & Q(**{f"{path}qualified_auditor": True}) if policy.require_qualified_auditor else q


def is_recognised_for(audit: Audit, org: Organisation | None) -> bool:
    policy = effective_policy(org)
    return rules.is_recognised(
        policy,
        version_id=audit.scheme_version_id,
        end_date=audit.end_date,
        valid_until=audit.valid_until,
        qualified_auditor=audit.qualified_auditor,
        active=audit.status == AuditStatus.ACTIVE,
        today=timezone.localdate(),
        self_reported=audit.self_reported,
    )


# --- A member's coverage ---------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """Counted from the audits the member may read only: an audit not shared with it leaves
    no trace here (not even "a recognised audit exists"); high risk is the shared picture's band."""

    sites: int
    covered: int  # a recognised audit the member may read
    not_recognised: int  # audits the member may read, none of which meets the policy
    never_audited: int  # no audit the member may read
    high_risk: int
    high_risk_covered: int
    unscored: int = 0  # no stored risk yet (being scored): in neither high_risk nor its complement

    @property
    def covered_share(self) -> float | None:
        return self.covered / self.sites if self.sites else None

    @property
    def high_risk_share(self) -> float | None:
        return self.high_risk_covered / self.high_risk if self.high_risk else None


def _readable_by(org_id: int) -> Q:
    """Like _member_access, as a correlated lookup of the (audit, member) share: cheaper per site
    than probing a list of all the member's shares (see benchmarks/audits/bench_coverage.py)."""
    shared = AuditShare.objects.filter(audit_id=OuterRef("pk"), org_id=org_id)
    return Q(status=AuditStatus.ACTIVE) & (Q(Exists(shared)) | Q(owner_id__in=share_all_supplier_ids()))


def _site_states(
    links: QuerySet[SupplyLink],
    org: Organisation,
    policy: rules.Policy,
    today: date,
    facility_ids: list[int] | None = None,
) -> QuerySet[SupplyLink]:
    """Annotate links with ``covered`` (a recognised audit the member may read) and ``audited``
    (an active audit the member may read). Audits it may not read are not looked at.

    ``facility_ids`` narrows the audits looked at to a page's sites: PostgreSQL may hash a
    subquery's whole result instead of looking up row by row, so it must be small."""
    audits = Audit.objects.filter(facility_id__in=facility_ids) if facility_ids is not None else Audit.objects.all()
    readable = recognised_audits(policy, today, audits).filter(facility_id=OuterRef("facility_id"))
    audited = audits.filter(facility_id=OuterRef("facility_id")).filter(_readable_by(org.pk))
    return links.annotate(
        covered=Exists(readable.filter(_readable_by(org.pk))),
        audited=Exists(audited),
    )


def member_view(actor: Actor) -> risk_lists.Scores:
    """The linked sites whose risk this member sees otherwise than the stored picture
    (``risk.evidence.member_scores``): read once per page and handed to each part of it."""
    return member_scores(actor, linked_site_ids(actor))


def coverage(actor: Actor, policy: rules.Policy | None = None, own: risk_lists.Scores | None = None) -> Coverage:
    """Per linked site: is there a valid recognised audit for this member? Counted in the database,
    in one statement that only reads (``audits/coverage.py`` says what it counts and why so).

    The high-risk figures are in the member's view: the statement joins the stored bands with the
    few sites its own overrides or the evidence it may read move (``risk.lists.member_band_rows``)."""
    org = actor.require_kind(OrgKind.MEMBER)
    policy = policy or effective_policy(org)
    today = timezone.localdate()
    sites = linked_site_ids(actor)
    counts = count_coverage(
        # The register's one count of "Linked sites" (active links only).
        sites,
        recognised_audits(policy, today),
        org_id=org.pk,
        share_all=share_all_supplier_ids(),
        bands=risk_lists.member_band_rows(actor, sites, own),
    )
    return Coverage(
        sites=counts.sites,
        covered=counts.covered,
        not_recognised=counts.not_recognised,
        never_audited=counts.sites - counts.covered - counts.not_recognised,
        high_risk=counts.high_risk,
        high_risk_covered=counts.high_risk_covered,
        unscored=counts.unscored,
    )


def coverage_sites(
    actor: Actor,
    state: str = "",
    policy: rules.Policy | None = None,
    risk: RiskQuery | None = None,
    own: risk_lists.Scores | None = None,
) -> QuerySet[SupplyLink]:
    """The member's own linked sites for the coverage table, optionally only those in one state,
    with their risk in the member's view (``risk.lists``: ``risk_band``, ``risk_score``, …),
    filtered by band and topic and sorted worst first as ``risk`` asks.

    Without a state the links are not annotated with it: the page's rows get their state
    from :func:`with_states`, so a page of 50 does not cost the work of 20,000.
    """
    org = actor.require_kind(OrgKind.MEMBER)
    links = own_links(actor).select_related("facility").order_by("facility__country", "facility__name", "pk")
    if state:
        states = _site_states(links, org, policy or effective_policy(org), timezone.localdate())
        # The django-stubs plugin does not follow annotations made in _site_states.
        links = states.filter(covered=(state == "covered"))  # type: ignore[misc]
    return risk_lists.apply(actor, links, risk or RiskQuery(), own=own)


def sites_to_act_on(
    actor: Actor, policy: rules.Policy | None = None, own: risk_lists.Scores | None = None
) -> QuerySet[SupplyLink]:
    """High or very high risk sites (the member's view) without a recognised audit it may
    read, worst first: the coverage page's list to act on (request an audit, ask the supplier)."""
    return coverage_sites(actor, "gap", policy, RiskQuery(band=HIGH_PLUS, sort=SORT_RISK), own)


def coverage_export_rows(
    actor: Actor, state: str = "", policy: rules.Policy | None = None, risk: RiskQuery | None = None
) -> QuerySet[SupplyLink]:
    """:func:`coverage_sites` with every row's state (``covered``, ``audited``) and ``last_audit``:
    the whole table for a download, annotated by the database in one query."""
    org = actor.require_kind(OrgKind.MEMBER)
    policy = policy or effective_policy(org)
    latest = (
        Audit.objects.filter(facility_id=OuterRef("facility_id")).filter(_readable_by(org.pk)).order_by("-end_date")
    )
    links = _site_states(coverage_sites(actor, state, policy, risk), org, policy, timezone.localdate())
    return links.annotate(last_audit=Subquery(latest.values("end_date")[:1]))


def with_states(actor: Actor, links: list[SupplyLink], policy: rules.Policy | None = None) -> list[SupplyLink]:
    """The same links (one page), annotated with their audit state and the date of the last
    audit the member may read (an unshared audit's date would betray it)."""
    org = actor.require_kind(OrgKind.MEMBER)
    latest = (
        Audit.objects.filter(facility_id=OuterRef("facility_id")).filter(_readable_by(org.pk)).order_by("-end_date")
    )
    qs = scoped(actor, SupplyLink.objects.select_related("facility"), owner="org").filter(
        pk__in=[link.pk for link in links]
    )
    facility_ids = [link.facility_id for link in links]
    policy = policy or effective_policy(org)
    annotated = _site_states(qs, org, policy, timezone.localdate(), facility_ids).annotate(
        last_audit=Subquery(latest.values("end_date")[:1])
    )
    by_pk = {link.pk: link for link in annotated}
    out = []
    # The given rows keep what they were annotated with before (the member's risk columns).
    for link in links:
        found = by_pk.get(link.pk)
        if found is not None:
            link.covered, link.audited, link.last_audit = found.covered, found.audited, found.last_audit  # type: ignore[attr-defined]
            out.append(link)
    return out


# --- CAPs ------------------------------------------------------------------------------------


def chain_actions(actor: Actor) -> QuerySet[CorrectiveAction]:
    """The actions the actor follows up: for a member, those at sites in its own chain
    (an audit shared by a supplier that shares everything may be of a site it does not source from)."""
    qs = visible_actions(actor)
    if actor.kind == OrgKind.MEMBER and actor.org is not None:
        linked = active_links().filter(org=actor.org).values("facility_id")
        qs = qs.filter(audit__facility_id__in=Subquery(linked))
    return qs


def overdue_actions(actor: Actor) -> QuerySet[CorrectiveAction]:
    today = timezone.localdate()
    return (
        chain_actions(actor)
        .exclude(status=CapStatus.CLOSED)
        .filter(due_date__lt=today, audit__status=AuditStatus.ACTIVE)
        .prefetch_related(approved_extensions())
        .order_by("due_date")
    )


def open_actions(actor: Actor) -> QuerySet[CorrectiveAction]:
    return (
        chain_actions(actor)
        .exclude(status=CapStatus.CLOSED)
        .filter(audit__status=AuditStatus.ACTIVE)
        .prefetch_related(approved_extensions())
        .order_by("due_date", "pk")
    )


def section_topic(action: CorrectiveAction) -> str:
    """The risk topic the scheme maps the action's finding's section to ("" where unknown)."""
    section = action.audit.scheme_version.section(action.finding.section) or {}
    return str(section.get("topic") or "")


def _on_topic(topic: str) -> Q:
    """Actions whose finding's section its scheme version maps to ``topic``. Sections are data
    (``SchemeVersion.sections``), a few per version: matched as (version, section code) pairs."""
    wanted = Q(pk__in=[])
    for version_id, sections in SchemeVersion.objects.values_list("pk", "sections"):
        for section in sections or []:
            if str(section.get("topic") or "") == topic:
                wanted |= Q(audit__scheme_version_id=version_id, finding__section__iexact=str(section["code"]))
    return wanted


def actions_by_risk(actor: Actor, actions: QuerySet[CorrectiveAction], risk: RiskQuery) -> QuerySet[CorrectiveAction]:
    """Actions with their site's risk in the actor's view (``risk.lists``), filtered by band and
    sorted worst first as ``risk`` asks; a topic keeps the actions whose finding is on that
    topic (its section's topic, where the scheme says) and bands the sites by that topic."""
    if risk.topic:
        actions = actions.filter(_on_topic(risk.topic))
    return risk_lists.apply(actor, actions, risk, facility="audit__facility")


def cap_kpis(actions: QuerySet[CorrectiveAction]) -> rules.CapKpis:
    """``rules.cap_kpis`` over the actions of active audits, counted by the database."""
    return cap_figures(actions)[0]


def cap_figures(actions: QuerySet[CorrectiveAction]) -> tuple[rules.CapKpis, int]:
    """The CAP KPIs (``rules.cap_kpis``, the rule in plain Python) and the open actions, over the
    actions of active audits, in one statement: the actions grouped by days to close (days are
    whole dates in UTC, as ``closed_at.date()`` reads them; none while open), so the rows that
    come back are at most one per distinct duration, whatever the number of actions, and the
    median is read from them."""
    today = timezone.localdate()
    closed_on = _UtcDate("closed_at")
    closed = Q(closed_at__isnull=False)
    due = Q(due_date__isnull=False) & (Q(due_date__lt=today) | closed)
    days = _DaysBetween("created_at", "closed_at")
    rows = (
        actions.filter(audit__status=AuditStatus.ACTIVE)
        .annotate(closed_on=closed_on, days=days)
        .order_by()
        .values("days")
        .annotate(
            n=Count("pk"),
            due=Count("pk", filter=due),
            on_time=Count("pk", filter=due & closed & Q(closed_on__lte=F("due_date"))),
            open=Count("pk", filter=~Q(status=CapStatus.CLOSED)),
        )
        .values_list("days", "n", "due", "on_time", "open")
    )
    histogram: list[tuple[int, int]] = []
    n_due = on_time = n_open = 0
    for duration, n, row_due, row_on_time, row_open in rows:
        n_due, on_time, n_open = n_due + row_due, on_time + row_on_time, n_open + row_open
        if duration is not None:
            histogram.append((int(duration), n))
    kpis = rules.CapKpis(
        due=n_due,
        closed_on_time=on_time,
        closure_rate=on_time / n_due if n_due else None,
        median_days_to_close=_median_of(histogram),
    )
    return kpis, n_open


class _UtcDate(Func):
    """A stored moment's date in UTC, in the database's own SQL (``TruncDate`` calls a Python
    function per row on SQLite: 100,000 actions took seconds)."""

    output_field = DateField()
    template = "((%(expressions)s) AT TIME ZONE 'UTC')::date"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="date(%(expressions)s)", **extra)


class _DaysBetween(Func):
    """Whole days from the first moment's UTC date to the second's (``(b.date() - a.date()).days``)."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        start, end = (compiler.compile(e) for e in self.get_source_expressions())
        if connection.vendor == "sqlite":
            sql = f"CAST(julianday(date({end[0]})) - julianday(date({start[0]})) AS INTEGER)"
        else:
            sql = f"(({end[0]}) AT TIME ZONE 'UTC')::date - (({start[0]}) AT TIME ZONE 'UTC')::date"
        return f"({sql})", (*end[1], *start[1])


def _median_of(histogram: list[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many) pairs, as ``statistics.median`` reads it."""
    total = sum(n for _value, n in histogram)
    if not total:
        return None
    wanted, found = [(total - 1) // 2, total // 2], []
    seen = 0
    for value, n in sorted(histogram):
        while wanted and wanted[0] < seen + n:
            found.append(value)
            wanted.pop(0)
        seen += n
    return sum(found) / len(found)


def joint_action_candidates(actor: Actor) -> QuerySet[Finding]:
    """Findings that need collaborative action at sites the member sources from.

    The issue asks that these be visible to every member linked to the site, so
    they can act together: this shows the section, grade and description only,
    never the report, the rest of the audit or who else is linked.
    """
    org = actor.require_kind(OrgKind.MEMBER)
    linked = active_links().filter(org=org).values("facility_id")
    qs = Finding.objects.select_related("audit__facility", "action").filter(
        collaborative=True,
        audit__status=AuditStatus.ACTIVE,
        audit__facility_id__in=Subquery(linked),
    )
    return qs.exclude(action__status=CapStatus.CLOSED).order_by("audit__facility__name", "number")


# --- Audit requests ----------------------------------------------------------------------


def own_audit_requests(actor: Actor) -> QuerySet[AuditRequest]:
    qs = AuditRequest.objects.select_related("facility", "joint", "offered_audit")
    return scoped(actor, qs, owner="org").annotate(joined=Count("joint__requests")).order_by("-created_at")


def linked_facility(actor: Actor, public_id: str) -> Facility:
    """A site from the member's own chain (404 for any other)."""
    org = actor.require_kind(OrgKind.MEMBER)
    link = get_scoped_or_404(
        own_links(actor).select_related("facility"),
        facility__public_id=public_id.upper(),
    )
    assert link.org_id == org.pk
    return link.facility


# --- Joint audits (issue 13, item 7) ----------------------------------------------------------
#
# Who sees a joint audit: its co-funders (members with a request in it that did not leave), the
# audit firm they chose, and the site's verified supplier (it hosts the audit and decides who reads
# it). Co-funders and the firm see each other's names (they chose to act together, and the firm
# contracts with them); the supplier sees how many co-funders there are, and a member's name only
# when that member's share request reaches it. Other members linked to the site see a count per
# site (never a name) and may join; anyone else gets 404.


def _joint_shared(actor: Actor) -> Q | None:
    if actor.org is None:
        return None
    if actor.kind == OrgKind.MEMBER:
        live = (
            AuditRequest.objects.filter(org_id=actor.org.pk, joint__isnull=False)
            .exclude(status=AuditRequestStatus.CANCELLED)
            .values("joint_id")
        )
        return Q(pk__in=Subquery(live))
    if actor.kind == OrgKind.AUDIT_FIRM:
        return Q(audit_firm_id=actor.org.pk)
    if actor.kind == OrgKind.SUPPLIER:
        return Q(facility__owner_id=actor.org.pk)
    return None


def joint_audits(actor: Actor) -> QuerySet[JointAudit]:
    """The joint audits the actor takes part in (co-funder, chosen firm, or the site's supplier).

    The opener is always a co-funder (leaving passes the role on), so owning one is co-funding it."""
    qs = JointAudit.objects.select_related("facility", "scheme_version__scheme", "audit_firm", "opened_by").annotate(
        cofunders=Count("requests", filter=~Q(requests__status=AuditRequestStatus.CANCELLED))
    )
    return scoped(actor, qs, owner="opened_by", shared=_joint_shared(actor)).order_by("-created_at", "-pk")


def get_joint_audit(actor: Actor, joint_id: int) -> JointAudit:
    """One joint audit for a participant; 404 for everyone else (other members included)."""
    return get_scoped_or_404(joint_audits(actor), pk=joint_id)


def joinable_joint_audit(actor: Actor, joint_id: int) -> JointAudit:
    """An open joint audit at a site the member sources from (to join it); 404 for any other."""
    org = actor.require_kind(OrgKind.MEMBER)
    linked = active_links().filter(org=org).values("facility_id")
    qs = JointAudit.objects.select_related("facility").filter(
        status=JointAuditStatus.PLANNING, facility_id__in=Subquery(linked)
    )
    return get_scoped_or_404(qs, pk=joint_id)


def audits_to_link(actor: Actor, joint: JointAudit) -> QuerySet[Audit]:
    """The submitted audits of the joint audit's site the actor could link: the chosen firm's own,
    or the site's supplier's."""
    if actor.org is None or actor.org.pk not in (joint.audit_firm_id, joint.facility.owner_id):
        return Audit.objects.none()
    return visible_audits(actor).filter(facility_id=joint.facility_id, status=AuditStatus.ACTIVE).order_by("-end_date")


def readers_among(audit: Audit, org_ids: list[int]) -> set[int]:
    """Which of these members may read the audit now: the audits' one rule, as a system read."""
    if audit.status != AuditStatus.ACTIVE or not org_ids:
        return set()
    if audit.owner_id in share_all_supplier_ids():
        return set(org_ids)
    return set(AuditShare.objects.filter(audit=audit, org_id__in=org_ids).values_list("org_id", flat=True))


@dataclass(frozen=True)
class JointNeed:
    """A site in the member's chain without a recognised audit it may read, where other members
    need an audit too: how many (a count, never who), and the joint audit being planned there."""

    facility: Facility
    others: int
    joint_id: int | None
    joined: bool


def joint_needs(actor: Actor) -> list[JointNeed]:
    """Per site of the member's chain: how many OTHER members need an audit there.

    Counted: members with an active link to the site (so the count is never more than the
    register's own "n other members source here", which every linked member sees) that have an
    open request or are co-funding the joint audit being planned. Sites where the member may
    read a recognised audit are left out (it needs none); so are sites where nobody else needs one,
    unless the member itself is in the site's joint audit."""
    org = actor.require_kind(OrgKind.MEMBER)
    linked = active_links().filter(org=org).values("facility_id")
    open_requests = AuditRequest.objects.filter(
        status=AuditRequestStatus.JOINED,
        joint__status=JointAuditStatus.PLANNING,
        facility_id__in=Subquery(linked),
    )
    still_linked = active_links().filter(org_id=OuterRef("org_id"), facility_id=OuterRef("facility_id"))
    counts = dict(
        open_requests.exclude(org=org)
        .filter(Exists(still_linked))
        .values("facility_id")
        .annotate(n=Count("org_id", distinct=True))
        .values_list("facility_id", "n")
    )
    own = set(open_requests.filter(org=org).values_list("facility_id", flat=True))
    site_ids = set(counts) | own
    if not site_ids:
        return []
    covered = set(
        recognised_audits(effective_policy(org), audits=visible_audits(actor))
        .filter(facility_id__in=site_ids)
        .values_list("facility_id", flat=True)
    )
    joints = dict(
        JointAudit.objects.filter(status=JointAuditStatus.PLANNING, facility_id__in=site_ids).values_list(
            "facility_id", "pk"
        )
    )
    sites = Facility.objects.in_bulk(site_ids - covered)
    rows = [
        JointNeed(facility=site, others=counts.get(pk, 0), joint_id=joints.get(pk), joined=pk in own)
        for pk, site in sites.items()
    ]
    return sorted(rows, key=lambda r: (-r.others, r.facility.name))


def joint_cofunders(actor: Actor, joint: JointAudit) -> list[tuple[AuditRequest, Any]]:
    """The co-funders with their agreed share and amount, for the co-funders and the chosen firm.

    The site's supplier gets none (it sees the count on the joint audit)."""
    get_joint_audit(actor, joint.pk)
    if actor.org is None or not (actor.kind == OrgKind.MEMBER or joint.audit_firm_id == actor.org.pk):
        return []
    requests = list(
        joint.requests.exclude(status=AuditRequestStatus.CANCELLED).select_related("org").order_by("created_at", "pk")
    )
    amounts = rules.cost_split(joint.estimated_cost, [r.cost_share_percent for r in requests])
    return list(zip(requests, amounts, strict=True))


# --- The sector's counters (aggregates only) ----------------------------------------------


def _policy_groups() -> tuple[rules.Policy, list[tuple[rules.Policy, list[int]]]]:
    """Members grouped by effective policy: the sector's (every member without rules of its own, or
    whose own change nothing), and one group per other effective policy, with its members' ids.
    Few: at most one per member with a policy of its own (``effective_policy`` is the one home)."""
    default = effective_policy(None)
    groups: dict[rules.Policy, list[int]] = defaultdict(list)
    for own in RecognitionPolicy.objects.filter(org__isnull=False).select_related("org").order_by("org_id"):
        policy = effective_policy(own.org)
        if policy != default and own.org_id is not None:
            groups[policy].append(own.org_id)
    return default, sorted(groups.items(), key=lambda group: group[1])


def _recognised_by_reader(today: date, *, audit: str, org: str) -> Q:
    """Recognition of the audit at ``audit`` (a path) under the effective policy of the member at
    ``org`` (a path to its id): one ``recognition`` filter per group of members sharing a policy,
    and before them what every group requires (so the database narrows the audits first, on the
    index of valid active audits, instead of testing each group on every audit of every link)."""
    default, groups = _policy_groups()
    policies = [default, *(policy for policy, _org_ids in groups)]
    any_policy = recognition(
        rules.Policy(
            version_ids=frozenset().union(*(p.version_ids for p in policies)),
            max_age_months=max(p.max_age_months for p in policies),
            require_qualified_auditor=all(p.require_qualified_auditor for p in policies),
            accept_self_reported=any(p.accept_self_reported for p in policies),
        ),
        today,
        audit,
    )
    listed = [org_id for _policy, org_ids in groups for org_id in org_ids]
    each = recognition(default, today, audit)
    if listed:
        each &= ~Q(**{f"{org}__in": listed})
    for policy, org_ids in groups:
        each |= Q(**{f"{org}__in": org_ids}) & recognition(policy, today, audit)
    return any_policy & each


def _reader_pairs(today: date) -> QuerySet[Any]:
    """One ``audit`` row per (audit, reader): the members that have an active link to its site, may
    read it (the audits' one rule) and recognise it under their own effective policy.

    Counted from the members' active links joined with their sites' audits (a member has one
    link per site), so the database does the work; no audit, link or share comes to Python."""
    audit = "facility__audits__"
    shared = AuditShare.objects.filter(audit_id=OuterRef(f"{audit}id"), org_id=OuterRef("org_id"))
    # One filter() call, so the share and the recognition test the same joined audit.
    pairs = active_links(today).filter(
        _recognised_by_reader(today, audit=audit, org="org_id")
        & (Q(**{f"{audit}owner_id__in": share_all_supplier_ids()}) | Q(Exists(shared)))
    )
    return pairs.order_by().values(audit=F(f"{audit}id"))


def avoided_by_audit(today: date | None = None) -> dict[uuid.UUID, int]:
    """For each audit readable by more than one linked member for whom it is recognised: how many
    it spared (readers - 1). A row per such audit: the sector's page counts with ``avoided_totals``."""
    rows = _reader_pairs(today or timezone.localdate()).annotate(readers=Count("pk")).filter(readers__gt=1)
    return {audit: readers - 1 for audit, readers in rows.values_list("audit", "readers")}


def avoided_totals(today: date | None = None) -> tuple[int, int]:
    """(audits avoided, audits that spared at least one): ``avoided_by_audit`` summed in the database.

    The (audit, reader) pairs are grouped by audit in the database, and only the sums come back."""
    rows = _reader_pairs(today or timezone.localdate()).annotate(readers=Count("pk")).filter(readers__gt=1)
    # Summed over the grouped rows in the same statement (Django 5.2 cannot aggregate over an
    # aggregate it filtered): the ORM compiles the rows, with their values as parameters.
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # no policy accepts any scheme version: nothing is recognised
        return 0, 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), SUM(readers) FROM ({sql}) per_audit", params)  # noqa: S608
        audits, readers = cursor.fetchone()
    return int(readers or 0) - int(audits or 0), int(audits or 0)


def shared_audits() -> QuerySet[Audit]:
    """Audits the supplier shared with at least one member (one by one, or all of them).

    The sector's counters count these only: an audit shared with nobody leaves no trace in
    anything others read, not even in a count (the only audit of a quarter would be "1")."""
    return Audit.objects.filter(in_circulation(share_all_supplier_ids()))


def in_circulation(share_all: list[int], path: str = "") -> Q:
    """``shared_audits`` as a filter on audits, or on another table through ``path`` (``"audit__"``):
    counting findings or actions of these audits this way lets the database join once instead of
    collecting the shared audits' ids first. ``share_all``: ``share_all_supplier_ids()``."""
    shared = AuditShare.objects.filter(audit_id=OuterRef(f"{path}id" if path else "pk"))
    return Q(**{f"{path}owner_id__in": share_all}) | Q(Exists(shared))


def high_risk_coverage(audits: QuerySet[Audit], today: date) -> dict[str, int]:
    """Linked sites that are high risk or worse in the shared bands (``sites``), and those with an
    audit among ``audits`` recognised under the sector benchmark (``covered``): one row."""
    covered = recognised_audits(effective_policy(None), today, audits).filter(facility_id=OuterRef("facility_id"))
    return (
        band_rows(active_links().values("facility_id"))
        .filter(band__gte=HIGH_BAND)
        .aggregate(sites=Count("pk"), covered=Count("pk", filter=Exists(covered)))
    )


def audit_burden(audits: QuerySet[Audit], since: date) -> dict[str, int]:
    """Active audits among ``audits`` that ended on or after ``since``, the sites they audited and
    the most audits of one site: one row, over the audits grouped by site in the database."""
    burden = (
        audits.filter(status=AuditStatus.ACTIVE, end_date__gte=since)
        .order_by()
        .values("facility_id")
        .annotate(n=Count("pk"))
        .aggregate(sites=Count("facility_id"), audits=Sum("n"), most=Max("n"))
    )
    return {key: value or 0 for key, value in burden.items()}


def zero_tolerance_counts(share_all: list[int], since: date) -> dict[str, int]:
    """Zero-tolerance (critical) findings of active shared audits (``in_circulation``): all, still
    open (no closed action), of audits that ended on or after ``since``. Counts only: one row."""
    findings = Finding.objects.filter(in_circulation(share_all, "audit__"))
    return findings.filter(audit__status=AuditStatus.ACTIVE, severity="critical").aggregate(
        all=Count("pk"),
        open=Count("pk", filter=~Q(action__status=CapStatus.CLOSED)),
        last_year=Count("pk", filter=Q(audit__end_date__gte=since)),
    )


def sector_counters() -> dict[str, Any]:
    """What the sector reports: coverage of high-risk sites, audits avoided, audit burden, CAP KPIs.

    Bands are the shared (public) risk picture; audits are those shared with some member. Every
    figure is an aggregate computed by the database: a dozen statements, each returning a row or
    two, whatever the number of audits (``tests/audits/test_sector_sql.py``)."""
    today = timezone.localdate()
    year_ago = rules.add_months(today, -12)
    share_all = share_all_supplier_ids()
    audits = Audit.objects.filter(in_circulation(share_all))  # shared_audits(), with share_all read once
    high = high_risk_coverage(audits, today)
    burden = audit_burden(audits, year_ago)
    avoided, sparing = avoided_totals(today)
    kpis, open_actions = cap_figures(CorrectiveAction.objects.filter(in_circulation(share_all, "audit__")))
    # Counts only: which site, supplier or finding is never shown to the secretariat.
    zero_tolerance = zero_tolerance_counts(share_all, year_ago)
    return {
        "linked_sites": active_links().values("facility_id").distinct().count(),
        "high_risk_sites": high["sites"],
        "high_risk_covered": high["covered"],
        "high_risk_share": high["covered"] / high["sites"] if high["sites"] else None,
        "audits_avoided": avoided,
        "shared_audits": sparing,
        "audits_last_year": burden["audits"],
        "audited_sites_last_year": burden["sites"],
        "burden": burden["audits"] / burden["sites"] if burden["sites"] else None,
        "max_burden": burden["most"],
        "kpis": kpis,
        "open_actions": open_actions,
        "zero_tolerance": zero_tolerance["all"],
        "zero_tolerance_open": zero_tolerance["open"],
        "zero_tolerance_last_year": zero_tolerance["last_year"],
    }


def latest_sector_count() -> SectorCount | None:
    """The sector's last count (``services.count_sector``); the secretariat's page shows it."""
    return SectorCount.objects.order_by("-counted_at", "-pk").first()


def supplier_burden(actor: Actor) -> dict[str, Any]:
    """A supplier's own audit burden: audits per site in the last twelve months."""
    org = actor.require_kind(OrgKind.SUPPLIER)
    year_ago = rules.add_months(timezone.localdate(), -12)
    audits = scoped(actor, Audit.objects.filter(status=AuditStatus.ACTIVE, end_date__gte=year_ago), owner="owner")
    sites = Facility.objects.filter(owner=org).count()
    n = audits.count()
    return {"audits": n, "sites": sites, "per_site": n / sites if sites else None}


def pending_request_count(actor: Actor) -> int:
    if actor.kind != OrgKind.SUPPLIER:
        return 0
    return access_requests(actor).count()


def recognition_for_members(actor: Actor, audit: Audit) -> list[tuple[Organisation, bool]]:
    """For the supplier: which of the members it shared with recognise this audit."""
    rows = []
    for share in shares_of(actor, audit):
        rows.append((share.org, is_recognised_for(audit, share.org)))
    return rows
