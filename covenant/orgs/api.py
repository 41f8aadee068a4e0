"""API routes for organisations, their people and invitations."""

import uuid
from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from covenant.core.apiutils import Page
from covenant.core.countries import parse_country
from covenant.core.web import actor_of
from covenant.orgs import selectors, services
from covenant.orgs.models import ApscaFirmStatus, CompanySize, Invitation, Membership, Organisation, OrgKind, Role

router = Router(tags=["Organisations"])


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: OrgKind
    size: CompanySize | Literal[""]
    country: str = Field(..., description='ISO 3166-1 alpha-2 code, or "" if not given.')
    country_name: str = Field(..., description="The country's name in the request's language.")
    city: str
    website: str
    apsca_status: ApscaFirmStatus | Literal[""] = Field(
        "", description='Audit firms: their APSCA membership as the secretariat recorded it ("" if not recorded).'
    )

    @staticmethod
    def resolve_country(obj: Organisation) -> str:
        return str(obj.country)

    @staticmethod
    def resolve_country_name(obj: Organisation) -> str:
        return str(obj.country.name) if obj.country else ""


class MemberOut(Schema):
    id: int
    email: str
    full_name: str
    role: Role
    joined: datetime

    @staticmethod
    def resolve_email(obj: Membership) -> str:
        return obj.user.email

    @staticmethod
    def resolve_full_name(obj: Membership) -> str:
        return obj.user.full_name

    @staticmethod
    def resolve_joined(obj: Membership) -> datetime:
        return obj.created_at


class InvitationIn(Schema):
    email: str = Field(..., max_length=254, json_schema_extra={"format": "email"})
    role: Role = Field(..., description="One of the roles of your kind of organisation.")


class InvitationOut(Schema):
    id: uuid.UUID
    email: str
    role: Role
    status: Literal["pending", "accepted", "revoked", "expired"]
    created_at: datetime
    expires_at: datetime

    @staticmethod
    def resolve_status(obj: Invitation) -> str:
        return obj.status()


@router.get("/organisations", response=list[OrganisationOut], summary="Organisations you can see")
@paginate(Page)
def list_organisations(request: HttpRequest, kind: OrgKind | None = None, country: str | None = None) -> object:
    """``country`` takes a code or a name ("NL", "Netherlands", "Nederland"); one we cannot read is refused."""
    qs = selectors.visible_organisations(actor_of(request))
    if kind:
        qs = qs.filter(kind=kind)
    if country:
        code = parse_country(country)
        if code is None:
            raise ValidationError(f"'{country}' is not a country we know.")
        qs = qs.filter(country=code)
    return qs


@router.get("/organisations/{slug}", response=OrganisationOut)
def get_organisation(request: HttpRequest, slug: str) -> Organisation:
    return selectors.get_organisation(actor_of(request), slug)


@router.get("/organisations/{slug}/members", response=list[MemberOut], summary="People in an organisation")
@paginate(Page)
def list_members(request: HttpRequest, slug: str) -> object:
    actor = actor_of(request)
    org = selectors.get_organisation(actor, slug)
    return selectors.org_members(actor, org)


@router.get("/users", response=list[MemberOut], summary="People in your organisation")
@paginate(Page)
def list_users(request: HttpRequest) -> object:
    return selectors.org_members(actor_of(request))


@router.get("/invitations", response=list[InvitationOut], summary="Your organisation's invitations")
@paginate(Page)
def list_invitations(request: HttpRequest) -> object:
    actor = actor_of(request)
    actor.require_admin_role()
    return selectors.org_invitations(actor)


@router.post("/invitations", response={201: InvitationOut}, summary="Invite someone by e-mail")
def create_invitation(request: HttpRequest, payload: InvitationIn) -> Status[Invitation]:
    invitation, _token = services.invite(actor_of(request), email=payload.email, role=payload.role)
    return Status(201, invitation)


@router.delete("/invitations/{invitation_id}", response={204: None}, summary="Withdraw an invitation")
def revoke_invitation(request: HttpRequest, invitation_id: uuid.UUID) -> Status[None]:
    actor = actor_of(request)
    services.revoke_invitation(actor, selectors.get_invitation(actor, invitation_id))
    return Status(204, None)
