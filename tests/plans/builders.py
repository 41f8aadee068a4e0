"""Member A's action plan and exit decisions (marked canary-a), on top of the risk world."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from covenant.joint.models import JointAction, Participant, ParticipantRole, ParticipantStatus
from covenant.plans import services
from tests.conftest import World, actor_of
from tests.factories import risk_world


def joint_action(title: str, *members: Any, status: str = ParticipantStatus.ACCEPTED) -> JointAction:
    """A joint action the given organisations take part in (the first leads it)."""
    action = JointAction.objects.create(title=title, aim=f"{title}: aim", created_by=members[0])
    for i, org in enumerate(members):
        role = ParticipantRole.LEAD if i == 0 else ParticipantRole.PARTICIPANT
        Participant.objects.create(action=action, org=org, role=role, status=status)
    return action


def plans_world(world: World) -> World:
    if "plan_risk" in world.extras:
        return world
    if "event" not in world.extras:
        risk_world(world)
    admin_a = actor_of(world.admin_a)
    tea = joint_action("Living wage for tea pickers", world.member_a, world.member_b)
    b_only = joint_action("Recruitment fees in Malaysia", world.member_b)
    risk = services.add_risk(
        admin_a,
        topic_code="wages",
        scope="site",
        facility=world.extras["shared"],
        why="canary-a wages below the living wage",
    )
    action = services.add_action(
        admin_a,
        risk,
        kind="with_suppliers",
        description="canary-a wage ladder with the supplier",
        owner_text="canary-a buyer",
        due_on=timezone.localdate() - timedelta(days=3),
        status="in_progress",
    )
    decision = services.record_exit(
        admin_a,
        decision="suspend",
        justification="canary-a unrest: orders paused while workers are safe",
        event_response=world.extras["response"],
        wages_secured=True,
        wages_note="canary-a wages paid during the pause",
        confirm=True,
    )
    world.extras.update(tea=tea, b_only=b_only, plan_risk=risk, plan_action=action, exit_decision=decision)
    return world
