"""The SAQ panel on a site's page: the site's current SAQ where the actor may read it."""

from __future__ import annotations

from typing import Any

from django import template

from covenant.orgs.models import OrgKind
from covenant.registry.interface import Facility
from covenant.saq import selectors

register = template.Library()


@register.inclusion_tag("saq/_site_panel.html", takes_context=True)
def saq_panel(context: dict[str, Any], site: Facility) -> dict[str, Any]:
    actor = context["request"].actor
    own_site = actor.kind == OrgKind.SUPPLIER and actor.org is not None and site.owner_id == actor.org.pk
    shown = actor.kind == OrgKind.MEMBER or own_site
    return {
        "show": shown,
        "site": site,
        "saq": selectors.site_saq(actor, site) if shown else None,
        "own_site": own_site,
        "may_ask": actor.can_edit and selectors.may_request(actor, site),
        "csrf_token": context.get("csrf_token"),
    }
