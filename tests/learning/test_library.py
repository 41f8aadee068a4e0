"""The library page and API: filters, search, pagination, and only published resources listed."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from covenant.learning import selectors
from covenant.learning.models import Resource, ResourceStatus
from tests.conftest import World, actor_of, client_for
from tests.learning.builders import learning_world


@pytest.fixture
def lw(world: World) -> World:
    return learning_world(world)


def _keys(qs: Any) -> set[str]:
    return {r.key or r.title for r in qs}


def test_the_library_lists_published_resources_only(lw: World) -> None:
    listed = _keys(selectors.library(actor_of(lw.admin_b)))
    assert "ilo-forced-labour-indicators" in listed and "Wage gap calculator for small firms" in listed
    assert not any("canary-a" in k for k in listed)
    # Even the contributor's own submission and draft stay out of the library's list.
    assert not any("canary-a" in k for k in _keys(selectors.library(actor_of(lw.admin_a))))


def test_filters_narrow_by_topic_step_kind_language_sme_and_title(lw: World) -> None:
    actor = actor_of(lw.admin_b)
    by_topic = selectors.library(actor, topic="wages")
    assert by_topic and all("wages" in {t.code for t in r.topics.all()} for r in by_topic)
    assert "global-living-wage" in _keys(by_topic) and "fao-vggt" not in _keys(by_topic)
    by_step = selectors.library(actor, step=6)
    assert by_step and all(6 in r.steps for r in by_step)
    assert "ohchr-accountability-remedy" in _keys(by_step) and "eti-base-code" not in _keys(by_step)
    by_kind = selectors.library(actor, kind="e_learning")
    assert _keys(by_kind) == {"ungc-academy", "better-work"}
    dutch = selectors.library(actor, language="nl")
    assert dutch and {r.language for r in dutch} == {"nl"}
    sme = selectors.library(actor, sme=True)
    assert sme and all(r.sme_friendly for r in sme) and "oecd-minerals" not in _keys(sme)
    assert _keys(selectors.library(actor, q="living wage")) == {"global-living-wage"}
    both = selectors.library(actor, topic="wages", step=4, kind="tool")
    assert _keys(both) == {"idh-salary-matrix"}


def test_the_page_filters_and_shows_progress(lw: World) -> None:
    client = client_for(lw.admin_b)
    page = client.get(reverse("learning:library"), {"topic": "land_rights"}).content.decode()
    assert "Voluntary Guidelines on the Responsible Governance of Tenure" in page
    assert "ETI Base Code" not in page
    # An unknown filter value is ignored, not an error.
    assert client.get(reverse("learning:library"), {"step": "9"}).status_code == 200


def test_the_api_lists_with_filters_and_pages(lw: World) -> None:
    client = client_for(lw.admin_b)
    body = client.get("/api/v1/learning/resources", {"topic": "wages", "page_size": 2}).json()
    assert body["count"] == selectors.library(actor_of(lw.admin_b), topic="wages").count() > 2
    assert len(body["items"]) == 2 and body["next"]
    item = body["items"][0]
    assert "wages" in item["topics"] and item["sector_library"] in (True, False)
    assert client.get("/api/v1/learning/resources", {"step": 7}).status_code == 422
    assert client.get("/api/v1/learning/resources", {"kind": "video"}).status_code == 422
    nl = client.get("/api/v1/learning/resources", {"language": "nl"}).json()
    assert nl["count"] and all(i["language"] == "nl" for i in nl["items"])


def test_the_api_detail_answers_404_for_what_the_caller_may_not_open(lw: World) -> None:
    submitted = lw.extras["lib_submitted"]
    assert client_for(lw.admin_b).get(f"/api/v1/learning/resources/{submitted.pk}").status_code == 404
    mine = client_for(lw.admin_a).get(f"/api/v1/learning/resources/{submitted.pk}").json()
    assert mine["status"] == "submitted" and mine["file_url"] == reverse("learning:file", args=[submitted.pk])
    assert mine["my_progress"] is None


def test_withdrawn_sector_entries_leave_the_library(lw: World) -> None:
    Resource.objects.filter(key="knowthechain").update(status=ResourceStatus.WITHDRAWN)
    assert "knowthechain" not in _keys(selectors.library(actor_of(lw.admin_b)))
    gone = Resource.objects.get(key="knowthechain")
    assert client_for(lw.admin_b).get(reverse("learning:resource", args=[gone.pk])).status_code == 404
