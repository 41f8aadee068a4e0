"""A small sector for finding partners: three members sharing a Kenyan tea estate, two sharing a
cocoa cooperative, and member A's own Bangladeshi factory (marked canary-a) nobody else uses."""

from __future__ import annotations

import pytest

from tests.conftest import World, make_org, make_user
from tests.factories import link, make_facility


@pytest.fixture
def partners(world: World) -> World:
    from covenant.risk import engine

    member_c = make_org("Oostzee Trading", "member", size="sme")
    member_d = make_org("Westland Tea Company", "member", size="sme")
    world.extras.update(
        member_c=member_c,
        member_d=member_d,
        admin_c=make_user(member_c, "admin", "admin@oostzee.example"),
        admin_d=make_user(member_d, "admin", "admin@westland.example"),
    )
    tea = make_facility("Kericho Highlands Tea Estate", "KE", "Kericho", sector="Agriculture", products=["Tea"])
    tea2 = make_facility("Nandi Hills Tea Factory", "KE", "Nandi Hills", sector="Agriculture", products=["Tea"])
    cocoa = make_facility("Coopérative de Soubré", "CI", "Soubré", sector="Agriculture", products=["Cocoa"])
    own = make_facility("canary-a Dhaka Knitwear", "BD", "Gazipur", sector="Garments", products=["Garments"])
    for org in (world.member_a, world.member_b, member_c):
        link(org, tea, tier=2)
    link(member_d, tea2, tier=1)
    link(world.member_a, cocoa, tier=2)
    link(world.member_b, cocoa, tier=2)
    link(world.member_a, own, tier=1, products=["canary-a tees"])
    engine.recompute_all()
    world.extras.update(tea=tea, tea2=tea2, cocoa=cocoa, own=own)
    return world
