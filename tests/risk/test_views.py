"""Pages and API of the risk capability, and what each party may (not) see on them."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from covenant.accounts import services as account_services
from covenant.registry import services as registry_services
from covenant.risk.models import EventResponse, Indicator, IndicatorValue, RiskEvent
from tests.conftest import World, actor_of, client_for
from tests.factories import make_facility, risk_world


@pytest.fixture
def rworld(world: World) -> World:
    return risk_world(world)


def test_site_page_shows_explained_risk_and_only_own_override(rworld: World) -> None:
    w = rworld
    shared = w.extras["shared"].public_id
    page = client_for(w.admin_a).get(reverse("registry:facility", args=[shared])).content.decode()
    assert "canary-a: our own audit" in page
    assert "ITUC Global Rights Index 2025: rating 5" in page
    for user in (w.admin_b, w.coordinator, w.supplier_admin):
        other = client_for(user).get(reverse("registry:facility", args=[shared])).content.decode()
        assert "canary-a" not in other
        assert "ITUC Global Rights Index 2025" in other


def test_overview_pages(rworld: World) -> None:
    w = rworld
    page = client_for(w.admin_a).get(reverse("risk:overview")).content.decode()
    assert "Coopérative Agricole de Soubré" in page
    assert "Unrest in the Nawa region" in page
    b = client_for(w.admin_b).get(reverse("risk:overview")).content.decode()
    assert "Soubré" not in b and "Mary Cotton" in b
    assert client_for(w.coordinator).get(reverse("risk:overview")).status_code == 403
    filtered = client_for(w.admin_a).get(reverse("risk:overview") + "?topic=child_labour&tier=2").content.decode()
    assert "Soubré" in filtered


def test_exports(rworld: World) -> None:
    w = rworld
    csv_body = client_for(w.admin_a).get(reverse("risk:export") + "?format=csv").content.decode()
    assert w.extras["cocoa"].public_id in csv_body and "very_high" in csv_body
    xlsx = client_for(w.admin_a).get(reverse("risk:export") + "?format=xlsx").content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet is not None and sheet.max_row == 3


def test_event_pages_show_counts_to_the_secretariat_and_sites_to_members(rworld: World) -> None:
    w = rworld
    url = reverse("risk:event", args=[w.extras["event"].pk])
    mine = client_for(w.admin_a).get(url).content.decode()
    assert "canary-a response note" in mine and "Soubré" in mine
    sec = client_for(w.coordinator).get(url).content.decode()
    assert "Members exposed" in sec and "Soubré" not in sec and "canary-a" not in sec
    other = client_for(w.admin_b).get(url).content.decode()
    assert "Soubré" not in other
    response = client_for(w.admin_a).post(
        reverse("risk:event_respond", args=[w.extras["event"].pk, w.extras["cocoa"].public_id]),
        {"status": "done", "done": ["0", "1"], "note": "all paid"},
    )
    assert response.status_code == 302
    # Member B has no link to the cocoa site: refused, nothing recorded.
    response = client_for(w.admin_b).post(
        reverse("risk:event_respond", args=[w.extras["event"].pk, w.extras["cocoa"].public_id]),
        {"status": "done", "note": "x"},
    )
    assert response.status_code == 404


def test_declare_event_over_unknown_region_is_refused(rworld: World) -> None:
    w = rworld
    before = RiskEvent.objects.count()
    response = client_for(w.coordinator).post(
        reverse("risk:events"),
        {
            "kind": "armed_conflict",
            "title": "Somewhere",
            "regions": "UA-14, XX-99, QQ",
            "starts_on": "2026-11-01",
            "topics": ["forced_labour"],
            "raise_by": "2",
            "guidance": "x",
            "checklist": "a",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Unknown region XX-99" in page and "Unknown region QQ" in page
    assert RiskEvent.objects.count() == before
    assert client_for(w.admin_a).post(reverse("risk:events"), {"title": "x"}).status_code == 403


def test_declare_event_from_the_page(rworld: World) -> None:
    w = rworld
    response = client_for(w.coordinator).post(
        reverse("risk:events"),
        {
            "kind": "sanctions",
            "title": "Cotton sanctions",
            "regions": "TM",
            "starts_on": "2026-11-01",
            "topics": ["forced_labour"],
            "raise_by": "1",
            "guidance": "x",
            "checklist": "a\nb",
        },
    )
    assert response.status_code == 302
    event = RiskEvent.objects.get(title="Cotton sanctions")
    assert [a.org for a in event.alerts.all()] == [w.member_b]


INDICATOR_FORM = {
    "name": "Global Slavery Index",
    "level": "country",
    "edition": "2023",
    "licence": "With permission of Walk Free",
    "url": "https://www.walkfree.org/global-slavery-index/",
    "w_forced_labour": "3",
}


def _upload(client, body: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("risk:indicators"),
        {**INDICATOR_FORM, "file": io.BytesIO(body)},
        follow=True,
    )


def test_indicator_upload_with_bad_rows_changes_nothing(rworld: World) -> None:
    w = rworld
    before = (Indicator.objects.count(), IndicatorValue.objects.count())
    body = b"country,value,source\nCI,6.5,Walk Free GSI 2023\nXX,3,Walk Free\nTM,11,Walk Free\nBD,4,\n"
    upload = io.BytesIO(body)
    upload.name = "gsi.csv"
    response = client_for(w.coordinator).post(reverse("risk:indicators"), {**INDICATOR_FORM, "file": upload})
    page = response.content.decode()
    assert "Row 3: unknown country code &#x27;XX&#x27;" in page or "Row 3: unknown country code" in page
    assert "Row 4: value 11 is outside 0-10" in page
    assert "Row 5: the source is missing" in page
    assert (Indicator.objects.count(), IndicatorValue.objects.count()) == before


def test_indicator_upload_recomputes(rworld: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    w = rworld
    upload = io.BytesIO(b"country,value,source\nCI,9,Walk Free GSI 2023\nTM,8,Walk Free GSI 2023\n")
    upload.name = "gsi.csv"
    response = client_for(w.coordinator).post(reverse("risk:indicators"), {**INDICATOR_FORM, "file": upload})
    indicator = Indicator.objects.get(name="Global Slavery Index")
    # A draft first (tests/risk/test_indicator_drafts.py): compared, then published.
    assert response.status_code == 302
    assert response["Location"] == reverse("risk:indicator_preview", args=[indicator.pk])
    assert indicator.values.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(w.coordinator).post(reverse("risk:indicator_publish", args=[indicator.pk]))
    assert response.status_code == 200
    page = client_for(w.admin_a).get(reverse("registry:facility", args=[w.extras["cocoa"].public_id])).content
    assert "Global Slavery Index 2023: 9" in page.decode()
    assert client_for(w.admin_a).post(reverse("risk:indicators"), {}).status_code == 403


def test_sanctions_queue(rworld: World) -> None:
    w = rworld
    page = client_for(w.coordinator).get(reverse("risk:sanctions")).content.decode()
    assert "Dongguan Huaxin Garment Co Ltd" in page
    assert client_for(w.admin_a).get(reverse("risk:sanctions")).status_code == 403
    response = client_for(w.coordinator).post(
        reverse("risk:hit_decide", args=[w.extras["hit"].pk]), {"decision": "confirm", "note": "same"}
    )
    assert response.status_code == 302
    flagged = client_for(w.admin_b).get(reverse("registry:facility", args=[w.extras["shared"].public_id]))
    assert "Sanctions: confirmed match" in flagged.content.decode()


def test_sanctions_upload_page(rworld: World) -> None:
    w = rworld
    upload = io.BytesIO(b"name,country,identifiers,programme\nMary Cotton Ginning,TM,,Test\nBad,ZZ,,x\n")
    upload.name = "list.csv"
    response = client_for(w.coordinator).post(
        reverse("risk:sanctions"), {"name": "CSV list", "source": "Test", "licence": "", "file": upload}
    )
    assert "Row 3: unknown country code" in response.content.decode()


def test_api(rworld: World) -> None:
    w = rworld
    _t, token = account_services.create_token(actor_of(w.admin_a), name="erp")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    from django.test import Client

    data = Client().get(reverse("api:risk_overview"), **headers).json()
    assert data["count"] == 2 and data["items"][0]["facility"] == w.extras["cocoa"].public_id
    site = Client().get(reverse("api:facility_risk", args=[w.extras["cocoa"].public_id]), **headers).json()
    child = next(t for t in site["topics"] if t["topic"] == "child_labour")
    assert child["band"] == "very_high" and any("ILAB" in e["label"] for e in child["explanation"])
    event = Client().get(reverse("api:get_event", args=[w.extras["event"].pk]), **headers).json()
    assert event["your_sites"][0]["response"] == "in_progress" and event["members_exposed"] is None


def test_member_dashboard_card(rworld: World) -> None:
    w = rworld
    page = client_for(w.admin_a).get(reverse("core:dashboard")).content.decode()
    assert "1 active risk event" in page and reverse("risk:overview") in page
    page_b = client_for(w.admin_b).get(reverse("core:dashboard")).content.decode()
    assert "active risk event" not in page_b


def test_sanctions_upload_screens_in_the_background(rworld: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from covenant.risk.models import ScreeningHit

    w = rworld
    upload = io.BytesIO(b"name,country,identifiers,programme\nMary Cotton Ginning Plant,TM,,Test programme\n")
    upload.name = "list.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(w.coordinator).post(
            reverse("risk:sanctions"), {"name": "CSV list", "source": "Test", "licence": "", "file": upload}
        )
    assert response.status_code == 200
    hit = ScreeningHit.objects.get(entry__sanctions_list__name="CSV list")
    assert hit.facility == w.extras["cotton"] and hit.status == "pending"


def test_a_site_mapped_beyond_tier_one_can_be_answered_for_on_the_page(rworld: World) -> None:
    """The event page offers a response form for each site it lists, beyond tier 1 included."""
    w = rworld
    event, cocoa = w.extras["event"], w.extras["cocoa"]
    farm = make_facility("Plantation Kouassi", "CI", "Méagui", subdivision="CI-BS", products=["Cocoa"])
    registry_services.add_edge(actor_of(w.editor_a), supplier=farm, buyer=cocoa)
    url = reverse("risk:event_respond", args=[event.pk, farm.public_id])
    assert client_for(w.admin_a).post(url, {"status": "acknowledged", "note": ""}).status_code == 302
    assert EventResponse.objects.filter(event=event, org=w.member_a, facility=farm, status="acknowledged").exists()
    # Member B has no link or edge to the farm: refused, nothing recorded.
    assert client_for(w.admin_b).post(url, {"status": "done", "note": ""}).status_code == 404
    assert not EventResponse.objects.filter(event=event, org=w.member_b).exists()
