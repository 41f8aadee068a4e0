"""The supplier's gap report: the answers that signal risk, by topic, with the first step to take
and the learning library's resources that fit; and the same gaps for the library's own page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from covenant.core.actors import Actor
from covenant.learning.interface import Gap, resources_for
from covenant.orgs.models import OrgKind
from covenant.risk.interface import topic_labels
from covenant.saq import questionnaire
from covenant.saq.models import Saq
from covenant.saq.questionnaire import Question


@dataclass
class GapLine:
    question: Question
    answer: str
    delta: float


@dataclass
class TopicGaps:
    code: str
    label: str
    lines: list[GapLine] = field(default_factory=list)
    resources: list[Any] = field(default_factory=list)

    @property
    def points(self) -> float:
        return sum(line.delta for line in self.lines)


def gap_report(saq: Saq, *, with_resources: bool = True) -> list[TopicGaps]:
    """The SAQ's risk answers grouped by topic, the heaviest topic first. A question on several
    topics is listed under each. Read against the SAQ's own version."""
    version = questionnaire.load(saq.version)
    labels = topic_labels()
    topics: dict[str, TopicGaps] = {}
    for q, delta in version.risk_answers(saq.answers):
        for code in q.topics or ("",):
            if code not in labels:
                continue
            item = topics.setdefault(code, TopicGaps(code, labels[code]))
            item.lines.append(GapLine(q, q.answer_label(saq.answers.get(q.code), version.answer_texts), delta))
    ordered = sorted(topics.values(), key=lambda t: (-t.points, list(labels).index(t.code)))
    if with_resources:
        for item in ordered:
            item.resources = resources_for(topics=[item.code], language=get_language(), limit=3)
    return ordered


def saq_gaps(actor: Actor) -> list[Gap]:
    """For the learning library: the topics the supplier's own latest SAQs point to (one gap per topic)."""
    if actor.kind != OrgKind.SUPPLIER or actor.org is None:
        return []
    from covenant.saq.selectors import shared_with_me

    gaps: dict[str, Gap] = {}
    for saq in shared_with_me(actor)[:50]:
        url = reverse("saq:gaps", args=[saq.pk])
        for topic in gap_report(saq, with_resources=False):
            if topic.code not in gaps:
                reason = _("Self-assessment of %(site)s: %(n)s answers point to risk of %(topic)s") % {
                    "site": saq.facility.name,
                    "n": len(topic.lines),
                    "topic": topic.label,
                }
                gaps[topic.code] = Gap(source="saq", reason=reason, topic=topic.code, url=url)
    return list(gaps.values())
