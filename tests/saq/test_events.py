"""Refugee influx: a site whose SAQ says it employs refugees is flagged for a running refugee-influx
event even outside the event's regions, as restricted evidence its SAQ's readers alone see."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from covenant.registry.interface import Facility
from covenant.risk import engine
from covenant.risk import services as risk_services
from covenant.risk.models import SiteRisk, SiteSignal
from covenant.risk.selectors import affected_sites, site_risk
from covenant.saq import services
from tests.conftest import World, actor_of
from tests.factories import link, make_facility
from tests.saq.world import saq_world, submitted_saq


def _declare(world: World, regions: list[str], kind: str = "refugee_influx") -> Any:
    return risk_services.declare_event(
        actor_of(world.coordinator),
        kind=kind,
        title="Arrivals from across the border",
        regions=regions,
        starts_on=timezone.localdate(),
        ends_on=None,
        topic_codes=["forced_labour", "migrant_workers"],
        raise_by=1.5,
        guidance="Check recruitment of new workers.",
        checklist=["Ask the site about new hires"],
    )


def _event_lines(world: World, user: Any, site: Facility) -> list[Any]:
    view = site_risk(actor_of(user), site)
    return [line for t in view.topics for line in t.lines if "refugee" in line.text]


@pytest.fixture
def refugees(world: World) -> World:
    """The SAQ world, and a second site of the same supplier whose SAQ says it employs 40 refugees."""
    saq_world(world)
    owner = world.extras["saq_supplier"]
    site = make_facility("Mekong Knitwear Long An", "VN", "Duc Hoa, Long An")
    Facility.objects.filter(pk=site.pk).update(owner=owner)
    site.refresh_from_db()
    link(world.member_a, site, tier=1)
    link(world.member_b, site, tier=1)
    saq = submitted_saq(site, world.extras["saq_supplier_admin"], risky=False, refugees=40)
    services.share(actor_of(world.extras["saq_supplier_admin"]), site, world.member_a)
    engine.recompute_all()
    world.extras.update(refugee_site=site, refugee_saq=saq)
    return world


def test_an_event_elsewhere_flags_the_refugee_employer_for_its_readers_only(refugees: World) -> None:
    site, plain = refugees.extras["refugee_site"], refugees.extras["saq_site"]
    stored = SiteRisk.objects.get(facility=site).score
    event = _declare(refugees, ["TR"])
    lines = _event_lines(refugees, refugees.admin_a, site)
    assert {round(line.delta, 1) for line in lines} == {1.5} and len(lines) == 2
    assert _event_lines(refugees, refugees.admin_b, site) == []
    assert site_risk(actor_of(refugees.admin_b), site).overall == stored
    assert SiteRisk.objects.get(facility=site).score == stored
    assert _event_lines(refugees, refugees.admin_a, plain) == []  # its SAQ names no refugee
    a_sites = {s.facility.pk for s, _r in affected_sites(actor_of(refugees.admin_a), event)}
    b_sites = {s.facility.pk for s, _r in affected_sites(actor_of(refugees.admin_b), event)}
    assert a_sites == {site.pk} and b_sites == set()
    # Member A may respond for it like for a site in the area.
    risk_services.record_response(
        actor_of(refugees.admin_a), event, site, status="in_progress", checklist_done=[0], note=""
    )
    risk_services.end_event(actor_of(refugees.coordinator), event)
    assert _event_lines(refugees, refugees.admin_a, site) == []
    assert not SiteSignal.objects.filter(source="self_assessment", source_ref__endswith=f":event:{event.pk}").exists()


def test_other_kinds_of_event_and_sites_inside_the_area_get_no_second_flag(refugees: World) -> None:
    site = refugees.extras["refugee_site"]
    _declare(refugees, ["TR"], kind="natural_disaster")
    assert _event_lines(refugees, refugees.admin_a, site) == []
    inside = _declare(refugees, ["VN"])
    assert not SiteSignal.objects.filter(source_ref__endswith=f":event:{inside.pk}").exists()
    assert SiteSignal.objects.filter(source="event", source_ref=str(inside.pk), facility=site).exists()


def test_a_saq_submitted_during_the_event_is_flagged_and_its_predecessor_unflagged(refugees: World) -> None:
    event = _declare(refugees, ["TR"])
    site, old = refugees.extras["refugee_site"], refugees.extras["refugee_saq"]
    plain = refugees.extras["saq_site"]
    # The plain site's next SAQ says it employs refugees now: flagged at once.
    owner = refugees.extras["saq_supplier_admin"]
    new = submitted_saq(plain, owner, risky=False, refugees=5)
    assert SiteSignal.objects.filter(source_ref=f"{new.pk}:event:{event.pk}").count() == 2
    # The refugee site's next SAQ says none are left: its flag goes.
    Facility.objects.filter(pk=site.pk)  # same site
    services.start(actor_of(owner), site).delete()
    newer = submitted_saq(site, owner, risky=False, refugees=0)
    assert not SiteSignal.objects.filter(source_ref=f"{old.pk}:event:{event.pk}").exists()
    assert not SiteSignal.objects.filter(source_ref=f"{newer.pk}:event:{event.pk}").exists()
    # The nightly re-statement keeps it so.
    risk_services.sync_events()
    assert not SiteSignal.objects.filter(source_ref__endswith=f":event:{event.pk}", facility=site).exists()
    assert SiteSignal.objects.filter(source_ref=f"{new.pk}:event:{event.pk}").count() == 2
