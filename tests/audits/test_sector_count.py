"""The secretariat's sector page reads the last count; new counts are made in the background."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from covenant.audits import selectors, services
from covenant.audits.models import SectorCount
from tests.conftest import World, client_for
from tests.factories import audits_world


@pytest.fixture(autouse=True)
def _no_pending_request() -> None:
    cache.delete("audits:sector-count-asked")


def _page(world: World) -> str:
    response = client_for(world.coordinator).get(reverse("audits:sector"))
    assert response.status_code == 200
    return response.content.decode()


def test_without_a_count_the_page_counts_for_itself_and_asks_for_one_to_keep(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    audits_world(world)
    with django_capture_on_commit_callbacks(execute=False) as asked:
        page = _page(world)
    assert "Audits avoided through sharing" in page
    assert not SectorCount.objects.exists()  # a read never writes
    assert len(asked) == 1
    asked[0]()  # the background worker's turn (the immediate backend runs it here)
    count = SectorCount.objects.get()
    live = selectors.sector_counters()
    assert count.figures["audits_avoided"] == live["audits_avoided"]
    assert count.figures["kpis"]["due"] == live["kpis"].due


def test_a_fresh_count_is_read_as_kept_and_nothing_is_asked(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    kept = services.count_sector()
    SectorCount.objects.filter(pk=kept.pk).update(figures={**kept.figures, "audits_avoided": 4711})
    with django_capture_on_commit_callbacks(execute=False) as asked:
        page = _page(world)
    assert "4711" in page
    assert asked == []


def test_a_stale_count_is_shown_and_a_new_one_asked_once_per_period(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    kept = services.count_sector()
    SectorCount.objects.filter(pk=kept.pk).update(counted_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=False) as asked:
        _page(world)
        _page(world)  # another reader in the same period: no second request
    assert len(asked) == 1
    asked[0]()
    assert SectorCount.objects.count() == 2
    assert selectors.latest_sector_count().counted_at > timezone.now() - timedelta(minutes=1)  # type: ignore[union-attr]


def test_the_command_counts_and_keeps_the_series(world: World) -> None:
    call_command("count_sector_audits")
    call_command("count_sector_audits")
    assert SectorCount.objects.count() == 2  # earlier counts stay: a series for monitoring
    assert set(SectorCount.objects.first().figures) >= {"audits_avoided", "zero_tolerance", "kpis"}  # type: ignore[union-attr]


def test_members_do_not_read_the_sector_count(world: World) -> None:
    services.count_sector()
    assert client_for(world.admin_a).get(reverse("audits:sector")).status_code in {403, 404}
