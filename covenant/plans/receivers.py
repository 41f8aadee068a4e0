"""How action plans follow changes in the register."""

from __future__ import annotations

from typing import Any

from covenant.plans.models import ExitDecision, PlanRisk


def move_plans_on_merge(*, loser: Any, survivor: Any, **_: Any) -> None:
    """A merged record stands for the site it was merged into: so do the risks and decisions about it."""
    PlanRisk.objects.filter(facility=loser).update(facility=survivor)
    ExitDecision.objects.filter(facility=loser).update(facility=survivor)
