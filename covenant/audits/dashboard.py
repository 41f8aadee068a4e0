"""The audits card on the member's and the supplier's dashboard (registered in ``apps.py``)."""

from __future__ import annotations

from covenant.audits.selectors import open_actions, overdue_actions, pending_request_count
from covenant.core.actors import Actor


def audits_card(actor: Actor) -> dict[str, object]:
    """Overdue and open corrective actions, and requests for access waiting."""
    return {
        "overdue": overdue_actions(actor).count(),
        "open": open_actions(actor).count(),
        "requests": pending_request_count(actor),
    }
