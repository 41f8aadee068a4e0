"""Reads of the self-assessment, each through the scoping rule or an explicit rule tested for its
negative case.

- An assessment, its answers and its evidence are the member's own. The secretariat reads them,
  and each member's status and scores, only where the deployment allows it
  (``COVENANT_SELF_ASSESSMENT_PER_MEMBER``, default off); otherwise it sees counts and aggregates,
  and reopens a member's assessment by naming the member (``get_for_reopen``) without reading it.
- Aggregates (per step: members at each maturity, median) are shown to the secretariat over all
  members and to a branch association over its own members, and only from at least
  :data:`MIN_GROUP` submitted assessments; below that, nothing but the reason.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from covenant.assessments import questionnaire
from covenant.assessments.models import Assessment, AssessmentStatus, Cycle, CycleStatus, Evidence
from covenant.core.actors import Actor
from covenant.core.oecd import OecdStep, short_name
from covenant.core.roles import OrgKind
from covenant.core.scoping import get_scoped_or_404, scoped
from covenant.orgs.models import Organisation

MIN_GROUP = 5  # no aggregate from fewer submitted assessments than this
LEVELS = (0, 1, 2, 3, 4)


def per_member_allowed() -> bool:
    """May the secretariat read each member's answers and scores? A deployment's choice."""
    return bool(getattr(settings, "COVENANT_SELF_ASSESSMENT_PER_MEMBER", False))


# --- Cycles (sector-wide facts: year, deadline, status) -----------------------------------


def cycles() -> QuerySet[Cycle]:
    return Cycle.objects.order_by("-year")


def current_cycle() -> Cycle | None:
    """The open cycle (at most one is open at a time: ``services.open_cycle``)."""
    return Cycle.objects.filter(status=CycleStatus.OPEN).order_by("-year").first()


def get_cycle(year: int) -> Cycle:
    return get_scoped_or_404(Cycle.objects.all(), year=year)


# --- A member's own assessments ------------------------------------------------------------


def assessments(actor: Actor) -> QuerySet[Assessment]:
    """Assessments the actor may read: its organisation's; every member's for the secretariat only
    where the deployment allows it."""
    return scoped(
        actor, Assessment.objects.select_related("cycle", "org"), owner="org", secretariat=per_member_allowed()
    )


def own_assessments(actor: Actor) -> QuerySet[Assessment]:
    """The actor's organisation's own assessments, newest cycle first (the API's list)."""
    if actor.org is None:
        return Assessment.objects.none()
    return assessments(actor).filter(org=actor.org).order_by("-cycle__year")


def get_assessment(actor: Actor, assessment_id: Any) -> Assessment:
    return get_scoped_or_404(assessments(actor), pk=assessment_id)


def own_assessment_in(actor: Actor, cycle: Cycle) -> Assessment | None:
    return own_assessments(actor).filter(cycle=cycle).first()


def get_own_by_year(actor: Actor, year: int) -> Assessment:
    return get_scoped_or_404(own_assessments(actor), cycle__year=year)


def get_for_reopen(actor: Actor, cycle: Cycle, member: Organisation) -> Assessment:
    """The secretariat addresses a member's assessment in a cycle to reopen it (without reading
    it); anyone else gets 404. A member without one: a validation error naming it."""
    if not actor.is_secretariat:
        raise Http404
    found = Assessment.objects.select_related("cycle", "org").filter(cycle=cycle, org=member).first()
    if found is None:
        raise ValidationError(
            _("%(member)s has no self-assessment in %(year)s.") % {"member": member.name, "year": cycle.year}
        )
    return found


def previous_of(assessment: Assessment) -> Assessment | None:
    """The member's latest submitted assessment of an earlier cycle: "the change since last year"."""
    return (
        Assessment.objects.filter(
            org_id=assessment.org_id, status=AssessmentStatus.SUBMITTED, cycle__year__lt=assessment.cycle.year
        )
        .select_related("cycle")
        .order_by("-cycle__year")
        .first()
    )


def evidence_of(assessment: Assessment) -> QuerySet[Evidence]:
    """Evidence of an assessment already fetched through :func:`get_assessment`."""
    return assessment.evidence.all()


def get_evidence(actor: Actor, evidence_id: Any) -> Evidence:
    qs = scoped(
        actor,
        Evidence.objects.select_related("assessment__cycle"),
        owner="assessment__org",
        secretariat=per_member_allowed(),
    )
    return get_scoped_or_404(qs, pk=evidence_id)


def current_scores(assessment: Assessment) -> dict[str, int]:
    """Stored scores once submitted; a draft's are worked out from its answers as they stand."""
    if assessment.status == AssessmentStatus.SUBMITTED and assessment.scores:
        return {k: int(v) for k, v in assessment.scores.items()}
    return questionnaire.get(assessment.version).scores(assessment.answers)


@dataclass(frozen=True)
class StepResult:
    step: int
    name: str
    short: str
    score: int
    label: str
    previous: int | None
    change: int | None
    gap: bool
    unanswered_core: int


def results(assessment: Assessment) -> list[StepResult]:
    q = questionnaire.get(assessment.version)
    scores = current_scores(assessment)
    before = previous_of(assessment)
    previous = {k: int(v) for k, v in (before.scores if before else {}).items()}
    found = []
    for step in questionnaire.STEPS:
        score = scores.get(str(step), 0)
        prev = previous.get(str(step))
        unanswered = len([i for i in q.missing(assessment.answers, step) if i.core])
        found.append(
            StepResult(
                step=step,
                name=str(OecdStep(step).label),
                short=short_name(step),
                score=score,
                label=q.level_label(score),
                previous=prev,
                change=None if prev is None else score - prev,
                gap=score < 3 or unanswered > 0,
                unanswered_core=unanswered,
            )
        )
    return found


# --- Aggregates (secretariat over all members; a branch association over its own) --------------


@dataclass(frozen=True)
class StepDistribution:
    step: int
    short: str
    counts: list[int]  # members at maturity 0..4
    median: float


@dataclass(frozen=True)
class Aggregate:
    year: int
    members: int  # members in the group
    submitted: int
    steps: list[StepDistribution] | None  # None: fewer than MIN_GROUP submitted
    reason: str = ""


@dataclass(frozen=True)
class Participation:
    label: str
    members: int
    not_started: int
    drafting: int
    submitted: int


@dataclass
class CycleOverview:
    cycle: Cycle
    participation: Participation
    by_branch: list[Participation] = field(default_factory=list)
    aggregate: Aggregate | None = None
    branch_aggregates: list[tuple[str, Aggregate]] = field(default_factory=list)


def group_of(actor: Actor) -> QuerySet[Organisation]:
    """The member companies whose aggregates the actor may see: every member for the secretariat,
    its own members for a branch association; nobody else sees aggregates."""
    org = actor.require_org()
    if actor.is_secretariat:
        return Organisation.objects.filter(kind=OrgKind.MEMBER, is_active=True)
    if org.kind == OrgKind.BRANCH_ASSOCIATION:
        return org.branch_members.filter(kind=OrgKind.MEMBER, is_active=True)
    raise PermissionDenied(_("Only the secretariat and branch associations see aggregates."))


def aggregate(cycle: Cycle, members: QuerySet[Organisation]) -> Aggregate:
    """Per step, how many of ``members`` reached each maturity, and the median: from submitted
    assessments only, and only when at least MIN_GROUP of them are submitted."""
    member_count = members.count()
    rows = list(
        Assessment.objects.filter(cycle=cycle, status=AssessmentStatus.SUBMITTED, org__in=members).values_list(
            "scores", flat=True
        )
    )
    if len(rows) < MIN_GROUP:
        reason = _("Fewer than %(n)s members submitted: not shown.") % {"n": MIN_GROUP}
        return Aggregate(cycle.year, member_count, len(rows), None, reason)
    steps = []
    for step in questionnaire.STEPS:
        values = [int(scores.get(str(step), 0)) for scores in rows]
        steps.append(
            StepDistribution(
                step=step,
                short=short_name(step),
                counts=[values.count(level) for level in LEVELS],
                median=float(statistics.median(values)),
            )
        )
    return Aggregate(cycle.year, member_count, len(rows), steps)


def participation(cycle: Cycle, members: QuerySet[Organisation], label: str = "") -> Participation:
    """How many members have not started, are drafting (a draft or a reopened one) or submitted."""
    counts = Assessment.objects.filter(cycle=cycle, org__in=members).aggregate(
        drafting=Count("pk", filter=Q(status__in=[AssessmentStatus.DRAFT, AssessmentStatus.REOPENED])),
        submitted=Count("pk", filter=Q(status=AssessmentStatus.SUBMITTED)),
    )
    total = members.count()
    drafting, submitted = int(counts["drafting"] or 0), int(counts["submitted"] or 0)
    return Participation(label, total, total - drafting - submitted, drafting, submitted)


def aggregates_for(actor: Actor, cycle: Cycle) -> Aggregate:
    return aggregate(cycle, group_of(actor))


def cycle_overview(actor: Actor, cycle: Cycle) -> CycleOverview:
    """The secretariat's view of a cycle: participation (overall and per branch association) and
    the aggregates (overall and per branch association, each under the MIN_GROUP rule)."""
    actor.require_kind(OrgKind.SECRETARIAT)
    members = group_of(actor)
    overview = CycleOverview(cycle, participation(cycle, members, _("All members")))
    overview.aggregate = aggregate(cycle, members)
    for branch in Organisation.objects.filter(kind=OrgKind.BRANCH_ASSOCIATION, is_active=True).order_by("name"):
        its = branch.branch_members.filter(kind=OrgKind.MEMBER, is_active=True)
        overview.by_branch.append(participation(cycle, its, branch.name))
        overview.branch_aggregates.append((branch.name, aggregate(cycle, its)))
    return overview


@dataclass(frozen=True)
class MemberStatus:
    org: Organisation
    assessment: Assessment | None
    scores: dict[str, int] | None  # only where the deployment allows per-member reading


def member_statuses(actor: Actor, cycle: Cycle) -> list[MemberStatus]:
    """Each member's status and scores in the cycle: the secretariat's per-member table, only
    where the deployment allows it (``COVENANT_SELF_ASSESSMENT_PER_MEMBER``); 404 otherwise."""
    actor.require_kind(OrgKind.SECRETARIAT)
    if not per_member_allowed():
        raise Http404
    found = {a.org_id: a for a in Assessment.objects.filter(cycle=cycle)}
    result = []
    for org in group_of(actor).order_by("name"):
        item = found.get(org.pk)
        scores = (
            {k: int(v) for k, v in item.scores.items()}
            if item is not None and item.status == AssessmentStatus.SUBMITTED
            else None
        )
        result.append(MemberStatus(org, item, scores))
    return result
