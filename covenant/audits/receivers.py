"""How the audits app follows changes in the register."""

from __future__ import annotations

from typing import Any

from covenant.audits.models import AccessRequest, Audit, AuditRequest, JointAudit
from covenant.audits.services import refresh_site_signals


def move_audits_on_merge(*, loser: Any, survivor: Any, **_: Any) -> None:
    """The audits of a merged record are audits of the surviving site; its latest audit speaks for it."""
    moved = Audit.objects.filter(facility=loser).update(facility=survivor)
    AccessRequest.objects.filter(facility=loser).update(facility=survivor)
    AuditRequest.objects.filter(facility=loser).update(facility=survivor)
    JointAudit.objects.filter(facility=loser).update(facility=survivor)
    if moved:
        refresh_site_signals(survivor.pk)
