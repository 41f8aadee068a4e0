"""Reads of self-assessments (SAQs), sharing and requests, and the secretariat's counts.

Who reads a SAQ (the one rule, applied through ``core.scoping.scoped``): the supplier that
owns it (drafts included); a member, once it is submitted, while the supplier shares the
site's SAQs with it (``SaqShare`` not withdrawn) or shares them with every customer linked to
the site (``SaqSharing.share_with_linked``) and the member has an active link to the site.
Nobody else: not other members, other suppliers, audit firms, nor the secretariat (counts only).
The same rule decides who sees a SAQ's risk signals (``readable_refs``, registered with risk).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from covenant.core.actors import Actor
from covenant.core.scoping import get_scoped_or_404, scoped
from covenant.orgs.models import Organisation, OrgKind
from covenant.registry.interface import Facility, active_links, own_facilities
from covenant.saq.models import Saq, SaqRequest, SaqRequestStatus, SaqShare, SaqSharing, SaqStatus


def _member_access(org_id: int) -> Q:
    """Submitted SAQs of sites the supplier shares with this member, one by one or with all linked customers."""
    share = SaqShare.objects.filter(
        org_id=org_id, facility_id=OuterRef("facility_id"), supplier_id=OuterRef("owner_id"), withdrawn_at__isnull=True
    )
    linked_sharing = SaqSharing.objects.filter(supplier_id=OuterRef("owner_id"), share_with_linked=True)
    linked = active_links().filter(org_id=org_id, facility_id=OuterRef("facility_id"))
    return Q(status=SaqStatus.SUBMITTED) & (Exists(share) | (Exists(linked_sharing) & Exists(linked)))


def _shared(actor: Actor) -> Q | None:
    if actor.org is not None and actor.kind == OrgKind.MEMBER:
        return _member_access(actor.org.pk)
    return None


def visible_saqs(actor: Actor) -> QuerySet[Saq]:
    qs = Saq.objects.select_related("facility", "owner")
    return scoped(actor, qs, owner="owner", shared=_shared(actor))


def _latest() -> Q:
    """A submitted SAQ no later one of the same site replaced: the site's current SAQ."""
    newer = Saq.objects.filter(
        facility_id=OuterRef("facility_id"), status=SaqStatus.SUBMITTED, submitted_at__gt=OuterRef("submitted_at")
    )
    return Q(status=SaqStatus.SUBMITTED) & Q(~Exists(newer))


def current_saqs() -> QuerySet[Saq]:
    """Every site's current SAQ (unscoped: for system work, e.g. risk events)."""
    return Saq.objects.filter(_latest())


def get_saq(actor: Actor, saq_id: int) -> Saq:
    return get_scoped_or_404(visible_saqs(actor), pk=saq_id)


def site_saq(actor: Actor, facility: Facility) -> Saq | None:
    """The site's current submitted SAQ, if the actor may read it."""
    return visible_saqs(actor).filter(_latest(), facility=facility).first()


def shared_with_me(actor: Actor) -> QuerySet[Saq]:
    """The current SAQs a member may read (a supplier: its own current ones)."""
    return visible_saqs(actor).filter(_latest()).order_by("facility__name")


def readable_refs(actor: Actor, refs: frozenset[str]) -> set[str]:
    """Which of these risk-signal refs (``"<saq id>"`` or ``"<saq id>:event:<event id>"``) the
    actor may read: the SAQ's own rule, registered with ``risk.interface``."""
    by_saq: dict[int, list[str]] = {}
    for ref in refs:
        head = ref.split(":", 1)[0]
        if head.isdigit():
            by_saq.setdefault(int(head), []).append(ref)
    if not by_saq:
        return set()
    readable = visible_saqs(actor).filter(pk__in=list(by_saq)).values_list("pk", flat=True)
    return {ref for pk in readable for ref in by_saq[pk]}


def refugee_sites(actor: Actor, event_id: int) -> QuerySet[Any]:
    """Facility ids whose current, valid SAQ (readable by the actor) says the site employs refugees,
    for a running refugee-influx event (risk adds them to the actor's view of the event's sites)."""
    from covenant.risk.interface import running_events

    if event_id not in {e.pk for e in running_events("refugee_influx")}:
        return Facility.objects.none().values("pk")
    qs = visible_saqs(actor).filter(_latest(), refugee_workers__gt=0, valid_until__gte=timezone.localdate())
    return qs.values("facility_id")


# --- The supplier's side -----------------------------------------------------------------


@dataclass
class SiteRow:
    facility: Facility
    current: Saq | None
    draft: Saq | None


def own_sites(actor: Actor) -> list[SiteRow]:
    """The supplier's sites, each with its current SAQ and open draft."""
    actor.require_kind(OrgKind.SUPPLIER)
    sites = list(own_facilities(actor).order_by("name"))
    mine = scoped(actor, Saq.objects.all(), owner="owner").filter(facility__in=[s.pk for s in sites])
    current = {s.facility_id: s for s in mine.filter(_latest())}
    drafts = {s.facility_id: s for s in mine.filter(status=SaqStatus.DRAFT)}
    return [SiteRow(site, current.get(site.pk), drafts.get(site.pk)) for site in sites]


def own_site(actor: Actor, public_id: str) -> Facility:
    """One of the supplier's own sites (404 for any other)."""
    actor.require_kind(OrgKind.SUPPLIER)
    return get_scoped_or_404(own_facilities(actor), public_id=public_id.upper())


def own_saq(actor: Actor, saq_id: int) -> Saq:
    """A SAQ of the supplier's own (drafts included); 404 for readers and everyone else."""
    return get_scoped_or_404(scoped(actor, Saq.objects.select_related("facility"), owner="owner"), pk=saq_id)


def history(actor: Actor, facility: Facility) -> QuerySet[Saq]:
    """The supplier's submitted SAQs of a site, newest first."""
    return scoped(actor, Saq.objects.all(), owner="owner").filter(facility=facility, status=SaqStatus.SUBMITTED)


def sharing_choice(actor: Actor) -> SaqSharing:
    org = actor.require_kind(OrgKind.SUPPLIER)
    return SaqSharing.objects.filter(supplier=org).first() or SaqSharing(supplier=org)


def shares_of(actor: Actor, facility: Facility) -> QuerySet[SaqShare]:
    """Whom the supplier shares a site's SAQs with (withdrawn ones too): the supplier's eyes only."""
    qs = scoped(actor, SaqShare.objects.select_related("org"), owner="supplier")
    return qs.filter(facility=facility).order_by("withdrawn_at", "org__name")


def get_share(actor: Actor, facility: Facility, member_id: int) -> SaqShare:
    return get_scoped_or_404(shares_of(actor, facility), org_id=member_id)


def members() -> QuerySet[Organisation]:
    """Members a supplier may share with (the directory is visible to suppliers anyway)."""
    return Organisation.objects.filter(kind=OrgKind.MEMBER, is_active=True).order_by("name")


def requests(actor: Actor, status: str = SaqRequestStatus.PENDING) -> QuerySet[SaqRequest]:
    """Requests the supplier receives, or the ones a member sent."""
    qs = SaqRequest.objects.select_related("facility", "org", "supplier")
    qs = scoped(actor, qs, owner="supplier" if actor.kind == OrgKind.SUPPLIER else "org")
    return qs.filter(status=status) if status else qs


def get_request(actor: Actor, request_id: int) -> SaqRequest:
    return get_scoped_or_404(scoped(actor, SaqRequest.objects.all(), owner="supplier"), pk=request_id)


def may_request(actor: Actor, facility: Facility) -> bool:
    """A member with an active link to a site that has a verified owner may ask for its SAQ.
    Blind to whether a SAQ exists: that is the supplier's to tell."""
    if actor.kind != OrgKind.MEMBER or actor.org is None or facility.owner_id is None:
        return False
    return active_links().filter(org=actor.org, facility=facility).exists()


# --- The secretariat: counts only --------------------------------------------------------


@dataclass(frozen=True)
class SectorCounts:
    sites_with_valid_saq: int
    sites_with_expired_saq: int
    drafts: int
    shared_sites: int  # sites whose current SAQ some member may read by a share


def sector_counts(actor: Actor) -> SectorCounts:
    """How many sites have a valid SAQ: numbers only, never which sites or what they answered."""
    if not actor.is_secretariat:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    today = timezone.localdate()
    current = current_saqs()
    shares = SaqShare.objects.filter(withdrawn_at__isnull=True).values("facility_id")
    linked_suppliers = SaqSharing.objects.filter(share_with_linked=True).values("supplier_id")
    return SectorCounts(
        sites_with_valid_saq=current.filter(valid_until__gte=today).values("facility_id").distinct().count(),
        sites_with_expired_saq=current.filter(valid_until__lt=today).values("facility_id").distinct().count(),
        drafts=Saq.objects.filter(status=SaqStatus.DRAFT).count(),
        shared_sites=current.filter(Q(facility_id__in=shares) | Q(owner_id__in=linked_suppliers))
        .values("facility_id")
        .distinct()
        .count(),
    )
