"""The register's shared rules, each written once, and what other apps read through the interface."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from covenant.audits import selectors as audit_selectors
from covenant.grievances import services as grievance_services
from covenant.grievances.models import Mechanism, Participation
from covenant.registry import interface, matchindex, selectors, services
from covenant.registry.models import Facility, FacilityStatus, SupplyLink
from covenant.risk import selectors as risk_selectors
from tests.conftest import World, actor_of
from tests.factories import link, make_facility


def _today() -> date:
    return timezone.localdate()


# --- A supply link is active ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "active"),
    [(None, True), (30, True), (0, True), (-1, False), (-400, False)],
    ids=["open-ended", "ends-later", "ends-today", "ended-yesterday", "ended-long-ago"],
)
def test_a_link_is_active_until_its_end_date_that_day_included(world: World, days: int | None, active: bool) -> None:
    site = make_facility("Anatolia Denim", "TR")
    end = None if days is None else _today() + timedelta(days=days)
    made = link(world.member_a, site, end_date=end)
    assert SupplyLink.objects.active().filter(pk=made.pk).exists() is active
    assert interface.active_links().filter(pk=made.pk).exists() is active
    assert made.is_active is active  # the same rule for a link in hand


def test_active_on_another_day(world: World) -> None:
    site = make_facility("Izmir Cotton", "TR")
    made = link(world.member_a, site, end_date=date(2024, 6, 30))
    assert SupplyLink.objects.active(on=date(2024, 6, 30)).filter(pk=made.pk).exists()
    assert not SupplyLink.objects.active(on=date(2024, 7, 1)).filter(pk=made.pk).exists()
    assert not SupplyLink.objects.active().filter(pk=made.pk).exists()


@pytest.fixture
def mechanism(world: World) -> Mechanism:
    mechanism = Mechanism.objects.create(secretariat=world.secretariat, slug="fair-home", name="Fair Home")
    Participation.objects.create(mechanism=mechanism, org=world.member_b)
    return mechanism


#: Does each app count member B's link to the site? (member A links to it too, open-ended)
COUNTED: dict[str, Callable[[World, Facility, Mechanism], bool]] = {
    "registry peers": lambda w, site, m: selectors.peer_summary(actor_of(w.admin_a), site).other_members == 1,
    "registry chain": lambda w, site, m: selectors.member_links(actor_of(w.admin_b)).filter(facility=site).exists(),
    "registry summary": lambda w, site, m: selectors.register_summary()["shared"] == 1,
    "registry pairs": lambda w, site, m: (
        (w.member_b.pk, site.pk) in interface.chain_pairs_in(Facility.objects.filter(pk=site.pk))
    ),
    "risk overview": lambda w, site, m: risk_selectors.member_overview(actor_of(w.admin_b)).sites == 1,
    "audits ask": lambda w, site, m: audit_selectors.may_ask_for_audits(actor_of(w.admin_b), site),
    "grievance routes": lambda w, site, m: (
        w.member_b in [route.org for route in grievance_services.routes_for(m, site)]
    ),
}


def _linked_facility(world: World, site: Facility) -> bool:
    try:
        return audit_selectors.linked_facility(actor_of(world.admin_b), site.public_id) == site
    except Http404:
        return False


COUNTED["audits site"] = lambda w, site, m: _linked_facility(w, site)


@pytest.mark.parametrize("reader", sorted(COUNTED))
@pytest.mark.parametrize(("days", "counted"), [(0, True), (10, True), (-1, False)])
def test_every_app_applies_the_same_rule(
    world: World, mechanism: Mechanism, reader: str, days: int, counted: bool
) -> None:
    site = make_facility("Shared Spinning Mill", "TR")
    Facility.objects.filter(pk=site.pk).update(owner=world.supplier)  # a verified claim's result
    site.refresh_from_db()
    link(world.member_a, site)
    link(world.member_b, site, end_date=_today() + timedelta(days=days))
    assert COUNTED[reader](world, site, mechanism) is counted


def test_a_site_with_a_link_ending_later_counts_as_shared(world: World) -> None:
    """The register summary counted only open-ended links as shared: now any active link."""
    site = make_facility("Bursa Towels", "TR")
    link(world.member_a, site)
    link(world.member_b, site, end_date=_today() + timedelta(days=90))
    ended = make_facility("Old Towels", "TR")
    link(world.member_a, ended)
    link(world.member_b, ended, end_date=_today() - timedelta(days=1))
    summary = selectors.register_summary()
    assert (summary["linked"], summary["shared"]) == (2, 1)


def test_a_site_dropped_from_a_full_list_ends_once_confirmed_even_if_it_was_to_end_later(world: World) -> None:
    matchindex.reset()
    huaxin = make_facility("Dongguan Huaxin Garment Co Ltd", "CN", "88 Dongcheng Road Dongguan")
    dhaka = make_facility("Rahman Knit Composite Ltd", "BD", "Plot 12 Road 3 Dhaka EPZ Savar")
    actor = actor_of(world.editor_a)
    supplier_list = services.create_list(actor, "Suppliers")
    later = _today() + timedelta(days=400)
    first = (
        "Name,Address,Country,End date\n"
        "Dongguan Huaxin Garment Co Ltd,88 Dongcheng Road Dongguan,CN,\n"
        f"Rahman Knit Composite Ltd,Plot 12 Road 3 Dhaka EPZ Savar,BD,{later:%Y-%m-%d}\n"
    )
    services.process_upload(services.start_upload(actor, supplier_list, filename="v1.csv", data=first.encode()).pk)
    assert SupplyLink.objects.get(org=world.member_a, facility=dhaka).end_date == later
    second = "Name,Address,Country\nDongguan Huaxin Garment Co Ltd,88 Dongcheng Road Dongguan,CN\n"
    upload = services.process_upload(
        services.start_upload(actor, supplier_list, filename="v2.csv", data=second.encode()).pk
    )
    assert [d["facility"] for d in upload.diff["dropped"]] == [dhaka.public_id]
    assert SupplyLink.objects.get(org=world.member_a, facility=dhaka).end_date == later  # nothing ends unasked
    services.decide_link_ends(actor, upload, end_links=True)
    # Yesterday was its last day: a link is active until its end date, that day included.
    assert SupplyLink.objects.get(org=world.member_a, facility=dhaka).end_date == _today() - timedelta(days=1)
    assert SupplyLink.objects.get(org=world.member_a, facility=huaxin).end_date is None


def test_a_dropped_site_that_had_already_ended_keeps_its_end_date(world: World) -> None:
    matchindex.reset()
    dhaka = make_facility("Rahman Knit Composite Ltd", "BD", "Plot 12 Road 3 Dhaka EPZ Savar")
    make_facility("Dongguan Huaxin Garment Co Ltd", "CN", "88 Dongcheng Road Dongguan")
    actor = actor_of(world.editor_a)
    supplier_list = services.create_list(actor, "Suppliers")
    first = (
        "Name,Address,Country,End date\n"
        "Dongguan Huaxin Garment Co Ltd,88 Dongcheng Road Dongguan,CN,\n"
        "Rahman Knit Composite Ltd,Plot 12 Road 3 Dhaka EPZ Savar,BD,2020-03-31\n"
    )
    services.process_upload(services.start_upload(actor, supplier_list, filename="v1.csv", data=first.encode()).pk)
    second = "Name,Address,Country\nDongguan Huaxin Garment Co Ltd,88 Dongcheng Road Dongguan,CN\n"
    services.process_upload(services.start_upload(actor, supplier_list, filename="v2.csv", data=second.encode()).pk)
    assert SupplyLink.objects.get(org=world.member_a, facility=dhaka).end_date == date(2020, 3, 31)


# --- A merged record stands for its survivor -----------------------------------------------------


def _merged(loser: Facility, into: Facility) -> Facility:
    """Mark ``loser`` merged into ``into`` as a merge leaves it (without the merge's checks)."""
    Facility.objects.filter(pk=loser.pk).update(status=FacilityStatus.MERGED, merged_into=into)
    return Facility.objects.get(pk=loser.pk)


def test_resolve_merged_follows_the_chain_to_the_survivor(world: World) -> None:
    a, b, c = (make_facility(name, "VN") for name in ("Mill A", "Mill B", "Mill C"))
    b = _merged(b, c)
    a = _merged(a, b)
    assert interface.resolve_merged(a) == c
    assert interface.resolve_merged(c) == c


def test_resolve_merged_stops_on_a_loop(world: World) -> None:
    a, b = (make_facility(name, "VN") for name in ("Loop A", "Loop B"))
    a = _merged(a, b)
    b = _merged(b, a)
    found = interface.resolve_merged(a)
    assert found.status == FacilityStatus.MERGED  # stopped, and not mistaken for a live site
    assert interface.facility_by_public_id(a.public_id) is None


def test_facility_by_public_id_answers_active_sites_only(world: World) -> None:
    keep, dupe, closed = (make_facility(name, "VN") for name in ("Keep Mill", "Dupe Mill", "Closed Mill"))
    services.merge_facilities(actor_of(world.coordinator), dupe, keep)
    services.close_facility(actor_of(world.coordinator), closed)
    assert interface.facility_by_public_id(f"  {dupe.public_id.lower()} ") == keep
    assert interface.facility_by_public_id(keep.public_id) == keep
    assert interface.facility_by_public_id(closed.public_id) is None
    assert interface.facility_by_public_id("VN0000000XXXXX0") is None
    assert interface.facility_by_public_id("  ") is None


def test_get_facility_resolves_merges_for_the_site_page(world: World) -> None:
    keep, dupe = make_facility("Keep Dyehouse", "IN"), make_facility("Dupe Dyehouse", "IN")
    services.merge_facilities(actor_of(world.coordinator), dupe, keep)
    assert interface.get_facility(actor_of(world.admin_a), dupe.public_id) == keep


# --- The member's chain through the interface -------------------------------------------------------


def test_own_links_are_the_actors_own_only(world: World) -> None:
    site = make_facility("Shared Knits", "BD")
    mine = link(world.member_a, site)
    link(world.member_b, site)
    ended = link(world.member_a, make_facility("Old Knits", "BD"), end_date=date(2020, 1, 1))
    assert list(interface.own_links(actor_of(world.admin_a))) == [mine]
    assert set(interface.own_links(actor_of(world.admin_a), include_ended=True)) == {mine, ended}
    assert not interface.own_links(actor_of(world.coordinator)).exists()  # not even the secretariat
    assert not interface.own_links(actor_of(world.supplier_admin)).exists()
