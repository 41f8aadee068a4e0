"""The partners part of the demo sector: a few interests, written through the services.

- mem-01 (the demo member) and mem-06 mutually interested in Kenyan tea, the subject of the joint
  action "Living wages on tea estates": the hotspot Kenya × tea × wages if both chains have it high,
  else a Kenyan tea site both source from (with the demo data: Chagaik Tea Factory; wages is not
  high there, child labour is), else another Kenyan tea hotspot;
- mem-01 alone on another hotspot it shares (waiting: others see a count, nothing more);
- mem-04 and mem-07 on Malaysia × rubber gloves × migrant workers if both chains have it, else a
  Malaysian site both source from (mem-07, a personal-care firm, buys no gloves and has no site
  high on any topic in the demo data).

Subjects are read from the demo data (what the chains do share), in a fixed order, so a run is
deterministic; a subject already signalled is skipped, so running it twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from covenant.core.actors import Actor
from covenant.orgs.models import Membership, Organisation
from covenant.partners import selectors, services
from covenant.partners.models import Interest, SubjectKind

Log = Callable[[str], None]

TEA_TOPICS = ("wages", "child_labour", "health_safety", "freedom_of_association", "working_hours")


def _admin(org: Organisation | None) -> Actor | None:
    if org is None:
        return None
    membership = Membership.objects.filter(org=org, role="admin").select_related("user").order_by("pk").first()
    return Actor(user=membership.user, org=org, role="admin") if membership is not None else None


def _signal(actor: Actor, kind: str, key: str, note: str = "") -> bool:
    assert actor.org is not None
    if Interest.objects.filter(org=actor.org, kind=kind, key=key, withdrawn_at__isnull=True).exists():
        return False
    services.signal_interest(actor, kind, key, note=note, show_contact=True)
    return True


def _matchable(actor: Actor) -> set[selectors.Hotspot]:
    own, public = selectors.own_hotspots(actor)
    return own & public


def _common_hotspot(
    x: Actor, y: Actor, country: str, commodity: Callable[[str], bool], topics: Iterable[str]
) -> selectors.Hotspot | None:
    both = _matchable(x) & _matchable(y)
    candidates = sorted(h for h in both if h.country == country and commodity(h.commodity))
    for topic in topics:
        for spot in candidates:
            if spot.topic == topic:
                return spot
    return candidates[0] if candidates else None


def _common_site(x: Actor, y: Actor, words: tuple[str, ...] = (), country: str = "") -> str:
    """A site both link to (in ``country``, whose name or products have one of ``words``, if
    given): its public id, or ""."""
    from covenant.registry.interface import own_links

    theirs = set(own_links(y).values_list("facility_id", flat=True))
    rows = own_links(x).order_by("facility__public_id")
    if country:
        rows = rows.filter(facility__country=country)
    columns = ("facility_id", "facility__public_id", "facility__name", "facility__products")
    for fid, public_id, name, products in rows.values_list(*columns):
        text = " ".join([name, *(p for p in products or () if isinstance(p, str))]).casefold()
        if fid in theirs and (not words or any(w in text for w in words)):
            return str(public_id)
    return ""


def _pick(x: Actor, y: Actor, country: str, words: tuple[str, ...], topics: tuple[str, ...]) -> tuple[str, str] | None:
    """The subject two members share for the demo, in order of preference: a hotspot of
    ``country`` × one of ``words`` on the first of ``topics``; a site there with one of
    ``words``; such a hotspot on another topic; any site there. None if they share none."""
    spot = _common_hotspot(x, y, country, lambda c: any(w in c for w in words), topics[:1])
    if spot is not None and spot.topic == topics[0]:
        return SubjectKind.HOTSPOT, spot.key
    site = _common_site(x, y, words, country)
    if site:
        return SubjectKind.SITE, site
    spot = _common_hotspot(x, y, country, lambda c: any(w in c for w in words), topics)
    if spot is not None:
        return SubjectKind.HOTSPOT, spot.key
    site = _common_site(x, y, (), country)
    return (SubjectKind.SITE, site) if site else None


def seed_partners(*, orgs: dict[str, Organisation], log: Log = print) -> None:
    made = 0
    mem01, mem06 = _admin(orgs.get("mem-01")), _admin(orgs.get("mem-06"))
    chosen = ""
    if mem01 is not None and mem06 is not None:
        tea = _pick(mem01, mem06, "KE", ("tea",), TEA_TOPICS)
        if tea is not None:
            kind, chosen = tea
            note = "Living wages on tea estates: a joint wage-gap study and a plan with the estates and the union."
            made += _signal(mem01, kind, chosen, note)
            made += _signal(mem06, kind, chosen, "Open to a joint living-wage project.")
        else:
            log("  partners: mem-01 and mem-06 share no Kenyan tea site or hotspot; skipped")
    if mem01 is not None:
        view = selectors.shared(mem01)
        alone = next((s for s in view.hotspots if s.key != chosen and s.matchable and s.others), None)
        if alone is not None:
            made += _signal(mem01, alone.kind, alone.key, "Looking for members to act on this together.")
    mem04, mem07 = _admin(orgs.get("mem-04")), _admin(orgs.get("mem-07"))
    if mem04 is not None and mem07 is not None:
        gloves = _pick(mem04, mem07, "MY", ("glove",), ("migrant_workers", "forced_labour"))
        if gloves is not None:
            kind, key = gloves
            made += _signal(mem04, kind, key, "Recruitment fees of migrant workers: a joint employer-pays plan.")
            made += _signal(mem07, kind, key)
        else:
            log("  partners: mem-04 and mem-07 share nothing in Malaysia; skipped")
    log(f"  partners: {made} interests signalled, {Interest.objects.count()} in all")
