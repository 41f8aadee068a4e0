"""The secretariat's form on a member's organisation page: which branch associations it belongs to."""

from __future__ import annotations

from django.urls import reverse

from covenant.core.models import AuditEvent
from tests.conftest import World, make_org, make_user


def test_a_secretariat_admin_sets_a_members_branch_associations(world: World) -> None:
    food, home = make_org("Branche Voeding", "branch_association"), make_org("Branche Wonen", "branch_association")
    page = reverse("orgs:organisation_detail", args=[world.member_a.slug])
    url = reverse("orgs:set_branch_associations", args=[world.member_a.slug])
    client = world.client(world.coordinator)
    assert 'name="branch_associations"' in client.get(page).content.decode()
    response = client.post(url, {"branch_associations": [food.pk, home.pk]})
    assert response.status_code == 302
    assert set(world.member_a.branch_associations.all()) == {food, home}
    event = AuditEvent.objects.filter(action="orgs.organisation.branch_associations").latest("seq")
    assert event.summary["to"] == sorted([food.slug, home.slug])
    client.post(url, {})
    assert not world.member_a.branch_associations.exists()
    # The member sees which associations it belongs to, without the form.
    client.post(url, {"branch_associations": [food.pk]})
    own = world.client(world.admin_a).get(page).content.decode()
    assert "Branche Voeding" in own and 'name="branch_associations"' not in own


def test_nobody_else_sets_them(world: World) -> None:
    food = make_org("Branche Voeding", "branch_association")
    url = reverse("orgs:set_branch_associations", args=[world.member_a.slug])
    officer = make_user(world.secretariat, "officer", "officer@sector.example")
    assert world.client(world.admin_a).post(url, {"branch_associations": [food.pk]}).status_code == 404
    assert world.client(world.admin_b).post(url, {"branch_associations": [food.pk]}).status_code == 404
    assert world.client(officer).post(url, {"branch_associations": [food.pk]}).status_code == 403
    # Only member companies belong to branch associations; only branch associations are offered.
    client = world.client(world.coordinator)
    client.post(reverse("orgs:set_branch_associations", args=[world.supplier.slug]), {"branch_associations": [food.pk]})
    client.post(url, {"branch_associations": [world.member_b.pk]})
    assert not world.supplier.branch_associations.exists() and not world.member_a.branch_associations.exists()
