"""Organisation pages: profile, people, invitations, directory."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from covenant.orgs.models import Membership, Organisation
from tests.conftest import World, client_for


def test_admin_invites_and_new_person_joins_in_the_browser(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    admin = client_for(world.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("orgs:invite"), {"email": "fresh@noordhaven.example", "role": "viewer"}, follow=True
        )
    assert "Invitation sent" in response.content.decode()
    link = re.search(r"http://\S+/invitations/\S+/", mail.outbox[-1].body)
    assert link
    path = link.group(0).split("8000", 1)[1]
    newcomer = Client()
    assert "Join Noordhaven Foods" in newcomer.get(path).content.decode()
    response = newcomer.post(path, {"full_name": "Fresh Face", "password": "a perfectly fine passphrase"}, follow=True)
    assert response.status_code == 200
    assert "Welcome to Noordhaven Foods" in response.content.decode()
    assert Membership.objects.filter(user__email="fresh@noordhaven.example", role="viewer").exists()
    assert newcomer.get(path).status_code == 404  # the link is spent


def test_invalid_invitation_input_is_reported(world: World) -> None:
    response = client_for(world.admin_a).post(reverse("orgs:invite"), {"email": "nope", "role": "viewer"}, follow=True)
    assert "valid email" in response.content.decode().lower()


def test_viewers_cannot_invite_or_change_roles(world: World) -> None:
    viewer = client_for(world.viewer_a)
    assert viewer.post(reverse("orgs:invite"), {"email": "x@y.example", "role": "viewer"}).status_code == 403
    membership = world.editor_a.memberships.get()
    assert viewer.post(reverse("orgs:change_role", args=[membership.pk]), {"role": "admin"}).status_code == 403
    membership.refresh_from_db()
    assert membership.role == "editor"


def test_directory_hides_suppliers_from_members_but_not_from_the_secretariat(world: World) -> None:
    member_view = client_for(world.admin_b).get(reverse("orgs:directory")).content.decode()
    assert "Noordhaven Foods" in member_view
    assert "Huaxin Garments" not in member_view
    secretariat_view = client_for(world.coordinator).get(reverse("orgs:directory")).content.decode()
    assert "Huaxin Garments" in secretariat_view


def test_people_of_another_member_are_not_shown(world: World) -> None:
    html = (
        client_for(world.admin_b).get(reverse("orgs:organisation_detail", args=[world.member_a.slug])).content.decode()
    )
    assert "Noordhaven Foods" in html
    assert world.admin_a.email not in html


def test_secretariat_registers_an_organisation_and_invites_its_admin(world: World) -> None:
    client = client_for(world.coordinator)
    response = client.post(
        reverse("orgs:new_organisation"),
        {"name": "Oost Coffee", "kind": "member", "size": "sme", "country": "NL", "admin_email": "boss@oost.example"},
        follow=True,
    )
    assert "Oost Coffee is registered" in response.content.decode()
    org = Organisation.objects.get(name="Oost Coffee")
    assert org.invitations.get().email == "boss@oost.example"


def test_admin_edits_profile(world: World) -> None:
    client = client_for(world.admin_a)
    response = client.post(
        reverse("orgs:edit_organisation"),
        {
            "name": "Noordhaven Foods B.V.",
            "country": "NL",
            "city": "Rotterdam",
            "website": "noordhaven.example",
            "description": "",
        },
        follow=True,
    )
    assert "Profile saved" in response.content.decode()
    world.member_a.refresh_from_db()
    assert world.member_a.city == "Rotterdam"
    assert world.member_a.website == "https://noordhaven.example"
