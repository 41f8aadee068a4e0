"""The keyed audit chain, head checkpoints kept outside the database, and the upgrade
from the unkeyed chain.

The attacker here can write the database directly (raw SQL), knows the hash format,
and, where said, even holds the key.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

from covenant.core import audit
from covenant.core.actors import Actor
from covenant.core.models import AuditEvent, AuditHead
from tests.conftest import World, actor_of

Hasher = Callable[[AuditEvent], str]


def _record(n: int, actor: Actor) -> list[AuditEvent]:
    return [audit.record(actor, "test.event", summary={"n": i}) for i in range(n)]


def _raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _rechain(start: int, hasher: Hasher, summary: dict[str, Any] | None = None) -> None:
    """Rewrite the chain from event ``start`` on with ``hasher`` (optionally changing that
    event's summary), every later link and the head: a consistent forgery."""
    table = AuditEvent._meta.db_table
    prev = AuditEvent.objects.get(seq=start - 1).hash if start > 1 else audit.GENESIS_HASH
    for event in AuditEvent.objects.filter(seq__gte=start).order_by("seq"):
        if event.seq == start and summary is not None:
            event.summary = summary
        event.prev_hash = prev
        prev = hasher(event)
        _raw(
            f"UPDATE {table} SET summary = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [json.dumps(event.summary), event.prev_hash, prev, event.seq],
        )
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    AuditHead.objects.filter(pk=1).update(last_seq=last, last_hash=prev)


def _hmac_with(key: bytes) -> Hasher:
    return lambda event: audit.compute_hash(event, key)


def _checkpoint(path: Path) -> None:
    call_command("verify_audit_log", checkpoint=str(path))


# --- The key ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "forger",
    [
        pytest.param(audit.legacy_hash, id="plain-sha256"),
        pytest.param(_hmac_with(b"a guessed key"), id="hmac-with-a-guessed-key"),
        pytest.param(
            _hmac_with(hashlib.sha256(b"covenant-development-only-secret-key").digest()), id="hmac-with-another-key"
        ),
    ],
)
def test_a_consistent_rewrite_without_the_key_is_detected(world: World, forger: Hasher) -> None:
    events = _record(5, actor_of(world.admin_a))
    victim = events[1]
    _rechain(victim.seq, forger, summary={"n": 999})
    report = audit.verify_chain()
    assert not report.ok
    assert report.problem == f"event #{victim.seq} was altered: its content no longer matches its hash"
    with pytest.raises(CommandError, match=rf"BROKEN .*event #{victim.seq} was altered"):
        call_command("verify_audit_log")


def test_the_chain_is_keyed_by_audit_log_key(world: World) -> None:
    _record(2, actor_of(world.admin_a))
    assert audit.verify_chain().ok
    with override_settings(AUDIT_LOG_KEY="some-other-key-than-the-one-the-chain-was-built-with"):
        assert not audit.verify_chain().ok


def test_without_audit_log_key_the_key_is_derived_from_secret_key() -> None:
    with override_settings(AUDIT_LOG_KEY="", SECRET_KEY="one-secret"):
        derived = audit.audit_key()
        assert audit.key_source() == "derived from SECRET_KEY"
    assert derived == hmac.new(b"one-secret", b"covenant.core.audit-log-key.v1", hashlib.sha256).digest()
    assert derived != b"one-secret"
    with override_settings(AUDIT_LOG_KEY="", SECRET_KEY="another-secret"):
        assert audit.audit_key() != derived
    with override_settings(AUDIT_LOG_KEY="explicit-key", SECRET_KEY="one-secret"):
        assert audit.audit_key() == b"explicit-key"
        assert audit.key_source() == "AUDIT_LOG_KEY"


# --- Checkpoints -----------------------------------------------------------------------------


def test_an_intact_chain_passes_and_appends_a_checkpoint(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "audit.checkpoints"
    actor = actor_of(world.admin_a)
    _record(2, actor)
    _checkpoint(path)
    first_head = AuditHead.objects.get()
    _record(3, actor)
    _checkpoint(path)
    head = AuditHead.objects.get()
    lines = path.read_text().splitlines()
    assert [line.split()[:2] for line in lines] == [
        [str(first_head.last_seq), first_head.last_hash],
        [str(head.last_seq), head.last_hash],
    ]
    assert [c.seq for c in audit.parse_checkpoints(path.read_text())] == [first_head.last_seq, head.last_seq]
    assert "1 earlier checkpoint(s)" in capsys.readouterr().out.splitlines()[-1]


def test_a_rewrite_with_the_key_is_caught_by_the_checkpoint(world: World, tmp_path: Path) -> None:
    path = tmp_path / "audit.checkpoints"
    events = _record(4, actor_of(world.admin_a))
    _checkpoint(path)
    before = path.read_text()
    # Whoever holds the key can forge a chain that verifies on its own...
    _rechain(events[1].seq, audit.compute_hash, summary={"n": 999})
    assert audit.verify_chain().ok
    # ...but not one that still holds the head written down outside the database.
    with pytest.raises(CommandError, match=rf"line 1 .*rewritten at or before event #{events[-1].seq}"):
        _checkpoint(path)
    assert path.read_text() == before, "a failed check must not append a checkpoint"


def test_cutting_off_the_tail_and_moving_the_head_back_is_caught_by_the_checkpoint(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "audit.checkpoints"
    events = _record(4, actor_of(world.admin_a))
    _checkpoint(path)
    kept = events[1]
    _raw(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq > %s", [kept.seq])
    AuditHead.objects.filter(pk=1).update(last_seq=kept.seq, last_hash=kept.hash)
    # Every remaining link is genuine, so the chain alone cannot tell.
    assert audit.verify_chain().ok
    with pytest.raises(
        CommandError, match=rf"records event #{events[-1].seq}, but the chain now ends at #{kept.seq}: events were cut"
    ):
        _checkpoint(path)


def test_the_first_problem_in_the_file_is_named(world: World, tmp_path: Path) -> None:
    path = tmp_path / "audit.checkpoints"
    events = _record(3, actor_of(world.admin_a))
    good = audit.format_checkpoint(events[0].seq, events[0].hash, events[0].created_at)
    wrong = audit.format_checkpoint(events[1].seq, "f" * 64, events[1].created_at)
    path.write_text("# our checkpoints\n" + good + "\n" + wrong + good)
    with pytest.raises(CommandError, match=rf"line 4 .*event #{events[1].seq} with hash ffffffffffffffff"):
        _checkpoint(path)


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ("12 abc\n", "line 1 is not `seq hash time`"),
        ("x " + "0" * 64 + " 2026-01-01T00:00:00+00:00\n", "line 1: 'x' is not an event number"),
        ("\n3 " + "g" * 64 + " 2026-01-01T00:00:00+00:00\n", "line 2: 'ggg"),
        ("3 " + "0" * 64 + " yesterday\n", "line 1: 'yesterday' is not an ISO 8601 time"),
    ],
)
def test_an_unreadable_checkpoint_file_is_refused(world: World, tmp_path: Path, content: str, complaint: str) -> None:
    path = tmp_path / "audit.checkpoints"
    path.write_text(content)
    with pytest.raises(CommandError, match="Cannot read the checkpoint file") as caught:
        _checkpoint(path)
    assert complaint in str(caught.value)
    assert path.read_text() == content


def test_a_broken_chain_is_reported_before_the_checkpoints(world: World, tmp_path: Path) -> None:
    path = tmp_path / "audit.checkpoints"
    events = _record(3, actor_of(world.admin_a))
    _checkpoint(path)
    before = path.read_text()
    _raw(f"UPDATE {AuditEvent._meta.db_table} SET action = %s WHERE seq = %s", ["x.y", events[0].seq])
    with pytest.raises(CommandError, match=rf"BROKEN .*event #{events[0].seq} was altered"):
        _checkpoint(path)
    assert path.read_text() == before


# --- Upgrading an unkeyed log ----------------------------------------------------------------


def _first_seq() -> int:
    return AuditEvent.objects.order_by("seq").values_list("seq", flat=True).first() or 0


def _make_unkeyed(world: World) -> list[AuditEvent]:
    """A log as the releases before keyed hashes wrote it."""
    events = _record(3, actor_of(world.admin_a))
    _rechain(_first_seq(), audit.legacy_hash)
    return events


def _migration_apps() -> Any:
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(("core", "0003_audit_log_keyed_hash")).apps


def test_the_upgrade_rechains_an_unkeyed_log_and_records_the_old_head(world: World) -> None:
    _make_unkeyed(world)
    assert not audit.verify_chain().ok, "an unkeyed chain must not pass as keyed"
    old_head = AuditHead.objects.get()
    contents = list(AuditEvent.objects.order_by("seq").values_list("seq", "action", "summary"))

    # What the migration runs, with its historical models.
    migration = importlib.import_module("covenant.core.migrations.0003_audit_log_keyed_hash")

    class SchemaEditor:
        pass

    editor = SchemaEditor()
    editor.connection = connection  # type: ignore[attr-defined]
    migration.rekey(_migration_apps(), editor)

    report = audit.verify_chain()
    assert report.ok, report.problem
    assert report.checked == old_head.last_seq + 1
    marker = AuditEvent.objects.get(seq=old_head.last_seq + 1)
    assert marker.action == audit.REKEYED_ACTION
    assert marker.summary == {
        "algorithm": "hmac-sha256",
        "key": "derived from SECRET_KEY",
        "previous_algorithm": "sha256",
        "previous_head_seq": old_head.last_seq,
        "previous_head_hash": old_head.last_hash,
    }
    assert AuditHead.objects.get().last_hash == marker.hash
    # Content is untouched, so the old head stays recomputable from it.
    assert list(
        AuditEvent.objects.filter(seq__lte=old_head.last_seq).order_by("seq").values_list("seq", "action", "summary")
    ) == (contents)
    prev = audit.GENESIS_HASH
    for event in AuditEvent.objects.filter(seq__lte=old_head.last_seq).order_by("seq"):
        event.prev_hash = prev
        prev = audit.legacy_hash(event)
    assert prev == old_head.last_hash
    # And the platform appends to the upgraded chain as usual.
    audit.record(Actor.system(), "test.after_upgrade")
    assert audit.verify_chain().ok


def test_the_upgrade_refuses_a_broken_unkeyed_log_and_changes_nothing(world: World) -> None:
    events = _make_unkeyed(world)
    _raw(f"UPDATE {AuditEvent._meta.db_table} SET action = %s WHERE seq = %s", ["x.y", events[0].seq])
    before = list(AuditEvent.objects.order_by("seq").values_list("seq", "prev_hash", "hash"))
    head_before = AuditHead.objects.values_list("last_seq", "last_hash").get()
    with pytest.raises(audit.AuditUpgradeRefused, match=rf"event #{events[0].seq} was altered.*Nothing was changed"):
        audit.rekey_chain()
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "prev_hash", "hash")) == before
    assert AuditHead.objects.values_list("last_seq", "last_hash").get() == head_before


def test_the_upgrade_refuses_an_unkeyed_log_with_a_missing_tail(world: World) -> None:
    events = _make_unkeyed(world)
    _raw(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq = %s", [events[-1].seq])
    with pytest.raises(audit.AuditUpgradeRefused, match="recorded head"):
        audit.rekey_chain()
    assert not AuditEvent.objects.filter(action=audit.REKEYED_ACTION).exists()


@pytest.mark.django_db
def test_the_upgrade_leaves_an_empty_log_alone() -> None:
    _raw(f"DELETE FROM {AuditEvent._meta.db_table}", [])
    AuditHead.objects.filter(pk=1).update(last_seq=0, last_hash=audit.GENESIS_HASH)
    assert audit.rekey_chain() is None
    assert not AuditEvent.objects.exists()
    assert AuditHead.objects.values_list("last_seq", "last_hash").get() == (0, audit.GENESIS_HASH)
