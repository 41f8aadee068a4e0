"""A member's response to a risk event, per affected site, through the API (as on the event's page)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from covenant.accounts.services import create_token
from covenant.core.models import AuditEvent
from covenant.registry import services as registry_services
from covenant.risk.models import EventResponse
from tests.conftest import World, actor_of
from tests.factories import make_facility, risk_world


def _api(user: Any, write: bool = True) -> Client:
    _token, secret = create_token(actor_of(user), name="api", read_only=not write)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _post(api: Client, event: Any, body: object) -> Any:
    return api.post(reverse("api:respond_to_event", args=[event.pk]), body, content_type="application/json")


def _api_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="risk.event.response", via="api"))


def test_the_member_responds_for_its_site(world: World) -> None:
    risk_world(world)
    event, cocoa = world.extras["event"], world.extras["cocoa"]
    api = _api(world.editor_a)
    response = _post(
        api, event, {"facility": cocoa.public_id, "status": "done", "checklist_done": [1, 0, 7], "note": "All paid"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["event"], body["facility"], body["status"], body["note"]) == (
        event.pk,
        cocoa.public_id,
        "done",
        "All paid",
    )
    assert body["checklist_done"] == [0, 1]  # items the checklist has, in order
    # It replaces the earlier response: one per event, member and site.
    stored = EventResponse.objects.get(event=event, org=world.member_a, facility=cocoa)
    assert stored.pk == world.extras["response"].pk and stored.status == "done"
    (trail,) = _api_events()
    assert trail.org_id == world.member_a.pk
    assert trail.summary == {"event": event.pk, "facility": cocoa.public_id, "status": "done", "checklist_done": [0, 1]}
    shown = api.get(reverse("api:get_event", args=[event.pk])).json()["your_sites"]
    assert [(s["facility"], s["response"]) for s in shown] == [(cocoa.public_id, "done")]


def test_a_site_mapped_beyond_tier_one_can_be_answered_for(world: World) -> None:
    """The API answers for every site GET /risk/events/{id} lists as the member's."""
    risk_world(world)
    event, cocoa = world.extras["event"], world.extras["cocoa"]
    farm = make_facility("Plantation Kouassi", "CI", "Méagui", subdivision="CI-BS", products=["Cocoa"])
    registry_services.add_edge(actor_of(world.editor_a), supplier=farm, buyer=cocoa)
    api = _api(world.editor_a)
    listed = {s["facility"] for s in api.get(reverse("api:get_event", args=[event.pk])).json()["your_sites"]}
    assert farm.public_id in listed
    response = _post(api, event, {"facility": farm.public_id, "status": "acknowledged"})
    assert response.status_code == 200, response.content
    assert EventResponse.objects.filter(event=event, org=world.member_a, facility=farm).exists()


def test_outsiders_get_404_and_read_only_tokens_403(world: World) -> None:
    risk_world(world)
    event, cocoa = world.extras["event"], world.extras["cocoa"]
    body = {"facility": cocoa.public_id, "status": "not_affected"}
    assert _post(_api(world.admin_b), event, body).status_code == 404  # not in member B's chain
    # Member B's own site, but outside the event's area.
    assert _post(_api(world.admin_b), event, body | {"facility": world.extras["cotton"].public_id}).status_code == 404
    # Member A's own site outside the area.
    assert _post(_api(world.editor_a), event, body | {"facility": world.extras["shared"].public_id}).status_code == 404
    assert _post(_api(world.supplier_admin), event, body).status_code == 403
    assert _post(_api(world.coordinator), event, body).status_code == 403
    assert _post(_api(world.admin_a, write=False), event, body).status_code == 403
    missing = reverse("api:respond_to_event", args=[event.pk + 1000])
    assert _api(world.editor_a).post(missing, body, content_type="application/json").status_code == 404
    assert EventResponse.objects.get(pk=world.extras["response"].pk).status == "in_progress"
    assert not EventResponse.objects.filter(org=world.member_b).exists()
    assert not _api_events()


def test_bad_input_is_refused(world: World) -> None:
    risk_world(world)
    event, cocoa = world.extras["event"], world.extras["cocoa"]
    api = _api(world.editor_a)
    good = {"facility": cocoa.public_id, "status": "done"}
    for body in (
        good | {"status": "finished"},
        good | {"checklist_done": [-1]},
        good | {"checklist_done": "all"},
        good | {"note": "n" * 2001},
        {"status": "done"},
    ):
        response = _post(api, event, body)
        assert response.status_code == 422, body
        assert response["Content-Type"] == "application/problem+json"
    assert EventResponse.objects.get(pk=world.extras["response"].pk).status == "in_progress"
    assert not _api_events()
