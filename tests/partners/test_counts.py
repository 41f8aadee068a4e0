"""What a member shares with others, counted: sites (active links, merged records resolved) and
hotspots (country × commodity × topic, high or very high), counts only."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from covenant.partners import selectors
from covenant.partners.selectors import Hotspot
from covenant.registry import services as registry_services
from covenant.registry.models import SupplyLink
from covenant.risk import services as risk_services
from tests.conftest import World, actor_of
from tests.factories import link, make_facility

TEA_CHILD = "KE|tea|child_labour"


def _counts(world: World, user: object) -> dict[tuple[str, str], int]:
    view = selectors.shared(actor_of(user))  # type: ignore[arg-type]
    return {(s.kind, s.key): s.others for s in view.subjects}


def test_each_member_sees_how_many_others_share_its_sites_and_hotspots(partners: World) -> None:
    tea, cocoa = partners.extras["tea"], partners.extras["cocoa"]
    counts = _counts(partners, partners.admin_a)
    # The tea estate: B and C link to it. The hotspot: B, C and D (another estate, same country × tea).
    assert counts[("site", tea.public_id)] == 2
    assert counts[("hotspot", TEA_CHILD)] == 3
    assert counts[("site", cocoa.public_id)] == 1
    assert counts[("hotspot", "CI|cocoa|child_labour")] == 1
    # A's own factory: nobody else shares it, so it is not listed (counts of at least one).
    assert ("site", partners.extras["own"].public_id) not in counts
    assert not any(key.startswith("BD|") for _kind, key in counts)
    # D sees the hotspot shared by A, B, C, but no shared site.
    d = _counts(partners, partners.extras["admin_d"])
    assert d == {("hotspot", TEA_CHILD): 3}


def test_an_ended_link_stops_counting(partners: World) -> None:
    tea = partners.extras["tea"]
    yesterday = timezone.localdate() - timedelta(days=1)
    SupplyLink.objects.filter(org=partners.member_b, facility=tea).update(end_date=yesterday)
    counts = _counts(partners, partners.admin_a)
    assert counts[("site", tea.public_id)] == 1
    assert counts[("hotspot", TEA_CHILD)] == 2
    # Still active on its end date: the register's rule.
    SupplyLink.objects.filter(org=partners.member_b, facility=tea).update(end_date=timezone.localdate())
    assert _counts(partners, partners.admin_a)[("site", tea.public_id)] == 2


def test_merged_records_count_as_one_site(partners: World) -> None:
    tea = partners.extras["tea"]
    dupe = make_facility("Kericho Highland Tea Estates Ltd", "KE", "Kericho", sector="Agriculture", products=["Tea"])
    link(partners.extras["member_d"], dupe, tier=1)
    before = _counts(partners, partners.admin_a)[("site", tea.public_id)]
    registry_services.merge_facilities(actor_of(partners.coordinator), dupe, tea)
    counts = _counts(partners, partners.admin_a)
    assert counts[("site", tea.public_id)] == before + 1  # D's link now counts at the survivor
    assert ("site", dupe.public_id) not in counts


def test_another_members_private_view_never_moves_counts(partners: World) -> None:
    # B's own override lowers the tea estate's child-labour score in B's view: the count A sees
    # reads the shared picture, so B still shares the hotspot there.
    risk_services.set_override(
        actor_of(partners.admin_b), partners.extras["tea"], "child_labour", 1.0, "our own visit found none"
    )
    assert _counts(partners, partners.admin_a)[("hotspot", TEA_CHILD)] == 3
    # B's own list follows its own view: there the hotspot is gone.
    own, public = selectors.own_hotspots(actor_of(partners.admin_b))
    assert Hotspot("KE", "tea", "child_labour") not in own
    assert Hotspot("KE", "tea", "child_labour") in public


def test_own_overrides_move_the_members_own_hotspots(partners: World) -> None:
    risk_services.set_override(
        actor_of(partners.admin_a), partners.extras["own"], "wages", 9.5, "our own audit found unpaid overtime"
    )
    own, public = selectors.own_hotspots(actor_of(partners.admin_a))
    assert Hotspot("BD", "garments", "wages") in own
    assert Hotspot("BD", "garments", "wages") not in public


def test_filters_by_topic_and_country(partners: World) -> None:
    actor = actor_of(partners.admin_a)
    view = selectors.shared(actor, topic="forced_labour")
    assert [s.key for s in view.hotspots] == ["CI|cocoa|forced_labour"]
    assert all(s.topic == "forced_labour" for s in view.sites)
    view = selectors.shared(actor, country="ke")
    assert {s.country for s in view.subjects} == {"KE"}
    assert view.sites and view.hotspots


def test_sorted_by_count_then_risk(partners: World) -> None:
    view = selectors.shared(actor_of(partners.admin_a))
    keys = [s.key for s in view.hotspots]
    assert keys[0] == TEA_CHILD  # 3 others
    # Among equal counts, very high before high.
    assert keys.index("CI|cocoa|child_labour") < keys.index("CI|cocoa|forced_labour")


def test_hotspot_keys_parse_back() -> None:
    spot = Hotspot.parse("ke|Rubber Gloves|forced_labour")
    assert spot == Hotspot("KE", "rubber gloves", "forced_labour")
    assert Hotspot.parse(spot.key) == spot
    assert Hotspot.parse("KEN|tea|wages") is None
    assert Hotspot.parse("KE|tea") is None
    assert Hotspot.parse("") is None
