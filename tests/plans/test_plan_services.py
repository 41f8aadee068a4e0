"""The plan's rules: risks from the member's own overview, actions, joint links, figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from covenant.core.errors import Conflict
from covenant.core.models import AuditEvent
from covenant.plans import interface, selectors, services
from covenant.plans.models import PlanAction, PlanRisk
from tests.conftest import World, actor_of
from tests.factories import make_facility
from tests.plans.builders import joint_action


def test_a_site_risk_keeps_the_overviews_figures_and_is_audited(plans: World) -> None:
    risk = plans.extras["plan_risk"]
    assert risk.rank == 1 and risk.facility == plans.extras["shared"]
    assert risk.source_on == timezone.localdate()
    assert risk.source_band in {"low", "medium", "high", "very_high"} and risk.source_score is not None
    event = AuditEvent.objects.filter(action="plans.risk.added").latest("seq")
    assert event.org_id == plans.member_a.pk and event.summary["topic"] == "wages"


def test_a_site_outside_the_chain_is_refused(plans: World) -> None:
    # Member B's site: in the register, not in A's chain.
    with pytest.raises(ValidationError, match="not in your supply chain"):
        services.add_risk(
            actor_of(plans.admin_a), topic_code="forced_labour", scope="site", facility=plans.extras["cotton"], why="x"
        )


def test_the_same_open_risk_twice_is_a_conflict(plans: World) -> None:
    with pytest.raises(Conflict):
        services.add_risk(
            actor_of(plans.admin_a), topic_code="wages", scope="site", facility=plans.extras["shared"], why="again"
        )


def test_area_and_chain_risks_and_ranks_are_renumbered(plans: World) -> None:
    actor = actor_of(plans.admin_a)
    area = services.add_risk(actor, topic_code="child_labour", scope="area", country="ci", commodity="Cocoa", why="y")
    chain = services.add_risk(actor, topic_code="forced_labour", scope="chain", why="z", rank=1)
    assert area.country == "CI" and area.source_sites_high is not None
    ranks = dict(PlanRisk.objects.filter(org=plans.member_a).values_list("pk", "rank"))
    assert ranks == {chain.pk: 1, plans.extras["plan_risk"].pk: 2, area.pk: 3}
    services.update_risk(actor, chain, rank=3)
    ranks = dict(PlanRisk.objects.filter(org=plans.member_a).values_list("pk", "rank"))
    assert ranks == {plans.extras["plan_risk"].pk: 1, area.pk: 2, chain.pk: 3}
    with pytest.raises(ValidationError, match="country"):
        services.add_risk(actor, topic_code="wages", scope="area", country="", why="no country")


def test_candidates_come_from_the_overview_and_leave_out_planned_risks(plans: World) -> None:
    actor = actor_of(plans.admin_a)
    found = selectors.candidates(actor, limit=50)
    assert found, "the overview of a scored chain offers risks to add"
    sites = {c.facility_public_id for c in found if c.scope == "site"}
    assert sites <= {plans.extras["shared"].public_id, plans.extras["cocoa"].public_id}
    planned = plans.extras["plan_risk"]
    assert not any(
        c.scope == "site" and c.facility_public_id == planned.facility.public_id and c.topic.code == "wages"
        for c in found
    )
    # Member B's candidates never name A's sites.
    b_sites = {c.facility_public_id for c in selectors.candidates(actor_of(plans.admin_b), limit=50)}
    assert plans.extras["cocoa"].public_id not in b_sites


def test_a_joint_action_the_member_is_not_in_is_refused(plans: World) -> None:
    actor = actor_of(plans.admin_a)
    risk = plans.extras["plan_risk"]
    with pytest.raises(ValidationError, match="does not take part"):
        services.add_action(actor, risk, kind="joint", description="x", joint_action_id=plans.extras["b_only"].pk)
    invited = joint_action("Invited only", plans.member_b)
    invited.participants.create(org=plans.member_a, role="participant", status="invited")
    with pytest.raises(ValidationError, match="does not take part"):
        services.add_action(actor, risk, kind="joint", description="x", joint_action_id=invited.pk)
    ok = services.add_action(actor, risk, kind="joint", description="tea", joint_action_id=plans.extras["tea"].pk)
    assert ok.joint_action == plans.extras["tea"]
    # Not joint any more: the link goes.
    services.update_action(actor, ok, kind="own")
    ok.refresh_from_db()
    assert ok.joint_action is None and ok.kind == "own"


def test_the_owner_is_a_person_of_the_member(plans: World) -> None:
    actor = actor_of(plans.admin_a)
    action = plans.extras["plan_action"]
    with pytest.raises(ValidationError, match="person of your organisation"):
        services.update_action(actor, action, owner_user_id=plans.admin_b.pk)
    services.update_action(actor, action, owner_user_id=plans.editor_a.pk)
    action.refresh_from_db()
    assert action.owner_user == plans.editor_a and action.owner_name


def test_a_risk_with_open_actions_cannot_be_closed(plans: World) -> None:
    actor = actor_of(plans.admin_a)
    risk, action = plans.extras["plan_risk"], plans.extras["plan_action"]
    with pytest.raises(Conflict):
        services.update_risk(actor, risk, status="closed")
    services.update_action(actor, action, status="done")
    services.update_risk(actor, risk, status="closed")
    risk.refresh_from_db()
    assert risk.status == "closed"
    with pytest.raises(Conflict):
        services.add_action(actor, risk, kind="own", description="late")


def test_only_the_members_editors_write(plans: World) -> None:
    risk = plans.extras["plan_risk"]
    with pytest.raises(PermissionDenied):
        services.add_action(actor_of(plans.viewer_a), risk, kind="own", description="x")
    with pytest.raises(PermissionDenied):
        services.add_action(actor_of(plans.admin_b), risk, kind="own", description="x")
    with pytest.raises(PermissionDenied):
        services.add_risk(actor_of(plans.supplier_admin), topic_code="wages", scope="chain", why="x")
    assert PlanAction.objects.count() == 1


def test_figures(plans: World) -> None:
    actor = actor_of(plans.admin_a)
    risk = plans.extras["plan_risk"]
    services.add_action(actor, risk, kind="joint", description="tea", joint_action_id=plans.extras["tea"].pk)
    services.add_action(actor, risk, kind="own", description="done one", status="done")
    services.add_action(
        actor, risk, kind="own", description="dropped", status="dropped", due_on=timezone.localdate() - timedelta(9)
    )
    services.add_risk(actor, topic_code="forced_labour", scope="chain", why="no actions yet")
    figures = interface.plan_figures(plans.member_a.pk)
    assert figures == interface.PlanFigures(
        risks_prioritised=2,
        risks_with_actions=1,
        actions_total=3,  # the dropped one does not count
        actions_done=1,
        actions_overdue=1,  # the builder's in-progress action, three days late
        joint_actions_linked=1,
    )
    assert interface.plan_figures(plans.member_b.pk) == interface.PlanFigures(0, 0, 0, 0, 0, 0)


def test_a_merged_site_moves_the_plan(plans: World) -> None:
    from covenant.registry import services as registry_services

    dup = make_facility("Huaxin Garment duplicate", "CN")
    risk = plans.extras["plan_risk"]
    registry_services.merge_facilities(actor_of(plans.coordinator), plans.extras["shared"], dup)
    risk.refresh_from_db()
    assert risk.facility == dup
