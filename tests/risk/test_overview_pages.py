"""The prioritised list a slice at a time: every page agrees with the whole list.

Pages are read from the database a slice at a time and bounded by (band, severity, score)
(selectors._priority_pages); sites with scores of their own are merged in. Many sites
here share a profile, so ties are broken by name, as in a real chain.
"""

from __future__ import annotations

import pytest

from covenant.risk import engine, selectors
from covenant.risk import services as risk_services
from covenant.risk.selectors import _sort_key
from tests.conftest import World, actor_of
from tests.factories import link, make_facility

SITES = [
    # country, sector, products: a few profiles, each shared by several sites
    ("BD", "Apparel", ["Garments"]),
    ("CN", "Apparel", ["Garments"]),
    ("CI", "Agriculture", ["Cocoa"]),
    ("TR", "Apparel", ["Garments"]),
    ("DK", "Apparel", ["Garments"]),
]


SPENDS = ["<10k", ">1M", "", "10k-100k", "100k-1M", ">1M", ""]


@pytest.fixture
def chain(world: World) -> World:
    sites = []
    for i in range(60):
        country, sector, products = SITES[i % len(SITES)]
        sites.append(make_facility(f"Site {i:02d} {country}", country, sector=sector, products=products))
        # Spend bands cycle too: exposure breaks ties after band, severity and score.
        link(world.member_a, sites[-1], tier=1 + i % 2, spend_band=SPENDS[i % len(SPENDS)])
    engine.recompute_all()
    # Two sites with a score of their own: the member's override, merged into the database's order.
    admin = actor_of(world.admin_a)
    for site, score in ((sites[7], 9.9), (sites[12], 0.5)):
        risk_services.set_override(admin, site, "wages", score, "Seen on site: canary-a")
    return world


@pytest.mark.parametrize("filters", [{}, {"topic": "child_labour"}, {"tier": 1}])
def test_every_page_agrees_with_the_whole_list(chain: World, filters: dict[str, object]) -> None:
    actor = actor_of(chain.admin_a)
    whole = list(selectors.member_overview(actor, **filters).rows)  # type: ignore[arg-type]
    assert whole and [_sort_key(r) for r in whole] == sorted(_sort_key(r) for r in whole)
    ids = [r.facility_id for r in whole]
    for offset, limit in ((0, 7), (5, 7), (13, 9), (25, 25), (len(ids) - 4, 10)):
        rows = selectors.member_overview(actor, **filters).rows  # type: ignore[arg-type]
        assert [r.facility_id for r in rows[offset : offset + limit]] == ids[offset : offset + limit]
    leading = selectors.member_overview(actor, **filters).rows.leading(11)  # type: ignore[arg-type]
    assert [r.facility_id for r in leading] == ids[:11]
