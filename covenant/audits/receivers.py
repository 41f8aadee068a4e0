"""How the audits app follows changes in the register."""

from __future__ import annotations

from typing import Any

from covenant.audits.models import AccessRequest, Audit, AuditRequest, JointAudit
from covenant.audits.services import hand_over_held_audits, refresh_site_signals
from covenant.core.actors import Actor


def move_audits_on_merge(*, loser: Any, survivor: Any, actor: Any = None, **_: Any) -> None:
    """The audits of a merged record are audits of the surviving site; its latest audit speaks for it."""
    moved = Audit.objects.filter(facility=loser).update(facility=survivor)
    AccessRequest.objects.filter(facility=loser).update(facility=survivor)
    AuditRequest.objects.filter(facility=loser).update(facility=survivor)
    JointAudit.objects.filter(facility=loser).update(facility=survivor)
    if moved:
        refresh_site_signals(survivor.pk)
        if survivor.owner_id is not None:
            # Audits held for the merged record (no supplier yet) belong to the survivor's supplier.
            hand_over_held_audits(actor or Actor.system(), survivor, survivor.owner)


def hand_over_on_claim(*, facility: Any, owner: Any, actor: Any, **_: Any) -> None:
    """A verified claim: the audits held for the site (entered before it had a supplier) become the supplier's."""
    hand_over_held_audits(actor, facility, owner)
