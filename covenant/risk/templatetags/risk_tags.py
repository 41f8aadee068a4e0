"""``{% risk_panel %}``: the site page's risk by topic, with explanations (used by registry/facility.html)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats
from django.utils.safestring import mark_safe

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
# band code -> itself, for the few places that build HTML: an unknown code is a KeyError, never markup.
BAND_CODES = {code: code for code in _LABELS}


@register.filter
def band_label(code: str) -> str:
    return str(_LABELS.get(code, code))


@register.simple_tag
def heat_cells(cells: list[tuple[str, float, str, int]]) -> str:
    """One heat-map row's cells: mean score (localised) and high-risk site count.

    Built here rather than in a template loop: forty rows of thirteen cells were a
    fifth of the overview page's time.
    """
    sep = formats.get_format("DECIMAL_SEPARATOR")
    # Nothing here comes from a person: band codes are constants, the rest are numbers.
    html = "".join(
        f'<td class="band-{BAND_CODES[band]}">{str(float(mean)).replace(".", sep)}<br><small>{int(n)}</small></td>'
        for _code, mean, band, n in cells
    )
    return mark_safe(html)  # noqa: S308
