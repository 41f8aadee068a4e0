"""The audits card on the member's and the supplier's dashboard (registered in ``apps.py``)."""

from __future__ import annotations

from covenant.audits.selectors import open_actions, overdue_actions, pending_request_count, zero_tolerance_alerts
from covenant.core.actors import Actor
from covenant.orgs.models import OrgKind


def audits_card(actor: Actor) -> dict[str, object]:
    """Overdue and open corrective actions, requests for access waiting, zero-tolerance alerts."""
    return {
        "alerts": zero_tolerance_alerts(actor).count() if actor.kind == OrgKind.MEMBER else 0,
        "overdue": overdue_actions(actor).count(),
        "open": open_actions(actor).count(),
        "requests": pending_request_count(actor),
    }
