"""Explanation lines in the reader's language.

Profiles store each line as ``[English label, points, code, params]`` (``scoring.Line``);
this renders the code with its parameters through gettext, with countries by name. Lines
stored before codes existed (``[label, points]``) are shown as stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries

# Raw values as the shipped sources publish them (reference.builtin_values).
_RAW = {
    "low income": gettext_lazy("low income"),
    "lower middle income": gettext_lazy("lower middle income"),
    "upper middle income": gettext_lazy("upper middle income"),
    "high income": gettext_lazy("high income"),
    "child labour": gettext_lazy("child labour"),
    "forced labour": gettext_lazy("forced labour"),
}


def country_label(code: str) -> str:
    """A country's name in the active language (django-countries), or the code if unknown."""
    name = countries.name(code) if code else ""
    return str(name) if name else code


def _raw(value: Any) -> str:
    text = str(value)
    if text.startswith("rating "):
        return _("rating %(rating)s") % {"rating": text.removeprefix("rating ")}
    found = _RAW.get(text)
    return str(found) if found is not None else text


def render(line: Sequence[Any]) -> tuple[str, float, bool]:
    """(text, number, whether the number is added points rather than a resulting value)."""
    label, points = str(line[0]), float(line[1])
    if len(line) < 4:
        return label, points, True
    code, p = line[2], dict(line[3] or {})
    country = country_label(str(p.get("country", "")))
    match code:
        case "country_base":
            return _("Country baseline"), points, True
        case "indicator":
            text = _("%(name)s %(edition)s: %(value)s") % {
                "name": p.get("name", ""),
                "edition": p.get("edition", ""),
                "value": _raw(p.get("raw", "")),
            }
            return text, points, True
        case "not_rated":
            text = _("%(name)s %(edition)s: %(country)s not rated (counted as mid-scale)") % {
                "name": p.get("name", ""),
                "edition": p.get("edition", ""),
                "country": country,
            }
            return text, points, True
        case "good":
            text = _("%(name)s %(edition)s: %(good)s from %(country)s (%(listing)s)") % {
                "name": p.get("name", ""),
                "edition": p.get("edition", ""),
                "good": p.get("good", ""),
                "country": country,
                "listing": _raw(p.get("raw", "")),
            }
            return text, points, True
        case "sector":
            return _("Covenant sector baseline 2026: %(sector)s") % {"sector": p.get("sector", "")}, points, True
        case "sector_unknown":
            sector = p.get("sector") or _("unknown")
            text = _("Covenant sector baseline 2026: sector %(sector)s not profiled (mid-scale)") % {"sector": sector}
            return text, points, True
        case "goods_cap":
            return _("High-risk goods part capped at %(cap)s") % {"cap": p.get("cap", 3)}, points, True
        case "likelihood":
            return _("Likelihood on 0-10: the sum - 2"), points, False
        case "severity":
            text = _(
                "Severity (UN Guiding Principles salience): scale %(scale)s, scope %(scope)s, "
                "irremediability %(irremediability)s = %(severity)s of 9"
            ) % {k: p.get(k, "") for k in ("scale", "scope", "irremediability", "severity")}
            return text, points, False
        case "risk":
            return _("Risk = likelihood × severity / 9"), points, False
    return label, points, True


_SEVERITY_COUNTS = {
    "critical": gettext_lazy("%(n)s critical"),
    "major": gettext_lazy("%(n)s major"),
    "minor": gettext_lazy("%(n)s minor"),
}


def render_signal(code: str, params: dict[str, Any], fallback: str) -> str:
    """A signal's line (``SiteSignal.code``/``params``) in the active language: its source
    and its date, then what it says; counts only, never what anyone wrote. A signal without
    a known code is shown as written (``fallback``, its English ``explanation``)."""
    p = params or {}
    match code:
        case "audit_findings":
            counts = p.get("counts") or {}
            detail = ", ".join(
                str(_SEVERITY_COUNTS[sev]) % {"n": counts[sev]}
                for sev in ("critical", "major", "minor")
                if counts.get(sev)
            )
            return _("Audit (%(scheme)s) of %(date)s: open findings (%(detail)s)") % {
                "scheme": p.get("scheme", ""),
                "date": p.get("date", ""),
                "detail": detail,
            }
        case "audit_clean":
            return _(
                "Audit (%(scheme)s) of %(date)s: recognised under the sector benchmark, no open major or "
                "critical finding (until %(until)s)"
            ) % {"scheme": p.get("scheme", ""), "date": p.get("date", ""), "until": p.get("until", "")}
        case "grievance_open":
            return _("Grievance case routed to you, received %(date)s: admissible, open") % {"date": p.get("date", "")}
        case "grievance_closed":
            return _(
                "Grievance case routed to you, received %(date)s: admissible, closed on %(closed)s "
                "(counts until %(until)s)"
            ) % {"date": p.get("date", ""), "closed": p.get("closed", ""), "until": p.get("until", "")}
        case "grievance_remedied":
            return _(
                "Grievance case routed to you, received %(date)s: remedy agreed, closed on %(closed)s "
                "(counts at half weight until %(until)s)"
            ) % {"date": p.get("date", ""), "closed": p.get("closed", ""), "until": p.get("until", "")}
        case "event":
            return _("Risk event: %(title)s") % {"title": p.get("title", "")}
        case "saq_answers":
            n = int(p.get("n", 0) or 0)
            return ngettext(
                "Supplier self-assessment of %(date)s: %(n)s answer points to risk (self-declared, until %(until)s)",
                "Supplier self-assessment of %(date)s: %(n)s answers point to risk (self-declared, until %(until)s)",
                n,
            ) % {"date": p.get("date", ""), "n": n, "until": p.get("until", "")}
        case "saq_refugee_event":
            return _(
                "Supplier self-assessment of %(date)s: the site employs refugee workers; risk event: %(title)s"
            ) % {"date": p.get("date", ""), "title": p.get("title", "")}
    return fallback


SPEND_LABELS = {
    ">1M": gettext_lazy("spend over €1 million"),
    "100k-1M": gettext_lazy("spend €100,000 – €1 million"),
    "10k-100k": gettext_lazy("spend €10,000 – €100,000"),
    "<10k": gettext_lazy("spend under €10,000"),
}


def why_rank(*, band_label: str, topic: str, severity: int, score: float, tier: int | None, spend: str) -> str:
    """One line per row of the prioritised list: the keys it is ordered by, in order."""
    parts = [
        _("%(band)s on %(topic)s") % {"band": band_label, "topic": topic},
        _("severity %(severity)s of 9") % {"severity": severity},
        _("score %(score)s") % {"score": number_format(score, 2)},
    ]
    parts.append(_("tier %(tier)s") % {"tier": tier} if tier else _("beyond tier 1"))
    if spend in SPEND_LABELS:
        parts.append(str(SPEND_LABELS[spend]))
    return "; ".join(parts)
