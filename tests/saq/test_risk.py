"""A submitted SAQ's answers move the site's risk for its readers only; the stored picture stays."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from covenant.risk import engine
from covenant.risk.models import SiteRisk, SiteSignal
from covenant.risk.selectors import site_risk
from covenant.saq import services
from tests.conftest import World, actor_of, client_for


@pytest.fixture
def scored(world: World) -> World:
    from tests.saq.world import saq_world

    saq_world(world)
    engine.recompute_all()
    return world


def _saq_lines(view: Any) -> list[Any]:
    return [line for t in view.topics for line in t.lines if line.source == "self_assessment"]


def test_readers_see_the_lines_and_the_moved_score_others_nothing(scored: World) -> None:
    site = scored.extras["saq_site"]
    stored = SiteRisk.objects.get(facility=site)
    a_view = site_risk(actor_of(scored.admin_a), site)
    b_view = site_risk(actor_of(scored.admin_b), site)
    lines = _saq_lines(a_view)
    assert lines and all("Supplier self-assessment of" in line.text for line in lines)
    assert all(line.restricted and 0 < line.delta <= services.TOPIC_CAP for line in lines)
    assert a_view.overall > stored.score
    assert _saq_lines(b_view) == [] and b_view.overall == stored.score and b_view.restricted is False
    # The shared, stored picture did not move.
    engine.refresh_sites([site.pk])
    again = SiteRisk.objects.get(facility=site)
    assert (again.score, again.band) == (stored.score, stored.band)
    page_a = client_for(scored.admin_a).get(f"/api/v1/risk/facilities/{site.public_id}").json()
    page_b = client_for(scored.admin_b).get(f"/api/v1/risk/facilities/{site.public_id}").json()
    sources_a = {e.get("source") for t in page_a["topics"] for e in t["explanation"]}
    sources_b = {e.get("source") for t in page_b["topics"] for e in t["explanation"]}
    assert "self_assessment" in sources_a and "self_assessment" not in sources_b
    assert page_b["score"] == stored.score < page_a["score"]


def test_the_line_reads_in_dutch(scored: World) -> None:
    from django.utils import translation

    with translation.override("nl"):
        if translation.gettext(
            "Supplier self-assessment of %(date)s: the site employs refugee workers; risk event: %(title)s"
        ).startswith("Supplier"):
            pytest.skip("the Dutch catalogue is not compiled yet (the lead runs compilemessages)")
        lines = _saq_lines(site_risk(actor_of(scored.admin_a), scored.extras["saq_site"]))
    assert lines and all("Zelfbeoordeling" in line.text for line in lines)


def test_a_clean_saq_moves_nothing_and_replaces_the_earlier_signals(scored: World) -> None:
    from tests.saq.world import fill, full_answers

    owner = actor_of(scored.extras["saq_supplier_admin"])
    site, old = scored.extras["saq_site"], scored.extras["saq"]
    draft = fill(scored.extras["saq_draft"], full_answers(risky=False), actor=owner)
    services.submit(owner, draft)
    assert not SiteSignal.objects.filter(source="self_assessment", source_ref=str(old.pk)).exists()
    assert _saq_lines(site_risk(actor_of(scored.admin_a), site)) == []


def test_an_expired_saq_stops_counting(scored: World, monkeypatch: pytest.MonkeyPatch) -> None:
    site, saq = scored.extras["saq_site"], scored.extras["saq"]
    assert set(SiteSignal.objects.filter(source_ref=str(saq.pk)).values_list("expires_on", flat=True)) == {
        saq.valid_until
    }
    later = saq.valid_until + timedelta(days=1)
    original = timezone.localdate
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, timezone=None: later if value is None else original(value)
    )
    view = site_risk(actor_of(scored.admin_a), site)
    assert _saq_lines(view) == []
    assert saq.is_expired
