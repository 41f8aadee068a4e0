"""A member's own score of a site through the API, as on the site's page."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from covenant.accounts.services import create_token
from covenant.core.models import AuditEvent
from covenant.risk.models import RiskOverride
from tests.conftest import World, actor_of
from tests.factories import risk_world


def _api(user: Any, write: bool = True) -> Client:
    _token, secret = create_token(actor_of(user), name="api", read_only=not write)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _url(site: Any) -> str:
    return reverse("api:set_risk_override", args=[site.public_id])


def _put(api: Client, site: Any, body: object) -> Any:
    return api.put(_url(site), body, content_type="application/json")


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


GOOD = {"topic": "forced_labour", "score": 6.54, "justification": "Our own visit found passports held by the agent."}


def test_the_member_sets_and_replaces_its_own_score(world: World) -> None:
    risk_world(world)
    site = world.extras["shared"]
    api = _api(world.editor_a)
    response = _put(api, site, GOOD)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["facility"] == site.public_id and body["topic"] == "forced_labour" and body["score"] == 6.5
    assert body["justification"] == GOOD["justification"]
    (event,) = [e for e in _events("risk.override.set") if e.via == "api"]
    assert event.org_id == world.member_a.pk
    assert event.summary["facility"] == site.public_id and event.summary["score"] == 6.5
    # The site's risk shows it as the member's own score.
    topics = {t["topic"]: t for t in api.get(reverse("api:facility_risk", args=[site.public_id])).json()["topics"]}
    assert topics["forced_labour"]["your_score"] == 6.5
    again = _put(api, site, GOOD | {"score": 3})
    assert again.status_code == 200 and again.json()["score"] == 3.0
    assert RiskOverride.objects.get(org=world.member_a, facility=site, topic__code="forced_labour").score == 3.0


def test_the_member_removes_its_score(world: World) -> None:
    risk_world(world)
    site = world.extras["shared"]
    response = _api(world.editor_a).delete(_url(site) + "?topic=wages")
    assert response.status_code == 204, response.content
    assert not RiskOverride.objects.filter(pk=world.extras["override"].pk).exists()
    (event,) = _events("risk.override.removed")
    assert event.via == "api" and event.org_id == world.member_a.pk
    assert event.summary == {"facility": site.public_id, "topic": "wages"}
    # Nothing left to remove.
    assert _api(world.editor_a).delete(_url(site) + "?topic=wages").status_code == 404


def test_outsiders_get_404_and_read_only_tokens_403(world: World) -> None:
    risk_world(world)
    site = world.extras["shared"]  # in member A's chain only
    override = world.extras["override"]
    assert _put(_api(world.admin_b), site, GOOD).status_code == 404
    assert _api(world.admin_b).delete(_url(site) + "?topic=wages").status_code == 404
    # Member B's own site is open to it, member A's score of it is not.
    assert _put(_api(world.admin_b), world.extras["cotton"], GOOD).status_code == 200
    assert _put(_api(world.supplier_admin), site, GOOD).status_code == 403
    assert _put(_api(world.coordinator), site, GOOD).status_code == 403
    assert _put(_api(world.admin_a, write=False), site, GOOD).status_code == 403
    assert _api(world.admin_a, write=False).delete(_url(site) + "?topic=wages").status_code == 403
    assert RiskOverride.objects.filter(pk=override.pk, score=8.5).exists()
    assert not RiskOverride.objects.filter(facility=site, topic__code="forced_labour").exists()
    assert not _events("risk.override.removed")
    assert [e.org_id for e in _events("risk.override.set") if e.via == "api"] == [world.member_b.pk]


def test_bad_input_is_refused(world: World) -> None:
    risk_world(world)
    site = world.extras["shared"]
    api = _api(world.editor_a)
    for body in (
        GOOD | {"score": 11},
        GOOD | {"score": -0.1},
        GOOD | {"score": "high"},
        {"topic": "forced_labour", "score": 5},
        GOOD | {"justification": "x" * 2001},
    ):
        response = _put(api, site, body)
        assert response.status_code == 422, body
        assert response["Content-Type"] == "application/problem+json"
    assert api.delete(_url(site)).status_code == 422  # which topic?
    # Well-formed, but against the page's rules.
    unknown = _put(api, site, GOOD | {"topic": "astrology"})
    assert unknown.status_code == 400
    assert _put(api, site, GOOD | {"justification": "because"}).status_code == 400
    assert not [e for e in _events("risk.override.set") if e.via == "api"]
