"""The match index follows the register through its change log, and restarts from a snapshot."""

from __future__ import annotations

import gc
import io
import json
import os
import threading
from typing import Any

from django.core.management import call_command

from covenant.matching import Matcher, MatchIndex, Record
from covenant.matching.shared import SharedIndex, write_snapshot
from covenant.registry import matchindex, services
from covenant.registry.models import Facility
from tests.conftest import World, actor_of
from tests.factories import make_facility


def _shared() -> SharedIndex:
    index: object = matchindex.get_matcher().index
    assert isinstance(index, SharedIndex)
    return index


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
    # An (empty) index ending at a change this database never had.
    write_snapshot(MatchIndex(), tmp_path / "matching" / "register.idx", meta={"seq": 999999999, "change": "x"})
    matchindex.reset()
    assert _best("Snapshot Mill", "", "TR") is not None
    assert _shared().snapshot_meta["seq"] != 999999999  # rebuilt and written again


def test_a_snapshot_gives_the_same_matches_as_a_fresh_build(world: World) -> None:
    matchindex.reset(ignore_snapshot=True)
    make_facility("Kestrel Spinning Mill", "TR", "Organize Sanayi, Denizli")
    make_facility("Osprey Dye House", "TR", "Nilufer, Bursa", identifiers={"duns": "123456789"})
    make_facility("Blue Moon Tea Farmers Cooperative", "KE", "Kericho")
    queries = [
        Record("q1", "Kestrel Spinning", "Denizli", "TR"),
        Record("q2", "Some Dye Works", "", "TR", identifiers={"duns": "123456789"}),
        Record("q3", "Silver Moon Tea Farmers Cooperative", "Kericho", "KE"),
        Record("q4", "Unknown Mill", "Izmir", "TR"),
    ]
    snapshot = matchindex.get_matcher()  # built, written to disk and mapped back
    fresh = Matcher(matchindex._build_index()[0], matchindex.thresholds())
    for q in queries:
        a, b = snapshot.match(q), fresh.match(q)
        assert (a.decision, a.registry_id, a.score) == (b.decision, b.registry_id, b.score)
        assert [c.registry_id for c in a.candidates] == [c.registry_id for c in b.candidates]


def test_a_stale_snapshot_is_caught_up_not_rebuilt(world: World) -> None:
    matchindex.reset(ignore_snapshot=True)
    first = make_facility("Kestrel Spinning Mill", "TR", "Organize Sanayi, Denizli")
    second = make_facility("Osprey Dye House", "TR", "Nilufer, Bursa")
    matchindex.save_snapshot()
    builds = matchindex.builds
    services.merge_facilities(actor_of(world.coordinator), second, first)
    third = make_facility("Heron Knitwear", "TR", "Sanayi Sitesi, Izmir")
    matchindex.reset()  # a new process: maps the (stale) snapshot, then replays the change log
    assert _best("Osprey Dye House", "Nilufer Bursa", "TR") == first.public_id
    assert _best("Heron Knitwear", "Izmir", "TR") == third.public_id
    assert matchindex.get_matcher().index.resolve(second.public_id) == first.public_id
    assert matchindex.builds == builds


def test_a_snapshot_written_by_another_process_is_mapped_by_the_running_ones(world: World) -> None:
    matchindex.reset(ignore_snapshot=True)
    make_facility("Kestrel Spinning Mill", "TR", "Organize Sanayi, Denizli")
    before = _shared()
    make_facility("Osprey Dye House", "TR", "Nilufer, Bursa")
    assert _shared().layer_size == 1  # this process holds the new site itself
    matchindex.save_snapshot()  # as the task worker does after a list
    after = _shared()
    assert after.snapshot_identity != before.snapshot_identity
    assert after.layer_size == 0 and len(after) == 2


def test_a_worker_forked_from_a_warm_master_does_not_rebuild(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.db import connections

    from covenant import gunicorn_conf

    matchindex.reset(ignore_snapshot=True)
    mill = make_facility("Kestrel Spinning Mill", "TR", "Organize Sanayi, Denizli")
    monkeypatch.setattr(connections, "close_all", lambda: None)  # the test's transaction must stay open
    try:
        gunicorn_conf.warm_match_index()  # what the gunicorn master runs before forking
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    master = _shared()
    builds = matchindex.builds
    later = make_facility("Osprey Dye House", "TR", "Nilufer, Bursa")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        code = 1
        try:
            index = _shared()
            found = _best("Osprey Dye House", "Nilufer Bursa", "TR")
            result = [matchindex.builds - builds, index.snapshot_identity == master.snapshot_identity, found]
            os.write(write, json.dumps(result).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as fh:
        output = fh.read()
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    rebuilt, same_file, found = json.loads(output)
    assert rebuilt == 0 and same_file  # it mapped the master's snapshot, and caught up from there
    assert found == later.public_id
    assert mill.public_id in master


def test_readers_never_see_a_half_applied_merge(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A request thread keeps matching with the matcher it has while another thread
    applies merges; the merge is paused half-way until a reader has looked."""
    matchindex.reset(ignore_snapshot=True)
    names = [
        ("Kestrel Spinning Mill", "Osprey Dye House", "Denizli"),
        ("Heron Knitwear", "Plover Washing Plant", "Bursa"),
        ("Falcon Towel Works", "Magpie Printing", "Izmir"),
    ]
    pairs = []
    for survivor_name, loser_name, town in names:
        survivor = make_facility(survivor_name, "TR", f"Organize Sanayi, {town}")
        loser = make_facility(loser_name, "TR", f"Sanayi Sitesi, {town}")
        pairs.append((survivor.public_id, loser.public_id, Record("q", loser_name, f"Sanayi Sitesi {town}", "TR")))
    held = matchindex.get_matcher()

    halfway, looked = threading.Event(), threading.Event()
    merging = threading.local()
    real_merge, real_add_slot = MatchIndex.merge, MatchIndex._add_slot

    def merge(self: MatchIndex, loser_id: str, survivor_id: str) -> None:
        merging.on = True
        try:
            real_merge(self, loser_id, survivor_id)
        finally:
            merging.on = False

    def add_slot(self: MatchIndex, *args: Any) -> int:
        if getattr(merging, "on", False):
            merging.on = False  # pause once per merge: the loser's names are gone, the survivor's not yet added
            halfway.set()
            looked.wait(timeout=30)
            looked.clear()
        return real_add_slot(self, *args)

    monkeypatch.setattr(MatchIndex, "merge", merge)
    monkeypatch.setattr(MatchIndex, "_add_slot", add_slot)

    problems: list[str] = []
    checks = {"paused": 0, "reads": 0}
    stop = threading.Event()

    def consistent(matcher: Matcher) -> None:
        index = matcher.index
        for survivor_id, loser_id, query in pairs:
            result = matcher.match(query)
            if loser_id in index:
                if result.registry_id != loser_id:
                    problems.append(f"{loser_id} is registered but its name finds {result.registry_id}")
            elif index.resolve(loser_id) != survivor_id or result.registry_id != survivor_id:
                problems.append(f"{loser_id} is merged but its name finds {result.registry_id}")

    def inspector() -> None:  # looks whenever a merge is paused half-way
        while not stop.is_set():
            if not halfway.wait(timeout=0.01):
                continue
            halfway.clear()
            try:
                consistent(held)  # the matcher a request thread got before the merge began
                state = matchindex._state
                if state is not None:
                    consistent(state.matcher)  # and the one a new request would get now
            except Exception as exc:  # any error a reader meets is a failure
                problems.append(repr(exc))
            checks["paused"] += 1
            looked.set()

    def hammer() -> None:  # reads all the time, with the matcher it holds
        while not stop.is_set():
            try:
                consistent(held)
            except Exception as exc:
                problems.append(repr(exc))
            checks["reads"] += 1

    threads = [threading.Thread(target=inspector), threading.Thread(target=hammer)]
    for t in threads:
        t.start()
    try:
        for survivor_id, loser_id, _query in pairs:
            survivor = Facility.objects.get(public_id=survivor_id)
            loser = Facility.objects.get(public_id=loser_id)
            services.merge_facilities(actor_of(world.coordinator), loser, survivor)
            matchindex.get_matcher()  # catch up (the merge pauses half-way)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert problems == []
    assert checks["paused"] == len(pairs)  # every merge was looked at half-way
    now = matchindex.get_matcher()
    assert all(now.index.resolve(loser_id) == survivor_id for survivor_id, loser_id, _q in pairs)
    assert all(held.index.resolve(loser_id) == loser_id for _s, loser_id, _q in pairs)  # never changed
