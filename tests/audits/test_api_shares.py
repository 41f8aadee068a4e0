"""Whom an audit is shared with, through the API: the supplier's view of its audit page."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from covenant.accounts.services import create_token
from covenant.audits import services
from covenant.audits.models import AuditStatus
from covenant.core.models import AuditEvent
from tests.conftest import World, actor_of
from tests.factories import audits_world


def _api(user: Any, write: bool = False) -> Client:
    _token, secret = create_token(actor_of(user), name="api", read_only=not write)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _url(world: World) -> str:
    return reverse("api:list_audit_shares", args=[world.extras["audit"].pk])


def test_the_owner_lists_the_members_it_shared_with(world: World) -> None:
    audits_world(world)
    audit = world.extras["audit"]
    owner = world.extras["audit_supplier_admin"]
    services.grant_access(actor_of(owner), audit, world.member_b)
    api = _api(owner)  # a read-only token reads
    events_before = AuditEvent.objects.count()
    response = api.get(_url(world))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2
    # By name: Noordhaven Foods (member A), then Zuidkust Retail (member B).
    assert [s["member"] for s in body["items"]] == [world.member_a.slug, world.member_b.slug]
    assert body["items"][0]["name"] == world.member_a.name and body["items"][0]["shared_at"]
    assert all(isinstance(s["recognised"], bool) for s in body["items"])
    # Only reads by others than the owner go on the supplier's trail.
    assert AuditEvent.objects.count() == events_before


def test_the_list_follows_revocations_and_pages(world: World) -> None:
    audits_world(world)
    audit = world.extras["audit"]
    owner = world.extras["audit_supplier_admin"]
    services.grant_access(actor_of(owner), audit, world.member_b)
    api = _api(owner)
    second = api.get(_url(world), {"page_size": 1, "page": 2}).json()
    assert [s["member"] for s in second["items"]] == [world.member_b.slug] and second["count"] == 2
    services.revoke_access(actor_of(owner), audit, world.member_a)
    assert [s["member"] for s in api.get(_url(world)).json()["items"]] == [world.member_b.slug]


def test_recognition_is_each_members_own(world: World) -> None:
    audits_world(world)
    audit = world.extras["audit"]
    owner = world.extras["audit_supplier_admin"]
    services.grant_access(actor_of(owner), audit, world.member_b)
    assert not audit.qualified_auditor  # its auditor is not on the (empty) APSCA register
    smeta = [audit.scheme_version_id]
    services.set_policy(
        actor_of(world.coordinator),
        version_ids=smeta,
        max_age_months=36,
        require_qualified_auditor=False,
        required_pillars=[],
        accept_self_reported=True,  # the supplier entered this audit itself
    )
    # Member B is stricter than the sector: it wants a qualified auditor.
    services.set_policy(
        actor_of(world.admin_b),
        version_ids=smeta,
        max_age_months=36,
        require_qualified_auditor=True,
        required_pillars=[],
    )
    items = _api(owner).get(_url(world)).json()["items"]
    assert {s["member"]: s["recognised"] for s in items} == {world.member_a.slug: True, world.member_b.slug: False}
    # A withdrawn audit is recognised by nobody.
    type(audit).objects.filter(pk=audit.pk).update(status=AuditStatus.WITHDRAWN)
    assert not any(s["recognised"] for s in _api(owner).get(_url(world)).json()["items"])


def test_a_member_it_is_shared_with_may_not_see_the_other_readers(world: World) -> None:
    audits_world(world)
    response = _api(world.admin_a).get(_url(world))
    assert response.status_code == 403
    assert world.member_a.slug not in response.content.decode()


def test_outsiders_get_404(world: World) -> None:
    audits_world(world)
    for user in (world.admin_b, world.supplier_admin, world.auditor, world.coordinator):
        response = _api(user).get(_url(world))
        assert response.status_code == 404, user
        assert "canary-a" not in response.content.decode()


def test_bad_input_is_422(world: World) -> None:
    audits_world(world)
    api = _api(world.extras["audit_supplier_admin"])
    assert api.get(_url(world), {"page_size": 0}).status_code == 422
    assert api.get(_url(world), {"page": "first"}).status_code == 422
