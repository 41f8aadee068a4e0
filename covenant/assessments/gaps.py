"""The member's gaps from its self-assessment, for the learning library (``register_gap_source``)
and the result page: steps below maturity 3, and core sub-questions left unanswered."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from covenant.assessments import selectors
from covenant.assessments.models import AssessmentStatus
from covenant.core.actors import Actor
from covenant.core.roles import OrgKind
from covenant.learning.interface import Gap


def self_assessment_gaps(actor: Actor) -> list[Gap]:
    """Gaps of the actor's organisation's latest self-assessment (its own only: ``own_assessments``)."""
    if actor.kind != OrgKind.MEMBER:
        return []
    # The latest submitted one says most; a first draft only until there is one.
    own = selectors.own_assessments(actor)
    latest = own.filter(status=AssessmentStatus.SUBMITTED).first() or own.first()
    if latest is None:
        return []
    url = reverse("assessments:result", args=[latest.pk])
    found = []
    for r in selectors.results(latest):
        if r.score < 3:
            reason = _("Self-assessment %(year)s, step %(step)s: maturity %(score)s of 4") % {
                "year": latest.cycle.year,
                "step": r.step,
                "score": r.score,
            }
            found.append(Gap(source="self_assessment", reason=reason, step=r.step, url=url))
        elif r.unanswered_core:
            reason = _("Self-assessment %(year)s, step %(step)s: %(n)s core sub-questions unanswered") % {
                "year": latest.cycle.year,
                "step": r.step,
                "n": r.unanswered_core,
            }
            found.append(Gap(source="self_assessment", reason=reason, step=r.step, url=url))
    return found
