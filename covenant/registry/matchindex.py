"""The match index over the register, kept in step with the database.

Every process that matches (a web worker answering a single-row lookup, the
background worker processing a list) holds one index. Writes to the register
append :class:`RegistryChange` rows in the same transaction; before matching, a
process replays the changes it has not seen. So a merge, a rename or a new
facility is visible to the next match without a rebuild.

Shared: the index lives in a snapshot file (``DATA_DIR/matching/register.idx``,
``covenant.matching.shared``) that every process maps read-only, so the processes
of one machine hold one copy of it; each process keeps only the changes since the
snapshot in its own memory. ``covenant serve`` loads it in the gunicorn master
before the workers fork (``covenant/gunicorn_conf.py``), and a process that finds a
newer snapshot on disk moves to it.

Safe under threads: a published state is never changed. Catching up copies the
process's small layer of changes, applies the new changes to the copy and then
swaps one reference, so a request thread matching rows with the matcher it got
sees either the state before a change or after it, never half of it.
"""

from __future__ import annotations

import copy
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from django.conf import settings
from django.db.models import Prefetch

from covenant.matching import Matcher, MatchIndex, Record, Thresholds
from covenant.matching.shared import SharedIndex, write_snapshot
from covenant.registry.models import (
    Facility,
    FacilityAlias,
    FacilityIdentifier,
    FacilityStatus,
    MatchFeedback,
    RegistryChange,
)

log = logging.getLogger(__name__)
#: Held while the published state is replaced (catching up, rebuilding); never while matching.
_lock = threading.RLock()
#: One snapshot writer per process at a time (writing takes long on a large register).
_save_lock = threading.Lock()


@dataclass(frozen=True)
class _State:
    """One published, never changed, view of the register."""

    matcher: Matcher
    applied_seq: int
    fingerprint: str = ""

    @property
    def index(self) -> SharedIndex:
        index: object = self.matcher.index
        assert isinstance(index, SharedIndex)
        return index


def _matcher(index: SharedIndex, thresholds: Thresholds) -> Matcher:
    # A SharedIndex answers everything the Matcher asks of a MatchIndex (covenant.matching.shared).
    return Matcher(cast(MatchIndex, index), thresholds)


def _fingerprint(seq: int) -> str:
    """Identifies a change beyond its number: after a restore or rollback, numbers can be reused."""
    change = RegistryChange.objects.filter(seq=seq).values_list("created_at", "facility_id", "kind").first()
    if change is None:
        return ""
    created_at, facility_id, kind = change
    return f"{seq}|{created_at.isoformat()}|{facility_id}|{kind}"


_state: _State | None = None
#: The snapshot file last looked at (so a file that does not fit is not opened again and again).
_checked: str | None = None
#: How many states this process has built from the database (tests: a forked worker builds none).
builds = 0


def thresholds() -> Thresholds:
    conf = getattr(settings, "MATCH_THRESHOLDS", {})
    return Thresholds(**conf)


def facility_record(facility: Facility) -> Record:
    """The matching engine's view of a facility (aliases and identifiers prefetched)."""
    aliases = tuple(dict.fromkeys(a.name for a in facility.aliases.all() if a.name != facility.name))
    return Record(
        id=facility.public_id,
        name=facility.name,
        address=facility.address,
        country=facility.country,
        identifiers={i.scheme: i.value for i in facility.identifiers.all()},
        lat=facility.lat,
        lng=facility.lng,
        aliases=aliases,
    )


def _with_details(qs: Iterable[Facility]) -> Iterable[Facility]:
    return qs.prefetch_related(  # type: ignore[attr-defined,no-any-return]
        Prefetch("aliases", queryset=FacilityAlias.objects.only("facility_id", "name")),
        Prefetch("identifiers", queryset=FacilityIdentifier.objects.only("facility_id", "scheme", "value")),
    )


def _active_records(batch: int = 5000) -> Iterator[Record]:
    last = 0
    base = Facility.objects.filter(status=FacilityStatus.ACTIVE).order_by("pk")
    while True:
        chunk = list(_with_details(base.filter(pk__gt=last)[:batch]))
        if not chunk:
            return
        for facility in chunk:
            yield facility_record(facility)
        last = chunk[-1].pk


def _feedback_record(fb: MatchFeedback) -> Record:
    return Record(id=f"feedback-{fb.pk}", name=fb.name, address=fb.address, country=fb.country)


def _build_index() -> tuple[MatchIndex, int]:
    applied = RegistryChange.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    index = MatchIndex()
    index.add_many(_active_records())
    matcher = Matcher(index, thresholds())
    learned = False
    for fb in MatchFeedback.objects.order_by("pk").iterator():
        if fb.facility_id in index:
            matcher.learn(_feedback_record(fb), fb.facility_id, fb.confirmed)
            learned = True
    if learned:
        matcher.refit()
    return index, applied


def _build() -> _State:
    """Build from the database, write the snapshot, and map it (or keep it in memory)."""
    global builds
    builds += 1
    index, applied = _build_index()
    fingerprint = _fingerprint(applied)
    meta = {"seq": applied, "change": fingerprint}
    try:
        write_snapshot(index, _snapshot_path(), meta=meta)
        shared = SharedIndex.open(_snapshot_path())
    except (OSError, ValueError) as exc:
        log.warning("Could not write the match-index snapshot (%s); this process keeps its own copy", exc)
        shared = SharedIndex.from_index(index, meta=meta)
    return _State(_matcher(shared, thresholds()), applied, fingerprint)


def _snapshot_path() -> Path:
    return Path(settings.DATA_DIR) / "matching" / "register.idx"


def _load_snapshot() -> _State | None:
    path = _snapshot_path()
    if not path.exists():
        return None
    try:
        index = SharedIndex.open(path)
        seq = int(index.snapshot_meta["seq"])
        change = str(index.snapshot_meta.get("change", ""))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("Ignoring unreadable match-index snapshot: %s", exc)
        return None
    # The snapshot belongs to this database only if the change it ends at is still there.
    if seq and change != _fingerprint(seq):
        return None
    return _State(_matcher(index, thresholds()), seq, change)


def _snapshot_identity() -> str | None:
    try:
        st = os.stat(_snapshot_path())
    except OSError:
        return None
    return f"{st.st_dev}:{st.st_ino}:{st.st_mtime_ns}"


def save_snapshot() -> Path:
    """Write the current index to disk (atomically): the next process, and every
    running one at its next catch-up, maps it instead of holding its own changes."""
    with _save_lock:
        with _lock:
            state = _ensure_current()
        path = _snapshot_path()
        shared = state.index
        if shared.snapshot_identity == _snapshot_identity() and shared.snapshot_meta.get("seq") == state.applied_seq:
            return path  # the file on disk is this very state: no change applied since it was mapped
        # A published state never changes, so it is written without holding up matching.
        index = shared.materialize()
        write_snapshot(index, path, meta={"seq": state.applied_seq, "change": state.fingerprint})
        return path


def save_snapshot_if_stale(max_age_seconds: float = 600) -> bool:
    """Save a snapshot when the last one is older than ``max_age_seconds`` (cheap to call often)."""
    path = _snapshot_path()
    try:
        age = time.time() - path.stat().st_mtime
    except OSError:
        age = float("inf")
    if age < max_age_seconds:
        return False
    save_snapshot()
    return True


def _apply(matcher: Matcher, change: RegistryChange, facilities: dict[str, Facility]) -> bool:
    """Apply one change to an unpublished copy; True when it taught the matcher something."""
    index = matcher.index
    if change.kind == RegistryChange.Kind.UPSERT:
        facility = facilities.get(change.facility_id)
        if facility is None or facility.status != FacilityStatus.ACTIVE:
            if change.facility_id in index:
                index.remove(change.facility_id)
            return False
        record = facility_record(facility)
        if change.facility_id in index:
            index.update(record)
        else:
            index.add(record)
    elif change.kind == RegistryChange.Kind.REMOVE:
        if change.facility_id in index:
            index.remove(change.facility_id)
    elif change.kind == RegistryChange.Kind.MERGE:
        if change.facility_id in index and change.other_id in index:
            index.merge(change.facility_id, change.other_id)
    elif change.kind == RegistryChange.Kind.FEEDBACK and change.feedback is not None:
        fb = change.feedback
        if fb.facility_id in index:
            matcher.learn(_feedback_record(fb), fb.facility_id, fb.confirmed)
            return True
    return False


def _caught_up(state: _State) -> _State | None:
    """``state`` with the changes since it applied, as a new state (``state`` itself when
    there were none); None if the state no longer fits the database."""
    if state.applied_seq and _fingerprint(state.applied_seq) != state.fingerprint:
        return None
    matcher: Matcher | None = None
    applied = state.applied_seq
    while True:
        changes = list(RegistryChange.objects.filter(seq__gt=applied).select_related("feedback").order_by("seq")[:2000])
        if not changes:
            break
        if matcher is None:
            # The copy shares the mapped snapshot, and the feedback until a change teaches it something.
            matcher = _matcher(state.index.copy(feedback=False), state.matcher.thresholds)
        wanted = {c.facility_id for c in changes if c.kind == RegistryChange.Kind.UPSERT}
        facilities = {f.public_id: f for f in _with_details(Facility.objects.filter(public_id__in=wanted))}
        learned = False
        for change in changes:
            if change.kind == RegistryChange.Kind.FEEDBACK and matcher.index.feedback is state.index.feedback:
                matcher.index.feedback = copy.deepcopy(state.index.feedback)
            learned = _apply(matcher, change, facilities) or learned
            applied = change.seq
        if learned:
            matcher.refit()
    if matcher is None:
        return state
    return _State(matcher, applied, _fingerprint(applied))


def _ensure_current() -> _State:
    """The current state (call with ``_lock`` held)."""
    global _state, _checked
    state = _state
    identity = _snapshot_identity()
    if state is not None and identity not in (_checked, state.index.snapshot_identity):
        # Another process wrote a newer snapshot: map it, so this one shares it too.
        state = _load_snapshot() or state
    _checked = identity
    if state is None:
        state = _load_snapshot() or _build()
    current = _caught_up(state)
    if current is None:
        log.info("Match index no longer fits the database; rebuilding")
        current = _build()
    _state = current
    return current


def get_matcher() -> Matcher:
    """The matcher over the current register. It is never changed afterwards: a later
    change reaches the next call's matcher, not this one (so it is safe to use from
    any thread for as long as one likes). Callers must hold no open write transaction
    on SQLite for long, as catching up reads the change log."""
    with _lock:
        return _ensure_current().matcher


def warm() -> None:
    """Load (or build) the index now, e.g. in a server's master before it forks workers."""
    get_matcher()


def reset(*, ignore_snapshot: bool = False) -> None:
    """Forget the in-memory index (tests; after restoring a database)."""
    global _state, _checked
    with _lock:
        _state = _checked = None
        if ignore_snapshot:
            _snapshot_path().unlink(missing_ok=True)
