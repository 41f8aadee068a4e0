"""The pages as a person uses them: start an action (as the response to a risk event), invite,
answer, and what an observer is offered."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from covenant.joint.models import JointAction
from tests.conftest import World, client_for
from tests.factories import declare_flood
from tests.joint.worlds import action_of, joint_world, union


def test_start_an_action_in_response_to_an_event_and_invite_a_union(world: World) -> None:
    event = declare_flood(world.coordinator, "Floods in Kericho", ["KE"], date(2020, 1, 1))
    org, union_admin = union(world)
    client = client_for(world.admin_a)
    form = client.get(reverse("joint:new") + f"?event={event.pk}").content.decode()
    assert f'<option value="{event.pk}" selected>Floods in Kericho</option>' in form
    response = client.post(
        reverse("joint:new"),
        {
            "title": "Flood recovery for pluckers",
            "aim": "Keep wages paid while estates recover",
            "topics": ["wages", "health_safety"],
            "countries": "Kenia",  # Dutch name
            "commodities": "tea",
            "event": str(event.pk),
        },
    )
    action = JointAction.objects.get(title="Flood recovery for pluckers")
    assert response.status_code == 302 and response["Location"] == reverse("joint:detail", args=[action.public_id])
    assert action.countries == ["KE"] and action.responds_to_event == event
    assert sorted(t.code for t in action.topics.all()) == ["health_safety", "wages"]
    client.post(reverse("joint:invite", args=[action.public_id]), {"org": str(org.pk), "role": "participant"})
    union_client = client_for(union_admin)
    listing = union_client.get(reverse("joint:list")).content.decode()
    assert "Flood recovery for pluckers" in listing
    assert union_client.post(reverse("joint:accept", args=[action.public_id])).status_code == 302
    page = union_client.get(reverse("joint:detail", args=[action.public_id])).content.decode()
    assert "Floods in Kericho" in page and world.member_a.name in page


def test_a_bad_form_is_shown_again_with_the_reason(world: World) -> None:
    client = client_for(world.admin_a)
    response = client.post(reverse("joint:new"), {"title": "x", "aim": "y", "countries": "Atlantis"})
    assert response.status_code == 200
    assert "Atlantis" in response.content.decode()
    assert not JointAction.objects.exists()


def test_an_observer_is_offered_no_forms_but_leaving(world: World) -> None:
    joint_world(world)
    action = action_of(world)
    participant = action.participants.get(org=world.cso)
    client_for(world.admin_a).post(
        reverse("joint:role", args=[action.public_id]), {"participant": str(participant.pk), "role": "observer"}
    )
    page = client_for(world.cso_admin).get(reverse("joint:detail", args=[action.public_id])).content.decode()
    assert reverse("joint:progress", args=[action.public_id]) not in page
    assert reverse("joint:milestone", args=[action.public_id]) not in page
    assert reverse("joint:leave", args=[action.public_id]) in page
    # A contributor is offered them.
    union_page = client_for(world.extras["union_admin"]).get(reverse("joint:detail", args=[action.public_id]))
    assert reverse("joint:progress", args=[action.public_id]) in union_page.content.decode()
    # Only a lead may edit: the union gets 404 on the edit and publish pages.
    union_client = client_for(world.extras["union_admin"])
    assert union_client.get(reverse("joint:edit", args=[action.public_id])).status_code == 404
    assert union_client.get(reverse("joint:publish", args=[action.public_id])).status_code == 404
