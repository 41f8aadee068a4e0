"""The demo member's plan and decisions: from its own overview, every state, safe to run twice."""

from __future__ import annotations

from covenant.joint.demo import TEA
from covenant.plans import interface
from covenant.plans.demo import seed_plans
from covenant.plans.models import ExitDecision, PlanAction, PlanRisk
from tests.conftest import World
from tests.factories import link, make_facility, risk_world
from tests.plans.builders import joint_action


def test_seed_plans(world: World) -> None:
    risk_world(world)
    # A second site of member A in the conflict's area (the risk world's event): for the exit.
    second = make_facility("Coopérative de Méagui", "CI", "Méagui", subdivision="CI-BS", products=["Cocoa"])
    link(world.member_a, second, tier=2)
    tea = joint_action(TEA, world.member_b, world.member_a)
    orgs = {"mem-01": world.member_a, "mem-02": world.member_b}
    seed_plans(orgs=orgs, log=lambda _m: None)
    counts = (PlanRisk.objects.count(), PlanAction.objects.count(), ExitDecision.objects.count())
    seed_plans(orgs=orgs, log=lambda _m: None)
    assert (PlanRisk.objects.count(), PlanAction.objects.count(), ExitDecision.objects.count()) == counts
    risks = PlanRisk.objects.filter(org=world.member_a)
    assert 2 <= risks.count() <= 5 and all(r.source_on for r in risks)
    actions = PlanAction.objects.filter(risk__org=world.member_a)
    assert actions.count() == 2 * risks.count()
    assert len(set(actions.values_list("status", flat=True))) >= 3
    figures = interface.plan_figures(world.member_a.pk)
    assert figures.actions_overdue >= 1
    assert actions.get(kind="joint").joint_action == tea  # the second risk's first action
    decisions = dict(ExitDecision.objects.filter(org=world.member_a).values_list("decision", "facility_id"))
    assert set(decisions) == {"suspend", "exit"}
    exit_ = ExitDecision.objects.get(org=world.member_a, decision="exit")
    assert exit_.notice_days and exit_.wages_secured and exit_.consulted and exit_.consulted_with
