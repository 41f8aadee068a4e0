"""Reads of the register and of members' supply chains.

The register (facilities, aliases, identifiers) is shared by all participants.
Lists, rows and links belong to one member and pass through the scoping rule;
what other members do with a site is shown only as a count, plus the names of
members who chose to be visible for collaboration.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from covenant.core.actors import Actor
from covenant.core.scoping import get_scoped_or_404, scoped
from covenant.orgs.models import Organisation, OrgKind
from covenant.registry.models import (
    ClaimStatus,
    Facility,
    FacilityClaim,
    FacilityStatus,
    ListRow,
    ListUpload,
    Publication,
    RegistryPreferences,
    RowStatus,
    SupplierList,
    SupplyEdge,
    SupplyLink,
)

SUGGESTIONS = 5

# --- The shared register ---------------------------------------------------------------


def search_facilities(actor: Actor, *, q: str = "", country: str = "") -> QuerySet[Facility]:
    """The register, for anyone acting for an organisation."""
    actor.require_org()
    qs = Facility.objects.filter(status=FacilityStatus.ACTIVE)
    if country:
        qs = qs.filter(country=country.upper())
    q = q.strip()
    if q:
        qs = qs.filter(Q(public_id=q.upper()) | Q(name__icontains=q) | Q(aliases__name__icontains=q)).distinct()
    return qs.order_by("name")


@dataclass(frozen=True)
class SiteCandidate:
    """A register site the matcher proposes for a site typed by hand."""

    facility: Facility
    score: float
    features: dict[str, float]


@dataclass(frozen=True)
class SiteMatch:
    """The matcher's answer for one typed site: ``match`` (``facility`` set), ``review`` or ``new``."""

    decision: str
    facility: Facility | None
    candidates: tuple[SiteCandidate, ...]


def match_site(
    actor: Actor, *, name: str, country: str, address: str = "", identifiers: dict[str, str] | None = None
) -> SiteMatch:
    """Which register sites could this typed site be? ``country`` is an ISO code; answered
    from the in-memory match index, so it is fast enough to run as the person types."""
    actor.require_org()
    # Imported here: only processes that match build (or load) the index.
    from covenant.matching import Record
    from covenant.registry import matchindex

    record = Record(id="typed", name=name, address=address, country=country, identifiers=dict(identifiers or {}))
    result = matchindex.get_matcher().match(record)
    top = result.candidates[:SUGGESTIONS]
    sites = {
        f.public_id: f
        for f in Facility.objects.filter(public_id__in=[c.registry_id for c in top], status=FacilityStatus.ACTIVE)
    }
    candidates = tuple(
        SiteCandidate(sites[c.registry_id], round(c.score, 4), dict(c.features)) for c in top if c.registry_id in sites
    )
    matched = sites.get(result.registry_id or "") if result.decision == "match" else None
    return SiteMatch(result.decision if matched or result.decision != "match" else "review", matched, candidates)


def resolve_merged(facility: Facility, queryset: QuerySet[Facility] | None = None) -> Facility:
    """The record that survives ``facility``: itself unless merged, else where its merges lead.

    Each next record is read from ``queryset`` (to select related rows along). A chain that
    loops (no merge makes one) stops at the first record met twice, which is still merged:
    callers that need a live site check its status.
    """
    records = Facility.objects.all() if queryset is None else queryset
    seen: set[int] = set()
    while facility.status == FacilityStatus.MERGED and facility.merged_into_id is not None and facility.pk not in seen:
        seen.add(facility.pk)
        facility = records.get(pk=facility.merged_into_id)
    return facility


def get_facility(actor: Actor, public_id: str) -> Facility:
    """A facility by its public id; merged ids resolve to the survivor."""
    actor.require_org()
    records = Facility.objects.select_related("owner", "merged_into")
    return resolve_merged(get_scoped_or_404(records, public_id=public_id.upper()), records)


def facility_by_public_id(public_id: str) -> Facility | None:
    """The active site a public id names, following merges; None for an unknown, closed or
    looping one. Not scoped: the register is public to whoever may look a site up (the
    grievance intake's anonymous reporters included)."""
    public_id = public_id.strip().upper()
    facility = Facility.objects.filter(public_id=public_id).first() if public_id else None
    if facility is None:
        return None
    facility = resolve_merged(facility)
    return facility if facility.status == FacilityStatus.ACTIVE else None


@dataclass(frozen=True)
class PeerSummary:
    """What a member may know about other members at a site."""

    other_members: int
    visible: list[str]


def peer_summary(actor: Actor, facility: Facility) -> PeerSummary:
    org = actor.require_org()
    others = SupplyLink.objects.active().filter(facility=facility).exclude(org=org)
    visible = list(
        others.filter(org__registry_preferences__visible_to_peers=True)
        .order_by("org__name")
        .values_list("org__name", flat=True)
    )
    return PeerSummary(other_members=others.count(), visible=visible)


def own_link(actor: Actor, facility: Facility) -> SupplyLink | None:
    return scoped(actor, SupplyLink.objects.all(), owner="org").filter(facility=facility).first()


def own_links(actor: Actor, *, include_ended: bool = False) -> QuerySet[SupplyLink]:
    """The actor's own links, active ones unless ``include_ended``: plain rows, to filter,
    join or count (:func:`member_links` is the same chain dressed for the chain page)."""
    links = SupplyLink.objects.all() if include_ended else SupplyLink.objects.active()
    return scoped(actor, links, owner="org")


# --- A member's own lists and chain -----------------------------------------------------


def member_lists(actor: Actor) -> QuerySet[SupplierList]:
    return scoped(actor, SupplierList.objects.all(), owner="org").annotate(versions=Count("uploads"))


def get_list(actor: Actor, list_id: uuid.UUID | str) -> SupplierList:
    return get_scoped_or_404(scoped(actor, SupplierList.objects.all(), owner="org"), pk=list_id)


def member_uploads(actor: Actor) -> QuerySet[ListUpload]:
    return scoped(actor, ListUpload.objects.select_related("supplier_list", "job", "uploaded_by"), owner="org")


def get_upload(actor: Actor, upload_id: uuid.UUID | str) -> ListUpload:
    return get_scoped_or_404(member_uploads(actor), pk=upload_id)


def lists_with_latest_upload(actor: Actor) -> QuerySet[SupplierList]:
    """The member's lists; ``latest_uploads`` holds each one's highest version (none before the first)."""
    latest = Prefetch("uploads", queryset=member_uploads(actor).order_by("-version")[:1], to_attr="latest_uploads")
    return member_lists(actor).prefetch_related(latest)


def upload_rows(actor: Actor, upload: ListUpload, status: str = "") -> QuerySet[ListRow]:
    qs = scoped(actor, ListRow.objects.select_related("facility"), owner="org").filter(upload=upload)
    return qs.filter(status=status) if status else qs


def review_queue(actor: Actor) -> QuerySet[ListRow]:
    """Rows waiting for a person, oldest upload first."""
    qs = scoped(actor, ListRow.objects.select_related("upload__supplier_list"), owner="org")
    return qs.filter(status=RowStatus.REVIEW).order_by("upload__created_at", "row_number")


def get_row(actor: Actor, row_id: int) -> ListRow:
    return get_scoped_or_404(scoped(actor, ListRow.objects.select_related("upload"), owner="org"), pk=row_id)


#: Candidates scoring below this are not worth a reviewer's time, except the best one.
SHOWN_CANDIDATE_FLOOR = 0.05


def _worth_showing(candidates: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for i, c in enumerate(candidates) if i == 0 or float(c.get("score", 0)) >= SHOWN_CANDIDATE_FLOOR]


def with_candidates(rows: Sequence[ListRow]) -> list[tuple[ListRow, list[tuple[Facility, dict[str, Any]]]]]:
    """Each row with its candidates as facilities, in the matcher's order (two queries for a page)."""
    shown = {row.pk: _worth_showing(row.candidates) for row in rows}
    ids = {c["id"] for candidates in shown.values() for c in candidates}
    found = {f.public_id: f for f in Facility.objects.filter(public_id__in=ids).prefetch_related("aliases")}
    return [(row, [(found[c["id"]], c) for c in shown[row.pk] if c["id"] in found]) for row in rows]


def member_links(
    actor: Actor,
    *,
    tier: int | None = None,
    country: str = "",
    q: str = "",
    include_ended: bool = False,
) -> QuerySet[SupplyLink]:
    """The actor's own supply chain. Never anyone else's: not even the secretariat's."""
    qs = own_links(actor, include_ended=include_ended).select_related("facility")
    if tier:
        qs = qs.filter(tier=tier)
    if country:
        qs = qs.filter(facility__country=country.upper())
    if q:
        qs = qs.filter(Q(facility__name__icontains=q) | Q(facility__public_id=q.upper()))
    return qs.annotate(shared=Exists(_shared_with_others())).order_by("tier", "facility__country", "facility__name")


def _shared_with_others() -> QuerySet[SupplyLink]:
    """Other members' active links to the same facility (for an Exists on a link queryset)."""
    return SupplyLink.objects.active().filter(facility=OuterRef("facility")).exclude(org=OuterRef("org"))


def get_link(actor: Actor, link_id: int) -> SupplyLink:
    return get_scoped_or_404(scoped(actor, SupplyLink.objects.select_related("facility"), owner="org"), pk=link_id)


def member_edges(actor: Actor) -> QuerySet[SupplyEdge]:
    return scoped(actor, SupplyEdge.objects.select_related("supplier", "buyer"), owner="org")


@dataclass(frozen=True)
class ChainSite:
    """A site in a member's chain: linked (with the link's tier), or reached through a
    site-to-site edge the member mapped (``tier`` None: beyond tier 1)."""

    facility: Facility
    tier: int | None


def chain_sites_in(actor: Actor, facilities: QuerySet[Facility]) -> list[ChainSite]:
    """The actor's own chain sites among ``facilities``, linked ones first by name."""
    links = own_links(actor).filter(facility__in=facilities).select_related("facility")
    sites = [ChainSite(link.facility, link.tier) for link in links.order_by("facility__name")]
    beyond = beyond_tier_one(actor).filter(pk__in=facilities).order_by("name")
    return sites + [ChainSite(f, None) for f in beyond]


def beyond_tier_one(actor: Actor) -> QuerySet[Facility]:
    """Active sites in the actor's chain only through the edges it mapped (not linked itself)."""
    # Ids first: an edge list is short, and "id IN (edges) OR id IN (edges)" made
    # PostgreSQL scan the whole register (1,000,000 sites: ~300 ms).
    edges = member_edges(actor).order_by()
    ends = {end for pair in edges.values_list("supplier_id", "buyer_id") for end in pair}
    if not ends:
        return Facility.objects.none()
    linked = own_links(actor).filter(facility_id__in=ends)
    ends -= set(linked.values_list("facility_id", flat=True))
    return Facility.objects.filter(pk__in=sorted(ends), status=FacilityStatus.ACTIVE)


# --- What counts as a member's sites: the one home of both counts ------------------------
#
# Two counts are legitimately needed and are labelled apart on the pages:
# - "Linked sites" (supply chain page and API, dashboard card, audit coverage): the sites the
#   member itself links to, through an active link (of any tier it declared);
# - "Sites in your chain" (risk overview): those, plus the sites it reaches only through
#   the site-to-site edges it mapped beyond tier 1.
# An ended link counts in neither: it is history, not sourcing.


def linked_site_ids(actor: Actor) -> QuerySet[SupplyLink, int]:
    """Ids of the sites the actor links to through an active link: its "Linked sites".

    Ended links are left out (the rule is :meth:`SupplyLinkQuerySet.active`); one link per
    member and site, so the ids are distinct. A queryset of ``facility_id``: count it, or
    use it in ``facility_id__in=`` so the database joins it."""
    return own_links(actor).order_by().values_list("facility_id", flat=True)


def chain_site_ids(actor: Actor) -> QuerySet[Any, int]:
    """Ids of every site in the actor's chain: its linked sites (:func:`linked_site_ids`)
    and the active sites reached only through the edges it mapped (:func:`beyond_tier_one`).

    The two parts never overlap (a linked site is not "beyond"), so this is a ``UNION``
    of ids: count it or read it; it cannot be filtered further (a combined query)."""
    beyond = beyond_tier_one(actor).order_by().values_list("pk", flat=True)
    return linked_site_ids(actor).union(beyond, all=True)


def chain_pairs_in(facilities: QuerySet[Facility]) -> set[tuple[int, int]]:
    """(member id, facility id) for every member whose chain reaches one of ``facilities``,
    through a current link or an end of an edge it mapped.

    Not scoped: for system work that must find every exposed member (risk-event alerts),
    whose results each member then sees only for itself.
    """
    pairs = set(SupplyLink.objects.active().filter(facility__in=facilities).values_list("org_id", "facility_id"))
    pairs |= set(SupplyEdge.objects.filter(supplier__in=facilities).values_list("org_id", "supplier_id"))
    pairs |= set(SupplyEdge.objects.filter(buyer__in=facilities).values_list("org_id", "buyer_id"))
    return pairs


def chain_summary(actor: Actor) -> dict[str, Any]:
    links = member_links(actor)
    # order_by() first: the model's default ordering would otherwise split the groups.
    by_tier = dict(links.order_by().values("tier").annotate(n=Count("id")).values_list("tier", "n"))
    return {
        # The "Linked sites" of every page that counts them (see linked_site_ids).
        "sites": linked_site_ids(actor).count(),
        "countries": links.values("facility__country").distinct().count(),
        "by_tier": dict(sorted(by_tier.items())),
        "to_review": review_queue(actor).count(),
        "shared": links.filter(Exists(_shared_with_others())).count(),
    }


def preferences(actor: Actor) -> RegistryPreferences:
    org = actor.require_kind(OrgKind.MEMBER)
    return RegistryPreferences.objects.filter(org=org).first() or RegistryPreferences(org=org)


# --- Suppliers and the secretariat -------------------------------------------------------


def own_facilities(actor: Actor) -> QuerySet[Facility]:
    """Sites a supplier's verified claims made theirs."""
    return scoped(actor, Facility.objects.filter(status=FacilityStatus.ACTIVE), owner="owner")


def claims(actor: Actor, status: str = ClaimStatus.PENDING) -> QuerySet[FacilityClaim]:
    """Suppliers see their own claims; the secretariat decides on all of them."""
    qs = scoped(actor, FacilityClaim.objects.select_related("facility", "org"), owner="org", secretariat=True)
    return qs.filter(status=status) if status else qs


def get_claim(actor: Actor, claim_id: uuid.UUID | str) -> FacilityClaim:
    return get_scoped_or_404(claims(actor, status=""), pk=claim_id)


def register_summary() -> dict[str, Any]:
    """Aggregates for the secretariat: no member is identifiable in them."""
    facilities = Facility.objects.filter(status=FacilityStatus.ACTIVE)
    linked = facilities.filter(Exists(SupplyLink.objects.active().filter(facility=OuterRef("pk"))))
    return {
        "facilities": facilities.count(),
        "countries": facilities.values("country").distinct().count(),
        "linked": linked.count(),
        # Sites with active links of two members or more (one link per member and site).
        "shared": SupplyLink.objects.active()
        .filter(facility__status=FacilityStatus.ACTIVE)
        .order_by()
        .values("facility_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .count(),
        "pending_claims": FacilityClaim.objects.filter(status=ClaimStatus.PENDING).count(),
        "members_mapping": Organisation.objects.filter(kind=OrgKind.MEMBER, supply_links__isnull=False)
        .distinct()
        .count(),
    }


def disclosure_rows() -> list[dict[str, Any]]:
    """The sector's production locations, as published."""
    links = SupplyLink.objects.active().select_related("org", "org__registry_preferences")
    named: dict[int, set[str]] = {}
    facility_ids: set[int] = set()
    for link in links.only("facility_id", "org__name", "org__registry_preferences__disclose_publicly"):
        facility_ids.add(link.facility_id)
        prefs = getattr(link.org, "registry_preferences", None)
        if prefs is not None and prefs.disclose_publicly:
            named.setdefault(link.facility_id, set()).add(link.org.name)
    rows = []
    for facility in Facility.objects.filter(pk__in=facility_ids, status=FacilityStatus.ACTIVE).order_by(
        "country", "name"
    ):
        rows.append(
            {
                "id": facility.public_id,
                "name": facility.name,
                "address": facility.address,
                "country": facility.country,
                "lat": facility.lat,
                "lng": facility.lng,
                "sector": facility.sector,
                "products": facility.products,
                "disclosed_by": sorted(named.get(facility.pk, ())),
            }
        )
    return rows


def latest_publication() -> Publication | None:
    return Publication.objects.first()
