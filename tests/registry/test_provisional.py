"""New sites are provisional until confirmed, and the secretariat's moderation queue.

A site one member's list (or add-a-site form) creates is in that member's chain and in the
matcher at once, but other members find it (search, suggestions, detail, API, disclosure,
other apps through the interface) only once a second organisation links to it, a supplier's
claim to it is verified, or the secretariat accepts it. The secretariat accepts, merges or
rejects provisional sites from a queue.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse

from covenant.accounts.services import create_token
from covenant.core.models import AuditEvent
from covenant.grievances.public import find_workplaces
from covenant.matching import Record
from covenant.registry import interface, matchindex, selectors, services
from covenant.registry.models import (
    Confirmation,
    Facility,
    FacilityClaim,
    FacilityStatus,
    ListRow,
    RegistryChange,
    RowStatus,
    SupplyLink,
)
from tests.conftest import World, actor_of, client_for
from tests.factories import make_facility

NEW_SITE = "Brand New Ceramics Factory"
CSV = (
    "Name;Address;Country\n"
    "Dongguan Huaxin Garment Co., Ltd.;88 Dongcheng Road, Dongguan, Guangdong;China\n"
    f"{NEW_SITE};12 Kiln Street, Jingdezhen, Jiangxi;China\n"
)


@pytest.fixture
def register(world: World) -> dict[str, Facility]:
    matchindex.reset()
    return {
        "huaxin": make_facility("Dongguan Huaxin Garment Co., Ltd.", "CN", "88 Dongcheng Road, Dongguan, Guangdong"),
        "kiln": make_facility("Jingdezhen Kiln Ceramics Works", "CN", "14 Kiln Street, Jingdezhen, Jiangxi"),
    }


def _upload(user: Any, data: str = CSV, list_name: str = "Suppliers") -> Any:
    actor = actor_of(user)
    supplier_list = services.create_list(actor, list_name)
    upload = services.start_upload(actor, supplier_list, filename="suppliers.csv", data=data.encode(), background=False)
    return services.process_upload(upload.pk)


def _api(user: Any) -> tuple[Client, dict[str, str]]:
    _token, secret = create_token(actor_of(user), name="t", read_only=False)
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _new_site() -> Facility:
    return Facility.objects.get(name=NEW_SITE)


def test_a_site_new_from_a_list_is_provisional_and_its_introducer_sees_it(world: World, register: Any) -> None:
    upload = _upload(world.editor_a)
    assert upload.counts["new"] == 1, upload.counts
    site = _new_site()
    assert site.confirmation == Confirmation.PROVISIONAL and site.introduced_by == world.member_a
    assert site.confirmed_at is None
    a = actor_of(world.editor_a)
    assert site in [link.facility for link in selectors.member_links(a)]
    assert site in selectors.search_facilities(a, q="Ceramics")
    assert selectors.get_facility(a, site.public_id) == site
    # The register's own sites are not provisional.
    assert register["huaxin"].confirmation == Confirmation.REGISTER
    page = client_for(world.editor_a).get(reverse("registry:facility", args=[site.public_id]))
    assert page.status_code == 200 and "Provisional" in page.content.decode()
    chain = client_for(world.editor_a).get(reverse("registry:chain"))
    assert "Provisional" in chain.content.decode()
    search = client_for(world.editor_a).get(reverse("registry:facilities"), {"q": "Brand New"})
    assert NEW_SITE in search.content.decode() and "Provisional" in search.content.decode()
    client, auth = _api(world.editor_a)
    found = client.get("/api/v1/facilities", {"q": "Brand New"}, **auth).json()
    assert [f["id"] for f in found["items"]] == [site.public_id]
    assert found["items"][0]["confirmation"] == "provisional"


def test_other_participants_do_not_see_a_provisional_site(world: World, register: Any) -> None:
    _upload(world.editor_a)
    site = _new_site()
    b = actor_of(world.admin_b)
    assert site not in selectors.search_facilities(b, q="Ceramics")
    assert site not in selectors.search_facilities(b)
    with pytest.raises(Http404):
        selectors.get_facility(b, site.public_id)
    # Other apps read the register through the interface: the same rule holds there.
    with pytest.raises(Http404):
        interface.get_facility(b, site.public_id)
    with pytest.raises(Http404):
        interface.get_facility(actor_of(world.supplier_admin), site.public_id)
    assert site not in interface.confirmed_facilities()
    assert NEW_SITE not in [f.name for f in find_workplaces("Brand New Ceramics", "Jingdezhen")]
    web = client_for(world.admin_b)
    assert web.get(reverse("registry:facility", args=[site.public_id])).status_code == 404
    assert NEW_SITE not in web.get(reverse("registry:facilities"), {"q": "Ceramics"}).content.decode()
    suggestions = web.get(reverse("registry:site_suggestions"), {"name": "Brand New Ceramics", "country": "CN"})
    assert suggestions.status_code == 200 and site.public_id not in suggestions.content.decode()
    client, auth = _api(world.admin_b)
    assert client.get("/api/v1/facilities", {"q": "Brand New"}, **auth).json()["count"] == 0
    assert client.get(f"/api/v1/facilities/{site.public_id}", **auth).status_code == 404
    # The risk app's site page reads the register through the interface: 404 too.
    assert client.get(f"/api/v1/risk/facilities/{site.public_id}", **auth).status_code == 404
    matched = client.post(
        "/api/v1/facilities/match",
        {"name": NEW_SITE, "address": "12 Kiln Street, Jingdezhen", "country": "CN"},
        content_type="application/json",
        **auth,
    ).json()
    assert site.public_id not in str(matched) and matched["facility"] is None
    # Disclosure: the provisional site is not published, the confirmed one it sits beside is.
    published = [row["id"] for row in selectors.disclosure_rows()]
    assert site.public_id not in published and register["huaxin"].public_id in published
    # The secretariat sees it.
    assert selectors.get_facility(actor_of(world.coordinator), site.public_id) == site


def test_a_second_members_list_matches_the_provisional_site_and_confirms_it(world: World, register: Any) -> None:
    _upload(world.editor_a)
    site = _new_site()
    count = Facility.objects.count()
    upload = _upload(world.admin_b)
    assert Facility.objects.count() == count, "the second list made another record of the same site"
    assert upload.counts["new"] == 0 and upload.counts["matched"] == 2, upload.counts
    assert SupplyLink.objects.filter(org=world.member_b, facility=site).exists()
    site.refresh_from_db()
    assert site.confirmation == Confirmation.SECOND_LIST and site.confirmed_at is not None
    event = AuditEvent.objects.get(action="registry.facility.confirmed")
    assert event.summary["facility"] == site.public_id and event.summary["how"] == "second_list"
    # Now everyone finds it, and it is published.
    assert site in selectors.search_facilities(actor_of(world.supplier_admin), q="Ceramics")
    assert site.public_id in [row["id"] for row in selectors.disclosure_rows()]


def test_the_introducers_own_second_upload_does_not_confirm_it(world: World, register: Any) -> None:
    _upload(world.editor_a)
    _upload(world.editor_a, list_name="Other list")
    assert _new_site().confirmation == Confirmation.PROVISIONAL
    assert not AuditEvent.objects.filter(action="registry.facility.confirmed").exists()


def test_adding_the_site_by_hand_links_and_confirms_it(world: World, register: Any) -> None:
    _upload(world.editor_a)
    site = _new_site()
    outcome = services.add_site(
        actor_of(world.admin_b), name=NEW_SITE, address="12 Kiln Street, Jingdezhen, Jiangxi", country="CN"
    )
    assert outcome.decision == "linked_existing" and outcome.facility == site
    site.refresh_from_db()
    assert site.confirmation == Confirmation.SECOND_LIST


def test_a_site_added_by_hand_is_provisional(world: World, register: Any) -> None:
    outcome = services.add_site(actor_of(world.editor_a), name="Kaya Denim Atelier", address="Izmir", country="TR")
    assert outcome.decision == "created" and outcome.facility is not None
    assert outcome.facility.confirmation == Confirmation.PROVISIONAL
    assert outcome.facility.introduced_by == world.member_a


def test_a_verified_claim_confirms_it(world: World, register: Any) -> None:
    _upload(world.editor_a)
    site = _new_site()
    claim = FacilityClaim.objects.create(facility=site, org=world.supplier, evidence="Business licence 9")
    services.decide_claim(actor_of(world.coordinator), claim, verified=True)
    site.refresh_from_db()
    assert site.confirmation == Confirmation.CLAIM and site.owner == world.supplier
    assert AuditEvent.objects.filter(action="registry.facility.confirmed", summary__how="claim").exists()
    assert selectors.get_facility(actor_of(world.admin_b), site.public_id) == site


# --- The moderation queue ---------------------------------------------------------------------


def test_the_queue_lists_provisional_sites_oldest_first_with_their_nearest_sites(world: World, register: Any) -> None:
    _upload(world.editor_a)
    later = services.add_site(actor_of(world.admin_b), name="Kaya Denim Atelier", address="Izmir", country="TR")
    assert later.facility is not None
    queue = list(selectors.moderation_queue(actor_of(world.coordinator)))
    assert queue == [_new_site(), later.facility]
    nearest = selectors.nearest_sites(_new_site())
    assert nearest and nearest[0].facility == register["kiln"]
    assert all(c.facility.confirmation != Confirmation.PROVISIONAL for c in nearest)
    page = client_for(world.coordinator).get(reverse("registry:moderation"))
    html = page.content.decode()
    assert page.status_code == 200 and NEW_SITE in html and register["kiln"].public_id in html
    assert f"loser={_new_site().public_id}&amp;survivor={register['kiln'].public_id}" in html
    client, auth = _api(world.coordinator)
    items = client.get("/api/v1/register/moderation", **auth).json()["items"]
    assert [i["id"] for i in items] == [_new_site().public_id, later.facility.public_id]
    assert items[0]["nearest"][0]["id"] == register["kiln"].public_id


def test_accept(world: World, register: Any) -> None:
    _upload(world.editor_a)
    site = _new_site()
    response = client_for(world.coordinator).post(reverse("registry:moderation_accept", args=[site.public_id]))
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.confirmation == Confirmation.SECRETARIAT
    event = AuditEvent.objects.get(action="registry.facility.confirmed")
    assert event.summary["how"] == "secretariat" and event.actor_user_id == world.coordinator.pk
    assert site not in selectors.moderation_queue(actor_of(world.coordinator))
    # Accepting twice is a conflict.
    client, auth = _api(world.coordinator)
    assert client.post(f"/api/v1/register/moderation/{site.public_id}/accept", **auth).status_code == 404


def test_accept_through_the_api(world: World, register: Any) -> None:
    _upload(world.editor_a)
    site = _new_site()
    client, auth = _api(world.coordinator)
    response = client.post(f"/api/v1/register/moderation/{site.public_id}/accept", **auth)
    assert response.status_code == 200 and response.json()["confirmation"] == "secretariat"


def test_reject_asks_first_then_removes_the_site(world: World, register: Any) -> None:
    _upload(world.editor_a)
    site = _new_site()
    web = client_for(world.coordinator)
    url = reverse("registry:moderation_reject", args=[site.public_id])
    asked = web.get(url)
    assert asked.status_code == 200 and "cannot be undone" in asked.content.decode()
    web.post(url, {})  # without the confirmation box nothing happens
    site.refresh_from_db()
    assert site.status == FacilityStatus.ACTIVE
    assert web.post(url, {"confirm": "on"}).status_code == 302
    site.refresh_from_db()
    assert site.status == FacilityStatus.REJECTED
    assert not SupplyLink.objects.filter(facility=site).exists()
    row = ListRow.objects.get(name=NEW_SITE)
    assert row.status == RowStatus.ERROR and row.facility is None
    assert "the secretariat found this is not a production site" in row.error
    assert row.upload.counts["new"] == 0 and row.upload.counts["error"] == 1
    assert RegistryChange.objects.filter(kind=RegistryChange.Kind.REMOVE, facility_id=site.public_id).exists()
    event = AuditEvent.objects.get(action="registry.facility.rejected")
    assert event.summary == {"facility": site.public_id, "links_removed": 1, "rows": 1}
    # It left the match index: the same row uploaded again is not matched to it.
    result = matchindex.get_matcher().match(Record(id="q", name=NEW_SITE, address="12 Kiln Street", country="CN"))
    assert site.public_id not in [c.registry_id for c in result.candidates]
    # Nobody but the secretariat and the introducer can open it, and nobody finds it.
    assert site not in selectors.search_facilities(actor_of(world.editor_a), q="Ceramics")
    with pytest.raises(Http404):
        selectors.get_facility(actor_of(world.admin_b), site.public_id)


def test_reject_through_the_api(world: World, register: Any) -> None:
    _upload(world.editor_a)
    site = _new_site()
    client, auth = _api(world.coordinator)
    response = client.post(f"/api/v1/register/moderation/{site.public_id}/reject", **auth)
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert AuditEvent.objects.filter(action="registry.facility.rejected").count() == 1


def test_merge_into_a_nearest_site_moves_the_links(world: World, register: Any) -> None:
    _upload(world.editor_a)
    site, kiln = _new_site(), register["kiln"]
    client, auth = _api(world.coordinator)
    response = client.post(
        f"/api/v1/register/moderation/{site.public_id}/merge",
        {"into": kiln.public_id},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200 and response.json()["id"] == kiln.public_id
    site.refresh_from_db()
    assert site.status == FacilityStatus.MERGED and site.merged_into == kiln
    assert SupplyLink.objects.filter(org=world.member_a, facility=kiln).exists()
    kiln.refresh_from_db()
    assert kiln.confirmation == Confirmation.REGISTER
    assert AuditEvent.objects.filter(action="registry.facility.merged", summary__merged=site.public_id).exists()


def test_merging_a_confirmed_record_into_a_provisional_one_confirms_the_survivor(world: World, register: Any) -> None:
    _upload(world.editor_a)
    site = _new_site()
    services.merge_facilities(actor_of(world.coordinator), register["kiln"], site)
    site.refresh_from_db()
    assert site.confirmation == Confirmation.REGISTER


def test_a_member_cannot_moderate(world: World, register: Any) -> None:
    _upload(world.editor_a)
    site = _new_site()
    for user in (world.admin_a, world.admin_b):
        web = client_for(user)
        assert web.get(reverse("registry:moderation")).status_code == 403
        assert web.post(reverse("registry:moderation_accept", args=[site.public_id])).status_code == 403
        assert (
            web.post(reverse("registry:moderation_reject", args=[site.public_id]), {"confirm": "on"}).status_code == 403
        )
        client, auth = _api(user)
        assert client.get("/api/v1/register/moderation", **auth).status_code == 403
        for action in ("accept", "reject"):
            assert client.post(f"/api/v1/register/moderation/{site.public_id}/{action}", **auth).status_code == 403
        merged = client.post(
            f"/api/v1/register/moderation/{site.public_id}/merge",
            {"into": register["kiln"].public_id},
            content_type="application/json",
            **auth,
        )
        assert merged.status_code == 403
    site.refresh_from_db()
    assert site.status == FacilityStatus.ACTIVE and site.confirmation == Confirmation.PROVISIONAL
    decided = ("registry.facility.confirmed", "registry.facility.rejected", "registry.facility.merged")
    assert not AuditEvent.objects.filter(action__in=decided).exists()
    with pytest.raises(PermissionDenied):
        services.accept_facility(actor_of(world.admin_a), site)
    with pytest.raises(PermissionDenied):
        services.reject_facility(actor_of(world.admin_a), site)


def test_the_queues_merge_link_opens_the_merge_preview_and_merges(world: World, register: Any) -> None:
    _upload(world.editor_a)
    site, kiln = _new_site(), register["kiln"]
    web = client_for(world.coordinator)
    query = {"loser": site.public_id, "survivor": kiln.public_id}
    preview = web.get(reverse("registry:merge"), query)
    assert preview.status_code == 200 and 'name="confirm"' in preview.content.decode()
    site.refresh_from_db()
    assert site.status == FacilityStatus.ACTIVE  # a preview changes nothing
    assert web.post(reverse("registry:merge"), query | {"confirm": "yes"}).status_code == 302
    site.refresh_from_db()
    assert site.status == FacilityStatus.MERGED and site.merged_into == kiln
    assert SupplyLink.objects.filter(org=world.member_a, facility=kiln).exists()
    assert site not in selectors.moderation_queue(actor_of(world.coordinator))


def test_merging_two_members_provisional_records_confirms_the_survivor(world: World, register: Any) -> None:
    a = services.add_site(actor_of(world.editor_a), name="Kaya Denim Atelier", address="Izmir", country="TR")
    b = services.add_site(actor_of(world.admin_b), name="Kaya Denim Atelye", address="Izmir", country="TR", create=True)
    assert a.facility is not None and b.facility is not None and a.facility != b.facility
    assert b.facility.confirmation == Confirmation.PROVISIONAL
    # B's old id still answers B: it leads to the survivor, which B now sees through its link.
    services.merge_facilities(actor_of(world.coordinator), b.facility, a.facility)
    survivor = Facility.objects.get(pk=a.facility.pk)
    assert survivor.confirmation == Confirmation.SECOND_LIST
    assert selectors.get_facility(actor_of(world.admin_b), b.facility.public_id) == survivor


def test_an_id_merged_into_a_record_the_actor_may_not_see_answers_404(world: World, register: Any) -> None:
    a = services.add_site(actor_of(world.editor_a), name="Kaya Denim Atelier", address="Izmir", country="TR")
    assert a.facility is not None
    old = make_facility("Kaya Denim Old Record", "TR", "Izmir")
    Facility.objects.filter(pk=old.pk).update(status=FacilityStatus.MERGED, merged_into=a.facility)
    with pytest.raises(Http404):
        selectors.get_facility(actor_of(world.admin_b), old.public_id)
