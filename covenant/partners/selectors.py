"""Every read of finding partners: what a member shares with others (counts only), its own
interests, and the partners revealed to it where interest is mutual.

What "sharing" means (``docs/partners.md``):

- a **site**: an active supply link to the facility (``registry.interface.active_links``;
  links of merged records were moved to the survivor by the merge);
- a **hotspot** ``(country, commodity, topic)``: an active link to a site in that country, whose
  commodity as risk scores it (the products an indicator lists for the country, else the sector)
  is that commodity, scoring the topic high or very high. The member's own list uses **its own
  view** (``risk.evidence.member_scores``: its overrides and the evidence it may read); whether
  another member shares a hotspot, and whether a match holds, is read from the **shared (public)
  picture** (``SiteRisk``), never from anyone's private view.

Counts are read in a few grouped queries for a whole chain (``tests/partners/test_query_counts.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from covenant.core.actors import Actor
from covenant.core.scoping import get_scoped_or_404, scoped
from covenant.orgs.models import OrgKind
from covenant.partners.models import Interest, Match, SubjectKind
from covenant.registry.interface import Facility, active_links, own_links
from covenant.risk.evidence import member_scores
from covenant.risk.interface import BAND_NAMES, HIGH_BAND
from covenant.risk.models import RiskProfile, Topic
from covenant.risk.scoring import band_index

SEP = "|"


@dataclass(frozen=True, order=True)
class Hotspot:
    country: str
    commodity: str  # casefolded, as risk scores it
    topic: str  # a topic code

    @property
    def key(self) -> str:
        return SEP.join((self.country, self.commodity, self.topic))

    @classmethod
    def parse(cls, key: str) -> Hotspot | None:
        """``"KE|tea|wages"`` -> Hotspot; None for anything else."""
        country, _sep, rest = key.partition(SEP)
        commodity, _sep2, topic = rest.rpartition(SEP)
        if len(country) != 2 or not country.isalpha() or not commodity or not topic:
            return None
        return cls(country.upper(), commodity.strip().casefold(), topic)


def commodities(sector: str, goods: Iterable[str]) -> tuple[str, ...]:
    """A profile's commodities as risk scores them: the goods a commodity indicator lists for the
    country (already casefolded by the engine), else the sector; none if it has neither."""
    listed = tuple(sorted({g.strip().casefold() for g in goods if g and g.strip()}))
    if listed:
        return listed
    sector = (sector or "").strip().casefold()
    return (sector,) if sector else ()


@dataclass
class Partner:
    """Another member revealed on a mutual interest: name, the contact it chose to show, its note."""

    slug: str
    name: str
    contact_name: str = ""
    contact_email: str = ""
    note: str = ""


@dataclass
class Subject:
    """One site or hotspot the member shares, as the member sees it."""

    kind: str
    key: str
    country: str
    others: int  # other members sharing it now: a number, never who
    score: float  # the member's own score (site: overall; hotspot: the topic, highest of its sites)
    band: str
    topic: str  # site: its top topic; hotspot: the topic
    commodity: str = ""  # hotspots
    sites: int = 1  # hotspots: how many of the member's sites are in it
    public_id: str = ""  # sites
    name: str = ""  # sites
    matchable: bool = True  # hotspots: also high in the shared picture (what others and matches read)
    interest: Interest | None = None  # the member's own active interest
    partners: list[Partner] = field(default_factory=list)  # only where mutual
    topic_label: str = ""  # the topic's name in the reader's language

    @property
    def country_name(self) -> str:
        from django_countries import countries

        return str(countries.name(self.country) or self.country)

    @property
    def band_label(self) -> str:
        from covenant.risk.models import Band

        return str(Band(BAND_NAMES.index(self.band)).label) if self.band in BAND_NAMES else ""


# --- The member's own subjects --------------------------------------------------------------


@dataclass
class _Own:
    sites: dict[int, dict[str, Any]]  # facility id -> public_id, name, country, score, band, topic
    hotspots: dict[Hotspot, tuple[float, int]]  # own view: highest score, sites
    public: set[Hotspot]  # the member's hotspots in the shared picture (what others see of it)


def _high(score: float | None) -> bool:
    return score is not None and band_index(score) >= HIGH_BAND


def _own(actor: Actor) -> _Own:
    """The member's linked sites with its own view of their risk, and its hotspots, in a fixed
    number of queries: its links with their stored risk, ``member_scores`` for the few sites its
    view moves, and the profiles of its sites."""
    links = own_links(actor)
    rows = list(
        links.order_by().values_list(
            "facility_id",
            "facility__public_id",
            "facility__name",
            "facility__country",
            "facility__risk__profile_id",
            "facility__risk__adjusted",
            "facility__risk__score",
            "facility__risk__band",
            "facility__risk__top_topic",
        )
    )
    mine = member_scores(actor, links.values("facility_id"))
    profile_ids = {r[4] for r in rows if r[4] is not None}
    profiles = {
        pk: (sector, goods, scores)
        for pk, sector, goods, scores in RiskProfile.objects.filter(pk__in=sorted(profile_ids)).values_list(
            "pk", "sector", "goods", "scores"
        )
    }
    sites: dict[int, dict[str, Any]] = {}
    hotspots: dict[Hotspot, tuple[float, int]] = {}
    public: set[Hotspot] = set()
    for fid, public_id, name, cc, profile_id, adjusted, score, band, top in rows:
        profile = profiles.get(profile_id)
        view = mine.get(fid)
        if view is not None:
            score, band, top = view.summary.score, view.summary.band, view.summary.top_topic
        sites[fid] = {
            "public_id": public_id,
            "name": name,
            "country": cc,
            "score": score if score is not None else 0.0,
            "band": BAND_NAMES[band] if band is not None else "",
            "topic": top or "",
        }
        if profile is None:
            continue  # not scored yet: no hotspot (reads never score)
        sector, goods, inherent = profile
        shared_scores: Mapping[str, float] = adjusted or inherent or {}
        own_scores: Mapping[str, float] = view.scores if view is not None else shared_scores
        for commodity in commodities(sector, goods):
            for topic, value in own_scores.items():
                if _high(value):
                    spot = Hotspot(cc, commodity, topic)
                    best, n = hotspots.get(spot, (0.0, 0))
                    hotspots[spot] = (max(best, value), n + 1)
            for topic, value in shared_scores.items():
                if _high(value):
                    public.add(Hotspot(cc, commodity, topic))
    return _Own(sites, hotspots, public)


# --- Who shares what, in the shared picture ------------------------------------------------


def hotspot_sharers(wanted: Iterable[Hotspot] | None = None) -> dict[Hotspot, set[int]]:
    """For each hotspot (among ``wanted``, or every one in the sector), the members whose active
    links reach it in the shared (public) picture. Grouped: one query for the profiles, two for
    the links (sites that share their profile's scores per (member, profile); the few with their
    own stored scores one by one). Not scoped: callers show counts only, or names where mutual."""
    wanted_set = set(wanted) if wanted is not None else None
    if wanted_set is not None and not wanted_set:
        return {}
    profiles = RiskProfile.objects.all()
    if wanted_set is not None:
        profiles = profiles.filter(country__in=sorted({h.country for h in wanted_set}))
    pairs = {(h.country, h.commodity) for h in wanted_set} if wanted_set is not None else None
    info: dict[int, tuple[str, tuple[str, ...], Mapping[str, float]]] = {}
    for pk, cc, sector, goods, scores in profiles.values_list("pk", "country", "sector", "goods", "scores"):
        found = tuple(c for c in commodities(sector, goods) if pairs is None or (cc, c) in pairs)
        if found:
            info[pk] = (cc, found, scores or {})
    if not info:
        return {}
    out: dict[Hotspot, set[int]] = defaultdict(set)

    def add(org_id: int, profile_id: int, scores: Mapping[str, float]) -> None:
        cc, found, _inherent = info[profile_id]
        for topic, value in scores.items():
            if _high(value):
                for commodity in found:
                    spot = Hotspot(cc, commodity, topic)
                    if wanted_set is None or spot in wanted_set:
                        out[spot].add(org_id)

    links = active_links().filter(facility__risk__profile_id__in=sorted(info))
    plain = (
        links.filter(facility__risk__adjusted__isnull=True)
        .order_by()
        .values_list("org_id", "facility__risk__profile_id")
    )
    for org_id, profile_id in plain.distinct():
        add(org_id, profile_id, info[profile_id][2])
    own_scores = links.filter(facility__risk__adjusted__isnull=False).order_by()
    columns = ("org_id", "facility__risk__profile_id", "facility__risk__adjusted")
    for org_id, profile_id, adjusted in own_scores.values_list(*columns):
        add(org_id, profile_id, adjusted or {})
    return dict(out)


def _site_sharers(facility_ids: Iterable[int] | QuerySet[Any]) -> dict[int, set[int]]:
    """For each site, the members with an active link to it (one query)."""
    ids = facility_ids if isinstance(facility_ids, QuerySet) else sorted(set(facility_ids))
    out: dict[int, set[int]] = defaultdict(set)
    for fid, org_id in active_links().filter(facility_id__in=ids).order_by().values_list("facility_id", "org_id"):
        out[fid].add(org_id)
    return dict(out)


# --- Interests and partners ----------------------------------------------------------------


def own_interests(actor: Actor, *, active: bool | None = True) -> QuerySet[Interest]:
    """The actor's organisation's interests (active ones by default). Never anyone else's."""
    qs = scoped(actor, Interest.objects.select_related("facility", "contact"), owner="org")
    return qs if active is None else qs.filter(withdrawn_at__isnull=active)


def get_own_interest(actor: Actor, interest_id: int) -> Interest:
    return get_scoped_or_404(own_interests(actor, active=None), pk=interest_id)


def sharers(kind: str, keys: Iterable[str]) -> dict[str, set[int]]:
    """Subject key -> the members sharing it now (sites: active links; hotspots: the shared
    picture). Not scoped: for the match rule and counts, never shown as such."""
    keys = set(keys)
    if kind == SubjectKind.SITE:
        ids = dict(Facility.objects.filter(public_id__in=sorted(keys)).values_list("pk", "public_id"))
        by_site = _site_sharers(ids)
        return {ids[fid]: orgs for fid, orgs in by_site.items()}
    spots = {h for h in (Hotspot.parse(k) for k in keys) if h is not None}
    return {h.key: orgs for h, orgs in hotspot_sharers(spots).items()}


def mutual_partners(org_id: int, subjects: Mapping[tuple[str, str], set[int]]) -> dict[tuple[str, str], list[Interest]]:
    """The rule of reveals, in one place: for each subject ``(kind, key)`` the organisation
    ``org_id`` has an active interest in and shares now (``subjects`` maps each to the members
    sharing it now), the *other* members' active interests in it whose member shares it now.
    A subject the organisation does not share, or has no active interest in, reveals nobody.
    One query for all subjects."""
    wanted = {s: orgs for s, orgs in subjects.items() if org_id in orgs}
    if not wanted:
        return {}
    # The organisation's own active interests are few: read them all and keep those it shares.
    own = Interest.objects.filter(org_id=org_id, withdrawn_at__isnull=True).values_list("kind", "key")
    mine = {subject for subject in own if subject in wanted}
    if not mine:
        return {}
    others = (
        Interest.objects.filter(
            key__in=sorted({key for _kind, key in mine}), withdrawn_at__isnull=True, org__kind=OrgKind.MEMBER
        )
        .exclude(org_id=org_id)
        .select_related("org", "contact")
        .order_by("org__name")
    )
    out: dict[tuple[str, str], list[Interest]] = defaultdict(list)
    for interest in others:
        subject = (interest.kind, interest.key)
        if subject in mine and interest.org_id in wanted[subject]:
            out[subject].append(interest)
    return dict(out)


def _partner(interest: Interest) -> Partner:
    contact = interest.contact
    return Partner(
        slug=interest.org.slug,
        name=interest.org.name,
        contact_name=(contact.get_full_name() or contact.email) if contact is not None else "",
        contact_email=contact.email if contact is not None else "",
        note=interest.note,
    )


# --- The member's page -------------------------------------------------------------------


@dataclass
class SharedView:
    sites: list[Subject]
    hotspots: list[Subject]
    # The member's active interests it no longer shares (a link ended): they stop counting.
    lapsed: list[Interest]
    topics: dict[str, str]  # code -> name in the reader's language
    countries: list[str]

    @property
    def matched(self) -> list[Subject]:
        """The subjects with partners revealed (interest mutual, both sharing)."""
        return [s for s in self.hotspots + self.sites if s.partners]

    @property
    def subjects(self) -> list[Subject]:
        """Hotspots, then sites, each in the page's order."""
        return self.hotspots + self.sites


def shared(actor: Actor, *, topic: str = "", country: str = "") -> SharedView:
    """The actor's sites and hotspots that other members share, with counts (at least one), its
    own interest in each and, where interest is mutual, the partners. Members only; a fixed
    number of queries whatever the chain's size."""
    org = actor.require_kind(OrgKind.MEMBER)
    own = _own(actor)
    site_orgs = _site_sharers(own_links(actor).values("facility_id"))
    spot_orgs = hotspot_sharers(set(own.hotspots) | own.public)
    interests = {(i.kind, i.key): i for i in own_interests(actor)}
    subjects: dict[tuple[str, str], set[int]] = {}
    sites: list[Subject] = []
    for fid, orgs in site_orgs.items():
        data = own.sites.get(fid)
        if data is None:
            continue
        others = len(orgs - {org.pk})
        subjects[(SubjectKind.SITE, data["public_id"])] = orgs
        if others or (SubjectKind.SITE, data["public_id"]) in interests:
            sites.append(
                Subject(
                    SubjectKind.SITE,
                    data["public_id"],
                    data["country"],
                    others,
                    data["score"],
                    data["band"],
                    data["topic"],
                    public_id=data["public_id"],
                    name=data["name"],
                )
            )
    hotspots: list[Subject] = []
    for spot, orgs in spot_orgs.items():
        subjects[(SubjectKind.HOTSPOT, spot.key)] = orgs
        interested = (SubjectKind.HOTSPOT, spot.key) in interests
        if spot not in own.hotspots and not interested:
            continue  # high in the shared picture only: the member's own view says otherwise
        others = len(orgs - {org.pk})
        best, n = own.hotspots.get(spot, (0.0, 0))
        if others or interested:
            hotspots.append(
                Subject(
                    SubjectKind.HOTSPOT,
                    spot.key,
                    spot.country,
                    others,
                    best,
                    BAND_NAMES[band_index(best)],
                    spot.topic,
                    commodity=spot.commodity,
                    sites=n,
                    matchable=spot in own.public,
                )
            )
    revealed = mutual_partners(org.pk, subjects)
    for subject in sites + hotspots:
        subject.interest = interests.get((subject.kind, subject.key))
        subject.partners = [_partner(i) for i in revealed.get((subject.kind, subject.key), [])]
    lapsed = [i for s, i in interests.items() if org.pk not in subjects.get(s, set())]
    topic_names = {t.code: t.label for t in Topic.objects.all()}
    for subject in sites + hotspots:
        subject.topic_label = topic_names.get(subject.topic, subject.topic)
    countries = sorted({s.country for s in sites + hotspots})
    if topic:
        sites = [s for s in sites if s.topic == topic]
        hotspots = [s for s in hotspots if s.topic == topic]
    if country:
        sites = [s for s in sites if s.country == country.upper()]
        hotspots = [s for s in hotspots if s.country == country.upper()]
    order = lambda s: (-s.others, -BAND_NAMES.index(s.band) if s.band else 0, -s.score, s.key)  # noqa: E731
    return SharedView(sorted(sites, key=order), sorted(hotspots, key=order), lapsed, topic_names, countries)


def own_hotspots(actor: Actor) -> tuple[set[Hotspot], set[Hotspot]]:
    """The member's hotspots in its own view, and those also high in the shared picture."""
    actor.require_kind(OrgKind.MEMBER)
    own = _own(actor)
    return set(own.hotspots), own.public


# --- The secretariat's counts --------------------------------------------------------------


@dataclass(frozen=True)
class SectorCounts:
    sites_shared: int  # sites with active links of two members or more
    hotspots_shared: int  # hotspots two members or more share in the shared picture
    interests_active: int
    interests_ever: int
    interests_sites: int
    interests_hotspots: int
    matches: int  # pairs of members matched on a subject (each pair and subject once)
    members_interested: int


def sector_counts(actor: Actor) -> SectorCounts:
    """Numbers only, for the secretariat: no names, no sites, no hotspots."""
    actor.require_kind(OrgKind.SECRETARIAT)
    sites = (
        active_links()
        .order_by()
        .values("facility_id")
        .annotate(n=Count("org_id", distinct=True))
        .filter(n__gte=2)
        .count()
    )
    spots = sum(1 for orgs in hotspot_sharers().values() if len(orgs) >= 2)
    interests = Interest.objects.order_by()
    active = interests.filter(withdrawn_at__isnull=True)
    by_kind = dict(active.values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return SectorCounts(
        sites_shared=sites,
        hotspots_shared=spots,
        interests_active=sum(by_kind.values()),
        interests_ever=interests.count(),
        interests_sites=by_kind.get(SubjectKind.SITE, 0),
        interests_hotspots=by_kind.get(SubjectKind.HOTSPOT, 0),
        matches=Match.objects.count(),
        members_interested=active.values("org_id").distinct().count(),
    )
