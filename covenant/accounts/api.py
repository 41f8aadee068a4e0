"""API routes about the caller and the organisation's API tokens."""

import uuid
from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from covenant.accounts import selectors, services
from covenant.accounts.models import ApiToken
from covenant.core.apiutils import Page
from covenant.core.roles import OrgKind, Role
from covenant.core.web import actor_of

router = Router(tags=["Me and API tokens"])


class MeOut(Schema):
    email: str
    full_name: str
    organisation: str
    organisation_kind: OrgKind
    role: Role
    read_only: bool


class TokenOut(Schema):
    id: uuid.UUID
    name: str
    prefix: str
    owner: str
    read_only: bool
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @staticmethod
    def resolve_owner(obj: ApiToken) -> str:
        return obj.user.email


@router.get("/me", response=MeOut, summary="Who the credentials belong to")
def me(request: HttpRequest) -> MeOut:
    actor = actor_of(request)
    org = actor.require_org()
    assert actor.user is not None and actor.role is not None
    return MeOut(
        email=actor.user.email,
        full_name=actor.user.full_name,
        organisation=org.slug,
        organisation_kind=OrgKind(org.kind),
        role=Role(actor.role),
        read_only=actor.read_only,
    )


@router.get("/tokens", response=list[TokenOut], summary="Your organisation's API tokens (never their secrets)")
@paginate(Page)
def list_tokens(request: HttpRequest) -> object:
    return selectors.org_tokens(actor_of(request))


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke an API token")
def revoke_token(request: HttpRequest, token_id: uuid.UUID) -> Status[None]:
    actor = actor_of(request)
    services.revoke_token(actor, selectors.get_token(actor, token_id))
    return Status(204, None)
