"""Writes for organisations, memberships and invitations.

Each function validates, writes in one transaction, appends the audit event,
and sends any e-mail only after the transaction commits.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from covenant.accounts.models import User
from covenant.core import audit
from covenant.core.actors import Actor
from covenant.core.errors import Conflict
from covenant.orgs.models import (
    ADMIN_ROLES,
    ROLES_BY_KIND,
    ApscaFirmStatus,
    CompanySize,
    Invitation,
    Membership,
    Organisation,
    OrgKind,
)

INVITATION_VALID_FOR = timedelta(days=14)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_role(org: Organisation, role: str) -> None:
    if role not in ROLES_BY_KIND[org.kind]:
        raise ValidationError(
            _("%(role)s is not a role in a %(kind)s.") % {"role": role, "kind": org.get_kind_display()}
        )


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_organisation(
    actor: Actor,
    *,
    name: str,
    kind: str,
    size: str = "",
    country: str = "",
    city: str = "",
    website: str = "",
    slug: str = "",
) -> Organisation:
    """The secretariat registers a participant (or the system does, when seeding)."""
    if not actor.is_system:
        actor.require_kind(OrgKind.SECRETARIAT)
        actor.require_admin()
    name = name.strip()
    if not name:
        raise ValidationError(_("An organisation needs a name."))
    if kind not in OrgKind.values:
        raise ValidationError(_("Unknown kind of organisation."))
    if kind == OrgKind.MEMBER and size not in CompanySize.values:
        raise ValidationError(_("Say whether the member is a large company or an SME."))
    if kind != OrgKind.MEMBER:
        size = ""
    org = Organisation(
        name=name,
        slug=slug or _unique_slug(name),
        kind=kind,
        size=size,
        country=country.upper(),
        city=city,
        website=website,
    )
    org.full_clean()
    org.save()
    audit.record(
        actor,
        "orgs.organisation.created",
        obj=org,
        org_id=org.pk,
        summary={"name": name, "kind": kind, "size": size, "country": str(org.country)},
    )
    return org


@transaction.atomic
def update_organisation(actor: Actor, org: Organisation, **fields: str) -> Organisation:
    """An organisation's administrators keep its profile current."""
    if not actor.is_system:
        actor.require_admin()
        if actor.org != org:
            raise PermissionDenied
    allowed = {"name", "country", "city", "website", "description"}
    changes: dict[str, list[str]] = {}
    for key, value in fields.items():
        if key not in allowed:
            raise ValidationError(f"{key} cannot be changed here")
        old = str(getattr(org, key))  # the country reads back as a Country, the audit trail wants its code
        if old != value:
            changes[key] = [old, value]
            setattr(org, key, value)
    if changes:
        org.full_clean()
        org.save()
        audit.record(actor, "orgs.organisation.updated", obj=org, org_id=org.pk, summary={"changes": changes})
    return org


@transaction.atomic
def set_apsca_status(actor: Actor, org: Organisation, status: str) -> Organisation:
    """The secretariat records an audit firm's standing with APSCA (full, provisional, suspended,
    or blank: not recorded), as APSCA's member list shows it. A suspended firm enters no new audits."""
    if not actor.is_system:
        actor.require_kind(OrgKind.SECRETARIAT)
        actor.require_admin()
    if org.kind != OrgKind.AUDIT_FIRM:
        raise ValidationError(_("Only audit firms have an APSCA firm status."))
    if status and status not in ApscaFirmStatus.values:
        raise ValidationError(_("Unknown APSCA firm status."))
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    old = org.apsca_status
    if old != status:
        org.apsca_status = status
        org.save(update_fields=["apsca_status"])
        audit.record(
            actor, "orgs.organisation.apsca_status", obj=org, org_id=org.pk, summary={"from": old, "to": status}
        )
    return org


@transaction.atomic
def set_branch_associations(actor: Actor, member: Organisation, branches: list[Organisation]) -> Organisation:
    """The secretariat records which branch associations a member company belongs to. A branch
    association then sees aggregates that include the member (never the member's own figures)."""
    if not actor.is_system:
        actor.require_kind(OrgKind.SECRETARIAT)
        actor.require_admin()
    if member.kind != OrgKind.MEMBER:
        raise ValidationError(_("Only member companies belong to branch associations."))
    if any(b.kind != OrgKind.BRANCH_ASSOCIATION for b in branches):
        raise ValidationError(_("Only a branch association can group member companies."))
    member = Organisation.objects.select_for_update().get(pk=member.pk)
    old = sorted(member.branch_associations.values_list("slug", flat=True))
    new = sorted({b.slug for b in branches})
    if old != new:
        member.branch_associations.set(branches)
        audit.record(
            actor,
            "orgs.organisation.branch_associations",
            obj=member,
            org_id=member.pk,
            summary={"from": old, "to": new},
        )
    return member


def add_member(actor: Actor, org: Organisation, user: User, role: str) -> Membership:
    """Give a person a role in an organisation (used by invitation acceptance and the seeder)."""
    _check_role(org, role)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(user=user, org=org, defaults={"role": role})
        if created:
            audit.record(
                actor,
                "orgs.membership.created",
                obj=membership,
                org_id=org.pk,
                object_repr=f"{user.email} ({role})",
                summary={"user": user.email, "role": role},
            )
    return membership


@transaction.atomic
def invite(actor: Actor, *, email: str, role: str, org: Organisation | None = None) -> tuple[Invitation, str]:
    """Invite someone by e-mail. Returns the invitation and the one-time token.

    An organisation's administrator invites into their own organisation; the
    secretariat's coordinators may invite the first administrator of any
    organisation.
    """
    actor.require_admin()
    target = org or actor.require_org()
    if target != actor.org and not actor.is_secretariat:
        raise PermissionDenied
    email = email.strip().lower()
    if not email or "@" not in email:
        raise ValidationError(_("Enter a valid e-mail address."))
    _check_role(target, role)
    if Membership.objects.filter(org=target, user__email__iexact=email).exists():
        raise Conflict(_("%(email)s is already a member of %(org)s.") % {"email": email, "org": target})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    # A new invitation replaces any still pending one for the same address.
    for old in Invitation.objects.select_for_update().filter(
        org=target, email=email, accepted_at=None, revoked_at=None
    ):
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
    invitation = Invitation.objects.create(
        org=target,
        email=email,
        role=role,
        token_hash=hash_token(token),
        invited_by=actor.user,
        expires_at=now + INVITATION_VALID_FOR,
    )
    audit.record(
        actor,
        "orgs.invitation.created",
        obj=invitation,
        org_id=target.pk,
        summary={"email": email, "role": role},
    )
    link = settings.SITE_URL + reverse("orgs:accept_invitation", args=[token])
    body = render_to_string(
        "orgs/email/invitation.txt",
        {"invitation": invitation, "link": link, "inviter": actor.user, "org": target},
    )
    transaction.on_commit(
        lambda: send_mail(
            _("You are invited to join %(org)s on Covenant") % {"org": target.name},
            body,
            None,
            [email],
        )
    )
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    invitation = Invitation.objects.select_related("org").filter(token_hash=hash_token(token)).first()
    if invitation is None or not invitation.is_pending:
        return None
    return invitation


@transaction.atomic
def accept_invitation(token: str, *, user: User | None = None, full_name: str = "", password: str = "") -> Membership:
    """Accept an invitation, either as the signed-in person it was sent to, or by
    creating the account with a password."""
    invitation = find_invitation(token)
    if invitation is None:
        raise ValidationError(_("This invitation is no longer valid. Ask for a new one."))
    Invitation.objects.select_for_update().filter(pk=invitation.pk).get()
    if user is not None:
        if user.email.lower() != invitation.email.lower():
            raise ValidationError(
                _("This invitation was sent to %(email)s. Sign out and accept it as that person.")
                % {"email": invitation.email}
            )
    else:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(_("An account for %(email)s exists: sign in first.") % {"email": invitation.email})
        candidate = User(email=invitation.email, full_name=full_name.strip())
        validate_password(password, candidate)
        user = User.objects.create_user(invitation.email, password, full_name=full_name.strip())
    mark_email_verified(user)
    acting = Actor(user=user, org=invitation.org, role=invitation.role, via="web")
    membership = add_member(acting, invitation.org, user, invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit.record(
        acting, "orgs.invitation.accepted", obj=invitation, org_id=invitation.org_id, summary={"email": user.email}
    )
    return membership


def mark_email_verified(user: User) -> None:
    """The invitation link (or the demo seeder) vouches for the address; allauth need not ask again."""
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})


@transaction.atomic
def revoke_invitation(actor: Actor, invitation: Invitation) -> None:
    actor.require_admin()
    if invitation.org != actor.org:
        raise PermissionDenied
    if not invitation.is_pending:
        raise Conflict(_("Only a pending invitation can be withdrawn."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(actor, "orgs.invitation.revoked", obj=invitation, summary={"email": invitation.email})


def _other_admins(membership: Membership) -> bool:
    return Membership.objects.filter(org=membership.org, role__in=ADMIN_ROLES).exclude(pk=membership.pk).exists()


@transaction.atomic
def change_role(actor: Actor, membership: Membership, role: str) -> Membership:
    actor.require_admin()
    if membership.org != actor.org:
        raise PermissionDenied
    _check_role(membership.org, role)
    if membership.role in ADMIN_ROLES and role not in ADMIN_ROLES and not _other_admins(membership):
        raise ValidationError(_("An organisation needs at least one administrator."))
    old = membership.role
    if old == role:
        return membership
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(
        actor,
        "orgs.membership.role_changed",
        obj=membership,
        object_repr=f"{membership.user.email} ({role})",
        summary={"user": membership.user.email, "role": [old, role]},
    )
    return membership


@transaction.atomic
def remove_member(actor: Actor, membership: Membership) -> None:
    actor.require_admin()
    if membership.org != actor.org:
        raise PermissionDenied
    if membership.role in ADMIN_ROLES and not _other_admins(membership):
        raise ValidationError(_("An organisation needs at least one administrator."))
    email = membership.user.email
    # Their API tokens for this organisation stop working with the membership.
    membership.user.api_tokens.filter(org=membership.org, revoked_at=None).update(revoked_at=timezone.now())
    audit.record(
        actor,
        "orgs.membership.removed",
        obj=membership,
        object_repr=f"{email} ({membership.role})",
        summary={"user": email, "role": membership.role},
    )
    membership.delete()
