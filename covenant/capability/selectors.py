"""Reads of capability building, always through the scoping rule."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from covenant.capability.models import ScanDraft
from covenant.core.actors import Actor
from covenant.core.roles import OrgKind
from covenant.core.scoping import get_scoped_or_404, scoped


def own_drafts(actor: Actor) -> QuerySet[ScanDraft]:
    """The actor's organisation's drafts from quick scans (nobody else's: not the secretariat's)."""
    actor.require_kind(OrgKind.MEMBER)
    return scoped(actor, ScanDraft.objects.select_related("created_by"), owner="org")


def get_draft(actor: Actor, draft_id: uuid.UUID | str) -> ScanDraft:
    return get_scoped_or_404(own_drafts(actor), pk=draft_id)
