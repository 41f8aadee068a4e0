"""The match index follows the register through its change log, and restarts from a snapshot."""

from __future__ import annotations

import io

from django.core.management import call_command

from covenant.matching import Record
from covenant.registry import matchindex, services
from tests.conftest import World, actor_of
from tests.factories import make_facility


def _best(name: str, address: str, country: str) -> str | None:
    return matchindex.get_matcher().match(Record("q", name, address, country)).registry_id


def test_new_renamed_and_closed_facilities_reach_the_index_without_a_rebuild(world: World) -> None:
    matchindex.reset(ignore_snapshot=True)
    mill = make_facility("Anatolia Towel Mill", "TR", "Organize Sanayi Bolgesi, Denizli")
    assert _best("Anatolia Towel Mill", "Denizli", "TR") == mill.public_id
    services.update_facility(actor_of(world.coordinator), mill, name="Anadolu Havlu Fabrikasi")
    assert _best("Anadolu Havlu Fabrikasi", "Denizli", "TR") == mill.public_id
    services.close_facility(actor_of(world.coordinator), mill)
    assert _best("Anadolu Havlu Fabrikasi", "Denizli", "TR") is None


def test_a_snapshot_is_used_on_start_and_caught_up(world: World) -> None:
    matchindex.reset(ignore_snapshot=True)
    first = make_facility("Bursa Silk Weavers", "TR", "Nilufer, Bursa")
    out = io.StringIO()
    call_command("match_index", stdout=out)
    assert "Match index: 1 facilities" in out.getvalue()
    second = make_facility("Izmir Cotton Ginning", "TR", "Torbali, Izmir")
    matchindex.reset()  # a new process: loads the snapshot, then replays the change log
    assert _best("Bursa Silk Weavers", "Nilufer Bursa", "TR") == first.public_id
    assert _best("Izmir Cotton Ginning", "Torbali Izmir", "TR") == second.public_id


def test_a_snapshot_from_another_database_is_ignored(world: World, tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    matchindex.reset(ignore_snapshot=True)
    make_facility("Snapshot Mill", "TR")
    matchindex.save_snapshot()
    meta = tmp_path / "matching" / "register.json"
    meta.write_text('{"seq": 999999999}')  # a change this database never had
    matchindex.reset()
    assert _best("Snapshot Mill", "", "TR") is not None
