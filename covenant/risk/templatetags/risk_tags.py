"""``{% risk_panel %}``: the site page's risk by topic, with explanations (used by registry/facility.html)."""

from __future__ import annotations

from typing import Any

from django import template

from covenant.risk import selectors
from covenant.risk.forms import OverrideForm
from covenant.risk.models import Band

register = template.Library()


@register.inclusion_tag("risk/_panel.html", takes_context=True)
def risk_panel(context: template.Context, site: Any) -> dict[str, Any]:
    actor = context["actor"]
    view = selectors.site_risk(actor, site)
    return {
        "risk": view,
        "actor": actor,
        "site": site,
        "override_form": OverrideForm() if view.can_override else None,
        "csrf_token": context.get("csrf_token"),
    }


_LABELS = dict(zip(("low", "medium", "high", "very_high"), Band.labels, strict=True))


@register.filter
def band_label(code: str) -> str:
    return str(_LABELS.get(code, code))
