"""The append-only, hash-chained audit trail.

Service functions call :func:`record` inside their transaction, so a change and
its audit event commit or roll back together. Each event's hash is an HMAC-SHA256,
under a key kept outside the database (``settings.AUDIT_LOG_KEY``), of its own
content and the previous event's hash; :func:`verify_chain` walks the chain and
reports the first place where a row was altered, removed or inserted.

The key stops someone who can write the database but not read the server's
environment from forging a consistent chain. It cannot stop them from cutting
events off the end and moving the head back to an earlier event: checkpoints of
the head kept on other storage catch that (:func:`check_checkpoints`, used by
``covenant verify-audit-log --checkpoint FILE``), and they also catch a rewrite by
someone who holds the key.

Summaries must never hold grievance content or secrets: they are readable by the
organisation's administrators.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

from covenant.core.actors import Actor
from covenant.core.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64
HASH_ALGORITHM = "hmac-sha256"
REKEYED_ACTION = "core.audit_log.rekeyed"
# Changing this label changes the derived key, and every existing hash stops verifying.
_KEY_LABEL = b"covenant.core.audit-log-key.v1"


def audit_key() -> bytes:
    """The HMAC key: ``AUDIT_LOG_KEY``, or (outside production) one derived from ``SECRET_KEY``."""
    configured = str(getattr(settings, "AUDIT_LOG_KEY", "") or "")
    if configured:
        return configured.encode()
    return hmac.new(str(settings.SECRET_KEY).encode(), _KEY_LABEL, hashlib.sha256).digest()


def key_source() -> str:
    return "AUDIT_LOG_KEY" if getattr(settings, "AUDIT_LOG_KEY", "") else "derived from SECRET_KEY"


def _canonical(event: Any) -> bytes:
    created: datetime = event.created_at
    payload = {
        "seq": event.seq,
        "created_at": created.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_user_id": event.actor_user_id,
        "actor_label": event.actor_label,
        "actor_org_id": event.actor_org_id,
        "org_id": event.org_id,
        "via": event.via,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "summary": event.summary,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def compute_hash(event: Any, key: bytes | None = None) -> str:
    """The event's keyed hash (its content and ``prev_hash``), under ``key`` or :func:`audit_key`."""
    return hmac.new(audit_key() if key is None else key, _canonical(event), hashlib.sha256).hexdigest()


def legacy_hash(event: Any) -> str:
    """The unkeyed SHA-256 the log used before migration ``core.0003``; only the upgrade reads it."""
    return hashlib.sha256(_canonical(event)).hexdigest()


def _jsonable(value: Any) -> Any:
    """Round-trip through JSON so the hash is computed over exactly what the
    database will give back (dates become strings, tuples become lists)."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


class AuditChainError(RuntimeError):
    """The chain's anchor is missing while events exist: refuse to write on top."""


def _locked_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    if AuditEvent.objects.exists():
        # A concurrent writer may have started the chain since our first look: its head
        # row commits with its first event, so seeing the event means we now see the head.
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is not None:
            return head
        raise AuditChainError("The audit chain head is missing; run `covenant verify-audit-log`.")
    # An empty log (a fresh or flushed database) starts a new chain; lock the row we (or a racer) made.
    AuditHead.objects.get_or_create(pk=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH})
    return AuditHead.objects.select_for_update().get(pk=1)


def record(
    actor: Actor,
    action: str,
    *,
    obj: models.Model | None = None,
    org_id: int | None = None,
    summary: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Append one event. Call it inside the transaction of the change it records.

    ``org_id`` is the organisation whose data changed (whose administrators may
    read the event); it defaults to the actor's organisation.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    if org_id is None and actor.org is not None:
        org_id = actor.org.pk
    with transaction.atomic():
        # The head row is the lock that serialises appenders (a row lock on
        # PostgreSQL; SQLite already serialises write transactions).
        head = _locked_head()
        event = AuditEvent(
            seq=head.last_seq + 1,
            created_at=timezone.now(),
            actor_user_id=actor.user.pk if actor.user is not None else None,
            actor_label=actor.label[:254],
            actor_org_id=actor.org.pk if actor.org is not None else None,
            org_id=org_id,
            via=actor.via,
            action=action,
            object_type=object_type[:60],
            object_id=str(object_id)[:64],
            object_repr=object_repr[:200],
            summary=_jsonable(summary or {}),
            prev_hash=head.last_hash,
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    problem: str = ""
    seq: int | None = None
    head_hash: str = GENESIS_HASH


def _batches(event_model: Any, using: str, after: int = 0, batch: int = 5000) -> Iterator[list[Any]]:
    last = after
    while True:
        rows = list(event_model.objects.using(using).filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield rows
        last = rows[-1].seq


def _walk(hasher: Callable[[Any], str], event_model: Any, head_model: Any, using: str) -> ChainReport:
    expected_prev = GENESIS_HASH
    checked = 0
    while True:
        for rows in _batches(event_model, using, after=checked):
            for event in rows:
                expected_seq = checked + 1
                if event.seq != expected_seq:
                    return ChainReport(
                        False,
                        checked,
                        f"event #{expected_seq} is missing (deleted?): #{checked} is followed by #{event.seq}",
                        expected_seq,
                    )
                if event.prev_hash != expected_prev:
                    return ChainReport(
                        False,
                        checked,
                        f"event #{event.seq} does not link to event #{checked} (previous hash differs)",
                        event.seq,
                    )
                if hasher(event) != event.hash:
                    return ChainReport(
                        False,
                        checked,
                        f"event #{event.seq} was altered: its content no longer matches its hash",
                        event.seq,
                    )
                expected_prev = event.hash
                checked += 1
        head = head_model.objects.using(using).filter(pk=1).first()
        last_seq, last_hash = (head.last_seq, head.last_hash) if head is not None else (0, GENESIS_HASH)
        if (last_seq, last_hash) == (checked, expected_prev):
            return ChainReport(True, checked, head_hash=expected_prev)
        # An appender commits its event and the head together, so a head ahead of our walk
        # means events arrived while we read: walk on. If no new event turns up, they are gone.
        if last_seq > checked and event_model.objects.using(using).filter(seq=checked + 1).exists():
            continue
        return ChainReport(
            False,
            checked,
            f"the chain ends at #{checked} but the recorded head is #{last_seq}: "
            "the last events were deleted or the head was changed",
            checked + 1,
        )


def verify_chain() -> ChainReport:
    """Walk the whole chain in order and return the first broken link, if any.

    Safe to run while the platform writes: events appended during the walk are
    walked too, so the result describes the log as of the moment it ends.
    """
    key = audit_key()

    def keyed(event: Any) -> str:
        return compute_hash(event, key)

    return _walk(keyed, AuditEvent, AuditHead, DEFAULT_DB_ALIAS)


# --- Upgrading an unkeyed log ---------------------------------------------------------------


class AuditUpgradeRefused(RuntimeError):
    """The unkeyed chain is already broken: re-keying it would launder the damage."""


@dataclass(frozen=True)
class RekeyReport:
    events: int
    previous_head_hash: str
    rekeyed_event_seq: int


def rekey_chain(
    event_model: Any = AuditEvent,
    head_model: Any = AuditHead,
    *,
    using: str = DEFAULT_DB_ALIAS,
    key: bytes | None = None,
) -> RekeyReport | None:
    """Move a log hashed with plain SHA-256 to the keyed hash (migration ``core.0003`` calls it).

    The old chain is verified first, and nothing is changed if it is broken. Then
    every event's ``prev_hash`` and ``hash`` are recomputed with the key (the content
    is untouched, so the old hashes stay recomputable), and one more event,
    ``core.audit_log.rekeyed``, records the old head's number and hash so that a head
    noted down before the upgrade can still be checked against the log. An empty log
    needs nothing and gets no event. Returns ``None`` then.

    Takes model classes so the migration can pass its historical models.
    """
    chain_key = audit_key() if key is None else key

    def hash_with_key(event: Any) -> str:
        return compute_hash(event, chain_key)

    connection = connections[using]
    with transaction.atomic(using=using):
        # Hold the appenders' lock: nothing may be chained onto a half-rewritten log.
        head = head_model.objects.using(using).select_for_update().filter(pk=1).first()
        if not event_model.objects.using(using).exists():
            return None
        old = _walk(legacy_hash, event_model, head_model, using)
        if not old.ok:
            raise AuditUpgradeRefused(
                f"The audit trail was already broken before the upgrade to keyed hashes, after {old.checked} "
                f"good events: {old.problem}. Nothing was changed. Restore the log from a backup taken "
                "before the damage (or investigate it) and migrate again."
            )
        meta = event_model._meta
        quote = connection.ops.quote_name
        # Raw SQL on purpose: the ORM refuses to update audit events, and this is the one rewrite
        # allowed. The names are quoted from the model's own metadata; the values are parameters.
        table, prev_col, hash_col, seq_col = (
            quote(name)
            for name in (
                meta.db_table,
                meta.get_field("prev_hash").column,
                meta.get_field("hash").column,
                meta.get_field("seq").column,
            )
        )
        sql = f"UPDATE {table} SET {prev_col} = %s, {hash_col} = %s WHERE {seq_col} = %s"  # noqa: S608
        prev = GENESIS_HASH
        with connection.cursor() as cursor:
            for rows in _batches(event_model, using):
                updates: list[tuple[str, str, int]] = []
                for event in rows:
                    event.prev_hash = prev
                    prev = hash_with_key(event)
                    updates.append((event.prev_hash, prev, event.seq))
                cursor.executemany(sql, updates)
        marker = event_model(
            seq=old.checked + 1,
            created_at=timezone.now(),
            actor_user_id=None,
            actor_label="system",
            actor_org_id=None,
            org_id=None,
            via="system",
            action=REKEYED_ACTION,
            object_type="",
            object_id="",
            object_repr="",
            summary={
                "algorithm": HASH_ALGORITHM,
                "key": key_source(),
                "previous_algorithm": "sha256",
                "previous_head_seq": old.checked,
                "previous_head_hash": old.head_hash,
            },
            prev_hash=prev,
        )
        marker.hash = hash_with_key(marker)
        marker.save(using=using, force_insert=True)
        head_model.objects.using(using).filter(pk=head.pk).update(last_seq=marker.seq, last_hash=marker.hash)
    return RekeyReport(old.checked, old.head_hash, marker.seq)


# --- Checkpoints of the head, kept outside the database -------------------------------------


class CheckpointFileError(ValueError):
    """A line of a checkpoint file cannot be read."""


@dataclass(frozen=True)
class Checkpoint:
    line: int
    seq: int
    hash: str
    at: str


def format_checkpoint(seq: int, head_hash: str, at: datetime) -> str:
    """One line of a checkpoint file: ``seq hash time``, time in UTC ISO 8601."""
    return f"{seq} {head_hash} {at.astimezone(UTC).isoformat(timespec='seconds')}\n"


def parse_checkpoints(text: str) -> list[Checkpoint]:
    """Read a checkpoint file; blank lines and ``#`` comments are skipped."""
    checkpoints: list[Checkpoint] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 3:
            raise CheckpointFileError(f"line {number} is not `seq hash time`: {line[:120]!r}")
        seq_text, head_hash, at = parts
        if not seq_text.isdigit():
            raise CheckpointFileError(f"line {number}: {seq_text!r} is not an event number")
        if len(head_hash) != 64 or any(c not in "0123456789abcdef" for c in head_hash):
            raise CheckpointFileError(f"line {number}: {head_hash[:80]!r} is not a 64-digit hex hash")
        try:
            datetime.fromisoformat(at)
        except ValueError:
            raise CheckpointFileError(f"line {number}: {at[:80]!r} is not an ISO 8601 time") from None
        checkpoints.append(Checkpoint(number, int(seq_text), head_hash, at))
    return checkpoints


def check_checkpoints(checkpoints: Sequence[Checkpoint], chain: ChainReport) -> str:
    """The first checkpoint, in file order, that the verified chain no longer contains ("" if none).

    Call it only with a report of an intact chain: then every event up to
    ``chain.checked`` exists and is linked, so one hash per checkpoint settles it.
    """
    wanted = sorted({c.seq for c in checkpoints if 0 < c.seq <= chain.checked})
    current: dict[int, str] = {0: GENESIS_HASH}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        current.update(AuditEvent.objects.filter(seq__in=chunk).values_list("seq", "hash"))
    for c in checkpoints:
        where = f"checkpoint on line {c.line} (taken {c.at})"
        if c.seq > chain.checked:
            return (
                f"{where} records event #{c.seq}, but the chain now ends at #{chain.checked}: "
                "events were cut off the end of the log"
            )
        found = current.get(c.seq)
        if found is None:
            return f"{where} records event #{c.seq}, which is no longer in the log"
        if found != c.hash:
            return (
                f"{where} records event #{c.seq} with hash {c.hash[:16]}…, the log now has {found[:16]}…: "
                f"the log was rewritten at or before event #{c.seq}"
            )
    return ""
