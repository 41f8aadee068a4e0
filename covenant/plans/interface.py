"""What the apps above may read of a member's action plan: figures only, for the self-assessment's
pre-filled answers (OECD step 3) and the sector's KPIs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanFigures:
    risks_prioritised: int  # prioritised risks in the member's plan
    risks_with_actions: int  # of those, how many have at least one action
    actions_total: int
    actions_done: int
    actions_overdue: int
    joint_actions_linked: int  # actions that are a joint action


def plan_figures(org_id: int) -> PlanFigures:
    """The member's plan in figures (no texts): what the self-assessment shows beside step 3."""
    from covenant.plans import selectors

    return selectors.plan_figures(org_id)
