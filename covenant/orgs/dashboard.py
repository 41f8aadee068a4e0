"""The organisation's cards on the dashboard (registered in ``apps.py``)."""

from __future__ import annotations

from django.db.models import Count

from covenant.accounts.selectors import has_totp
from covenant.core.actors import Actor
from covenant.orgs.models import Invitation, Membership, Organisation, OrgKind


def account_card(actor: Actor) -> dict[str, object]:
    """Who has access, invitations pending (for administrators), and the two-factor reminder."""
    org = actor.require_org()
    return {
        "people": Membership.objects.filter(org=org).count(),
        "pending_invitations": Invitation.objects.filter(org=org, accepted_at=None, revoked_at=None).count()
        if actor.can_admin
        else 0,
        "has_totp": actor.user is not None and has_totp(actor.user),
    }


def participants_card(actor: Actor) -> dict[str, object] | None:
    """For the secretariat: active participants by kind, and member companies by size."""
    if not actor.is_secretariat:
        return None
    active = Organisation.objects.filter(is_active=True)
    counts = dict(active.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    sizes = dict(
        active.filter(kind=OrgKind.MEMBER).values_list("size").annotate(n=Count("id")).values_list("size", "n")
    )
    return {"org_counts": counts, "member_sizes": sizes}
