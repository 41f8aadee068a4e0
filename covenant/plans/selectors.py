"""Every read of action plans, through the scoping rule.

A member's plan and its exit decisions are its own (``owner="org"``, no secretariat access):
another member, a supplier or the secretariat's staff get nothing, and an id of someone
else's row answers 404. The secretariat reads counts of decisions only (:func:`exit_counts`),
never a member's name or a site. :func:`plan_figures` is the figures-only read the apps above
use (``plans.interface``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from covenant.audits import selectors as audit_selectors
from covenant.audits.models import CorrectiveAction
from covenant.core.actors import Actor
from covenant.core.remedy import CapStatus
from covenant.core.roles import OrgKind
from covenant.core.scoping import get_scoped_or_404, scoped
from covenant.grievances import selectors as grievance_selectors
from covenant.grievances.models import Stage
from covenant.joint import selectors as joint_selectors
from covenant.joint.models import JointAction
from covenant.orgs.models import Membership
from covenant.plans.interface import PlanFigures
from covenant.plans.models import (
    OPEN_ACTION_STATUSES,
    ActionKind,
    ActionStatus,
    Decision,
    ExitDecision,
    PlanAction,
    PlanRisk,
    PlanScope,
    RiskStatus,
)
from covenant.registry.interface import Facility, SupplyLink, beyond_tier_one, linked_site_ids, own_link
from covenant.risk import selectors as risk_selectors
from covenant.risk.models import EventResponse, RiskEvent, Topic
from covenant.risk.scoring import band

# How many of the risk overview's leading rows the "from your risk overview" panel looks at.
CANDIDATE_ROWS = 25
CANDIDATES_SHOWN = 10


def _member(actor: Actor) -> None:
    actor.require_kind(OrgKind.MEMBER)


# --- The plan -------------------------------------------------------------------------------


def plan_risks(actor: Actor) -> QuerySet[PlanRisk]:
    """The member's prioritised risks, by rank, with their actions (and the actions' owners)."""
    _member(actor)
    actions = PlanAction.objects.select_related("owner_user", "joint_action").order_by("due_on", "pk")
    qs = PlanRisk.objects.select_related("topic", "facility").prefetch_related(Prefetch("actions", queryset=actions))
    return scoped(actor, qs, owner="org").order_by("rank", "pk")


def get_risk(actor: Actor, risk_id: int) -> PlanRisk:
    return get_scoped_or_404(plan_risks(actor), pk=risk_id)


def plan_actions(actor: Actor) -> QuerySet[PlanAction]:
    _member(actor)
    qs = PlanAction.objects.select_related("risk__topic", "risk__facility", "owner_user", "joint_action")
    return scoped(actor, qs, owner="risk__org")


def get_action(actor: Actor, action_id: int) -> PlanAction:
    return get_scoped_or_404(plan_actions(actor), pk=action_id)


def owners(actor: Actor) -> QuerySet[Membership]:
    """The people of the member who may own an action."""
    _member(actor)
    return scoped(actor, Membership.objects.select_related("user"), owner="org").order_by("user__email")


def joinable_joint_actions(actor: Actor) -> QuerySet[JointAction]:
    """The joint actions an action may link to: those the member takes part in (the joint app's rule)."""
    _member(actor)
    return joint_selectors.joint_actions_for(actor).order_by("title")


@dataclass(frozen=True)
class Candidate:
    """A risk from the member's risk overview, not yet in its plan, that it may add."""

    topic: Topic
    scope: str  # PlanScope
    facility_public_id: str
    facility_name: str
    country: str
    score: float
    band: str
    sites_high: int | None  # chain-wide: sites high or very high on the topic


def candidates(actor: Actor, limit: int = CANDIDATES_SHOWN) -> list[Candidate]:
    """The overview's leading rows (a site and its priority topic) and salient issues (a topic
    across the chain), less what the plan already holds and has not closed. The overview is the
    risk app's own read (``risk.selectors.member_overview``): the same order the member sees there."""
    _member(actor)
    overview = risk_selectors.member_overview(actor)
    topic_by_code = {t.code: t for t in risk_selectors.topics()}
    planned = {
        (code, scope, public_id or "", str(country or ""))
        for code, scope, public_id, country in plan_risks(actor)
        .exclude(status=RiskStatus.CLOSED)
        .values_list("topic__code", "scope", "facility__public_id", "country")
    }
    found: list[Candidate] = []
    for issue in overview.top_issues:
        if issue.high and (issue.topic.code, str(PlanScope.CHAIN), "", "") not in planned:
            mean = round(issue.mean, 2)
            found.append(Candidate(issue.topic, PlanScope.CHAIN, "", "", "", mean, band(mean), issue.high))
    for row in overview.rows.leading(CANDIDATE_ROWS):
        topic = topic_by_code.get(row.topic)
        if topic is None or (row.topic, str(PlanScope.SITE), row.public_id, "") in planned:
            continue
        found.append(Candidate(topic, PlanScope.SITE, row.public_id, row.name, row.country, row.score, row.band, None))
    # The worst first: band, then severity; chain-wide issues before a single site on a tie.
    order = {"very_high": 0, "high": 1, "medium": 2, "low": 3}
    found.sort(key=lambda c: (order.get(c.band, 4), -c.topic.severity, c.scope != PlanScope.CHAIN, -c.score))
    return found[:limit]


@dataclass(frozen=True)
class Snapshot:
    score: float | None
    band: str
    sites_high: int | None


def snapshot(
    actor: Actor, topic: Topic, scope: str, facility: Facility | None, country: str, commodity: str
) -> Snapshot:
    """Where a risk came from: the overview's figures for it today, as the member sees them.

    A site: its score on the topic in the member's own view (``risk.selectors.site_risk``). A
    country and commodity, or the chain: the overview listed by that topic (``member_overview``
    with its filters), its leading row and the count of sites high or very high on the topic."""
    if scope == PlanScope.SITE and facility is not None:
        view = risk_selectors.site_risk(actor, facility)
        line = next((t for t in view.topics if t.topic.pk == topic.pk), None)
        if line is None:
            return Snapshot(None, "", None)
        return Snapshot(round(line.adjusted, 2), line.band, None)
    overview = risk_selectors.member_overview(actor, country=country, commodity=commodity, topic=topic.code)
    rows = overview.rows.leading(1)
    if not rows:
        return Snapshot(None, "", overview.topic_high.get(topic.code, 0))
    return Snapshot(round(rows[0].score, 2), rows[0].band, overview.topic_high.get(topic.code, 0))


# --- Figures ---------------------------------------------------------------------------------


def plan_figures(org_id: int) -> PlanFigures:
    """A member's plan in figures (no texts): for its self-assessment (OECD step 3) and the sector's
    KPIs. Closed risks and dropped actions leave the figures."""
    today = timezone.localdate()
    risks = PlanRisk.objects.filter(org_id=org_id).exclude(status=RiskStatus.CLOSED)
    actions = PlanAction.objects.filter(risk__in=risks).exclude(status=ActionStatus.DROPPED)
    counts = actions.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=ActionStatus.DONE)),
        overdue=Count("pk", filter=Q(status__in=OPEN_ACTION_STATUSES, due_on__lt=today)),
        joint=Count("pk", filter=Q(kind=ActionKind.JOINT)),
    )
    return PlanFigures(
        risks_prioritised=risks.count(),
        risks_with_actions=risks.filter(pk__in=actions.values("risk_id")).count(),
        actions_total=counts["total"],
        actions_done=counts["done"],
        actions_overdue=counts["overdue"],
        joint_actions_linked=counts["joint"],
    )


# --- Exit decisions --------------------------------------------------------------------------


def exit_decisions(actor: Actor) -> QuerySet[ExitDecision]:
    _member(actor)
    qs = ExitDecision.objects.select_related("facility", "event", "corrective_action__audit")
    return scoped(actor, qs, owner="org").order_by("-decided_on", "-pk")


def get_exit(actor: Actor, decision_id: int) -> ExitDecision:
    return get_scoped_or_404(exit_decisions(actor), pk=decision_id)


def own_responses(actor: Actor, facility: Facility | None = None) -> QuerySet[EventResponse]:
    """The member's own responses to risk events (the exit form's picker), newest event first."""
    _member(actor)
    qs = scoped(actor, EventResponse.objects.select_related("event", "facility"), owner="org")
    if facility is not None:
        qs = qs.filter(facility=facility)
    return qs.order_by("-event__starts_on", "facility__name")


def failed_actions(actor: Actor, facility: Facility | None = None) -> QuerySet[CorrectiveAction]:
    """Corrective actions the member may read at sites in its chain that failed: past their
    due date and not closed (the audits app's own rule, ``overdue_actions``)."""
    _member(actor)
    qs = audit_selectors.overdue_actions(actor)
    if facility is not None:
        qs = qs.filter(audit__facility=facility)
    return qs


def readable_action(actor: Actor, action_id: int) -> CorrectiveAction:
    """A corrective action the member may read at a site in its chain (404 otherwise); whether it
    failed is the service's check, with its own message."""
    return get_scoped_or_404(audit_selectors.chain_actions(actor), pk=action_id)


def in_chain(actor: Actor, facility: Facility) -> bool:
    """Whether the site is in the member's chain (the site page asks this: one or two small
    queries, not the ids of a whole chain)."""
    if linked_site_ids(actor).filter(facility_id=facility.pk).exists():
        return True
    return beyond_tier_one(actor).filter(pk=facility.pk).exists()


@dataclass(frozen=True)
class ExitPreview:
    """What suspending or leaving a site touches, shown before the member confirms."""

    facility: Facility
    decision: str
    workers: int | None
    link: SupplyLink | None  # the member's link: ending it is the register's own action
    open_cases: int  # grievance cases about the site routed to the member, not closed
    open_caps: int  # corrective actions at the site the member follows, not closed
    plan_actions: int  # open actions of its own plan about the site
    earlier: list[ExitDecision]

    @property
    def decision_label(self) -> str:
        return str(dict(Decision.choices).get(self.decision, self.decision))


def exit_preview(actor: Actor, facility: Facility, decision: str) -> ExitPreview:
    _member(actor)
    cases = grievance_selectors.visible_cases(actor).filter(facility=facility).exclude(stage=Stage.CLOSED)
    caps = audit_selectors.chain_actions(actor).filter(audit__facility=facility).exclude(status=CapStatus.CLOSED)
    actions = plan_actions(actor).filter(risk__facility=facility, status__in=OPEN_ACTION_STATUSES)
    return ExitPreview(
        facility=facility,
        decision=decision,
        workers=facility.workers,
        link=own_link(actor, facility),
        open_cases=cases.count(),
        open_caps=caps.count(),
        plan_actions=actions.count(),
        earlier=list(exit_decisions(actor).filter(facility=facility)[:5]),
    )


@dataclass(frozen=True)
class ExitCounts:
    """Counts only: never a member's name or a site."""

    total: int
    by_decision: dict[str, int]
    by_event: list[tuple[str, dict[str, int]]]  # (event title, decision -> count), events with decisions
    members: int  # how many members recorded at least one decision
    since: date | None


def exit_counts(since: date | None = None) -> ExitCounts:
    """Decisions per kind (and per risk event) across the sector, for the secretariat and the KPIs."""
    qs = ExitDecision.objects.all()
    if since is not None:
        qs = qs.filter(decided_on__gte=since)
    by_decision = dict.fromkeys(Decision.values, 0)
    for decision, n in qs.values_list("decision").annotate(n=Count("pk")).order_by():
        by_decision[decision] = n
    per_event: dict[int, Counter[str]] = {}
    for event_id, decision, n in (
        qs.filter(event__isnull=False).values_list("event_id", "decision").annotate(n=Count("pk")).order_by()
    ):
        per_event.setdefault(event_id, Counter())[decision] += n
    titles = dict(RiskEvent.objects.filter(pk__in=list(per_event)).values_list("pk", "title"))
    by_event = [
        (titles.get(event_id, ""), {d: counts.get(d, 0) for d in Decision.values})
        for event_id, counts in sorted(per_event.items(), key=lambda kv: -sum(kv[1].values()))
    ]
    return ExitCounts(
        total=sum(by_decision.values()),
        by_decision=by_decision,
        by_event=by_event,
        members=qs.values("org_id").distinct().count(),
        since=since,
    )


def export_rows(actor: Actor) -> list[list[Any]]:
    """The plan as a table: one row per action, a risk without actions on a row of its own."""
    rows: list[list[Any]] = []
    for risk in plan_risks(actor):
        base = [
            risk.rank,
            risk.topic.label,
            risk.get_scope_display(),
            risk.facility.public_id if risk.facility else "",
            risk.scope_label,
            risk.get_status_display(),
            risk.why,
        ]
        actions = list(risk.actions.all())
        if not actions:
            rows.append(base + [""] * 10)
        for action in actions:
            rows.append(
                [
                    *base,
                    action.get_kind_display(),
                    action.joint_action.title if action.joint_action else "",
                    action.description,
                    action.target,
                    "" if action.target_value is None else action.target_value,
                    action.target_unit,
                    action.owner_name,
                    action.due_on.isoformat() if action.due_on else "",
                    action.get_status_display(),
                    "yes" if action.is_overdue else "",
                ]
            )
    return rows
