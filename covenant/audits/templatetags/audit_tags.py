"""The audit timeline on a site's page: what the actor may see of the site's audit history."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from covenant.audits import selectors
from covenant.orgs.models import OrgKind
from covenant.registry.models import Facility

register = template.Library()


@register.inclusion_tag("audits/_timeline.html", takes_context=True)
def audit_timeline(context: dict[str, Any], site: Facility) -> dict[str, Any]:
    actor = context["request"].actor
    shown = actor.kind in {OrgKind.MEMBER, OrgKind.SUPPLIER, OrgKind.AUDIT_FIRM}
    return {
        "show": shown,
        "site": site,
        "actor": actor,
        "audits": selectors.site_audits(actor, site) if shown else [],
        "may_ask": selectors.may_ask_for_audits(actor, site),
        "today": timezone.localdate(),
        "can_enter": actor.can_edit
        and (actor.kind == OrgKind.AUDIT_FIRM or (actor.kind == OrgKind.SUPPLIER and site.owner_id == actor.org.pk)),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("audits/_dashboard_card.html", takes_context=True)
def audits_card(context: dict[str, Any], org: Any = None) -> dict[str, Any]:
    """A small card for the member's and the supplier's dashboard: overdue CAPs, and requests waiting."""
    actor = context["request"].actor
    shown = actor.kind in {OrgKind.MEMBER, OrgKind.SUPPLIER}
    return {
        "show": shown,
        "actor": actor,
        "overdue": selectors.overdue_actions(actor).count() if shown else 0,
        "open": selectors.open_actions(actor).count() if shown else 0,
        "requests": selectors.pending_request_count(actor),
    }
