"""Reads of the register and of members' supply chains.

The register (facilities, aliases, identifiers) is shared by all participants.
Lists, rows and links belong to one member and pass through the scoping rule;
what other members do with a site is shown only as a count, plus the names of
members who chose to be visible for collaboration.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from covenant.core.actors import Actor
from covenant.core.scoping import get_scoped_or_404, scoped
from covenant.orgs.models import Organisation, OrgKind
from covenant.registry.models import (
    ClaimStatus,
    Confirmation,
    DuplicatePair,
    DuplicateStatus,
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
#
# A facility created from one member's list (or its add-a-site form) is provisional until
# confirmed (a second organisation links to it, a supplier's claim is verified, or the
# secretariat accepts it). Until then only the organisation that introduced it, the
# organisations linked to it, its verified owner and the secretariat see it; for everyone
# else it does not exist (search, suggestions, detail pages, the API, disclosure). The matcher
# still sees it, so another member's row matches it instead of creating a second record.
# The rule is written once, here: :func:`visible_facilities`.


def provisional_hidden_q(actor: Actor) -> Q | None:
    """The facilities hidden from ``actor`` (as a condition), or None when it sees them all."""
    org = actor.org
    if org is not None and org.kind == OrgKind.SECRETARIAT:
        return None
    hidden = Q(confirmation=Confirmation.PROVISIONAL)
    if org is None:
        return hidden
    # Any link of the organisation, ended ones too: it has known the site all along.
    linked = SupplyLink.objects.filter(org=org).values("facility_id")
    return hidden & ~Q(introduced_by=org) & ~Q(owner=org) & ~Q(pk__in=linked)


def visible_facilities(actor: Actor, queryset: QuerySet[Facility] | None = None) -> QuerySet[Facility]:
    """``queryset`` (the whole register by default) without the provisional facilities ``actor``
    may not see yet. Every read that lists or fetches register facilities for a person passes here."""
    qs = Facility.objects.all() if queryset is None else queryset
    hidden = provisional_hidden_q(actor)
    return qs if hidden is None else qs.exclude(hidden)


def confirmed_facilities() -> QuerySet[Facility]:
    """Active facilities that are part of the shared register for everyone (provisional ones
    left out): for public lookups without an actor, such as the grievance intake's search."""
    return Facility.objects.filter(status=FacilityStatus.ACTIVE).exclude(confirmation=Confirmation.PROVISIONAL)


def search_facilities(actor: Actor, *, q: str = "", country: str = "") -> QuerySet[Facility]:
    """The register, for anyone acting for an organisation (provisional sites only where
    :func:`visible_facilities` lets the actor see them)."""
    actor.require_org()
    qs = visible_facilities(actor, Facility.objects.filter(status=FacilityStatus.ACTIVE))
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
    # Another member's provisional site is never suggested (typing is a search), but a sure
    # match to it is kept: linking it is what confirms it, instead of making a second record.
    shown = {f.pk for f in visible_facilities(actor, Facility.objects.filter(pk__in=[f.pk for f in sites.values()]))}
    candidates = tuple(
        SiteCandidate(sites[c.registry_id], round(c.score, 4), dict(c.features))
        for c in top
        if c.registry_id in sites and sites[c.registry_id].pk in shown
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
    """A facility by its public id; merged ids resolve to the survivor. A provisional one the
    actor may not see answers 404, as an unknown id does."""
    actor.require_org()
    records = visible_facilities(actor, Facility.objects.select_related("owner", "merged_into"))
    try:
        return resolve_merged(get_scoped_or_404(records, public_id=public_id.upper()), records)
    except Facility.DoesNotExist as exc:  # merged into a record the actor may not see (yet)
        raise Http404 from exc


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


def member_lists(actor: Actor, *, archived: bool | None = None) -> QuerySet[SupplierList]:
    """The actor's lists; ``archived`` True or False keeps only archived or only current ones."""
    qs = scoped(actor, SupplierList.objects.all(), owner="org").annotate(versions=Count("uploads"))
    return qs if archived is None else qs.filter(archived_at__isnull=not archived)


def get_list(actor: Actor, list_id: uuid.UUID | str) -> SupplierList:
    return get_scoped_or_404(scoped(actor, SupplierList.objects.all(), owner="org"), pk=list_id)


def member_uploads(actor: Actor) -> QuerySet[ListUpload]:
    return scoped(actor, ListUpload.objects.select_related("supplier_list", "job", "uploaded_by"), owner="org")


def get_upload(actor: Actor, upload_id: uuid.UUID | str) -> ListUpload:
    return get_scoped_or_404(member_uploads(actor), pk=upload_id)


def lists_with_latest_upload(actor: Actor, *, archived: bool | None = None) -> QuerySet[SupplierList]:
    """The member's lists; ``latest_uploads`` holds each one's highest version (none before the first)."""
    latest = Prefetch("uploads", queryset=member_uploads(actor).order_by("-version")[:1], to_attr="latest_uploads")
    return member_lists(actor, archived=archived).prefetch_related(latest)


def upload_rows(actor: Actor, upload: ListUpload, status: str = "") -> QuerySet[ListRow]:
    qs = scoped(actor, ListRow.objects.select_related("facility"), owner="org").filter(upload=upload)
    return qs.filter(status=status) if status else qs


def review_queue(actor: Actor, *, list_id: uuid.UUID | None = None) -> QuerySet[ListRow]:
    """Rows waiting for a person, oldest upload first; only those of one list with ``list_id``."""
    qs = scoped(actor, ListRow.objects.select_related("upload__supplier_list"), owner="org")
    if list_id is not None:
        qs = qs.filter(upload__supplier_list_id=list_id)
    return qs.filter(status=RowStatus.REVIEW).order_by("upload__created_at", "row_number")


def recently_decided(actor: Actor, *, list_id: uuid.UUID | None = None, limit: int = 10) -> list[ListRow]:
    """The actor's latest review decisions, newest first, so one can be taken back."""
    qs = scoped(actor, ListRow.objects.select_related("upload__supplier_list", "facility"), owner="org")
    if list_id is not None:
        qs = qs.filter(upload__supplier_list_id=list_id)
    decided = qs.filter(status__in=[RowStatus.MATCHED, RowStatus.NEW], decided_at__isnull=False)
    return list(decided.order_by("-decided_at")[:limit])


def list_links_count(actor: Actor, supplier_list: SupplierList) -> int:
    """How many of the actor's active links came from ``supplier_list`` (archiving ends them)."""
    links = own_links(actor).filter(source_upload__supplier_list=supplier_list)
    return links.count()


def column_samples(actor: Actor, upload: ListUpload, n: int = 3) -> list[tuple[str, list[str]]]:
    """Each column of the upload's file with its first ``n`` non-empty values (the mapping page
    shows them beside the choices). Empty when the stored file cannot be read any more."""
    from covenant.registry.listfiles import ListFileError, read_table
    from covenant.registry.results import sample_values

    upload = get_upload(actor, upload.pk)
    try:
        with upload.file.open("rb") as handle:
            table = read_table(handle.read(), upload.filename, max_rows=200)
    except (ListFileError, OSError, ValueError):
        return []
    return list(zip(table.headers, sample_values(table.headers, table.rows, n), strict=True))


def upload_results(actor: Actor, upload: ListUpload) -> list[list[Any]]:
    """The upload's rows as lines of :data:`results.RESULT_HEADER`, for the download."""
    from django_countries import countries

    from covenant.registry.models import FacilityIdentifier, IdentifierScheme
    from covenant.registry.results import result_line

    rows = list(upload_rows(actor, upload).order_by("row_number"))
    best = {r.pk: r.candidates[0] for r in rows if r.status == RowStatus.REVIEW and r.candidates}
    wanted = Facility.objects.filter(public_id__in=[c["id"] for c in best.values()])
    candidates = {f.public_id: f for f in visible_facilities(actor, wanted)}
    linked = {r.facility_id for r in rows if r.facility_id}
    os_ids = dict(
        FacilityIdentifier.objects.filter(facility_id__in=linked, scheme=IdentifierScheme.OS_ID).values_list(
            "facility_id", "value"
        )
    )
    lines = []
    for row in rows:
        candidate = candidates.get(best[row.pk]["id"]) if row.pk in best else None
        lines.append(
            result_line(
                row,
                country_name=str(countries.name(row.country)) if row.country else "",
                facility=row.facility,
                os_id=os_ids.get(row.facility_id, "") if row.facility_id else "",
                candidate=candidate,
                candidate_score=round(float(best[row.pk].get("score", 0)), 4) if candidate else None,
            )
        )
    return lines


def get_row(actor: Actor, row_id: int) -> ListRow:
    return get_scoped_or_404(scoped(actor, ListRow.objects.select_related("upload"), owner="org"), pk=row_id)


#: Candidates scoring below this are not worth a reviewer's time, except the best one.
SHOWN_CANDIDATE_FLOOR = 0.05


def _worth_showing(candidates: Sequence[dict[str, Any]], *, first_is_best: bool = True) -> list[dict[str, Any]]:
    """The candidates a reviewer sees. The matcher's own best one is shown even when weak (it
    is why the row is in review), unless its score rounds to 0 %; once the reviewer said "not
    this one" (``first_is_best`` False) the rest are held to the floor like any other."""

    def shown(i: int, score: float) -> bool:
        return score >= SHOWN_CANDIDATE_FLOOR or (i == 0 and first_is_best and score >= 0.005)

    return [c for i, c in enumerate(candidates) if shown(i, float(c.get("score", 0)))]


def with_candidates(
    rows: Sequence[ListRow], actor: Actor | None = None
) -> list[tuple[ListRow, list[tuple[Facility, dict[str, Any]]]]]:
    """Each row with its candidates as facilities, in the matcher's order (two queries for a page).
    With ``actor``, another member's provisional sites are left out (see :func:`visible_facilities`)."""
    shown = {row.pk: _worth_showing(row.candidates, first_is_best=not row.details.get("rejected")) for row in rows}
    ids = {c["id"] for candidates in shown.values() for c in candidates}
    records = Facility.objects.filter(public_id__in=ids)
    if actor is not None:
        records = visible_facilities(actor, records.exclude(status=FacilityStatus.REJECTED))
    found = {f.public_id: f for f in records.prefetch_related("aliases")}
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
    # Provisional sites are published once confirmed (see visible_facilities).
    for facility in confirmed_facilities().filter(pk__in=facility_ids).order_by("country", "name"):
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


# --- Publishing the disclosure list: what would change ------------------------------------

#: The fields of a published row compared with the last publication (``id`` is the key).
DISCLOSED_FIELDS = ("name", "address", "country", "lat", "lng", "sector", "products", "disclosed_by")


@dataclass(frozen=True)
class ChangedRow:
    row: dict[str, Any]
    before: dict[str, Any]
    fields: list[str]


@dataclass(frozen=True)
class DisclosurePreview:
    """What publishing now would publish, and how it differs from the last publication.

    ``fingerprint`` identifies both (the rows and the publication they are compared with):
    publishing with a fingerprint taken from an older preview is refused.
    """

    rows: list[dict[str, Any]]
    fingerprint: str
    previous: Publication | None
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[ChangedRow]
    newly_named: list[str]
    no_longer_named: list[str]

    @property
    def has_changes(self) -> bool:
        return bool(self.previous is None or self.added or self.removed or self.changed)


def disclosure_fingerprint(rows: list[dict[str, Any]], previous: Publication | None) -> str:
    payload = json.dumps(
        {"after": previous.pk if previous is not None else None, "rows": rows},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def disclosure_preview(actor: Actor) -> DisclosurePreview:
    """The rows that would be published now (``disclosure_rows``), compared with the last publication."""
    if not actor.is_system:
        actor.require_kind(OrgKind.SECRETARIAT)
    previous = latest_publication()
    # Through JSON, as the published snapshot is stored: the comparison is then like for like.
    rows: list[dict[str, Any]] = json.loads(json.dumps(disclosure_rows(), default=str))
    before = {row["id"]: row for row in (previous.data if previous is not None else [])}
    now = {row["id"]: row for row in rows}
    added = [row for row in rows if row["id"] not in before]
    removed = [row for key, row in before.items() if key not in now]
    changed = []
    for row in rows:
        old = before.get(row["id"])
        if old is not None:
            fields = [f for f in DISCLOSED_FIELDS if old.get(f) != row.get(f)]
            if fields:
                changed.append(ChangedRow(row, old, fields))
    named_now = {name for row in rows for name in row.get("disclosed_by", ())}
    named_before = {name for row in before.values() for name in row.get("disclosed_by", ())}
    return DisclosurePreview(
        rows=rows,
        fingerprint=disclosure_fingerprint(rows, previous),
        previous=previous,
        added=added,
        removed=sorted(removed, key=lambda r: (r.get("country", ""), r.get("name", ""))),
        changed=changed,
        newly_named=sorted(named_now - named_before),
        no_longer_named=sorted(named_before - named_now),
    )


# --- The duplicates queue ------------------------------------------------------------------


def _active_link_count(field_name: str) -> Any:
    links = (
        SupplyLink.objects.active()
        .filter(facility=OuterRef(field_name))
        .order_by()
        .values("facility")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(links), 0)


def _pending_claim_count(field_name: str) -> Any:
    claims = (
        FacilityClaim.objects.filter(facility=OuterRef(field_name), status=ClaimStatus.PENDING)
        .order_by()
        .values("facility")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(claims), 0)


def duplicate_pairs(actor: Actor, *, country: str = "") -> QuerySet[DuplicatePair]:
    """Open pairs of likely duplicates, best score first, both records still active (secretariat only)."""
    actor.require_kind(OrgKind.SECRETARIAT)
    pairs = DuplicatePair.objects.filter(
        status=DuplicateStatus.OPEN, a__status=FacilityStatus.ACTIVE, b__status=FacilityStatus.ACTIVE
    )
    if country:
        pairs = pairs.filter(a__country=country)
    return (
        pairs.select_related("a", "b", "a__owner", "b__owner")
        .annotate(
            a_links=_active_link_count("a"),
            b_links=_active_link_count("b"),
            a_claims=_pending_claim_count("a"),
            b_claims=_pending_claim_count("b"),
        )
        .order_by("-score", "pk")
    )


def duplicate_countries(actor: Actor) -> list[str]:
    """Countries that have open pairs, for the filter."""
    actor.require_kind(OrgKind.SECRETARIAT)
    found = DuplicatePair.objects.filter(status=DuplicateStatus.OPEN).values_list("a__country", flat=True)
    return sorted({str(c) for c in found.distinct()})


def get_duplicate_pair(actor: Actor, pair_id: int) -> DuplicatePair:
    """One pair, open or decided (secretariat only; anyone else gets 404 rather than learning it exists)."""
    if actor.kind != OrgKind.SECRETARIAT:
        raise Http404
    pair = DuplicatePair.objects.select_related("a", "b").filter(pk=pair_id).first()
    if pair is None:
        raise Http404
    return pair


def suggested_survivor(pair: DuplicatePair) -> tuple[Facility, Facility]:
    """(loser, survivor) to pre-fill the merge: the record a supplier verified, else the one with
    more active links, else the older one, remains."""
    links = dict(
        SupplyLink.objects.active()
        .filter(facility__in=[pair.a_id, pair.b_id])
        .order_by()
        .values("facility")
        .annotate(n=Count("pk"))
        .values_list("facility", "n")
    )

    def rank(f: Facility) -> tuple[bool, int, int]:
        return (f.owner_id is not None, links.get(f.pk, 0), -f.pk)

    survivor = max((pair.a, pair.b), key=rank)
    loser = pair.b if survivor.pk == pair.a_id else pair.a
    return loser, survivor


# --- The secretariat's moderation queue --------------------------------------------------

#: How many confirmed register sites are shown beside a provisional one.
NEAREST = 3


def moderation_queue(actor: Actor) -> QuerySet[Facility]:
    """Active provisional facilities, oldest first: for the secretariat only."""
    actor.require_kind(OrgKind.SECRETARIAT)
    return (
        Facility.objects.filter(status=FacilityStatus.ACTIVE, confirmation=Confirmation.PROVISIONAL)
        .select_related("introduced_by")
        # The matcher reads each one's aliases and identifiers (matchindex.facility_record).
        .prefetch_related("aliases", "identifiers")
        .order_by("created_at", "pk")
    )


def get_provisional(actor: Actor, public_id: str) -> Facility:
    """One facility of the moderation queue, or 404 (already decided, or never provisional)."""
    return get_scoped_or_404(moderation_queue(actor), public_id=public_id.upper())


def nearest_sites(facility: Facility, limit: int = NEAREST) -> list[SiteCandidate]:
    """The confirmed register sites the matcher finds nearest to ``facility`` (itself left out)."""
    return _nearest_for([facility], limit)[facility.pk]


def _nearest_for(facilities: Sequence[Facility], limit: int) -> dict[int, list[SiteCandidate]]:
    """Each facility's nearest confirmed sites, their records fetched in one query for all."""
    from covenant.registry import matchindex

    matcher = matchindex.get_matcher()
    ranked = {
        f.pk: [c for c in matcher.match(matchindex.facility_record(f)).candidates if c.registry_id != f.public_id]
        for f in facilities
    }
    ids = {c.registry_id for candidates in ranked.values() for c in candidates}
    sites = {f.public_id: f for f in confirmed_facilities().filter(public_id__in=ids)}
    return {
        pk: [
            SiteCandidate(sites[c.registry_id], round(c.score, 4), dict(c.features))
            for c in cands
            if c.registry_id in sites
        ][:limit]
        for pk, cands in ranked.items()
    }


def moderation_items(actor: Actor, facilities: Sequence[Facility]) -> list[tuple[Facility, list[SiteCandidate]]]:
    """Each provisional facility of a page with its nearest confirmed sites."""
    actor.require_kind(OrgKind.SECRETARIAT)
    nearest = _nearest_for(facilities, NEAREST)
    return [(facility, nearest[facility.pk]) for facility in facilities]


def provisional_footprint(actor: Actor, facility: Facility) -> dict[str, int]:
    """What rejecting ``facility`` touches, as counts only (the secretariat sees no member's
    links or rows, only aggregates)."""
    actor.require_kind(OrgKind.SECRETARIAT)
    return {
        "links": SupplyLink.objects.filter(facility=facility).count(),
        "rows": ListRow.objects.filter(facility=facility).count(),
    }
