"""A joint action for the tests and the tenancy walker.

Member A leads "canary-a living wages" with the world's CSO and a trade union as accepted
participants; member B, the supplier, the audit firm and the secretariat are outside it. A
second action, led by the CSO, has invited member A (not yet answered).
"""

from __future__ import annotations

from typing import Any

from covenant.joint import services
from covenant.joint.models import JointAction
from covenant.orgs.models import Organisation
from tests.conftest import World, actor_of, make_org, make_user


def union(world: World) -> tuple[Organisation, Any]:
    if "union" not in world.extras:
        org = make_org("Plantation Workers Union", "trade_union", country="KE")
        world.extras.update(union=org, union_admin=make_user(org, "admin", "admin@union.example"))
    return world.extras["union"], world.extras["union_admin"]


def joint_world(world: World) -> World:
    if "joint_action" in world.extras:
        return world
    org, union_admin = union(world)
    lead = actor_of(world.admin_a)
    action = services.create_action(
        lead,
        services.ActionInput(
            title="Living wages canary-a",
            aim="Close the living-wage gap canary-a on tea estates",
            topics=["wages"],
            countries=["Kenya"],
            commodities=["tea"],
            gender_dimension="Women pluckers canary-a",
        ),
    )
    for invited, user in ((world.cso, world.cso_admin), (org, union_admin)):
        participant = services.invite(lead, action, invited, "participant")
        services.accept(actor_of(user), participant)
    invited_action = services.create_action(
        actor_of(world.cso_admin),
        services.ActionInput(title="Recruitment fees", aim="Repay recruitment fees", topics=["migrant_workers"]),
    )
    invitation = services.invite(actor_of(world.cso_admin), invited_action, world.member_a, "participant")
    world.extras.update(joint_action=action, invited_action=invited_action, invitation=invitation)
    return world


def action_of(world: World, key: str = "joint_action") -> JointAction:
    joint_world(world)
    action: JointAction = world.extras[key]
    action.refresh_from_db()
    return action
