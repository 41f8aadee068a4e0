"""The demo member's action plan and responsible-exit decisions, written through the services.

mem-01 ("the demo member") prioritises five risks from its own risk overview (salient issues across
its chain and the sites leading its overview), with two actions each in every state, one of them its
part in the tea joint action (when the joint demo seeded it) and one overdue. After the demo's armed
conflict it suspends orders at one site of the area and, at another, exits with a full plan; a second
member exits one of its sites in the area too. Deterministic; safe to run twice (a member that has a
plan or decisions already is left as it is).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from covenant.core.actors import Actor
from covenant.joint.demo import TEA
from covenant.orgs.models import Membership, Organisation, OrgKind
from covenant.plans import selectors, services
from covenant.plans.models import ExitDecision, PlanRisk
from covenant.registry.interface import get_facility
from covenant.risk import selectors as risk_selectors
from covenant.risk import services as risk_services
from covenant.risk.models import EventKind

Log = Callable[[str], object]

# (kind, description, target, figure, unit, status, days from today to the deadline): two per risk.
ACTIONS: list[tuple[tuple[str, str, str, str | None, str, str, int], ...]] = [
    (
        ("with_suppliers", "Agree a corrective plan with the site's management, with worker interviews",
         "Plan signed and shared with the workers' committee", None, "", "done", -40),
        ("own", "Review our purchasing practices: lead times and order changes that push overtime",
         "Lead times of at least 60 days", "60", "days", "in_progress", -20),
    ),
    (
        ("joint", "Take part in the living-wage joint action on tea estates",
         "Gap to the Anker living wage closed by half", "50", "%", "in_progress", 300),
        ("own", "Map wage levels at our tier-1 sites against the living-wage benchmark",
         "Benchmark for every tier-1 site", "100", "% of sites", "planned", 90),
    ),
    (
        ("with_suppliers", "Ask the site for its recruitment records and fee policy",
         "Records received and reviewed", None, "", "done", -60),
        ("with_suppliers", "Reimburse recruitment fees paid by migrant workers",
         "Workers reimbursed", "120", "workers", "planned", 180),
    ),
    (
        ("own", "Train our buyers on forced-labour indicators (ILO)",
         "All buyers trained", "100", "%", "in_progress", 45),
        ("own", "Commission an unannounced audit of the site", "", None, "", "dropped", 30),
    ),
    (
        ("with_suppliers", "Fire and building safety inspection with remediation plan",
         "Critical findings remediated", "0", "open critical findings", "planned", 120),
        ("own", "Add health and safety to our supplier code and contracts", "", None, "", "done", -90),
    ),
]  # fmt: skip

WHY = {
    "chain": "Salient across our chain: {n} of our sites are high or very high on this topic ({band}).",
    "site": "One of the highest-ranked sites of our risk overview on this topic ({band}, {score}); severe and "
    "hard to remedy, and we source from it directly.",
}


def _admin(org: Organisation) -> Actor | None:
    membership = Membership.objects.filter(org=org, role="admin").select_related("user").order_by("pk").first()
    return Actor(user=membership.user, org=org, role="admin") if membership else None


def _plan(actor: Actor, log: Log) -> None:
    org = actor.require_org()
    if PlanRisk.objects.filter(org=org).exists():
        return
    chosen: list[selectors.Candidate] = []
    picked_topics: set[str] = set()
    for c in selectors.candidates(actor, limit=30):
        # Five distinct topics: two across the chain, the rest at single sites.
        if c.topic.code in picked_topics:
            continue
        if c.scope == "chain" and len([x for x in chosen if x.scope == "chain"]) >= 2:
            continue
        chosen.append(c)
        picked_topics.add(c.topic.code)
        if len(chosen) == len(ACTIONS):
            break
    if not chosen:
        log("  plans: mem-01's sites are not scored yet, no plan seeded")
        return
    people = list(Membership.objects.filter(org=org).order_by("pk").values_list("user_id", flat=True))
    joint = selectors.joinable_joint_actions(actor).filter(title=TEA).first()
    today = timezone.localdate()
    n_actions = 0
    for i, c in enumerate(chosen):
        why = WHY[c.scope].format(n=c.sites_high or 0, band=c.band.replace("_", " "), score=f"{c.score:.1f}")
        site = get_facility(actor, c.facility_public_id) if c.facility_public_id else None
        risk = services.add_risk(actor, topic_code=c.topic.code, scope=c.scope, facility=site, why=why)
        for j, (kind, text, target, figure, unit, status, days) in enumerate(ACTIONS[i]):
            extra: dict[str, Any] = {}
            if kind == "joint":
                if joint is None:
                    kind = "own"  # the joint demo did not run: the member acts on its own
                else:
                    extra["joint_action_id"] = joint.pk
            if people and (i + j) % 2 == 0:
                extra["owner_user_id"] = people[(i + j) % len(people)]
            else:
                extra["owner_text"] = "Sourcing team"
            services.add_action(
                actor,
                risk,
                kind=kind,
                description=text,
                target=target,
                target_value=Decimal(figure) if figure is not None else None,
                target_unit=unit,
                due_on=today + timedelta(days=days),
                status=status,
                progress="Started with the supplier's HR manager." if status == "in_progress" else "",
                **extra,
            )
            n_actions += 1
    log(f"  plans: mem-01's action plan, {len(chosen)} risks and {n_actions} actions")


def _event_sites(actor: Actor) -> list[tuple[Any, Any]]:
    """(event, site) pairs of the demo's armed conflict in the member's chain, by site name."""
    pairs = []
    for event in risk_selectors.events(actor).filter(kind=EventKind.ARMED_CONFLICT, ended_at__isnull=True):
        pairs += [(event, chain_site.facility) for chain_site, _response in risk_selectors.affected_sites(actor, event)]
    return pairs


def _response(actor: Actor, event: Any, site: Any) -> Any:
    found = selectors.own_responses(actor, site).filter(event=event).first()
    if found is not None:
        return found
    return risk_services.record_response(
        actor, event, site, status="in_progress", checklist_done=[0, 1], note="Site contacted; workers are safe."
    )


FULL_PLAN: dict[str, Any] = {
    "notice_days": 90,
    "wages_secured": True,
    "wages_note": "Orders already placed are paid in full; three months' wages and the legal severance are "
    "paid into an escrow account the union co-signs.",
    "consulted": True,
    "consulted_with": "The site's trade union branch and the workers' committee",
    "remedy_considered": True,
    "remedy_note": "Workers who lose their job are offered places at our other sites in the region.",
    "timeline": "Orders phased out over six months; the last shipment leaves at the end of the notice period.",
}


def _decisions(actor: Actor, *, suspend: bool, log: Log) -> int:
    org = actor.require_org()
    if ExitDecision.objects.filter(org=org).exists():
        return 0
    pairs = _event_sites(actor)
    made = 0
    try:
        if suspend and pairs:
            event, site = pairs[0]
            services.record_exit(
                actor,
                decision="suspend",
                justification="Fighting reached the site's district: new orders are paused while workers are "
                "safe; orders placed are honoured and wages keep being paid.",
                event_response=_response(actor, event, site),
                wages_secured=True,
                wages_note="Orders already placed are paid; the site confirmed wages are paid during the pause.",
                consulted=True,
                consulted_with="Workers' committee",
                timeline="Review every month with the site.",
                confirm=True,
            )
            made += 1
            pairs = pairs[1:]
        if pairs:
            event, site = pairs[0]
            services.record_exit(
                actor,
                decision="exit",
                justification="The site has closed its production line in the conflict area for good and asks "
                "its buyers to move orders; we leave with the workers protected.",
                event_response=_response(actor, event, site),
                notice_given_on=timezone.localdate() - timedelta(days=5),
                confirm=True,
                **FULL_PLAN,
            )
            made += 1
    except ValidationError as exc:  # a demo without the event or the sites: say so, seed the rest
        log(f"  plans: decisions of {org.name} skipped ({'; '.join(exc.messages)})")
    return made


def seed_plans(*, orgs: dict[str, Organisation], log: Log = print) -> None:
    demo = orgs.get("mem-01")
    actor = _admin(demo) if demo is not None else None
    if actor is None:
        log("  plans: the demo member is missing, skipped")
        return
    _plan(actor, log)
    made = _decisions(actor, suspend=True, log=log)
    # One other member with a site in the conflict's area exits it responsibly.
    for key in sorted(k for k, o in orgs.items() if o.kind == OrgKind.MEMBER and k != "mem-01"):
        other = _admin(orgs[key])
        if other is not None and _event_sites(other):
            made += _decisions(other, suspend=False, log=log)
            break
    if made:
        log(f"  plans: {made} exit decisions")
