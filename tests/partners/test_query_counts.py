"""The partners page and API read a whole chain in a fixed number of queries, and never write
(the rules of ``tests/test_query_counts.py``, for this app's pages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from covenant.accounts.services import create_token
from covenant.partners import services
from covenant.registry.models import Facility
from covenant.risk import engine
from covenant.risk import services as risk_services
from tests.conftest import World, actor_of, client_for
from tests.factories import link, make_facility
from tests.test_query_counts import BOOKKEEPING, _written_tables

PLACES = [
    ("KE", "Agriculture", ["Tea"]),
    ("CI", "Agriculture", ["Cocoa"]),
    ("MY", "Rubber products", ["Rubber Gloves"]),
    ("BD", "Garments", ["Garments"]),
]


def _grow(world: World, start: int, n: int) -> None:
    """``n`` more sites in A's chain, every other one shared with B, some with A's override, and
    interests of both (mutual on some)."""
    a, b = actor_of(world.admin_a), actor_of(world.admin_b)
    for i in range(start, start + n):
        cc, sector, products = PLACES[i % len(PLACES)]
        site = make_facility(f"Grown Site {i}", cc, f"Road {i}", sector=sector, products=products)
        link(world.member_a, site, tier=1)
        if i % 2 == 0:
            link(world.member_b, site, tier=1)
            link(world.extras["member_c"], site, tier=2)
        if i % 3 == 0:
            risk_services.set_override(a, site, "wages", 8.0, "our own audit found unpaid overtime")
    engine.recompute_all()
    for i in range(start, start + n, 2):
        site = Facility.objects.get(name=f"Grown Site {i}")
        services.signal_interest(a, "site", site.public_id, show_contact=True)
        if i % 4 == 0:
            services.signal_interest(b, "site", site.public_id, note="living wage")


def _pages(world: World) -> list[tuple[str, Callable[[], Any]]]:
    member, secretariat = client_for(world.admin_a), client_for(world.coordinator)
    _token, secret = create_token(actor_of(world.admin_a), name="counts", read_only=True)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return [
        ("partners page", lambda: member.get(reverse("partners:home"))),
        ("partners page, one topic", lambda: member.get(reverse("partners:home"), {"topic": "child_labour"})),
        ("partners API", lambda: api.get(reverse("api:partners_shared"))),
        ("sector counts", lambda: secretariat.get(reverse("partners:overview"))),
    ]


def _measure(pages: list[tuple[str, Callable[[], Any]]]) -> dict[str, int]:
    counts = {}
    for name, get in pages:
        for _ in range(2):  # the first warms the process's caches
            with CaptureQueriesContext(connection) as ctx:
                response = get()
            assert response.status_code == 200, name
            written = _written_tables(ctx) - BOOKKEEPING
            assert not written, f"GET {name} wrote to {sorted(written)}"
        counts[name] = len(ctx.captured_queries)
    return counts


def test_queries_do_not_grow_with_the_chain_and_gets_never_write(partners: World) -> None:
    _grow(partners, 0, 4)
    pages = _pages(partners)
    small = _measure(pages)
    _grow(partners, 4, 12)
    large = _measure(pages)
    assert small == large, f"queries grew with the chain: {small} -> {large}"
    # The chain did grow, and the page shows it.
    text = client_for(partners.admin_a).get(reverse("partners:home")).content.decode()
    assert "Grown Site 14" in text and "Zuidkust Retail" in text
