"""A member's own view of its sites' risk: the shared picture plus what it may read.

The stored picture (``SiteRisk``) is sector data built from public evidence only. A
member's view of a site adds two things, and only for that member:

- the restricted signals whose source object it may read (an audit shared with it,
  grievance cases routed to it, self-assessments), each rule registered by the owning
  app with ``risk.interface.register_reader``;
- its own overrides (``RiskOverride``).

Most sites have neither, so callers read the stored rows for every site and ask here
for the few that differ (:func:`member_scores`). One home for the rule: the overview,
the site page, the supply chain and coverage pages all read a member's scores here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from covenant.core.actors import Actor
from covenant.core.scoping import scoped
from covenant.risk.interface import readable_refs, readable_refs_at
from covenant.risk.models import RESTRICTED_SOURCES, RiskOverride, SiteRisk, SiteSignal, Topic
from covenant.risk.scoring import Summary, adjust, summarise

FacilityIds = Iterable[int] | QuerySet[Any]


def _ids_filter(facilities: FacilityIds, field: str = "facility_id") -> Q:
    if isinstance(facilities, QuerySet):
        return Q(**{f"{field}__in": facilities})
    return Q(**{f"{field}__in": list(dict.fromkeys(int(i) for i in facilities))})


def active_signals(facilities: FacilityIds, today: date | None = None) -> QuerySet[SiteSignal]:
    """Signals in force today on these sites (observed, not expired), every source."""
    today = today or timezone.localdate()
    return SiteSignal.objects.filter(
        _ids_filter(facilities), Q(expires_on__isnull=True) | Q(expires_on__gte=today), observed_on__lte=today
    )


def own_overrides(actor: Actor, facilities: FacilityIds | None = None) -> QuerySet[RiskOverride]:
    """The actor's organisation's overrides, expired ones included (to list and renew them)."""
    qs = scoped(actor, RiskOverride.objects.all(), owner="org")
    return qs if facilities is None else qs.filter(_ids_filter(facilities))


def active_overrides(actor: Actor, facilities: FacilityIds, today: date | None = None) -> QuerySet[RiskOverride]:
    """The actor's organisation's overrides in force on these sites: up to and including
    their review date. An expired override is kept (to be renewed) but no longer applies."""
    today = today or timezone.localdate()
    return own_overrides(actor, facilities).filter(review_on__gte=today)


def _readable_refs(actor: Actor, facilities: FacilityIds) -> tuple[QuerySet[SiteSignal], dict[str, set[str]]]:
    """The restricted signals in force on these sites, and per source the refs ``actor`` may
    read among them: keep a signal when its ``source_ref`` is in its source's set.

    For a chain (a queryset of ids), each source's chain-wide rule names the refs the actor
    may read there (one joined query each); a source without one, and a list of sites, is
    asked about the distinct refs found. The refs are matched in Python, not sent back to
    the database: a member with tens of thousands of shared audits would otherwise send as
    many parameters (seconds on PostgreSQL), and audit ids are UUIDs whose text form differs
    between databases."""
    restricted = active_signals(facilities).filter(source__in=RESTRICTED_SOURCES)
    allowed: dict[str, set[str]] = {}
    # Only sources with a signal in force on these sites are asked (one cheap query): most
    # chains have no restricted evidence at all, and asking costs a join over all the audits.
    present = sorted(set(restricted.order_by().values_list("source", flat=True).distinct()))
    ask: list[str] = present
    if isinstance(facilities, QuerySet):
        ask = []
        for source in present:
            refs_at = readable_refs_at(actor, source, facilities)
            if refs_at is None:
                ask.append(source)
            elif refs_at:
                allowed[source] = refs_at
    if ask:
        wanted: dict[str, set[str]] = defaultdict(set)
        found = restricted.filter(source__in=ask).order_by().values_list("source", "source_ref").distinct()
        for source, ref in found:
            wanted[source].add(ref)
        for source, refs in wanted.items():
            refs_allowed = readable_refs(actor, source, refs)
            if refs_allowed:
                allowed[source] = refs_allowed
    return restricted.filter(source__in=sorted(allowed)), allowed


def readable_evidence(actor: Actor, facilities: FacilityIds) -> dict[int, list[SiteSignal]]:
    """Per site, the restricted signals in force that ``actor`` may read (audits shared with
    it, cases routed to it, ...), oldest first. Sites without any are left out."""
    restricted, allowed = _readable_refs(actor, facilities)
    out: dict[int, list[SiteSignal]] = defaultdict(list)
    if not allowed:
        return {}
    for signal in restricted.select_related("topic").order_by("observed_on", "pk"):
        if signal.source_ref in allowed[signal.source]:
            out[signal.facility_id].append(signal)
    return dict(out)


@dataclass(frozen=True)
class MemberScore:
    """One site as a member sees it, where that differs from the stored picture."""

    scores: dict[str, float]  # topic code -> 0-10
    summary: Summary
    evidence: bool  # restricted evidence the member may read moved it
    overridden: bool  # the member's own override replaced a topic's score


def member_scores(actor: Actor, facilities: FacilityIds) -> dict[int, MemberScore]:
    """The sites among ``facilities`` whose score differs, for this actor, from the stored
    picture, with their scores: the stored (public) deltas plus the restricted evidence the
    actor may read, then its own overrides. Other sites keep the stored ``SiteRisk`` values."""
    # Deltas only, summed per site and topic: no signal objects, no explanations (a large
    # chain's overview reads hundreds of these; the site page reads the lines).
    evidence: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    restricted, allowed = _readable_refs(actor, facilities)
    if allowed:
        rows = restricted.order_by().values_list("facility_id", "topic__code", "delta", "source", "source_ref")
        for fid, code, delta, source, ref in rows:
            if ref in allowed[source]:
                evidence[fid][code] += delta
    overrides: dict[int, dict[str, float]] = defaultdict(dict)
    for fid, code, score in active_overrides(actor, facilities).values_list("facility_id", "topic__code", "score"):
        overrides[fid][code] = score
    wanted = set(evidence) | set(overrides)
    if not wanted:
        return {}
    if evidence:
        # The stored picture's public deltas on those sites come first.
        public = active_signals(sorted(evidence)).exclude(source__in=RESTRICTED_SOURCES)
        for fid, code, delta in public.values_list("facility_id", "topic__code", "delta"):
            evidence[fid][code] += delta
    severity = dict(Topic.objects.values_list("code", "severity"))
    out: dict[int, MemberScore] = {}
    stored = SiteRisk.objects.filter(facility_id__in=sorted(wanted)).values_list(
        "facility_id", "adjusted", "profile__scores"
    )
    for fid, adjusted, inherent in stored:
        scores = adjust(inherent, evidence[fid]) if fid in evidence else dict(adjusted or inherent)
        own = overrides.get(fid)
        if own:
            scores.update({code: value for code, value in own.items() if code in scores})
        out[fid] = MemberScore(scores, summarise(scores, severity), fid in evidence, bool(own))
    return out
