"""API routes of action plans: the member's plan of approach (read and write) and its exit decisions.

Members only; every id is looked up through the member's own rows, so another member's
plan, action or decision answers 404. The same selectors and services as the pages.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from covenant.core.actors import Actor
from covenant.core.apiutils import Page, PathId
from covenant.core.roles import OrgKind
from covenant.core.scoping import get_scoped_or_404
from covenant.core.web import actor_of
from covenant.plans import selectors, services
from covenant.plans.models import (
    ActionKind,
    ActionStatus,
    Decision,
    ExitDecision,
    ExitStatus,
    PlanAction,
    PlanRisk,
    PlanScope,
    RiskStatus,
)
from covenant.registry.interface import get_facility
from covenant.risk import selectors as risk_selectors

router = Router(tags=["Action plan"])

BandName = Literal["", "low", "medium", "high", "very_high"]


class SourceOut(Schema):
    score: float | None = Field(..., description="The score on the topic in your risk overview when it was added.")
    band: BandName
    sites_high: int | None = Field(
        ..., description="Chain or country scope: your sites high or very high on the topic then."
    )
    on: date | None


class PlanActionOut(Schema):
    id: int
    risk: int
    kind: ActionKind
    joint_action: uuid.UUID | None = Field(..., description="The joint action this is (one you take part in).")
    joint_action_title: str
    description: str
    target: str
    target_value: float | None
    target_unit: str
    owner: str = Field(..., description="The owner's name: a person of your organisation, or as written.")
    owner_email: str | None
    due_on: date | None
    status: ActionStatus
    overdue: bool
    progress: str
    updated_at: datetime


class PlanRiskOut(Schema):
    id: int
    rank: int = Field(..., description="1 is the highest priority.")
    topic: str
    scope: PlanScope
    facility: str | None = Field(..., description="The site's facility id (scope site).")
    country: str
    commodity: str
    why: str
    status: RiskStatus
    source: SourceOut
    actions: list[PlanActionOut]
    created_at: datetime
    updated_at: datetime


class PlanRiskIn(Schema):
    topic: str = Field(..., max_length=40, description="A topic code, e.g. forced_labour.")
    scope: PlanScope
    facility: str = Field("", max_length=15, description="Scope site: a site in your chain (facility id).")
    country: str = Field("", max_length=2, description="Scope area: ISO 3166-1 alpha-2.")
    commodity: str = Field("", max_length=100)
    why: str = Field(..., min_length=1, max_length=4000)
    rank: int | None = Field(None, ge=1, le=999, description="Where to put it; by default last.")


class PlanRiskPatch(Schema):
    rank: int | None = Field(None, ge=1, le=999)
    why: str | None = Field(None, min_length=1, max_length=4000)
    status: RiskStatus | None = None


class PlanActionIn(Schema):
    kind: ActionKind
    joint_action: uuid.UUID | None = Field(None, description="Kind joint: a joint action you take part in.")
    description: str = Field(..., min_length=1, max_length=4000)
    target: str = Field("", max_length=300)
    target_value: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    target_unit: str = Field("", max_length=40)
    owner_email: str | None = Field(None, max_length=254, description="A person of your organisation.")
    owner_text: str = Field("", max_length=200, description="The owner, if not a person with an account.")
    due_on: date | None = None
    status: ActionStatus = ActionStatus.PLANNED
    progress: str = Field("", max_length=4000)


class PlanActionPatch(Schema):
    kind: ActionKind | None = None
    joint_action: uuid.UUID | None = None
    description: str | None = Field(None, min_length=1, max_length=4000)
    target: str | None = Field(None, max_length=300)
    target_value: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    target_unit: str | None = Field(None, max_length=40)
    owner_email: str | None = Field(None, max_length=254)
    owner_text: str | None = Field(None, max_length=200)
    due_on: date | None = None
    status: ActionStatus | None = None
    progress: str | None = Field(None, max_length=4000)


class ExitOut(Schema):
    id: int
    facility: str
    trigger: Literal["event", "corrective_action"]
    event: int | None
    event_response: int | None
    corrective_action: int | None
    decision: Decision
    justification: str
    decided_on: date
    notice_given_on: date | None
    notice_days: int | None
    notice_not_possible: str
    wages_secured: bool | None
    wages_note: str
    wages_not_possible: str
    consulted: bool | None
    consulted_with: str
    consultation_not_possible: str
    remedy_considered: bool | None
    remedy_note: str
    timeline: str
    status: ExitStatus
    created_at: datetime


class ExitIn(Schema):
    decision: Decision
    justification: str = Field(..., min_length=1, max_length=8000)
    facility: str = Field("", max_length=15, description="The site (with event; optional otherwise: it must match).")
    event_response: int | None = Field(None, ge=1, le=2**63 - 1, description="One of your responses to a risk event.")
    event: int | None = Field(None, ge=1, le=2**63 - 1, description="A risk event, with one of your sites in its area.")
    corrective_action: int | None = Field(
        None, ge=1, le=2**63 - 1, description="A corrective action past its due date at a site in your chain."
    )
    decided_on: date | None = None
    confirm: bool = Field(
        False, description="Required (true) for suspend and exit: you have read what it means for the site's workers."
    )
    notice_given_on: date | None = None
    notice_days: int | None = Field(None, ge=0, le=3650)
    notice_not_possible: str = Field("", max_length=4000)
    wages_secured: bool | None = None
    wages_note: str = Field("", max_length=4000)
    wages_not_possible: str = Field("", max_length=4000)
    consulted: bool | None = None
    consulted_with: str = Field("", max_length=300)
    consultation_not_possible: str = Field("", max_length=4000)
    remedy_considered: bool | None = None
    remedy_note: str = Field("", max_length=4000)
    timeline: str = Field("", max_length=4000)


def _member(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    return actor


def _action_out(a: PlanAction) -> dict[str, Any]:
    return {
        "id": a.pk,
        "risk": a.risk_id,
        "kind": a.kind,
        "joint_action": a.joint_action.public_id if a.joint_action else None,
        "joint_action_title": a.joint_action.title if a.joint_action else "",
        "description": a.description,
        "target": a.target,
        "target_value": float(a.target_value) if a.target_value is not None else None,
        "target_unit": a.target_unit,
        "owner": a.owner_name,
        "owner_email": a.owner_user.email if a.owner_user else None,
        "due_on": a.due_on,
        "status": a.status,
        "overdue": a.is_overdue,
        "progress": a.progress,
        "updated_at": a.updated_at,
    }


def _risk_out(r: PlanRisk) -> dict[str, Any]:
    return {
        "id": r.pk,
        "rank": r.rank,
        "topic": r.topic.code,
        "scope": r.scope,
        "facility": r.facility.public_id if r.facility else None,
        "country": str(r.country or ""),
        "commodity": r.commodity,
        "why": r.why,
        "status": r.status,
        "source": {
            "score": r.source_score,
            "band": r.source_band,
            "sites_high": r.source_sites_high,
            "on": r.source_on,
        },
        "actions": [_action_out(a) for a in r.actions.all()],
        "created_at": r.created_at,
        "updated_at": r.updated_at,
    }


def _exit_out(e: ExitDecision) -> dict[str, Any]:
    fields = {name: getattr(e, name) for name in services.PLAN_FIELDS}
    return {
        "id": e.pk,
        "facility": e.facility.public_id,
        "trigger": e.trigger,
        "event": e.event_id,
        "event_response": e.event_response_id,
        "corrective_action": e.corrective_action_id,
        "decision": e.decision,
        "justification": e.justification,
        "decided_on": e.decided_on,
        "status": e.status,
        "created_at": e.created_at,
        **fields,
    }


def _joint_id(actor: Actor, public_id: uuid.UUID | None) -> int | None:
    if public_id is None:
        return None
    found = selectors.joinable_joint_actions(actor).filter(public_id=public_id).values_list("pk", flat=True).first()
    if found is None:
        raise ValidationError(_("Your organisation does not take part in that joint action."))
    return int(found)


def _owner_id(actor: Actor, email: str | None) -> int | None:
    if not email:
        return None
    found = selectors.owners(actor).filter(user__email__iexact=email.strip()).values_list("user_id", flat=True).first()
    if found is None:
        raise ValidationError(_("The owner must be a person of your organisation."))
    return int(found)


@router.get(
    "/action-plan", response=list[PlanRiskOut], summary="Your action plan: prioritised risks with their actions"
)
@paginate(Page)
def get_action_plan(request: HttpRequest) -> Any:
    return [_risk_out(r) for r in selectors.plan_risks(_member(request))]


@router.post("/action-plan/risks", response={201: PlanRiskOut}, summary="Prioritise a risk from your risk overview")
def add_plan_risk(request: HttpRequest, payload: PlanRiskIn) -> Any:
    actor = _member(request)
    site = get_facility(actor, payload.facility) if payload.facility else None
    item = services.add_risk(
        actor,
        topic_code=payload.topic,
        scope=payload.scope.value,
        why=payload.why,
        facility=site,
        country=payload.country,
        commodity=payload.commodity,
        rank=payload.rank,
    )
    return Status(201, _risk_out(selectors.get_risk(actor, item.pk)))


@router.patch("/action-plan/risks/{risk_id}", response=PlanRiskOut, summary="Change a risk's priority, why or status")
def update_plan_risk(request: HttpRequest, risk_id: PathId, payload: PlanRiskPatch) -> Any:
    actor = _member(request)
    item = selectors.get_risk(actor, risk_id)
    services.update_risk(
        actor, item, rank=payload.rank, why=payload.why, status=payload.status.value if payload.status else None
    )
    return _risk_out(selectors.get_risk(actor, risk_id))


@router.post(
    "/action-plan/risks/{risk_id}/actions", response={201: PlanActionOut}, summary="Add an action to a prioritised risk"
)
def add_plan_action(request: HttpRequest, risk_id: PathId, payload: PlanActionIn) -> Any:
    actor = _member(request)
    item = selectors.get_risk(actor, risk_id)
    action = services.add_action(
        actor,
        item,
        kind=payload.kind.value,
        joint_action_id=_joint_id(actor, payload.joint_action),
        description=payload.description,
        target=payload.target,
        target_value=payload.target_value,
        target_unit=payload.target_unit,
        owner_user_id=_owner_id(actor, payload.owner_email),
        owner_text=payload.owner_text,
        due_on=payload.due_on,
        status=payload.status.value,
        progress=payload.progress,
    )
    return Status(201, _action_out(selectors.get_action(actor, action.pk)))


@router.patch(
    "/action-plan/actions/{action_id}", response=PlanActionOut, summary="Change an action (fields given only)"
)
def update_plan_action(request: HttpRequest, action_id: PathId, payload: PlanActionPatch) -> Any:
    actor = _member(request)
    item = selectors.get_action(actor, action_id)
    given = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    for name, value in given.items():
        if name == "joint_action":
            changes["joint_action_id"] = _joint_id(actor, value)
        elif name == "owner_email":
            changes["owner_user_id"] = _owner_id(actor, value)
        elif value is None and name in ("kind", "description", "status"):
            raise ValidationError(_("%(name)s cannot be empty.") % {"name": name})
        elif value is None and name in ("target", "target_unit", "owner_text", "progress"):
            changes[name] = ""
        else:
            changes[name] = getattr(value, "value", value)
    services.update_action(actor, item, **changes)
    return _action_out(selectors.get_action(actor, action_id))


@router.get("/exit-decisions", response=list[ExitOut], summary="Your decisions to continue, suspend or exit sites")
@paginate(Page)
def list_exit_decisions(request: HttpRequest) -> Any:
    return [_exit_out(e) for e in selectors.exit_decisions(_member(request))]


@router.post(
    "/exit-decisions",
    response={201: ExitOut},
    summary="Record a decision about a site after a risk event or a failed corrective action",
    description=(
        "Suspend and exit need `confirm: true` (see the page's preview: the site's workers, open cases, "
        "the supply link). An exit needs notice, wages and severance secured and the union or worker "
        "representatives consulted, or the reason why each is not possible. The supply link is not ended."
    ),
)
def record_exit_decision(request: HttpRequest, payload: ExitIn) -> Any:
    actor = _member(request)
    site = get_facility(actor, payload.facility) if payload.facility else None
    response = (
        get_scoped_or_404(selectors.own_responses(actor), pk=payload.event_response) if payload.event_response else None
    )
    event = risk_selectors.get_event(actor, payload.event) if payload.event else None
    cap = selectors.readable_action(actor, payload.corrective_action) if payload.corrective_action else None
    plan = {name: getattr(payload, name) for name in services.PLAN_FIELDS}
    item = services.record_exit(
        actor,
        decision=payload.decision.value,
        justification=payload.justification,
        event_response=response,
        event=event,
        facility=site,
        corrective_action=cap,
        decided_on=payload.decided_on,
        confirm=payload.confirm,
        **plan,
    )
    return Status(201, _exit_out(item))
