"""API routes of member self-assessment: a member's own assessments (read, save answers, submit),
and aggregates for the secretariat and branch associations (never below five members)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from covenant.assessments import selectors, services
from covenant.assessments.models import Assessment
from covenant.core.apiutils import Page
from covenant.core.web import actor_of

router = Router(tags=["Self-assessment"])

Status = Literal["draft", "submitted", "reopened"]
Year = Annotated[int, Path(..., ge=2000, le=2100)]
YearQuery = Annotated[int, Query(..., ge=2000, le=2100)]


class AssessmentOut(Schema):
    year: int
    status: Status
    questionnaire_version: str
    submitted_at: datetime | None
    scores: dict[str, int] = Field(
        ..., description="Maturity 0-4 per OECD step ('1'..'6'), stored at submission; empty before."
    )


class AssessmentDetailOut(AssessmentOut):
    answers: dict[str, Any] = Field(
        ..., description="By sub-question code: {value, platform} (platform: the member took the figure shown)."
    )
    platform_figures: dict[str, Any] = Field(
        ..., description="By sub-question code: the platform's figure {value, text, link, as_of}, frozen at submission."
    )
    reopened_reason: str


class AnswersIn(Schema):
    answers: dict[str, str | float | int | None] = Field(
        ..., description="By sub-question code; null or an empty string clears an answer."
    )
    accept: list[str] = Field([], description="Sub-questions whose answer is the figure the platform shows now.")


class StepDistributionOut(Schema):
    step: int
    counts: list[int] = Field(..., description="Members at maturity 0, 1, 2, 3 and 4.")
    median: float


class AggregateOut(Schema):
    year: int
    members: int
    submitted: int
    steps: list[StepDistributionOut] | None = Field(
        ..., description="null when fewer than 5 members of the group submitted, or no cycle that year (see reason)."
    )
    reason: str


def _out(item: Assessment) -> dict[str, Any]:
    return {
        "year": item.cycle.year,
        "status": item.status,
        "questionnaire_version": item.version,
        "submitted_at": item.submitted_at,
        "scores": {k: int(v) for k, v in item.scores.items()},
    }


def _detail(item: Assessment) -> dict[str, Any]:
    return {
        **_out(item),
        "answers": item.answers,
        "platform_figures": item.prefill,
        "reopened_reason": item.reopened_reason,
    }


@router.get("/self-assessments", response=list[AssessmentOut], summary="Your organisation's self-assessments")
@paginate(Page)
def list_self_assessments(request: HttpRequest) -> Any:
    actor = actor_of(request)
    actor.require_org()
    return [_out(a) for a in selectors.own_assessments(actor)]


@router.get(
    "/self-assessments/aggregates",
    response=AggregateOut,
    summary="Maturity per step over members (secretariat) or your members (branch associations)",
)
def self_assessment_aggregates(request: HttpRequest, year: YearQuery) -> Any:
    actor = actor_of(request)
    group = selectors.group_of(actor)
    cycle = selectors.cycles().filter(year=year).first()
    if cycle is None:
        # A query, not an address: a year without a cycle has nothing to show (not a 404).
        reason = _("There is no self-assessment cycle for %(year)s.") % {"year": year}
        return {"year": year, "members": group.count(), "submitted": 0, "steps": None, "reason": reason}
    found = selectors.aggregate(cycle, group)
    steps = [{"step": d.step, "counts": d.counts, "median": d.median} for d in found.steps] if found.steps else None
    return {
        "year": found.year,
        "members": found.members,
        "submitted": found.submitted,
        "steps": steps,
        "reason": found.reason,
    }


@router.get(
    "/self-assessments/{year}", response=AssessmentDetailOut, summary="One year's self-assessment, with answers"
)
def get_self_assessment(request: HttpRequest, year: Year) -> Any:
    return _detail(selectors.get_own_by_year(actor_of(request), year))


@router.patch(
    "/self-assessments/{year}/answers",
    response=AssessmentDetailOut,
    summary="Save answers to a draft (409 once submitted)",
)
def save_self_assessment_answers(request: HttpRequest, year: Year, payload: AnswersIn) -> Any:
    actor = actor_of(request)
    item = selectors.get_own_by_year(actor, year)
    return _detail(services.save_draft(actor, item, payload.answers, accept=payload.accept))


@router.post("/self-assessments/{year}/submit", response=AssessmentDetailOut, summary="Submit, which locks the answers")
def submit_self_assessment(request: HttpRequest, year: Year) -> Any:
    actor = actor_of(request)
    item = selectors.get_own_by_year(actor, year)
    return _detail(services.submit(actor, item))
