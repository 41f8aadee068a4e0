"""How joint actions follow changes in the register."""

from __future__ import annotations

from typing import Any

from covenant.joint.models import JointAction


def move_sites_on_merge(*, loser: Any, survivor: Any, **_: Any) -> None:
    """A joint action that named the merged record names the surviving site instead (once)."""
    through = JointAction.sites.through
    for action_id in list(through.objects.filter(facility_id=loser.pk).values_list("jointaction_id", flat=True)):
        through.objects.get_or_create(jointaction_id=action_id, facility_id=survivor.pk)
    through.objects.filter(facility_id=loser.pk).delete()
