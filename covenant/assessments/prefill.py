"""What the platform already knows, shown beside the questions it answers (one function per figure).

Each function takes the member's actor and returns a :class:`Figure`: the value the answer
would take (``None`` when the platform has nothing to count), a sentence saying what was
counted, and a link to the page the figure comes from. Each counts through the same function
as that page, never a copy: the supply chain page and the review queue (``registry.interface``),
the audit coverage page (``audits.selectors.coverage``, which counts in ``audits/coverage.py``),
the grievance mechanism's participation, the member's risk-event alerts and responses, and the
action plan (``plans.interface.plan_figures``).

The member may take the figure into its answer or answer otherwise; at submission the figures
are frozen into the assessment with their date (``services.submit``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date

from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from covenant.core.actors import Actor
from covenant.registry import interface as registry


@dataclass(frozen=True)
class Figure:
    value: object  # the answer it gives: a percentage, a count, "yes"/"no"; None: nothing to count
    text: str  # "412 of 590 sites (70 %) mapped"
    link: str  # the page it comes from
    as_of: str  # ISO date

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _pct(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _url(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return reverse(fallback)


def _today() -> str:
    return date.isoformat(timezone.localdate())


def sites_mapped(actor: Actor) -> Figure:
    """Linked sites (the supply chain page's "Linked sites") against those and the list rows still
    waiting for review (the review queue): the share of the member's list mapped to the register."""
    linked = registry.linked_site_ids(actor).count()
    waiting = registry.review_queue(actor).count()
    whole = linked + waiting
    if not whole:
        return Figure(None, _("No supplier list or site yet."), reverse("registry:lists"), _today())
    text = _("%(linked)s of %(whole)s sites (%(pct)s %%) mapped; %(waiting)s list rows wait for review.") % {
        "linked": linked,
        "whole": whole,
        "pct": _pct(linked, whole),
        "waiting": waiting,
    }
    return Figure(_pct(linked, whole), text, reverse("registry:chain"), _today())


def beyond_tier1(actor: Actor) -> Figure:
    """Sites in the chain (risk overview) less the linked sites: those mapped beyond tier 1."""
    linked = registry.linked_site_ids(actor).count()
    chain = registry.chain_site_ids(actor).count()
    beyond = chain - linked
    text = _("%(beyond)s sites beyond tier 1 (%(chain)s sites in your chain, %(linked)s linked).") % {
        "beyond": beyond,
        "chain": chain,
        "linked": linked,
    }
    return Figure(beyond, text, reverse("risk:overview"), _today())


def high_risk_audited(actor: Actor) -> Figure:
    """The audit coverage page's high-risk sites and those of them with a recognised audit."""
    from covenant.audits.selectors import coverage

    counts = coverage(actor)
    if not counts.high_risk:
        return Figure(None, _("None of your linked sites is high risk."), reverse("audits:coverage"), _today())
    text = _("%(covered)s of %(high)s high-risk sites (%(pct)s %%) have a recognised audit.") % {
        "covered": counts.high_risk_covered,
        "high": counts.high_risk,
        "pct": _pct(counts.high_risk_covered, counts.high_risk),
    }
    return Figure(_pct(counts.high_risk_covered, counts.high_risk), text, reverse("audits:coverage"), _today())


def grievance_participation(actor: Actor) -> Figure:
    """Whether the member takes part in the joint grievance mechanism (its participation row)."""
    from covenant.grievances import selectors as grievances

    mechanism = grievances.mechanism_for(actor)
    part = grievances.participation(actor, mechanism) if mechanism is not None else None
    takes_part = part is not None and part.active
    if takes_part:
        text = _("You take part in %(mechanism)s since %(date)s.") % {
            "mechanism": mechanism,
            "date": part.joined_on.isoformat(),  # type: ignore[union-attr]
        }
    else:
        text = _("You do not take part in the joint grievance mechanism.")
    return Figure("yes" if takes_part else "no", text, reverse("grievances:list"), _today())


def event_responses(actor: Actor) -> Figure:
    """Risk-event alerts for the member's sites, and how many of them it responded to."""
    from covenant.risk.models import EventResponse
    from covenant.risk.selectors import own_alerts

    alerts = own_alerts(actor)
    total = alerts.count()
    if not total:
        return Figure(None, _("No risk event has touched your sites yet."), reverse("risk:events"), _today())
    answered = alerts.filter(
        Exists(EventResponse.objects.filter(event_id=OuterRef("event_id"), org_id=OuterRef("org_id")))
    ).count()
    text = _("You responded to %(answered)s of %(total)s risk-event alerts (%(pct)s %%).") % {
        "answered": answered,
        "total": total,
        "pct": _pct(answered, total),
    }
    return Figure(_pct(answered, total), text, reverse("risk:events"), _today())


def _plan(actor: Actor):  # type: ignore[no-untyped-def]
    from covenant.plans.interface import plan_figures

    return plan_figures(actor.require_org().pk)


def plan_coverage(actor: Actor) -> Figure:
    """Prioritised risks in the action plan, and those with at least one action."""
    figures = _plan(actor)
    link = _url("plans:plan", "risk:overview")
    if not figures.risks_prioritised:
        return Figure(None, _("Your action plan has no prioritised risk yet."), link, _today())
    text = _("%(with)s of %(all)s prioritised risks (%(pct)s %%) have an action in your plan.") % {
        "with": figures.risks_with_actions,
        "all": figures.risks_prioritised,
        "pct": _pct(figures.risks_with_actions, figures.risks_prioritised),
    }
    return Figure(_pct(figures.risks_with_actions, figures.risks_prioritised), text, link, _today())


def plan_done(actor: Actor) -> Figure:
    """Actions in the action plan, and those done (and overdue, for the reader)."""
    figures = _plan(actor)
    link = _url("plans:plan", "risk:overview")
    if not figures.actions_total:
        return Figure(None, _("Your action plan has no action yet."), link, _today())
    text = _("%(done)s of %(total)s actions (%(pct)s %%) done; %(overdue)s overdue.") % {
        "done": figures.actions_done,
        "total": figures.actions_total,
        "pct": _pct(figures.actions_done, figures.actions_total),
        "overdue": figures.actions_overdue,
    }
    return Figure(_pct(figures.actions_done, figures.actions_total), text, link, _today())


FIGURES: dict[str, Callable[[Actor], Figure]] = {
    "sites_mapped": sites_mapped,
    "beyond_tier1": beyond_tier1,
    "high_risk_audited": high_risk_audited,
    "grievance_participation": grievance_participation,
    "event_responses": event_responses,
    "plan_coverage": plan_coverage,
    "plan_done": plan_done,
}


def figures_for(actor: Actor, keys: list[tuple[str, str]]) -> dict[str, Figure]:
    """``{item code: figure}`` for ``(item code, prefill key)`` pairs; each figure counted once.
    An unknown key (a newer file read by older code) gives no figure."""
    counted: dict[str, Figure] = {}
    result = {}
    for code, key in keys:
        if key not in FIGURES:
            continue
        if key not in counted:
            counted[key] = FIGURES[key](actor)
        result[code] = counted[key]
    return result
