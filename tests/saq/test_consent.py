"""Tenancy negatives for SAQs as for audits: the supplier and the members it shares with read a SAQ;
member B (linked to the site, no share), another supplier, an audit firm and the secretariat get 404
on pages and API; the secretariat gets counts only."""

from __future__ import annotations

from django.urls import reverse

from covenant.saq import selectors, services
from tests.conftest import World, actor_of, client_for


def _outsiders(sw: World) -> list[object]:
    return [sw.admin_b, sw.supplier_admin, sw.auditor, sw.coordinator, sw.cso_admin]


def test_the_member_it_is_shared_with_reads_it_on_pages_and_api(sw: World) -> None:
    saq, site = sw.extras["saq"], sw.extras["saq_site"]
    client = client_for(sw.admin_a)
    page = client.get(reverse("saq:detail", args=[saq.pk]))
    assert page.status_code == 200 and b"canary-a new dormitory" in page.content
    api = client.get(f"/api/v1/facilities/{site.public_id}/saq")
    assert api.status_code == 200
    body = api.json()
    assert body["id"] == saq.pk and body["answers"]["FL-07"] == "yes" and body["version"] == "v1"
    assert body["workforce"]["headcount"] == 500 and body["completeness"] == 100 and body["expired"] is False
    assert client.get("/api/v1/saqs").json()["count"] == 1
    assert site.name.encode() in client.get(reverse("saq:shared")).content
    assert (
        b"Ask the supplier for its SAQ" not in client.get(reverse("registry:facility", args=[site.public_id])).content
    )


def test_outsiders_get_404_on_pages_and_api(sw: World) -> None:
    saq, draft, site = sw.extras["saq"], sw.extras["saq_draft"], sw.extras["saq_site"]
    for user in _outsiders(sw):
        client = client_for(user)
        for url in (
            reverse("saq:detail", args=[saq.pk]),
            reverse("saq:detail", args=[draft.pk]),
            reverse("saq:gaps", args=[saq.pk]),
            reverse("saq:section", args=[draft.pk, "forced_labour"]),
            reverse("saq:workforce", args=[draft.pk]),
            f"/api/v1/facilities/{site.public_id}/saq",
        ):
            assert client.get(url).status_code == 404, (user, url)
        listed = client.get("/api/v1/saqs")
        assert listed.status_code == 200 and listed.json()["count"] == 0
        assert b"canary-a" not in client.get(reverse("registry:facility", args=[site.public_id])).content


def test_member_a_reads_no_draft_and_no_gap_report(sw: World) -> None:
    client = client_for(sw.admin_a)
    assert client.get(reverse("saq:detail", args=[sw.extras["saq_draft"].pk])).status_code == 404
    assert client.get(reverse("saq:gaps", args=[sw.extras["saq"].pk])).status_code == 404
    assert client.get(reverse("saq:share", args=[sw.extras["saq_site"].public_id])).status_code in (403, 404)


def test_the_secretariat_gets_counts_only(sw: World) -> None:
    page = client_for(sw.coordinator).get(reverse("saq:sector"))
    assert page.status_code == 200
    assert page.context["counts"].sites_with_valid_saq == 1
    assert sw.extras["saq_site"].name.encode() not in page.content and b"canary-a" not in page.content
    assert client_for(sw.admin_a).get(reverse("saq:sector")).status_code == 403


def test_withdrawing_ends_the_members_reading(sw: World) -> None:
    owner = actor_of(sw.extras["saq_supplier_admin"])
    site, saq = sw.extras["saq_site"], sw.extras["saq"]
    services.withdraw(owner, site, sw.member_a)
    assert client_for(sw.admin_a).get(reverse("saq:detail", args=[saq.pk])).status_code == 404
    assert selectors.site_saq(actor_of(sw.admin_a), site) is None
    services.share(owner, site, sw.member_a)
    assert selectors.site_saq(actor_of(sw.admin_a), site) == saq


def test_share_with_every_linked_customer_reaches_linked_members_only(sw: World) -> None:
    owner = actor_of(sw.extras["saq_supplier_admin"])
    site = sw.extras["saq_site"]
    b = actor_of(sw.admin_b)
    assert selectors.site_saq(b, site) is None
    services.set_share_with_linked(owner, True)
    assert selectors.site_saq(b, site) == sw.extras["saq"]  # B is linked to the site
    from covenant.registry.interface import SupplyLink

    SupplyLink.objects.filter(org=sw.member_b, facility=site).delete()
    assert selectors.site_saq(b, site) is None  # not a customer there any more
    assert selectors.site_saq(actor_of(sw.supplier_admin), site) is None


def test_a_linked_member_asks_and_the_supplier_grants(sw: World) -> None:
    site = sw.extras["saq_site"]
    client = client_for(sw.admin_b)
    assert b"Ask the supplier for its SAQ" in client.get(reverse("registry:facility", args=[site.public_id])).content
    assert client.post(reverse("saq:ask", args=[site.public_id])).status_code == 302
    owner = actor_of(sw.extras["saq_supplier_admin"])
    request = selectors.requests(owner).get()
    assert request.org == sw.member_b
    # Another supplier cannot answer it.
    assert (
        client_for(sw.supplier_admin).post(reverse("saq:decide", args=[request.pk]), {"grant": "1"}).status_code == 404
    )
    supplier = client_for(sw.extras["saq_supplier_admin"])
    assert supplier.post(reverse("saq:decide", args=[request.pk]), {"grant": "1"}).status_code == 302
    assert client.get(reverse("saq:detail", args=[sw.extras["saq"].pk])).status_code == 200


def test_the_supplier_works_through_its_pages(sw: World) -> None:
    client = client_for(sw.extras["saq_supplier_admin"])
    draft, site = sw.extras["saq_draft"], sw.extras["saq_site"]
    assert site.name.encode() in client.get(reverse("saq:list")).content
    assert client.get(reverse("saq:section", args=[draft.pk, "forced_labour"])).status_code == 200
    section = {k: v for k, v in draft.answers.items() if k.startswith("FL-")}
    url = reverse("saq:section", args=[draft.pk, "forced_labour"])
    assert client.post(url, {"FL-01": "no", "FL-02": "yes"}).status_code == 302
    draft.refresh_from_db()
    assert draft.answers["FL-01"] == "no" and "FL-03" not in draft.answers  # a blank answer clears it
    assert "WH-01" in draft.answers  # other sections stay
    assert client.post(url, {**section, "FL-07": "no"}).status_code == 302
    draft.refresh_from_db()
    assert draft.answers["FL-07"] == "no" and draft.completeness == 100
    data = {"workers_women": "10", "workers_men": "5", "refugee_workers": "3", "nationalities": "Myanmar 3\nVietnam 12"}
    assert client.post(reverse("saq:workforce", args=[draft.pk]), data).status_code == 302
    draft.refresh_from_db()
    assert draft.headcount == 15 and {n["country"] for n in draft.nationalities} == {"MM", "VN"}
    assert client.post(reverse("saq:submit", args=[draft.pk]), {}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "draft"  # not confirmed
    assert client.post(reverse("saq:submit", args=[draft.pk]), {"confirm": "on"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted"
    assert client.get(reverse("saq:gaps", args=[draft.pk])).status_code == 200
    # A member that reads the SAQ now reads the new one.
    assert client_for(sw.admin_a).get(f"/api/v1/facilities/{site.public_id}/saq").json()["id"] == draft.pk
