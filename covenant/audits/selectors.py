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
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from covenant.audits import rules
from covenant.audits.coverage import count_coverage
from covenant.audits.models import (
    AccessRequest,
    ApscaAuditor,
    Audit,
    AuditRequest,
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
    RecognitionPolicy,
    RequestStatus,
    SchemeVersion,
    SupplierSharing,
    ZeroToleranceAlert,
)
from covenant.core.actors import Actor
from covenant.core.scoping import get_scoped_or_404, scoped
from covenant.orgs.models import Organisation, OrgKind
from covenant.registry.interface import Facility, SupplyLink, active_links, linked_site_ids, own_links
from covenant.risk.interface import risk_bands

HIGH_BANDS = frozenset({"high", "very_high"})


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
        return Q(**{f"{path}audit_firm_org_id": actor.org.pk})
    return None


def visible_audits(actor: Actor) -> QuerySet[Audit]:
    qs = Audit.objects.select_related("facility", "scheme_version__scheme", "owner")
    return scoped(actor, qs, owner="owner", shared=_shared(actor))


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
    )
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
    return scoped(actor, qs, owner="audit__owner", shared=_shared(actor, "audit__"))


def get_action(actor: Actor, action_id: int) -> CorrectiveAction:
    return get_scoped_or_404(visible_actions(actor), pk=action_id)


def get_evidence(actor: Actor, evidence_id: int) -> CapEvidence:
    qs = scoped(
        actor,
        CapEvidence.objects.select_related("action__audit"),
        owner="action__audit__owner",
        shared=_shared(actor, "action__audit__"),
    )
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
    """Members a supplier may share with (the directory is visible to suppliers anyway)."""
    return Organisation.objects.filter(kind=OrgKind.MEMBER, is_active=True).order_by("name")


# --- Schemes, the APSCA register, policies -------------------------------------------------


def scheme_versions(active_only: bool = True) -> QuerySet[SchemeVersion]:
    qs = SchemeVersion.objects.select_related("scheme").order_by("scheme__name", "version")
    return qs.filter(is_active=True) if active_only else qs


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
    )


def effective_policy(org: Organisation | None) -> rules.Policy:
    """The sector benchmark, made stricter by the member's own rules if it set any."""
    own = member_policy(org) if org is not None else None
    pillars = dict(SchemeVersion.objects.values_list("pk", "pillars"))
    return rules.stricter(_as_rule(sector_policy()), _as_rule(own) if own else None, pillars)


def recognised_audits(
    policy: rules.Policy, today: date | None = None, audits: QuerySet[Audit] | None = None
) -> QuerySet[Audit]:
    """Audits that count under ``policy`` today (one indexed filter; see rules.is_recognised)."""
    today = today or timezone.localdate()
    qs = (audits if audits is not None else Audit.objects.all()).filter(
        status=AuditStatus.ACTIVE,
        scheme_version_id__in=sorted(policy.version_ids),
        valid_until__gte=today,
        end_date__gte=rules.oldest_accepted_end(policy, today),
    )
    if not policy.accept_self_reported:
        qs = qs.filter(self_reported=False)
    return qs.filter(qualified_auditor=True) if policy.require_qualified_auditor else qs


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


def coverage(actor: Actor, policy: rules.Policy | None = None) -> Coverage:
    """Per linked site: is there a valid recognised audit for this member? Counted in the database,
    in one statement that only reads (``audits/coverage.py`` says what it counts and why so)."""
    org = actor.require_kind(OrgKind.MEMBER)
    policy = policy or effective_policy(org)
    counts = count_coverage(
        # The register's one count of "Linked sites" (active links only).
        linked_site_ids(actor),
        recognised_audits(policy, timezone.localdate()),
        org_id=org.pk,
        share_all=share_all_supplier_ids(),
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


def coverage_sites(actor: Actor, state: str = "", policy: rules.Policy | None = None) -> QuerySet[SupplyLink]:
    """The member's own linked sites for the coverage table, optionally only those in one state.

    Without a state the links are not annotated: the page's rows get their state
    from :func:`with_states`, so a page of 50 does not cost the work of 20,000.
    """
    org = actor.require_kind(OrgKind.MEMBER)
    links = own_links(actor).select_related("facility").order_by("facility__country", "facility__name", "pk")
    if not state:
        return links
    states = _site_states(links, org, policy or effective_policy(org), timezone.localdate())
    # The django-stubs plugin does not follow annotations made in _site_states.
    return states.filter(covered=(state == "covered"))  # type: ignore[misc,no-any-return]


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
    return [by_pk[link.pk] for link in links if link.pk in by_pk]


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


def cap_kpis(actions: QuerySet[CorrectiveAction]) -> rules.CapKpis:
    today = timezone.localdate()
    rows = actions.filter(audit__status=AuditStatus.ACTIVE).values_list("due_date", "closed_at", "created_at")
    return rules.cap_kpis(
        ((due, closed.date() if closed else None, created.date()) for due, closed, created in rows), today
    )


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


# --- The sector's counters (aggregates only) ----------------------------------------------


def avoided_by_audit(today: date | None = None) -> dict[uuid.UUID, int]:
    """For each audit readable by more than one linked member for whom it is recognised: how many it spared."""
    today = today or timezone.localdate()
    share_all = set(share_all_supplier_ids())
    audits = list(
        Audit.objects.filter(status=AuditStatus.ACTIVE, valid_until__gte=today)
        .filter(Q(owner_id__in=share_all) | Q(shares__isnull=False))
        .distinct()
        .values_list(
            "pk",
            "facility_id",
            "owner_id",
            "scheme_version_id",
            "end_date",
            "valid_until",
            "qualified_auditor",
            "self_reported",
        )
    )
    if not audits:
        return {}
    facility_ids = {a[1] for a in audits}
    linked: dict[int, set[int]] = defaultdict(set)
    for facility_id, org_id in active_links().filter(facility_id__in=facility_ids).values_list("facility_id", "org_id"):
        linked[facility_id].add(org_id)
    shared: dict[uuid.UUID, set[int]] = defaultdict(set)
    for audit_id, org_id in AuditShare.objects.filter(audit_id__in=[a[0] for a in audits]).values_list(
        "audit_id", "org_id"
    ):
        shared[audit_id].add(org_id)
    orgs = Organisation.objects.in_bulk({o for s in linked.values() for o in s})
    policies = {org_id: effective_policy(org) for org_id, org in orgs.items()}
    result = {}
    for pk, facility_id, owner_id, version_id, end, valid_until, qualified, self_reported in audits:
        readers = linked[facility_id] if owner_id in share_all else linked[facility_id] & shared[pk]
        n = sum(
            1
            for org_id in readers
            if rules.is_recognised(
                policies[org_id],
                version_id=version_id,
                end_date=end,
                valid_until=valid_until,
                qualified_auditor=qualified,
                active=True,
                today=today,
                self_reported=self_reported,
            )
        )
        if n > 1:
            result[pk] = n - 1
    return result


def shared_audits() -> QuerySet[Audit]:
    """Audits the supplier shared with at least one member (one by one, or all of them).

    The sector's counters count these only: an audit shared with nobody leaves no trace in
    anything others read, not even in a count (the only audit of a quarter would be "1")."""
    shared = AuditShare.objects.filter(audit_id=OuterRef("pk"))
    return Audit.objects.filter(Q(owner_id__in=share_all_supplier_ids()) | Q(Exists(shared)))


def sector_counters() -> dict[str, Any]:
    """What the sector reports: coverage of high-risk sites, audits avoided, audit burden, CAP KPIs.

    Bands are the shared (public) risk picture; audits are those shared with some member."""
    today = timezone.localdate()
    sector = effective_policy(None)
    audits = shared_audits()
    bands = risk_bands(active_links().values("facility_id"))
    high = {f for f, band in bands.items() if band in HIGH_BANDS}
    recognised_sites = (
        set(recognised_audits(sector, today, audits).filter(facility_id__in=high).values_list("facility_id", flat=True))
        if high
        else set()
    )
    year_ago = rules.add_months(today, -12)
    recent = audits.filter(status=AuditStatus.ACTIVE, end_date__gte=year_ago)
    per_site = Counter(recent.values_list("facility_id", flat=True))
    avoided = avoided_by_audit(today)
    actions = CorrectiveAction.objects.filter(audit__in=audits)
    kpis = cap_kpis(actions)
    # Counts only: which site, supplier or finding is never shown to the secretariat.
    zero_tolerance = Finding.objects.filter(audit__in=audits, audit__status=AuditStatus.ACTIVE, severity="critical")
    return {
        "linked_sites": active_links().values("facility_id").distinct().count(),
        "high_risk_sites": len(high),
        "high_risk_covered": len(recognised_sites),
        "high_risk_share": len(recognised_sites) / len(high) if high else None,
        "audits_avoided": sum(avoided.values()),
        "shared_audits": len(avoided),
        "audits_last_year": sum(per_site.values()),
        "audited_sites_last_year": len(per_site),
        "burden": (sum(per_site.values()) / len(per_site)) if per_site else None,
        "max_burden": max(per_site.values()) if per_site else 0,
        "kpis": kpis,
        "open_actions": actions.exclude(status=CapStatus.CLOSED).filter(audit__status=AuditStatus.ACTIVE).count(),
        "zero_tolerance": zero_tolerance.count(),
        "zero_tolerance_open": zero_tolerance.exclude(action__status=CapStatus.CLOSED).count(),
        "zero_tolerance_last_year": zero_tolerance.filter(audit__end_date__gte=year_ago).count(),
    }


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


def auditor_rows(audit: Audit) -> list[Any]:
    return list(audit.auditors.all())


def recognition_for_members(actor: Actor, audit: Audit) -> list[tuple[Organisation, bool]]:
    """For the supplier: which of the members it shared with recognise this audit."""
    rows = []
    for share in shares_of(actor, audit):
        rows.append((share.org, is_recognised_for(audit, share.org)))
    return rows
