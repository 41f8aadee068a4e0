"""Organisations, memberships and invitations: the rules and their audit events."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from covenant.core.models import AuditEvent
from covenant.orgs import services
from covenant.orgs.models import Invitation, Membership
from tests.conftest import World, actor_of


def _token_from_mail() -> str:
    match = re.search(r"/invitations/([\w-]+)/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_secretariat_registers_organisations_and_it_is_audited(world: World) -> None:
    org = services.create_organisation(actor_of(world.coordinator), name="Delta Drinks", kind="member", size="sme")
    assert org.slug == "delta-drinks"
    event = AuditEvent.objects.get(action="orgs.organisation.created", object_id=str(org.pk))
    assert event.actor_label == world.coordinator.email
    assert event.summary["size"] == "sme"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": " ", "kind": "member", "size": "sme"}, "needs a name"),
        ({"name": "X", "kind": "bank"}, "Unknown kind"),
        ({"name": "X", "kind": "member"}, "large company or an SME"),
    ],
)
def test_bad_organisations_are_refused(world: World, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        services.create_organisation(actor_of(world.coordinator), **kwargs)


def test_only_secretariat_admins_register_organisations(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.create_organisation(actor_of(world.admin_a), name="Sneaky", kind="member", size="sme")
    with pytest.raises(PermissionDenied):
        services.create_organisation(actor_of(world.grievance_handler), name="Sneaky", kind="member", size="sme")


def test_invitation_round_trip_creates_account_and_membership(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invite(
            actor_of(world.admin_a), email="New.Person@Noordhaven.example", role="editor"
        )
    assert invitation.email == "new.person@noordhaven.example"
    assert invitation.token_hash != token
    assert len(invitation.token_hash) == 64
    assert _token_from_mail() == token
    membership = services.accept_invitation(token, full_name="New Person", password="a-long-enough-passphrase")
    assert membership.role == "editor"
    assert membership.org == world.member_a
    assert membership.user.check_password("a-long-enough-passphrase")
    invitation.refresh_from_db()
    assert invitation.status() == "accepted"
    # A used link does not work twice.
    with pytest.raises(ValidationError, match="no longer valid"):
        services.accept_invitation(token, full_name="Again", password="a-long-enough-passphrase")
    actions = list(AuditEvent.objects.filter(org_id=world.member_a.pk).values_list("action", flat=True))
    assert {"orgs.invitation.created", "orgs.invitation.accepted", "orgs.membership.created"} <= set(actions)


def test_weak_password_on_acceptance_is_refused_and_nothing_is_created(world: World) -> None:
    _inv, token = services.invite(actor_of(world.admin_a), email="weak@noordhaven.example", role="viewer")
    with pytest.raises(ValidationError):
        services.accept_invitation(token, full_name="Weak", password="password")
    assert not Membership.objects.filter(user__email="weak@noordhaven.example").exists()


def test_existing_user_accepts_while_signed_in(world: World) -> None:
    _inv, token = services.invite(actor_of(world.admin_b), email=world.admin_a.email, role="viewer")
    membership = services.accept_invitation(token, user=world.admin_a)
    assert membership.org == world.member_b
    _inv, token = services.invite(actor_of(world.admin_b), email="someone.else@zuidkust.example", role="viewer")
    with pytest.raises(ValidationError, match="was sent to"):
        services.accept_invitation(token, user=world.admin_a)


def test_roles_must_fit_the_organisation_kind(world: World) -> None:
    with pytest.raises(ValidationError, match="not a role"):
        services.invite(actor_of(world.admin_a), email="x@noordhaven.example", role="coordinator")
    services.invite(actor_of(world.coordinator), email="x@sector.example", role="grievance_handler")


def test_non_admins_cannot_invite_and_admins_only_into_their_own_org(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.invite(actor_of(world.editor_a), email="x@noordhaven.example", role="viewer")
    with pytest.raises(PermissionDenied):
        services.invite(actor_of(world.admin_a), email="x@zuidkust.example", role="viewer", org=world.member_b)
    # The secretariat invites the first administrator of a new participant.
    invitation, _ = services.invite(
        actor_of(world.coordinator), email="boss@zuidkust.example", role="admin", org=world.member_b
    )
    assert invitation.org == world.member_b


def test_reinviting_replaces_the_pending_invitation(world: World) -> None:
    first, _ = services.invite(actor_of(world.admin_a), email="twice@noordhaven.example", role="viewer")
    second, _ = services.invite(actor_of(world.admin_a), email="twice@noordhaven.example", role="editor")
    first.refresh_from_db()
    assert first.status() == "revoked"
    assert second.status() == "pending"
    assert Invitation.objects.filter(email="twice@noordhaven.example", revoked_at=None).count() == 1


def test_last_admin_cannot_be_demoted_or_removed(world: World) -> None:
    actor = actor_of(world.admin_b)
    membership = world.admin_b.memberships.get()
    with pytest.raises(ValidationError, match="at least one administrator"):
        services.change_role(actor, membership, "viewer")
    with pytest.raises(ValidationError, match="at least one administrator"):
        services.remove_member(actor, membership)


def test_role_change_and_removal_are_audited_and_revoke_tokens(world: World) -> None:
    from covenant.accounts.services import create_token

    actor = actor_of(world.admin_a)
    services.change_role(actor, world.viewer_a.memberships.get(), "editor")
    assert world.viewer_a.memberships.get().role == "editor"
    token, _secret = create_token(actor_of(world.editor_a), name="mine")
    services.remove_member(actor, world.editor_a.memberships.get())
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="orgs.membership.removed").exists()
    assert AuditEvent.objects.filter(action="orgs.membership.role_changed", summary__role=["viewer", "editor"]).exists()
