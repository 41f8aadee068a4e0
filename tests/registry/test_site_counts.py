"""Every page that counts a member's sites says the same number, and ended links never count.

Two counts, each from one selector (``registry.interface``): "Linked sites" (active links:
supply chain page and API, dashboard card, audit coverage) and "Sites in your chain" (those
and the sites mapped beyond tier 1: risk overview).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from covenant.accounts.services import create_token
from covenant.audits import selectors as audit_selectors
from covenant.registry import interface
from covenant.registry.dashboard import chain_card
from covenant.registry.models import SupplyEdge
from covenant.registry.selectors import disclosure_rows
from covenant.risk import selectors as risk_selectors
from tests.conftest import World, actor_of, client_for
from tests.factories import link, make_facility


@pytest.fixture
def mixed(world: World) -> World:
    """Member A: two active links (one ending today, still active), one ended link, and
    one site mapped beyond tier 1; member B links to nothing but an ended site."""
    today = timezone.localdate()
    active = make_facility("Active Mill", "CN", "1 Road")
    last_day = make_facility("Last Day Mill", "VN", "2 Road")
    ended = make_facility("Ended Mill", "BD", "3 Road")
    spinner = make_facility("Beyond Spinner", "CN", "4 Road")
    link(world.member_a, active, tier=1)
    link(world.member_a, last_day, tier=2, end_date=today)
    link(world.member_a, ended, tier=1, end_date=today - timedelta(days=1))
    SupplyEdge.objects.create(org=world.member_a, supplier=spinner, buyer=active)
    only_ended = make_facility("Only Ended Mill", "TR", "5 Road")
    link(world.member_b, only_ended, tier=1, end_date=today - timedelta(days=30))
    world.extras.update(ended=ended, only_ended=only_ended, active=active)
    return world


def _api_get(world: World, name: str, **params: str) -> dict[str, object]:
    _token, secret = create_token(actor_of(world.admin_a), name="counts", read_only=True)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(reverse(name), params)
    assert response.status_code == 200, response.content
    data: dict[str, object] = response.json()
    return data


def test_every_page_says_the_same_counts(mixed: World) -> None:
    actor = actor_of(mixed.admin_a)
    linked = interface.linked_site_ids(actor).count()
    whole = interface.chain_site_ids(actor).count()
    # Derived from the fixture, not from the selectors: 2 active links, 1 beyond tier 1.
    assert (linked, whole) == (2, 3)

    member = client_for(mixed.admin_a)
    assert chain_card(actor)["chain"]["sites"] == linked  # type: ignore[index]
    page = member.get(reverse("registry:chain"))
    assert page.context["summary"]["sites"] == linked
    assert _api_get(mixed, "api:supply_chain")["count"] == linked
    assert audit_selectors.coverage(actor).sites == linked
    assert member.get(reverse("audits:coverage")).context["coverage"].sites == linked
    assert _api_get(mixed, "api:get_coverage")["sites"] == linked

    assert risk_selectors.member_overview(actor).sites == whole
    assert _api_get(mixed, "api:risk_overview")["sites"] == whole
    # Labelled apart, so the two numbers are not read as one.
    assert "Linked sites" in page.content.decode()
    assert "Sites in your chain" in member.get(reverse("risk:overview")).content.decode()


def test_ended_links_are_left_out_of_disclosure(mixed: World) -> None:
    published = {row["id"] for row in disclosure_rows()}
    assert mixed.extras["active"].public_id in published
    assert mixed.extras["ended"].public_id not in published
    assert mixed.extras["only_ended"].public_id not in published


def test_chain_table_lists_ended_links_only_when_asked_and_marks_them(mixed: World) -> None:
    member = client_for(mixed.admin_a)
    ended = mixed.extras["ended"]
    plain = member.get(reverse("registry:chain")).content.decode()
    assert ended.name not in plain
    assert "Ended " not in plain  # the link ending today is still active: not marked

    asked = member.get(reverse("registry:chain"), {"ended": "1"}).content.decode()
    assert ended.name in asked
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert f"Ended {day}" in asked
    assert asked.count('class="ended"') == 1

    api = _api_get(mixed, "api:supply_chain", include_ended="true")
    assert api["count"] == 3
    rows = {row["facility"]: row for row in api["items"]}  # type: ignore[attr-defined]
    assert rows[ended.public_id]["end_date"] == day
    assert ended.public_id not in {row["facility"] for row in _api_get(mixed, "api:supply_chain")["items"]}  # type: ignore[attr-defined]


def test_another_members_ended_links_never_reach_this_member(mixed: World) -> None:
    actor = actor_of(mixed.admin_b)
    assert interface.linked_site_ids(actor).count() == 0
    assert interface.chain_site_ids(actor).count() == 0
    asked = client_for(mixed.admin_b).get(reverse("registry:chain"), {"ended": "1"}).content.decode()
    assert mixed.extras["ended"].name not in asked
