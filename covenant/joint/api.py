"""API routes of joint action: the joint actions the caller takes part in (404 for any other)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from covenant.core.apiutils import Page
from covenant.core.web import actor_of
from covenant.joint import selectors
from covenant.joint.models import (
    ActionStatus,
    AttachmentKind,
    JointAction,
    Participant,
    ParticipantRole,
    ParticipantStatus,
)

router = Router(tags=["Joint actions"])


class ParticipantOut(Schema):
    org: str = Field(..., description="The organisation's slug.")
    kind: str = Field(..., description="The organisation's kind (member, cso, trade_union, supplier, secretariat).")
    role: ParticipantRole
    status: ParticipantStatus

    @staticmethod
    def resolve_org(obj: Participant) -> str:
        return obj.org.slug

    @staticmethod
    def resolve_kind(obj: Participant) -> str:
        return obj.org.kind


class JointActionOut(Schema):
    id: uuid.UUID = Field(..., alias="public_id")
    title: str
    aim: str
    status: ActionStatus
    progress: int = Field(..., ge=0, le=100)
    topics: list[str]
    countries: list[str]
    commodities: list[str]
    responds_to_event: int | None = Field(None, alias="responds_to_event_id")
    participants: list[ParticipantOut]
    published: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_topics(obj: JointAction) -> list[str]:
        return [t.code for t in obj.topics.all()]

    @staticmethod
    def resolve_participants(obj: JointAction) -> list[Participant]:
        shown = (ParticipantStatus.ACCEPTED, ParticipantStatus.INVITED)
        return [p for p in obj.participants.all() if p.status in shown]

    @staticmethod
    def resolve_published(obj: JointAction) -> bool:
        return obj.published_at is not None


class MilestoneOut(Schema):
    title: str
    due_on: date
    owner: str
    done_on: date | None

    @staticmethod
    def resolve_owner(obj: Any) -> str:
        return str(obj.owner.slug)


class BudgetShareOut(Schema):
    org: str
    amount: Decimal
    currency: str

    @staticmethod
    def resolve_org(obj: Any) -> str:
        return str(obj.org.slug)


class GenderTargetOut(Schema):
    indicator: str
    target_women: int
    target_men: int
    actual_women: int
    actual_men: int


class JointProgressOut(Schema):
    author: str = Field(..., description="The slug of the organisation that posted it.")
    text: str
    progress: int
    created_at: datetime

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return str(obj.author_org.slug)


class AttachmentOut(Schema):
    kind: AttachmentKind
    snapshot: dict[str, Any] = Field(
        ...,
        description=(
            "The redacted snapshot taken when attached: a finding's scheme, section, topic, severity and site "
            "country; a grievance case's topics, country, stage and month received (never its content); a risk "
            "event's title, kind, regions, topics and start."
        ),
    )
    attached_by: str
    attached_at: datetime

    @staticmethod
    def resolve_attached_by(obj: Any) -> str:
        return str(obj.attached_by.slug)


class DocumentOut(Schema):
    id: int
    title: str
    size: int
    content_type: str
    uploaded_at: datetime


class JointActionDetailOut(JointActionOut):
    gender_dimension: str
    sites: list[str] = Field(..., description="Facility ids of the register.")
    milestones: list[MilestoneOut]
    budget_shares: list[BudgetShareOut]
    gender_targets: list[GenderTargetOut]
    progress_updates: list[JointProgressOut]
    attachments: list[AttachmentOut]
    documents: list[DocumentOut]

    @staticmethod
    def resolve_sites(obj: JointAction) -> list[str]:
        return sorted(obj.sites.values_list("public_id", flat=True))

    @staticmethod
    def resolve_milestones(obj: JointAction) -> list[Any]:
        return list(obj.milestones.select_related("owner"))

    @staticmethod
    def resolve_budget_shares(obj: JointAction) -> list[Any]:
        return list(obj.budget_shares.select_related("org"))

    @staticmethod
    def resolve_gender_targets(obj: JointAction) -> list[Any]:
        return list(obj.gender_targets.all())

    @staticmethod
    def resolve_progress_updates(obj: JointAction) -> list[Any]:
        return list(obj.updates.select_related("author_org"))

    @staticmethod
    def resolve_attachments(obj: JointAction) -> list[Any]:
        return list(obj.attachments.select_related("attached_by"))

    @staticmethod
    def resolve_documents(obj: JointAction) -> list[Any]:
        return list(obj.documents.all())


def _with_participants(qs: QuerySet[JointAction]) -> QuerySet[JointAction]:
    return qs.prefetch_related(Prefetch("participants", Participant.objects.select_related("org").order_by("pk")))


@router.get("/joint-actions", response=list[JointActionOut], summary="The joint actions you take part in")
@paginate(Page)
def list_joint_actions(request: HttpRequest) -> Any:
    return _with_participants(selectors.visible_actions(actor_of(request))).order_by("-created_at", "-pk")


@router.get(
    "/joint-actions/{joint_action_id}",
    response=JointActionDetailOut,
    summary="One joint action you take part in (404 for any other)",
)
def get_joint_action(request: HttpRequest, joint_action_id: uuid.UUID) -> Any:
    actor = actor_of(request)
    action = selectors.get_action(actor, joint_action_id)
    return _with_participants(JointAction.objects.filter(pk=action.pk)).get()
