"""Reads of the learning library, always through the scoping rule.

Who sees a resource (``visible_resources``): everyone signed in for an organisation sees what
is published (the sector's library and approved tools) and the earlier versions those replaced;
the contributing organisation sees its own tools in every state; the secretariat sees every
tool once submitted (its review queue), never another organisation's drafts. Progress is the
person's own: nobody else reads it, the secretariat only counts it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from covenant.core.actors import Actor
from covenant.core.oecd import OecdStep
from covenant.core.roles import OrgKind
from covenant.core.scoping import get_scoped_or_404, scoped
from covenant.learning.interface import Gap, gap_sources
from covenant.learning.models import (
    SHARED_STATUSES,
    Progress,
    ProgressStatus,
    Resource,
    ResourceKind,
    ResourceStatus,
)

log = logging.getLogger(__name__)

# What may contribute tools: members, and the branch associations that group them.
CONTRIBUTOR_KINDS = (OrgKind.MEMBER, OrgKind.BRANCH_ASSOCIATION)


def _with_details(qs: QuerySet[Resource]) -> QuerySet[Resource]:
    return qs.select_related("contributed_by", "replaces").prefetch_related("topics", "step_rows")


def visible_resources(actor: Actor) -> QuerySet[Resource]:
    """Every resource the actor may open (see the module's docstring)."""
    shared = Q(status__in=SHARED_STATUSES)
    if actor.is_secretariat:
        # Declared visible to the secretariat from submission on (it decides); drafts stay private.
        shared |= Q(contributed_by__isnull=False) & ~Q(status=ResourceStatus.DRAFT)
    return _with_details(scoped(actor, Resource.objects.all(), owner="contributed_by", shared=shared))


def get_resource(actor: Actor, resource_id: int) -> Resource:
    return get_scoped_or_404(visible_resources(actor), pk=resource_id)


def _language(code: str) -> str:
    return code.split("-")[0].lower()


def library(
    actor: Actor,
    *,
    topic: str = "",
    step: int | None = None,
    kind: str = "",
    language: str = "",
    sme: bool = False,
    q: str = "",
) -> QuerySet[Resource]:
    """The published library, filtered: what the library page and the API list."""
    qs = visible_resources(actor).filter(status=ResourceStatus.PUBLISHED)
    if topic:
        qs = qs.filter(topics__code=topic)
    if step:
        qs = qs.filter(step_rows__step=step)
    if kind:
        qs = qs.filter(kind=kind)
    if language:
        # "zh" finds "zh-hans": languages compare by their primary subtag.
        qs = qs.filter(Q(language__iexact=language) | Q(language__istartswith=f"{_language(language)}-"))
    if sme:
        qs = qs.filter(sme_friendly=True)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(publisher__icontains=q))
    return qs.order_by("title", "pk")


def languages_in_library() -> list[str]:
    """The language codes published resources are in (for the filter)."""
    rows = Resource.objects.filter(status=ResourceStatus.PUBLISHED).values_list("language", flat=True)
    return sorted(set(rows))


def own_contributions(actor: Actor) -> QuerySet[Resource]:
    """The actor's organisation's tools, in every state (nobody else's)."""
    return _with_details(scoped(actor, Resource.objects.all(), owner="contributed_by")).order_by("-updated_at")


def review_queue(actor: Actor) -> QuerySet[Resource]:
    """Tools waiting for the secretariat's decision, oldest first."""
    actor.require_kind(OrgKind.SECRETARIAT)
    return visible_resources(actor).filter(status=ResourceStatus.SUBMITTED).order_by("submitted_at", "pk")


def recent_decisions(actor: Actor, limit: int = 20) -> list[Resource]:
    actor.require_kind(OrgKind.SECRETARIAT)
    qs = visible_resources(actor).filter(decided_at__isnull=False).select_related("reviewer")
    return list(qs.order_by("-decided_at")[:limit])


def pending_replacement(resource: Resource) -> Resource | None:
    """A change of a published tool waiting for review (there is at most one)."""
    return resource.replacements.filter(status=ResourceStatus.SUBMITTED).first()


def current_version(actor: Actor, resource: Resource) -> Resource | None:
    """For a superseded tool: the published version that replaced it, if the actor may see it."""
    if resource.status != ResourceStatus.SUPERSEDED:
        return None
    found = resource
    for _hop in range(50):  # a chain of versions; bounded, never a loop
        nxt = visible_resources(actor).filter(replaces=found, status__in=SHARED_STATUSES).first()
        if nxt is None:
            return None
        if nxt.status == ResourceStatus.PUBLISHED:
            return nxt
        found = nxt
    return None


# --- Resources for a gap ----------------------------------------------------------------


def resources_for(
    *, topics: Iterable[str] = (), steps: Iterable[int] = (), language: str | None = None, limit: int = 5
) -> list[Resource]:
    """Published resources that fit any of ``topics`` or ``steps``.

    Order: the most matching topics and steps first; among equals, those in ``language``, then in
    English (the sector's common language), then others; then the more specific (fewer topics and
    steps: a guide on forced labour before one on every topic); then by title. Published
    resources are open to every participant, so no actor is needed.
    """
    wanted_topics = {t for t in topics if t}
    wanted_steps = {int(s) for s in steps if s}
    if (not wanted_topics and not wanted_steps) or limit <= 0:
        return []
    found = (
        Resource.objects.filter(status=ResourceStatus.PUBLISHED)
        .filter(Q(topics__code__in=wanted_topics) | Q(step_rows__step__in=wanted_steps))
        .distinct()
        .select_related("contributed_by")
        .prefetch_related("topics", "step_rows")
    )
    lang = _language(language or "")

    def rank(resource: Resource) -> tuple[int, int, int, str, int]:
        codes = {t.code for t in resource.topics.all()}
        steps_of = set(resource.steps)
        fit = len(codes & wanted_topics) + len(steps_of & wanted_steps)
        own = _language(resource.language)
        in_language = 0 if lang and own == lang else 1 if own == "en" else 2
        return (-fit, in_language, len(codes) + len(steps_of), resource.title.casefold(), resource.pk)

    return sorted(found, key=rank)[:limit]


# --- Recommendations --------------------------------------------------------------------


@dataclass
class Recommendation:
    resource: Resource
    reasons: list[Gap] = field(default_factory=list)


def risk_gaps(actor: Actor) -> list[Gap]:
    """A member's salient issues (the risk overview's, with sites at high or very high) as gaps."""
    if actor.kind != OrgKind.MEMBER:
        return []
    from covenant.risk import selectors as risk_selectors

    overview = risk_selectors.member_overview(actor)
    url = reverse("risk:overview")
    return [
        Gap(
            source="risk",
            reason=_("High risk in your chain: %(topic)s (%(n)s sites high or very high)")
            % {"topic": issue.topic.label, "n": issue.high},
            topic=issue.topic.code,
            url=url,
        )
        for issue in overview.top_issues
        if issue.high > 0
    ][:3]


def gaps(actor: Actor) -> list[Gap]:
    """Every gap known about the actor's organisation: from each registered source, then risk."""
    found: list[Gap] = []
    for source in gap_sources():
        try:
            found.extend(source(actor))
        except Exception:
            # Another app's failure must not take the library down; it is logged to be fixed.
            log.exception("learning gap source %r failed", source)
    found.extend(risk_gaps(actor))
    return found


def recommendations(actor: Actor, *, limit: int = 8, per_gap: int = 3) -> list[Recommendation]:
    """Resources for the actor's gaps, each with the gaps it answers (its "why"); what the person
    has completed is left out. Resources answering more gaps come first."""
    user_language = getattr(actor.user, "language", "") or ""
    done = set(
        Progress.objects.filter(user=actor.user, status=ProgressStatus.COMPLETED).values_list("resource_id", flat=True)
        if actor.user is not None
        else []
    )
    picked: dict[int, Recommendation] = {}
    order: list[int] = []
    for gap in gaps(actor):
        fits = resources_for(
            topics=[gap.topic] if gap.topic else [],
            steps=[gap.step] if gap.step else [],
            language=user_language,
            limit=per_gap + len(done),
        )
        for resource in [r for r in fits if r.pk not in done][:per_gap]:
            if resource.pk not in picked:
                picked[resource.pk] = Recommendation(resource)
                order.append(resource.pk)
            if gap not in picked[resource.pk].reasons:
                picked[resource.pk].reasons.append(gap)
    ranked = sorted(order, key=lambda pk: (-len(picked[pk].reasons), order.index(pk)))
    return [picked[pk] for pk in ranked[:limit]]


# --- Progress ---------------------------------------------------------------------------


def my_progress(actor: Actor) -> QuerySet[Progress]:
    """The person's own progress, on resources they may still open."""
    if actor.user is None:
        return Progress.objects.none()
    visible = visible_resources(actor).values("pk")
    return (
        Progress.objects.filter(user=actor.user, resource_id__in=visible)
        .select_related("resource")
        .order_by("-updated_at")
    )


def progress_of(actor: Actor, resource: Resource) -> Progress | None:
    if actor.user is None:
        return None
    return Progress.objects.filter(user=actor.user, resource=resource).first()


def progress_by_resource(actor: Actor, resource_ids: Iterable[int]) -> dict[int, str]:
    if actor.user is None:
        return {}
    rows = Progress.objects.filter(user=actor.user, resource_id__in=list(resource_ids))
    return dict(rows.values_list("resource_id", "status"))


@dataclass(frozen=True)
class Usage:
    started: int
    completed: int


def usage(actor: Actor, resource: Resource) -> Usage | None:
    """How many people started and completed a resource: for the secretariat only, no names."""
    if not actor.is_secretariat:
        return None
    counts = Counter(Progress.objects.filter(resource=resource).values_list("status", flat=True))
    return Usage(
        started=counts[ProgressStatus.STARTED] + counts[ProgressStatus.COMPLETED],
        completed=counts[ProgressStatus.COMPLETED],
    )


def completion_counts(since: datetime | None = None) -> dict[str, int]:
    """Completions per resource kind and in total (``{"guide": 3, ..., "total": 9}``), since a
    moment if given: figures for the secretariat's KPIs, without names. Every kind is present."""
    qs = Progress.objects.filter(status=ProgressStatus.COMPLETED)
    if since is not None:
        qs = qs.filter(completed_at__gte=since)
    rows = dict(qs.values_list("resource__kind").annotate(n=Count("pk")).order_by())
    counts = {kind: int(rows.get(kind, 0)) for kind in ResourceKind.values}
    counts["total"] = sum(counts.values())
    return counts


def step_choices() -> list[tuple[int, str]]:
    return [(int(value), str(label)) for value, label in OecdStep.choices]
