"""The match index over the register, kept in step with the database.

Every process that matches (a web worker answering a single-row lookup, the
background worker processing a list) holds one :class:`MatchIndex` in memory.
Writes to the register append :class:`RegistryChange` rows in the same
transaction; before matching, a process replays the changes it has not seen.
So a merge, a rename or a new facility is visible to the next match without a
rebuild, and the index on disk (a snapshot) is only a start-up shortcut.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch

from covenant.matching import Matcher, MatchIndex, Record, Thresholds
from covenant.registry.models import (
    Facility,
    FacilityAlias,
    FacilityIdentifier,
    FacilityStatus,
    MatchFeedback,
    RegistryChange,
)

log = logging.getLogger(__name__)
_lock = threading.RLock()


@dataclass
class _State:
    matcher: Matcher
    applied_seq: int
    fingerprint: str = ""


def _fingerprint(seq: int) -> str:
    """Identifies a change beyond its number: after a restore or rollback, numbers can be reused."""
    change = RegistryChange.objects.filter(seq=seq).values_list("created_at", "facility_id", "kind").first()
    if change is None:
        return ""
    created_at, facility_id, kind = change
    return f"{seq}|{created_at.isoformat()}|{facility_id}|{kind}"


_state: _State | None = None


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


def _build() -> _State:
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
    return _State(matcher, applied, _fingerprint(applied))


def _snapshot_path() -> Path:
    return Path(settings.DATA_DIR) / "matching" / "register.idx"


def _load_snapshot() -> _State | None:
    path = _snapshot_path()
    meta_path = path.with_suffix(".json")
    if not path.exists() or not meta_path.exists():
        return None
    try:
        meta = json.loads(meta_path.read_text())
        seq = int(meta["seq"])
        # The snapshot belongs to this database only if the change it ends at is still there.
        if seq and meta.get("change") != _fingerprint(seq):
            return None
        index = MatchIndex.load(path)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("Ignoring unreadable match-index snapshot: %s", exc)
        return None
    return _State(Matcher(index, thresholds()), seq, meta.get("change", ""))


def save_snapshot() -> Path:
    """Write the current index to disk (atomically) so the next process starts fast."""
    with _lock:
        state = _ensure_current()
        path = _snapshot_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        state.matcher.index.save(tmp)
        os.replace(tmp, path)
        meta = {"seq": state.applied_seq, "change": _fingerprint(state.applied_seq)}
        path.with_suffix(".json").write_text(json.dumps(meta))
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


def _apply(state: _State, change: RegistryChange, facilities: dict[str, Facility]) -> bool:
    """Apply one change; True when it taught the matcher something."""
    index = state.matcher.index
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
            state.matcher.learn(_feedback_record(fb), fb.facility_id, fb.confirmed)
            return True
    return False


def _catch_up(state: _State) -> bool:
    """Apply changes since ``state.applied_seq``; False if the state no longer fits the database."""
    if state.applied_seq and _fingerprint(state.applied_seq) != state.fingerprint:
        return False
    while True:
        changes = list(
            RegistryChange.objects.filter(seq__gt=state.applied_seq).select_related("feedback").order_by("seq")[:2000]
        )
        if not changes:
            return True
        wanted = {c.facility_id for c in changes if c.kind == RegistryChange.Kind.UPSERT}
        facilities = {f.public_id: f for f in _with_details(Facility.objects.filter(public_id__in=wanted))}
        learned = False
        for change in changes:
            learned = _apply(state, change, facilities) or learned
            state.applied_seq = change.seq
        state.fingerprint = _fingerprint(state.applied_seq)
        if learned:
            state.matcher.refit()


def _ensure_current() -> _State:
    global _state
    if _state is None:
        _state = _load_snapshot() or _build()
    if not _catch_up(_state):
        log.info("Match index no longer fits the database; rebuilding")
        _state = _build()
    return _state


def get_matcher() -> Matcher:
    """The matcher over the current register. Callers must hold no open write
    transaction on SQLite for long, as catching up reads the change log."""
    with _lock:
        return _ensure_current().matcher


def reset(*, ignore_snapshot: bool = False) -> None:
    """Forget the in-memory index (tests; after restoring a database)."""
    global _state
    with _lock:
        _state = None
        if ignore_snapshot:
            for path in (_snapshot_path(), _snapshot_path().with_suffix(".json")):
                path.unlink(missing_ok=True)
