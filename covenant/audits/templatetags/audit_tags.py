"""The audit timeline on a site's page: what the actor may see of the site's audit history."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from covenant.audits import selectors
from covenant.orgs.models import OrgKind
from covenant.registry.interface import Facility

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
