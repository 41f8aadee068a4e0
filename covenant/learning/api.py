"""API routes of the learning library: the published library (read) and the caller's own progress.

No ``from __future__ import annotations`` here: django-ninja reads ``Query[LibraryFilters]`` at import.
"""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from covenant.core.apiutils import Page, PathId
from covenant.core.oecd import OecdStep
from covenant.core.web import actor_of
from covenant.learning import selectors, services
from covenant.learning.models import Progress, ProgressStatus, Resource, ResourceKind, ResourceStatus

router = Router(tags=["Learning library"])

StepNumber = Literal[1, 2, 3, 4, 5, 6]


class ResourceOut(Schema):
    id: int
    kind: ResourceKind
    title: str
    summary: str
    topics: list[str] = Field(..., description="Salient topic codes (GET /api/v1/risk/topics names them).")
    steps: list[int] = Field(..., description="OECD due-diligence steps 1-6.")
    language: str = Field(..., description="ISO 639-1 code (or a regional variant such as zh-hans).")
    url: str = Field(..., description="The resource on its publisher's site; empty for an uploaded file.")
    file_url: str | None = Field(None, description="The uploaded file (a signed-in page), if there is one.")
    licence: str
    licence_url: str
    publisher: str
    sme_friendly: bool
    status: ResourceStatus
    sector_library: bool = Field(..., description="True for the sector's library; false for a participant's tool.")
    contributed_by: str | None
    replaces: int | None = Field(None, description="The earlier version this one replaces (or is to replace).")
    published_at: datetime | None

    @staticmethod
    def resolve_topics(obj: Resource) -> list[str]:
        return sorted(t.code for t in obj.topics.all())

    @staticmethod
    def resolve_steps(obj: Resource) -> list[int]:
        return obj.steps

    @staticmethod
    def resolve_file_url(obj: Resource) -> str | None:
        return reverse("learning:file", args=[obj.pk]) if obj.file else None

    @staticmethod
    def resolve_sector_library(obj: Resource) -> bool:
        return obj.contributed_by_id is None

    @staticmethod
    def resolve_contributed_by(obj: Resource) -> str | None:
        return obj.contributed_by.name if obj.contributed_by else None

    @staticmethod
    def resolve_replaces(obj: Resource) -> int | None:
        return obj.replaces_id


class LearningProgressOut(Schema):
    resource: int
    status: ProgressStatus
    started_at: datetime
    completed_at: datetime | None

    @staticmethod
    def resolve_resource(obj: Progress) -> int:
        return obj.resource_id


class ResourceDetailOut(ResourceOut):
    my_progress: LearningProgressOut | None = Field(None, description="The caller's own progress; nobody else's.")


class ProgressIn(Schema):
    status: ProgressStatus


class LibraryFilters(Schema):
    topic: str | None = Field(None, max_length=40, description="A salient topic code.")
    step: StepNumber | None = None
    language: str | None = Field(None, max_length=10)
    kind: ResourceKind | None = None
    q: str | None = Field(None, max_length=100, description="Words in the title or publisher.")


@router.get(
    "/learning/resources",
    response=list[ResourceOut],
    summary="The learning library: published resources, filtered",
)
@paginate(Page)
def list_learning_resources(request: HttpRequest, filters: Query[LibraryFilters]) -> Any:
    return selectors.library(
        actor_of(request),
        topic=filters.topic or "",
        step=int(OecdStep(filters.step)) if filters.step else None,
        kind=filters.kind or "",
        language=filters.language or "",
        q=(filters.q or "").strip(),
    )


@router.get("/learning/resources/{resource_id}", response=ResourceDetailOut, summary="One resource you may open")
def get_learning_resource(request: HttpRequest, resource_id: PathId) -> Resource:
    actor = actor_of(request)
    item = selectors.get_resource(actor, resource_id)
    # The caller's own progress rides on the object for the schema; nobody else's is read.
    setattr(item, "my_progress", selectors.progress_of(actor, item))  # noqa: B010
    return item


@router.post(
    "/learning/resources/{resource_id}/progress",
    response=LearningProgressOut,
    summary="Mark a resource started or completed (your own progress)",
)
def set_learning_progress(request: HttpRequest, resource_id: PathId, payload: ProgressIn) -> Progress:
    actor = actor_of(request)
    item = selectors.get_resource(actor, resource_id)
    return services.set_progress(actor, item, payload.status)
