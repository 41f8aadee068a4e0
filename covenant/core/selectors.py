"""Reads of the audit trail and of background jobs."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import QuerySet

from covenant.core.actors import Actor
from covenant.core.models import AuditEvent, Job
from covenant.core.scoping import get_scoped_or_404, scoped


def audit_events(actor: Actor, *, action: str | None = None, since: datetime | None = None) -> QuerySet[AuditEvent]:
    """An organisation's own events, for its administrators only."""
    actor.require_admin_role()
    qs = scoped(actor, AuditEvent.objects.all(), owner="org_id")
    if action:
        qs = qs.filter(action__startswith=action)
    if since:
        qs = qs.filter(created_at__gte=since)
    return qs.order_by("-seq")


def get_job(actor: Actor, job_id: uuid.UUID | str) -> Job:
    """A job started by the actor's organisation."""
    return get_scoped_or_404(scoped(actor, Job.objects.all(), owner="org"), pk=job_id)
