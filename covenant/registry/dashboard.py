"""The member's supply-chain card on the dashboard (registered in ``apps.py``)."""

from __future__ import annotations

from covenant.core.actors import Actor
from covenant.registry.selectors import chain_summary, member_uploads


def chain_card(actor: Actor) -> dict[str, object]:
    """The chain's figures once mapped; the template shows the first steps before."""
    return {"chain": chain_summary(actor), "last_upload": member_uploads(actor).first()}
