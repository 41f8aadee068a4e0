"""Reads of organisations, memberships and invitations, always through the scoping rule."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.http import Http404

from covenant.accounts.models import User
from covenant.core.actors import Actor
from covenant.core.mail import Recipient
from covenant.core.scoping import get_scoped_or_404, scoped
from covenant.orgs.models import Invitation, Membership, Organisation, OrgKind, Role

# Participants whose names are public inside the initiative. Suppliers are not:
# knowing which suppliers exist on the platform reveals members' supply chains.
DIRECTORY_KINDS = (OrgKind.SECRETARIAT, OrgKind.MEMBER, OrgKind.AUDIT_FIRM, OrgKind.CSO)


def active_membership(user: User, org_id: object = None) -> Membership | None:
    """The membership a user acts through: the one picked in the session, else the oldest."""
    memberships = Membership.objects.filter(user=user, org__is_active=True).select_related("org")
    if org_id is not None:
        try:
            chosen = memberships.filter(org_id=int(str(org_id))).first()
        except ValueError:
            chosen = None
        if chosen is not None:
            return chosen
    return memberships.first()


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, org__is_active=True).select_related("org")


def visible_organisations(actor: Actor) -> QuerySet[Organisation]:
    """The directory: public participants, plus your own organisation; everything for the secretariat."""
    qs = Organisation.objects.filter(is_active=True)
    return scoped(actor, qs, owner="pk", shared=Q(kind__in=DIRECTORY_KINDS), secretariat=True)


def get_organisation(actor: Actor, slug: str) -> Organisation:
    return get_scoped_or_404(visible_organisations(actor), slug=slug)


def org_members(actor: Actor, org: Organisation | None = None) -> QuerySet[Membership]:
    """People in an organisation: visible to its own members and to the secretariat.

    Asking for another organisation's people is answered as "not found".
    """
    own = actor.require_org()
    org = org or own
    if org != own and not actor.is_secretariat:
        raise Http404
    qs = Membership.objects.select_related("user", "org").order_by("user__email")
    return scoped(actor, qs, owner="org", secretariat=True).filter(org=org)


def get_membership(actor: Actor, membership_id: int) -> Membership:
    """A membership of the actor's own organisation (for role changes and removal)."""
    qs = scoped(actor, Membership.objects.select_related("user", "org"), owner="org")
    return get_scoped_or_404(qs, pk=membership_id)


def org_invitations(actor: Actor) -> QuerySet[Invitation]:
    return scoped(actor, Invitation.objects.select_related("invited_by"), owner="org")


def get_invitation(actor: Actor, invitation_id: object) -> Invitation:
    return get_scoped_or_404(org_invitations(actor), pk=invitation_id)


def people_to_tell(org_ids: Iterable[int], roles: Iterable[str] = (Role.ADMIN, Role.EDITOR)) -> list[Recipient]:
    """The active people of these organisations with these roles, each with their language: whom a
    notice to an organisation reaches (see ``core.mail``)."""
    rows = (
        Membership.objects.filter(org_id__in=list(org_ids), role__in=list(roles), user__is_active=True)
        .values_list("user__email", "user__language")
        .distinct()
    )
    return [Recipient(email, language) for email, language in rows]
