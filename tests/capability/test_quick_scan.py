"""The quick scan: anonymous page, Dutch, PDF, form errors, API, and keeping a scan as a
member's draft supply chain (for that member only)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from covenant.capability import library
from covenant.capability.models import ScanDraft
from covenant.core.models import AuditEvent
from covenant.registry.listfiles import read_table, suggest_mapping
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db

URL = "/quick-scan/"


def test_anonymous_cocoa_from_cote_d_ivoire_names_child_labour_with_source_and_actions() -> None:
    response = Client().get(URL, {"country": "CI", "product": "cocoa"})
    assert response.status_code == 200
    page = response.content.decode()
    scan = response.context["scan"]
    pair = scan.pairs[0]
    assert (pair.country, pair.item.code, pair.goods) == ("CI", "cocoa", ("cocoa",))
    top = pair.top
    # The risk model's own numbers (docs/risk.md, hand-picked sites): 7.56, very high.
    assert (top.risk.code, top.risk.score, top.risk.band) == ("child_labour", 7.56, "very_high")
    assert "ILAB List of Goods (child labour) 2022" in top.sources
    assert "World Bank income group FY2025" in top.sources
    assert 3 <= len(top.actions) <= 5
    assert any(a.gender for a in top.actions), "a gender-specific action for child labour"
    assert all(a.source.url.startswith("https://") for a in top.actions)
    # On the page: the topic, its source with edition, and an action with its source.
    assert "Child labour" in page
    assert "ILAB List of Goods (child labour) 2022" in page
    assert top.actions[0].text in page.replace("&#x27;", "'")
    assert top.actions[0].source.title in page.replace("&#x27;", "'")
    assert "Turn into a draft supply chain" not in page  # no account: nothing to keep it in
    # High topics first, then the rest.
    scores = [t.risk.score for t in pair.high_topics]
    assert scores == sorted(scores, reverse=True)
    assert all(not t.high for t in pair.other_topics)


def test_several_countries_and_products_by_name_in_english_and_dutch() -> None:
    response = Client().get(URL, {"country": "Ivoorkust, Ghana; Bangladesh", "product": ["cacao", "garments"]})
    assert response.status_code == 200
    scan = response.context["scan"]
    assert {(p.country, p.item.code) for p in scan.pairs} == {
        (c, i) for c in ("CI", "GH", "BD") for i in ("cocoa", "garments")
    }
    # The riskiest pair first.
    bands = [p.top.risk.score for p in scan.pairs if p.top.risk.band == scan.pairs[0].top.risk.band]
    assert scan.pairs[0].top.risk.score == max(bands)


def test_dutch_page() -> None:
    client = Client(headers={"accept-language": "nl"})
    response = client.get(URL, {"country": "Ivoorkust", "product": "cocoa"})
    assert response.status_code == 200
    page = response.content.decode()
    pair = response.context["scan"].pairs[0]
    assert pair.item.label == "Cacao"
    assert "Kinderarbeid" in page
    assert pair.top.actions[0].nl in page.replace("&#x27;", "'")
    assert "Ivoorkust" in page
    assert "Eerste acties" in page
    assert "Omzetten in een concept-toeleveringsketen" not in page


def test_pdf_download_is_a_pdf_naming_the_risk_and_actions() -> None:
    response = Client().get(reverse("capability:quick_scan_pdf"), {"country": "CI", "product": "cocoa"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Child labour" in text
    assert "ILAB List of Goods (child labour) 2022" in text
    assert "First actions" in text


def test_pdf_in_dutch_keeps_its_accents() -> None:
    client = Client(headers={"accept-language": "nl"})
    response = client.get(reverse("capability:quick_scan_pdf"), {"country": "CI", "product": "cocoa"})
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Kinderarbeid" in text
    assert "Ivoorkust" in text
    assert "Eerste acties" in text
    assert "Coöperaties" in text or "coöperaties" in text


def test_pdf_without_a_valid_scan_goes_back_to_the_form() -> None:
    response = Client().get(reverse("capability:quick_scan_pdf"), {"country": "Atlantis", "product": "cocoa"})
    assert response.status_code == 302
    assert response["Location"].startswith(URL)


def test_unknown_country_and_product_give_clear_form_errors() -> None:
    response = Client().get(URL, {"country": "Atlantis", "product": "unobtainium"})
    assert response.status_code == 200
    assert response.context["scan"] is None
    page = response.content.decode().replace("&#x27;", "'")
    assert "'Atlantis' is not a country we know" in page
    assert "We do not know 'unobtainium' as a product or sector" in page


def test_too_many_countries_is_refused() -> None:
    response = Client().get(URL, {"country": "NL, BE, DE, FR, ES, PT", "product": "cocoa"})
    assert response.context["scan"] is None
    assert "at most 5 countries" in response.content.decode()


def test_a_good_the_indicators_list_but_the_library_does_not_name() -> None:
    response = Client().get(URL, {"country": "IN", "product": "incense (agarbatti)"})
    pair = response.context["scan"].pairs[0]
    assert pair.goods == ("incense (agarbatti)",)
    assert pair.item.sector == ""


def test_every_topic_has_three_actions_for_any_sector() -> None:
    topics = {t for r in library.recommendations() for t in r.topics}
    sectors = {i.sector for i in library.items()}
    for topic in topics:
        for sector in sectors:
            actions = library.first_actions(topic, sector)
            assert 3 <= len(actions) <= 5, (topic, sector)
            assert len({a.id for a in actions}) == len(actions)


def test_the_empty_form() -> None:
    response = Client().get(URL)
    assert response.status_code == 200
    assert response.context["scan"] is None
    assert 'name="country"' in response.content.decode()


# --- API -----------------------------------------------------------------------------------


def test_api_without_an_account() -> None:
    response = Client().get("/api/v1/quick-scan", {"country": "CI", "product": "cocoa"})
    assert response.status_code == 200, response.content
    body = response.json()
    result = body["results"][0]
    assert (result["country"], result["product"], result["band"]) == ("CI", "cocoa", "very_high")
    top = result["topics"][0]
    assert top["topic"] == "child_labour"
    assert "ILAB List of Goods (child labour) 2022" in top["sources"]
    assert 3 <= len(top["first_actions"]) <= 5
    assert all(a["source_url"].startswith("https://") for a in top["first_actions"])
    assert any(s["name"] == "ILAB List of Goods (child labour)" for s in body["sources"])
    assert len(body["band_limits"]) == 3


def test_api_errors_are_problem_documents() -> None:
    response = Client().get("/api/v1/quick-scan", {"country": "Atlantis", "product": "cocoa"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "Atlantis" in response.json()["detail"]
    assert Client().get("/api/v1/quick-scan", {"country": "CI"}).status_code == 422


# --- A member keeps a scan as a draft supply chain -------------------------------------------


def _keep(client: Client, **data: Any) -> Any:
    return client.post(reverse("capability:drafts"), {"country": "CI, GH", "product": "cocoa", **data})


def test_member_turns_a_scan_into_a_draft_for_itself_only(world: World) -> None:
    page = client_for(world.editor_a).get(URL, {"country": "CI, GH", "product": "cocoa"}).content.decode()
    assert "Turn into a draft supply chain" in page
    response = _keep(client_for(world.editor_a))
    draft = ScanDraft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("capability:draft", args=[draft.pk])
    assert draft.org == world.member_a
    assert {(r["country"], r["item"]) for r in draft.rows} == {("CI", "cocoa"), ("GH", "cocoa")}
    assert all(r["band"] == "very_high" and r["top_topic"] == "child_labour" for r in draft.rows)
    event = AuditEvent.objects.filter(action="capability.draft.created").get()
    assert event.org_id == world.member_a.pk
    # The owner sees it; another member, the secretariat and anonymous visitors do not.
    url = reverse("capability:draft", args=[draft.pk])
    assert client_for(world.viewer_a).get(url).status_code == 200
    assert client_for(world.admin_b).get(url).status_code == 404
    assert client_for(world.coordinator).get(url).status_code in {403, 404}
    assert Client().get(url).status_code == 302
    assert draft.name not in client_for(world.admin_b).get(reverse("capability:drafts")).content.decode()
    # Nobody else can delete it.
    assert client_for(world.admin_b).post(reverse("capability:draft_delete", args=[draft.pk])).status_code == 404
    assert ScanDraft.objects.filter(pk=draft.pk).exists()


def test_viewers_and_non_members_cannot_keep_a_scan(world: World) -> None:
    assert _keep(client_for(world.viewer_a)).status_code == 403
    assert _keep(client_for(world.supplier_admin)).status_code == 403
    assert _keep(Client()).status_code == 302  # to the login
    assert not ScanDraft.objects.exists()


def test_keeping_an_invalid_scan_writes_nothing(world: World) -> None:
    response = _keep(client_for(world.editor_a), country="Atlantis")
    assert response.status_code == 302
    assert response["Location"].startswith(URL)
    assert not ScanDraft.objects.exists()


def test_the_draft_as_a_supplier_list_the_register_reads(world: World) -> None:
    _keep(client_for(world.editor_a), product="cocoa, garments")
    draft = ScanDraft.objects.get()
    response = client_for(world.viewer_a).get(reverse("capability:draft_list_file", args=[draft.pk]))
    assert response.status_code == 200
    table = read_table(response.content, "list.csv")
    mapping = suggest_mapping(table.headers)
    assert {"name", "address", "country", "products", "sector", "tier"} <= set(mapping)
    countries = {row[mapping["country"]] for row in table.rows}
    assert countries == {"CI", "GH"}
    assert {row[mapping["products"]] for row in table.rows} == {"Cocoa", "Garments"}
    assert client_for(world.admin_b).get(reverse("capability:draft_list_file", args=[draft.pk])).status_code == 404


def test_owner_deletes_a_draft(world: World) -> None:
    _keep(client_for(world.editor_a))
    draft = ScanDraft.objects.get()
    response = client_for(world.editor_a).post(reverse("capability:draft_delete", args=[draft.pk]))
    assert response.status_code == 302
    assert not ScanDraft.objects.exists()
    assert AuditEvent.objects.filter(action="capability.draft.deleted").exists()


def test_the_login_page_links_the_quick_scan() -> None:
    page = Client().get(reverse("account_login")).content.decode()
    assert reverse("capability:quick_scan") in page


def test_a_scan_never_writes_and_a_warm_scan_reads_only_the_data_version() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.get(URL, {"country": "CI", "product": "cocoa"})  # fills the per-process cache
    for path in (URL, reverse("capability:quick_scan_pdf"), "/api/v1/quick-scan"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, {"country": "CI", "product": "cocoa"}).status_code == 200
        sql = [q["sql"].lstrip().upper() for q in queries.captured_queries]
        assert not [q for q in sql if q.startswith(("INSERT", "UPDATE", "DELETE"))], path
        assert len(sql) == 1, (path, sql)


def test_a_change_to_the_risk_data_reaches_the_next_scan() -> None:
    from covenant.risk.models import Topic, TopicWeight

    client = Client()
    before = client.get(URL, {"country": "CI", "product": "cocoa"}).context["scan"].pairs[0].top
    assert (before.label, before.risk.score) == ("Child labour", 7.56)
    Topic.objects.filter(code="child_labour").update(name="Child labour (renamed)")
    # The ILAB child-labour listing no longer counts for child labour.
    TopicWeight.objects.filter(indicator__code="ilab-child", topic__code="child_labour").update(points=0)
    pair = client.get(URL, {"country": "CI", "product": "cocoa"}).context["scan"].pairs[0]
    child = next(t for t in pair.topics if t.risk.code == "child_labour")
    assert child.label == "Child labour (renamed)"
    assert child.risk.score < before.risk.score
    assert "ILAB List of Goods (child labour) 2022" not in child.sources
