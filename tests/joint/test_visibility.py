"""Who sees a joint action: accepted participants of any kind; an invited organisation sees the
invitation only; everyone else (another member, a supplier, the secretariat when it does not take
part) gets 404 on the page, its files and the API."""

from __future__ import annotations

from django.urls import reverse

from covenant.joint import selectors, services
from tests.conftest import World, actor_of, client_for
from tests.factories import PDF_BYTES
from tests.joint.worlds import action_of, joint_world


def _routes(world: World) -> list[str]:
    action = action_of(world)
    document = services.add_document(
        actor_of(world.admin_a), action, title="Wage study", filename="study.pdf", data=PDF_BYTES
    )
    return [
        reverse("joint:detail", args=[action.public_id]),
        reverse("joint:document_file", args=[action.public_id, document.pk]),
        f"/api/v1/joint-actions/{action.public_id}",
    ]


def test_participants_of_every_kind_see_it(world: World) -> None:
    routes = _routes(joint_world(world))
    for user in (world.admin_a, world.viewer_a, world.cso_admin, world.extras["union_admin"]):
        client = client_for(user)
        for url in routes:
            response = client.get(url)
            assert response.status_code == 200, (user.email, url)
        listed = client.get("/api/v1/joint-actions").json()["items"]
        titles = {item["title"] for item in listed}
        # The CSO also leads the action member A is only invited to.
        expected = (
            {"Living wages canary-a", "Recruitment fees"} if user == world.cso_admin else {"Living wages canary-a"}
        )
        assert titles == expected
        slugs = {p["org"] for item in listed if item["title"] == "Living wages canary-a" for p in item["participants"]}
        assert slugs == {world.member_a.slug, world.cso.slug, world.extras["union"].slug}


def test_outsiders_get_404_everywhere(world: World) -> None:
    routes = _routes(joint_world(world))
    for user in (world.admin_b, world.supplier_admin, world.auditor, world.coordinator):
        client = client_for(user)
        for url in routes:
            assert client.get(url).status_code == 404, (user.email, url)
        assert client.get("/api/v1/joint-actions").json()["count"] == 0
        assert "canary-a" not in client.get(reverse("joint:list")).content.decode()


def test_the_secretariat_sees_it_once_it_takes_part(world: World) -> None:
    joint_world(world)
    action = action_of(world)
    url = reverse("joint:detail", args=[action.public_id])
    assert client_for(world.coordinator).get(url).status_code == 404
    invitation = services.invite(actor_of(world.admin_a), action, world.secretariat, "facilitator")
    # Invited, not yet accepted: the invitation, not the action.
    assert client_for(world.coordinator).get(url).status_code == 404
    page = client_for(world.coordinator).get(reverse("joint:invitation", args=[action.public_id]))
    assert page.status_code == 200
    services.accept(actor_of(world.coordinator), invitation)
    assert client_for(world.coordinator).get(url).status_code == 200


def test_an_invited_organisation_sees_the_invitation_only(world: World) -> None:
    joint_world(world)
    action = action_of(world, "invited_action")
    services.add_milestone(
        actor_of(world.cso_admin), action, title="secret milestone", due_on=action.created_at.date(), owner=world.cso
    )
    client = client_for(world.admin_a)
    assert client.get(reverse("joint:detail", args=[action.public_id])).status_code == 404
    assert client.get(f"/api/v1/joint-actions/{action.public_id}").status_code == 404
    page = client.get(reverse("joint:invitation", args=[action.public_id])).content.decode()
    assert "Recruitment fees" in page and "Repay recruitment fees" in page and world.cso.name in page
    assert "secret milestone" not in page
    listing = client.get(reverse("joint:list")).content.decode()
    assert reverse("joint:invitation", args=[action.public_id]) in listing
    # Another member was not invited: not even the invitation.
    assert client_for(world.admin_b).get(reverse("joint:invitation", args=[action.public_id])).status_code == 404


def test_a_participant_that_left_or_declined_sees_nothing_more(world: World) -> None:
    joint_world(world)
    action = action_of(world)
    services.leave(actor_of(world.cso_admin), action)
    assert client_for(world.cso_admin).get(reverse("joint:detail", args=[action.public_id])).status_code == 404
    invited = action_of(world, "invited_action")
    services.decline(actor_of(world.admin_a), world.extras["invitation"])
    assert client_for(world.admin_a).get(reverse("joint:invitation", args=[invited.public_id])).status_code == 404
    assert not selectors.joint_actions_for(actor_of(world.cso_admin)).filter(pk=action.pk).exists()


def test_joint_actions_for_lists_accepted_participation_only(world: World) -> None:
    joint_world(world)
    mine = selectors.joint_actions_for(actor_of(world.admin_a))
    assert list(mine) == [action_of(world)]  # not the one it is only invited to
    assert not selectors.joint_actions_for(actor_of(world.admin_b)).exists()


def test_the_secretariat_sees_counts_only(world: World) -> None:
    joint_world(world)
    page = client_for(world.coordinator).get(reverse("joint:list")).content.decode()
    assert "2 joint actions in all." in page
    assert "canary-a" not in page and "Recruitment fees" not in page
    counts = selectors.sector_counts(actor_of(world.coordinator))
    assert dict(counts.by_topic) == {"wages": 1, "migrant_workers": 1}
