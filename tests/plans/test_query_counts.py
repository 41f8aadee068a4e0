"""The plan's pages summarise a chain: their queries must not grow with it, and a GET never writes
(the rules and helpers of tests/test_query_counts.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from covenant.plans import services
from covenant.registry.models import Facility
from tests.conftest import World, actor_of, client_for
from tests.factories import declare_flood
from tests.test_query_counts import _api, _grow, _measure


@pytest.fixture
def chain(world: World) -> World:
    """As tests/test_query_counts.py's chain: a declared event and a few sites with everything pages read."""
    declare_flood(world.coordinator, "Floods in Sylhet", ["BD-G"], date(2026, 1, 1))
    _grow(world, 0, 3)
    return world


def _plan_sites(world: World, names: list[str]) -> None:
    """A prioritised risk with two actions for each named site, and a decision about one of them."""
    actor = actor_of(world.admin_a)
    for name in names:
        risk = services.add_risk(
            actor, topic_code="wages", scope="site", facility=Facility.objects.get(name=name), why="canary-a"
        )
        services.add_action(actor, risk, kind="own", description="canary-a", owner_user_id=world.editor_a.pk)
        services.add_action(actor, risk, kind="with_suppliers", description="canary-a", owner_text="buyer")


def _pages(w: World) -> list[tuple[str, Callable[[], Any]]]:
    member, secretariat, api = client_for(w.admin_a), client_for(w.coordinator), _api(w.admin_a)
    return [
        ("action plan", lambda: member.get(reverse("plans:plan"))),
        ("action plan export", lambda: member.get(reverse("plans:export"), {"format": "csv"})),
        ("action plan API", lambda: api.get(reverse("api:get_action_plan"))),
        ("exit decisions", lambda: member.get(reverse("plans:exits"))),
        ("exit decisions API", lambda: api.get(reverse("api:list_exit_decisions"))),
        ("exit decisions summary", lambda: secretariat.get(reverse("plans:exit_summary"))),
    ]


def test_plan_pages_do_not_grow_with_the_chain_or_the_plan(chain: World) -> None:
    _plan_sites(chain, ["Chain Site 0", "Chain Site 1"])
    pages = _pages(chain)
    small = _measure(pages)
    _grow(chain, 3, 4)
    _plan_sites(chain, ["Chain Site 2", "Chain Site 3", "Chain Site 4", "Chain Site 5"])
    large = _measure(pages)
    grown = {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    assert not grown, f"queries grew with the chain (small, large): {grown}"
