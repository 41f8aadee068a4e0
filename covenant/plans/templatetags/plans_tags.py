"""The responsible-exit panel on a site's page: the member's decisions about the site, and the way to record one."""

from __future__ import annotations

from typing import Any

from django import template

from covenant.core.roles import OrgKind
from covenant.plans import selectors
from covenant.registry.interface import Facility

register = template.Library()


@register.inclusion_tag("plans/_site_panel.html", takes_context=True)
def plans_site_panel(context: dict[str, Any], site: Facility) -> dict[str, Any]:
    actor = context["request"].actor
    if actor.kind != OrgKind.MEMBER or not selectors.in_chain(actor, site):
        return {"show": False}
    return {
        "show": True,
        "site": site,
        "decisions": list(selectors.exit_decisions(actor).filter(facility=site)[:3]),
        "may_record": actor.can_edit,
    }
