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


def dashboard(actor: Actor) -> dict[str, object]:
    """What the first screen shows, by organisation kind. Each capability adds its figures here."""
    from django.db.models import Count

    from covenant.accounts.selectors import has_totp
    from covenant.orgs.models import Invitation, Membership, Organisation

    org = actor.require_org()
    context: dict[str, object] = {
        "org": org,
        "people": Membership.objects.filter(org=org).count(),
        "pending_invitations": Invitation.objects.filter(org=org, accepted_at=None, revoked_at=None).count()
        if actor.can_admin
        else 0,
        "has_totp": actor.user is not None and has_totp(actor.user),
    }
    if org.kind == "member":
        from covenant.risk.selectors import dashboard_card

        context["risk"] = dashboard_card(actor)
    if actor.is_secretariat:
        counts = dict(
            Organisation.objects.filter(is_active=True)
            .values_list("kind")
            .annotate(n=Count("id"))
            .values_list("kind", "n")
        )
        sizes = dict(
            Organisation.objects.filter(is_active=True, kind="member")
            .values_list("size")
            .annotate(n=Count("id"))
            .values_list("size", "n")
        )
        context["org_counts"] = counts
        context["member_sizes"] = sizes
    if actor.kind == "member":
        from covenant.registry import selectors as registry

        context["chain"] = registry.chain_summary(actor)
        context["last_upload"] = registry.member_uploads(actor).first()
    return context
