"""How the grievance mechanism follows changes in the register."""

from __future__ import annotations

from typing import Any

from covenant.grievances.evidence import refresh_case_signals
from covenant.grievances.models import Case, CaseRecipient
from covenant.grievances.services import routes_for


def move_cases_on_merge(*, loser: Any, survivor: Any, **_: Any) -> None:
    """Cases about a merged record are about the surviving site, and reach the members linked to it."""
    cases = list(Case.objects.filter(facility=loser).select_related("mechanism"))
    if not cases:
        return
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(facility=survivor)
    for case in cases:
        case.facility = survivor
        refresh_case_signals(case)  # its risk signals are about the surviving site
        known = set(case.recipients.values_list("org_id", flat=True))
        for route in routes_for(case.mechanism, survivor):
            if route.org.pk not in known:
                CaseRecipient.objects.create(case=case, org=route.org, handler=route.handler)
