"""The shared register: ids, merges, splits, claims, peers and disclosure."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from covenant.core.models import AuditEvent
from covenant.matching import Record
from covenant.registry import matchindex, selectors, services
from covenant.registry.ids import is_valid_facility_id, new_facility_id
from covenant.registry.models import Facility, FacilityStatus, SupplyLink
from tests.conftest import World, actor_of, client_for
from tests.factories import link, make_facility


def test_facility_ids_have_the_open_supply_hub_shape_and_a_check_character() -> None:
    fid = new_facility_id("cn", date(2019, 3, 8), random_part="NZ95A")
    assert fid.startswith("CN2019067NZ95A") and len(fid) == 15
    assert is_valid_facility_id(fid)
    assert is_valid_facility_id(fid.lower())
    for wrong in (fid[:-1] + ("0" if fid[-1] != "0" else "1"), fid[:3] + "9" + fid[4:], "CN2019400NZ95AX", "XX", ""):
        assert not is_valid_facility_id(wrong), wrong


def test_merge_keeps_the_old_id_resolving_and_moves_links(world: World) -> None:
    matchindex.reset()
    keep = make_facility("Saigon Textile JSC", "VN", "Lot A5, Tan Tao IP")
    dupe = make_facility("Cong ty CP Det Sai Gon", "VN", "Lo A5 KCN Tan Tao", lat=10.75, lng=106.59)
    link(world.member_a, keep, tier=1, products=["Fabric"])
    link(world.member_a, dupe, tier=2, products=["Yarn"])
    link(world.member_b, dupe, tier=1)
    services.merge_facilities(actor_of(world.coordinator), dupe, keep)
    dupe.refresh_from_db()
    keep.refresh_from_db()
    assert dupe.status == FacilityStatus.MERGED and dupe.merged_into == keep
    assert selectors.get_facility(actor_of(world.admin_b), dupe.public_id) == keep
    assert keep.lat == 10.75  # coordinates taken from the merged record
    a_link = SupplyLink.objects.get(org=world.member_a)
    assert (a_link.facility, a_link.tier, a_link.products) == (keep, 1, ["Fabric", "Yarn"])
    assert SupplyLink.objects.get(org=world.member_b).facility == keep
    assert keep.aliases.filter(name="Cong ty CP Det Sai Gon").exists()
    # The index follows without a rebuild: the merged name now finds the survivor.
    result = matchindex.get_matcher().match(Record("q", "Cong ty CP Det Sai Gon", "Lo A5 KCN Tan Tao", "VN"))
    assert result.registry_id == keep.public_id
    # And the old URL redirects.
    response = client_for(world.admin_b).get(reverse("registry:facility", args=[dupe.public_id]))
    assert response.status_code == 302 and keep.public_id in response["Location"]
    assert AuditEvent.objects.filter(action="registry.facility.merged").exists()


def test_only_the_secretariat_merges(world: World) -> None:
    a, b = make_facility("A", "CN"), make_facility("B", "CN")
    with pytest.raises(PermissionDenied):
        services.merge_facilities(actor_of(world.admin_a), a, b)
    with pytest.raises(ValidationError, match="different countries"):
        services.merge_facilities(actor_of(world.coordinator), a, make_facility("C", "VN"))


def test_split_moves_chosen_aliases_and_links(world: World) -> None:
    site = make_facility("Huaxin Garment", "CN", "Dongguan")
    alias = site.aliases.create(name="Huaxin Garment Factory No. 2", address="Humen")
    link_b = link(world.member_b, site)
    link_a = link(world.member_a, site)
    new = services.split_facility(
        actor_of(world.coordinator),
        site,
        name="Huaxin Garment Factory No. 2",
        address="Humen",
        alias_ids=[alias.pk],
        link_ids=[link_b.pk],
    )
    link_b.refresh_from_db()
    link_a.refresh_from_db()
    alias.refresh_from_db()
    assert (link_b.facility, link_a.facility, alias.facility) == (new, site, new)


def test_claims_are_verified_by_the_secretariat(world: World) -> None:
    site = make_facility("Huaxin Garment", "CN")
    with pytest.raises(PermissionDenied):
        services.claim_facility(actor_of(world.admin_a), site, "we own it")
    claim = services.claim_facility(actor_of(world.supplier_admin), site, "Business licence 91441900")
    with pytest.raises(ValidationError, match="already waiting"):
        services.claim_facility(actor_of(world.supplier_admin), site, "again")
    with pytest.raises(PermissionDenied):
        services.decide_claim(actor_of(world.admin_a), claim, verified=True)
    services.decide_claim(actor_of(world.coordinator), claim, verified=True, note="licence checked")
    site.refresh_from_db()
    assert site.owner == world.supplier
    assert list(selectors.own_facilities(actor_of(world.supplier_admin))) == [site]


def test_members_see_counts_of_peers_and_names_only_of_those_who_opted_in(world: World) -> None:
    site = make_facility("Shared Mill", "TR")
    link(world.member_a, site)
    link(world.member_b, site)
    peers = selectors.peer_summary(actor_of(world.admin_a), site)
    assert peers.other_members == 1 and peers.visible == []
    page = client_for(world.admin_a).get(reverse("registry:facility", args=[site.public_id])).content.decode()
    assert "1 other member sources from this site" in page
    assert "Zuidkust" not in page
    services.set_preferences(actor_of(world.admin_b), visible_to_peers=True, disclose_publicly=False)
    assert selectors.peer_summary(actor_of(world.admin_a), site).visible == ["Zuidkust Retail"]


def test_ended_links_do_not_count_as_peers(world: World) -> None:
    site = make_facility("Old Mill", "TR")
    link(world.member_a, site)
    link(world.member_b, site, end_date=date(2020, 1, 1))
    assert selectors.peer_summary(actor_of(world.admin_a), site).other_members == 0


def test_disclosure_names_no_member_unless_it_opted_in(world: World) -> None:
    site = make_facility("Disclosed Dyehouse", "IN", "Tiruppur")
    make_facility("Unlinked Site", "IN")
    link(world.member_a, site)
    link(world.member_b, site)
    services.set_preferences(actor_of(world.admin_b), visible_to_peers=False, disclose_publicly=True)
    publication = services.publish_disclosure(actor_of(world.coordinator))
    assert publication.facility_count == 1
    response = client_for(None).get(reverse("registry:disclosed", args=["csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["id"] == site.public_id and rows[0]["disclosed_by"] == "Zuidkust Retail"
    assert "Noordhaven" not in response.content.decode()
    as_json = client_for(None).get(reverse("registry:disclosed", args=["json"])).json()
    assert as_json["facilities"][0]["disclosed_by"] == ["Zuidkust Retail"]


def test_export_of_the_chain_is_the_members_own(world: World) -> None:
    from openpyxl import load_workbook

    site = make_facility("Export Mill", "PK", "Faisalabad")
    link(world.member_a, site, tier=1, products=["Cotton yarn"], spend_band="10k-100k")
    link(world.member_b, make_facility("B's Secret Mill", "PK"))
    response = client_for(world.admin_a).get(reverse("registry:chain_export") + "?format=csv")
    text = response.content.decode("utf-8-sig")
    assert "Export Mill" in text and "B's Secret Mill" not in text
    xlsx = client_for(world.admin_a).get(reverse("registry:chain_export") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "facility_id" and values[1][1] == "Export Mill"


def test_export_neutralises_spreadsheet_formulas(world: World) -> None:
    # The register refuses such names now (tests/registry/test_junk_rows.py); older data may hold them.
    site = make_facility("Placeholder", "PK")
    Facility.objects.filter(pk=site.pk).update(name='=HYPERLINK("http://evil.example")')
    link(world.member_a, site)
    text = client_for(world.admin_a).get(reverse("registry:chain_export")).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_tier_two_edges_need_one_end_in_your_chain(world: World) -> None:
    mill, factory, elsewhere = (
        make_facility("Spinning Mill", "IN"),
        make_facility("Garment Factory", "IN"),
        make_facility("X", "IN"),
    )
    link(world.member_a, factory)
    with pytest.raises(ValidationError):
        services.add_edge(actor_of(world.editor_a), supplier=mill, buyer=elsewhere)
    edge = services.add_edge(actor_of(world.editor_a), supplier=mill, buyer=factory, products=["Yarn"])
    assert list(selectors.member_edges(actor_of(world.admin_a))) == [edge]
    assert list(selectors.member_edges(actor_of(world.admin_b))) == []
