"""API routes for the audit trail."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from covenant.core import selectors
from covenant.core.apiutils import BoundedDatetime, Page
from covenant.core.web import actor_of

router = Router(tags=["Audit trail"])


class AuditEventOut(Schema):
    seq: int
    created_at: datetime
    actor: str
    via: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    summary: dict[str, Any]
    hash: str

    @staticmethod
    def resolve_actor(obj: Any) -> str:
        return str(obj.actor_label)


@router.get("/audit-events", response=list[AuditEventOut], summary="Your organisation's audit trail (administrators)")
@paginate(Page)
def list_audit_events(request: HttpRequest, action: str | None = None, since: BoundedDatetime | None = None) -> object:
    return selectors.audit_events(actor_of(request), action=action, since=since)
