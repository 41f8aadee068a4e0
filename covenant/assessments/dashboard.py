"""The member's dashboard card: this year's cycle and where its self-assessment stands."""

from __future__ import annotations

from covenant.assessments import selectors
from covenant.core.actors import Actor


def card(actor: Actor) -> dict[str, object]:
    cycle = selectors.current_cycle()
    return {"sa_cycle": cycle, "sa_assessment": selectors.own_assessment_in(actor, cycle) if cycle else None}
