"""Sites are scored as soon as the register creates or changes them, not only nightly."""

from __future__ import annotations

from covenant.registry import services as registry_services
from covenant.risk.models import SiteRisk
from tests.conftest import World, actor_of
from tests.factories import make_facility


def test_a_new_site_is_scored_at_once(world: World) -> None:
    site = make_facility("Coopérative de Daloa", "CI", "Daloa", sector="Agriculture", products=["Cocoa"])
    risk = SiteRisk.objects.get(facility=site)
    assert "child_labour" in (risk.profile.scores or {})


def test_a_site_moved_to_another_country_is_scored_again(world: World) -> None:
    site = make_facility("Textile Mill", "NL", "Tilburg", sector="Textiles")
    before = SiteRisk.objects.get(facility=site).profile_id
    registry_services.update_facility(actor_of(world.coordinator), site, country="BD", address="Savar, Dhaka")
    assert SiteRisk.objects.get(facility=site).profile_id != before


def test_imported_sites_are_scored_in_one_go(world: World) -> None:
    items = [
        registry_services.FacilityInput(name=f"Garment Factory {i}", address="Gazipur", country="BD") for i in range(5)
    ]
    created = registry_services.import_facilities(actor_of(world.coordinator), items, source="test")
    assert SiteRisk.objects.filter(facility__in=created).count() == 5


def test_large_batches_are_scored_in_slices(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from covenant.risk import receivers

    calls: list[int] = []
    monkeypatch.setattr(receivers, "refresh_sites", lambda ids: calls.append(len(ids)))
    receivers.score_changed_sites(facility_ids=list(range(12_001)))
    assert calls == [5000, 5000, 2001]
