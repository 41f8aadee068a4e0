"""The append-only, hash-chained audit trail.

Service functions call :func:`record` inside their transaction, so a change and
its audit event commit or roll back together. Each event's hash covers its own
content and the previous event's hash; :func:`verify_chain` walks the chain and
reports the first place where a row was altered, removed or inserted.

Summaries must never hold grievance content or secrets: they are readable by the
organisation's administrators.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from covenant.core.actors import Actor
from covenant.core.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
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


def compute_hash(event: AuditEvent) -> str:
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


def _events(batch: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify_chain() -> ChainReport:
    """Walk the whole chain in order and return the first broken link, if any."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in _events():
        if event.seq != expected_seq:
            return ChainReport(
                False,
                checked,
                f"event #{expected_seq} is missing (deleted?): #{expected_seq - 1} is followed by #{event.seq}",
                expected_seq,
            )
        if event.prev_hash != expected_prev:
            return ChainReport(
                False,
                checked,
                f"event #{event.seq} does not link to event #{event.seq - 1} (previous hash differs)",
                event.seq,
            )
        if compute_hash(event) != event.hash:
            return ChainReport(
                False, checked, f"event #{event.seq} was altered: its content no longer matches its hash", event.seq
            )
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first() or AuditHead(last_seq=0, last_hash=GENESIS_HASH)
    if head.last_seq != checked or head.last_hash != expected_prev:
        return ChainReport(
            False,
            checked,
            f"the chain ends at #{checked} but the recorded head is #{head.last_seq}: "
            "the last events were deleted or the head was changed",
            checked + 1,
        )
    return ChainReport(True, checked, head_hash=expected_prev)
