"""Reads only read; scores follow changes; the overview's cache follows a real version.

- ``risk_bands`` and the pages never score a site: a site without a stored risk is shown
  as "not scored yet" (it is being computed when data changes, not when someone looks).
- Every path that creates a site or changes what its score depends on scores it in the
  writing transaction: new sites inside a running event's area get the event too, and a
  full recomputation keeps the sites created while it ran.
- The per-process profile cache is keyed on ``RiskVersion``, which database triggers bump
  with every write to profiles, topics and weights, even one that keeps every id.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from covenant.registry import services as registry_services
from covenant.risk import engine, selectors
from covenant.risk.interface import risk_bands
from covenant.risk.models import Indicator, RiskProfile, SiteRisk, SiteSignal, Topic, TopicWeight
from tests.conftest import World, actor_of, client_for
from tests.factories import declare_flood, link, make_facility, risk_world

WRITES = ("INSERT", "UPDATE", "DELETE")


def _writes(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


# --- Reads only read ---------------------------------------------------------------------


def test_risk_bands_leaves_out_a_site_not_scored_yet_and_scores_nothing(world: World) -> None:
    scored = make_facility("Scored Mill", "BD", "Savar", sector="Garments")
    waiting = make_facility("Waiting Mill", "BD", "Savar", sector="Garments")
    SiteRisk.objects.filter(facility=waiting).delete()  # as between a change and its scoring
    link(world.member_a, scored, tier=1)
    link(world.member_a, waiting, tier=1)
    with CaptureQueriesContext(connection) as ctx:
        by_ids = risk_bands([scored.pk, waiting.pk])
        by_query = risk_bands(world.member_a.supply_links.values("facility_id"))
    assert set(by_ids) == set(by_query) == {scored.pk}
    assert not _writes(ctx)
    assert not SiteRisk.objects.filter(facility=waiting).exists()


def test_pages_say_not_scored_yet_instead_of_scoring(world: World) -> None:
    risk_world(world)
    site = world.extras["shared"]
    SiteRisk.objects.filter(facility=site).delete()
    client = client_for(world.admin_a)
    page = client.get(reverse("registry:facility", args=[site.public_id])).content.decode()
    assert "Not scored yet" in page
    overview = client.get(reverse("risk:overview")).content.decode()
    assert "Not scored yet" in overview
    assert selectors.member_overview(actor_of(world.admin_a)).unscored == 1
    coverage = client.get(reverse("audits:coverage")).content.decode()
    assert "Not scored yet" in coverage
    api = client.get(reverse("api:get_coverage")).json()
    assert api["unscored"] == 1
    assert not SiteRisk.objects.filter(facility=site).exists()
    # Scored again (here by a change of the site), the pages show its band again.
    registry_services.update_facility(actor_of(world.coordinator), site, sector="Garments")
    assert SiteRisk.objects.filter(facility=site).exists()
    assert "Not scored yet" not in client.get(reverse("audits:coverage")).content.decode()


# --- Scores follow the changes they depend on --------------------------------------------


def test_a_new_site_in_a_running_events_area_is_raised_at_once(world: World) -> None:
    declare_flood(world.coordinator, "Floods in Sylhet", ["BD-G"], date(2026, 1, 1))
    inside = make_facility("Sylhet Tea Estate", "BD", "Sylhet", subdivision="BD-G", sector="Agriculture")
    outside = make_facility("Dhaka Mill", "BD", "Dhaka", subdivision="BD-C", sector="Agriculture")
    assert SiteSignal.objects.filter(facility=inside, source="event").count() == 1
    assert not SiteSignal.objects.filter(facility=outside, source="event").exists()
    risk = SiteRisk.objects.get(facility=inside)
    assert risk.adjusted is not None
    assert risk.adjusted["health_safety"] == pytest.approx(min(10.0, risk.profile.scores["health_safety"] + 1.0))
    # Moved out of the area, the site loses the event; moved in, another gains it.
    coordinator = actor_of(world.coordinator)
    registry_services.update_facility(coordinator, inside, subdivision="BD-C")
    registry_services.update_facility(coordinator, outside, subdivision="BD-G")
    assert not SiteSignal.objects.filter(facility=inside, source="event").exists()
    assert SiteRisk.objects.get(facility=inside).adjusted is None
    assert SiteSignal.objects.filter(facility=outside, source="event").count() == 1


def test_a_full_recomputation_keeps_the_sites_created_while_it_ran(world: World, monkeypatch: Any) -> None:
    make_facility("Early Mill", "BD", "Savar", sector="Garments")
    created: list[int] = []
    site_rows, copy_chunks = engine._site_rows, engine._site_copy_chunks

    def a_new_site() -> None:
        if not created:  # the new site's own scoring passes here too
            # The rows are computed; a site is created (and scored in its own transaction)
            # before the recomputation rewrites the table.
            created.append(0)
            created[0] = make_facility("Late Mill", "CI", "Soubré", sector="Agriculture", products=["Cocoa"]).pk

    def rows_then_a_new_site(*args: Any, **kwargs: Any) -> Any:
        yield from site_rows(*args, **kwargs)
        a_new_site()

    def copy_text_then_a_new_site(*args: Any, **kwargs: Any) -> Any:  # PostgreSQL: rows as COPY text
        computed = copy_chunks(*args, **kwargs)
        a_new_site()
        return computed

    monkeypatch.setattr(engine, "_site_rows", rows_then_a_new_site)
    monkeypatch.setattr(engine, "_site_copy_chunks", copy_text_then_a_new_site)
    engine.recompute_all()
    assert created
    assert SiteRisk.objects.filter(facility_id=created[0]).exists()


# --- The cache follows a real version -----------------------------------------------------


def test_a_profile_changed_in_place_refreshes_the_overview(world: World) -> None:
    risk_world(world)
    plain = make_facility("Plain Mill", "VN", "Hanoi", sector="Garments")
    link(world.member_a, plain, tier=1)
    actor = actor_of(world.admin_a)

    def heat() -> dict[str, dict[str, float]]:
        return {cc: {code: mean for code, mean, _b, _n in cells} for cc, cells in selectors.member_overview(actor).heat}

    before = heat()
    risk = SiteRisk.objects.get(facility=plain)
    assert risk.adjusted is None  # its heat cell comes from the cached profile
    profile = RiskProfile.objects.get(pk=risk.profile_id)
    ids = set(RiskProfile.objects.values_list("pk", flat=True))
    # Same ids, new scores: e.g. a correction written straight to the table.
    RiskProfile.objects.filter(pk=profile.pk).update(scores={**profile.scores, "wages": 0.25})
    assert set(RiskProfile.objects.values_list("pk", flat=True)) == ids
    after = heat()
    assert before["VN"]["wages"] != 0.2
    assert after["VN"]["wages"] == 0.2  # rounded to one place, as shown
    assert after["CI"] == before["CI"]  # other profiles untouched


def test_the_version_moves_with_profiles_topics_and_weights_only(world: World) -> None:
    site = make_facility("Versioned Mill", "BD", "Savar", sector="Garments")
    version = selectors.data_version()
    assert version
    engine.refresh_sites([site.pk])  # per-site rows only, profiles reused: the caches stay valid
    assert selectors.data_version() == version
    changes = [
        lambda: Topic.objects.filter(code="wages").update(severity=3),
        lambda: TopicWeight.objects.create(
            indicator=Indicator.objects.first(), topic=Topic.objects.get(code="land_rights"), points=0.5
        ),
        lambda: RiskProfile.objects.filter(pk=SiteRisk.objects.get(facility=site).profile_id).update(goods=["x"]),
    ]
    seen = {version}
    for change in changes:
        change()
        now = selectors.data_version()
        assert now not in seen
        seen.add(now)


def test_a_bump_rolled_back_and_made_again_gives_another_version(world: World) -> None:
    make_facility("Rolled Mill", "BD", "Savar", sector="Garments")
    before = selectors.data_version()
    seen: list[str | None] = []

    def change_then_fail() -> None:
        with transaction.atomic():
            Topic.objects.filter(code="wages").update(severity=1)
            seen.append(selectors.data_version())
            raise RuntimeError("undo")

    with pytest.raises(RuntimeError):
        change_then_fail()
    rolled_back = seen[0]
    assert rolled_back != before
    assert selectors.data_version() == before
    Topic.objects.filter(code="wages").update(severity=1)
    # A counter would read the same number again here, and a cache filled inside the
    # rolled-back transaction would pass for current.
    assert selectors.data_version() not in {before, rolled_back}
