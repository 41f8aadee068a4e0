"""``{% risk_panel %}``: the site page's risk by topic, with explanations (used by registry/facility.html)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from covenant.risk import explain, selectors
from covenant.risk.forms import OverrideForm
from covenant.risk.models import Band
from covenant.risk.scoring import BAND_LIMITS

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


@register.filter
def band_badge(value: int | None) -> str:
    """An annotated band (``risk.lists``: 0-3, None when not scored yet) as its coloured label."""
    if value is None:
        return str(conditional_escape(_("not scored yet")))
    code = BAND_CODES[("low", "medium", "high", "very_high")[int(value)]]
    return mark_safe(f'<span class="band band-{code}">{conditional_escape(_LABELS[code])}</span>')  # noqa: S308


@register.filter
def topic_in(code: str | None, names: dict[str, str]) -> str:
    """A topic code's name from ``risk.lists.topic_names()`` ("" for none)."""
    return names.get(code or "", code or "")


@register.filter
def country_label(code: str) -> str:
    """A country's name in the reader's language (EN, NL: django-countries)."""
    return explain.country_label(code)


@register.simple_tag
def why_rank(row: selectors.SiteRow) -> str:
    """The row's place in the prioritised list, in words: the keys it is ordered by."""
    return explain.why_rank(
        band_label=band_label(row.band),
        topic=row.topic_name,
        severity=row.severity,
        score=row.score,
        tier=row.tier,
        spend=row.spend,
    )


@register.simple_tag
def issue_why(issue: selectors.SalientIssue, sites: int) -> str:
    """Why a topic is among the salient issues: the heat map's numbers for it."""
    text = ngettext(
        "%(n)s of your %(total)s sites high or very high on %(topic)s",
        "%(n)s of your %(total)s sites high or very high on %(topic)s",
        issue.high,
    ) % {"n": issue.high, "total": sites, "topic": issue.topic.label}
    if issue.countries:
        where = ", ".join(f"{explain.country_label(cc)} ({n})" for cc, n in issue.countries)
        text += "; " + _("most in %(countries)s") % {"countries": where}
    text += "; " + _("average score %(mean)s") % {"mean": formats.number_format(issue.mean, 1)}
    return text


@register.simple_tag
def band_limits() -> str:
    """The calibrated band limits, for the legends (see docs/risk.md, "Bands")."""
    low, high, very_high = (formats.number_format(x, 2) for x in BAND_LIMITS)
    return _("low below %(a)s; medium from %(a)s; high from %(b)s; very high from %(c)s") % {
        "a": low,
        "b": high,
        "c": very_high,
    }


@register.simple_tag
def heat_cells(cells: list[tuple[str, float, str, int]]) -> str:
    """One heat-map row's cells: mean score (localised) and high-risk site count.

    Built here rather than in a template loop: forty rows of thirteen cells were a
    fifth of the overview page's time.
    """
    sep = formats.get_format("DECIMAL_SEPARATOR")
    # Nothing here comes from a person: band codes are constants, the rest are numbers.
    labels = {code: conditional_escape(band_label(code)) for code in BAND_CODES}
    html = "".join(
        f'<td class="band-{BAND_CODES[band]}" title="{labels[band]}">{str(float(mean)).replace(".", sep)}'
        f"<br><small>{int(n)}</small></td>"
        for _code, mean, band, n in cells
    )
    return mark_safe(html)  # noqa: S308


@register.simple_tag
def review_flag(state: str) -> str:
    """An override's review state as a flag: "review due" (within a month) or "expired"."""
    if state == "expired":
        return format_html('<span class="flag">{}</span>', _("expired"))
    if state == "due":
        return format_html('<span class="flag">{}</span>', _("review due"))
    return ""


@register.simple_tag
def review_mark(marks: dict[int, str], facility_id: int) -> str:
    return review_flag(marks.get(facility_id, ""))


@register.simple_tag
def computed_score(override: Any) -> str:
    """The stored (computed) score of an override's site and topic, or "not scored yet"."""
    risk = getattr(override.facility, "risk", None)
    if risk is None:
        return str(_("not scored yet"))
    scores = risk.adjusted or risk.profile.scores
    value = scores.get(override.topic.code)
    return "" if value is None else formats.number_format(value, 1)
