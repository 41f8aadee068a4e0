"""The audit trail: append-only, hash-chained, and verifiable."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from covenant.core import audit
from covenant.core.actors import Actor
from covenant.core.models import AppendOnlyError, AuditEvent, AuditHead
from tests.conftest import World, actor_of


def _record(n: int, actor: Actor) -> list[AuditEvent]:
    return [audit.record(actor, "test.event", summary={"n": i, "note": "ünïcode ✓"}) for i in range(n)]


def test_events_chain_to_each_other(world: World) -> None:
    actor = actor_of(world.admin_a)
    first, second = _record(2, actor)
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1
    assert first.actor_label == world.admin_a.email
    assert first.org_id == world.member_a.pk
    head = AuditHead.objects.get()
    assert (head.last_seq, head.last_hash) == (second.seq, second.hash)
    assert audit.verify_chain().ok


def test_events_cannot_be_changed_or_deleted_through_the_orm(world: World) -> None:
    event = _record(1, actor_of(world.admin_a))[0]
    event.action = "something.else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def _raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_verify_command_detects_a_row_changed_in_the_database(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    events = _record(5, actor_of(world.admin_a))
    call_command("verify_audit_log")
    assert "intact" in capsys.readouterr().out
    victim = events[2]
    _raw(f"UPDATE {AuditEvent._meta.db_table} SET summary = %s WHERE seq = %s", ['{"n": 999}', victim.seq])
    with pytest.raises(CommandError, match=rf"event #{victim.seq} was altered"):
        call_command("verify_audit_log")


def test_verify_detects_a_deleted_row(world: World) -> None:
    events = _record(4, actor_of(world.admin_a))
    _raw(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq = %s", [events[1].seq])
    report = audit.verify_chain()
    assert not report.ok
    assert f"event #{events[1].seq} is missing" in report.problem


def test_verify_detects_a_deleted_last_row(world: World) -> None:
    events = _record(3, actor_of(world.admin_a))
    _raw(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq = %s", [events[-1].seq])
    report = audit.verify_chain()
    assert not report.ok
    assert "recorded head" in report.problem


def test_verify_detects_a_rewritten_row_with_recomputed_hash(world: World) -> None:
    """Recomputing the altered row's own hash is not enough: the next link breaks."""
    events = _record(3, actor_of(world.admin_a))
    victim = AuditEvent.objects.get(seq=events[0].seq)
    victim.summary = {"n": 42}
    new_hash = audit.compute_hash(victim)
    _raw(
        f"UPDATE {AuditEvent._meta.db_table} SET summary = %s, hash = %s WHERE seq = %s",
        ['{"n": 42}', new_hash, victim.seq],
    )
    report = audit.verify_chain()
    assert not report.ok
    assert f"event #{events[1].seq} does not link" in report.problem


def test_a_failed_change_leaves_no_event(world: World) -> None:
    from django.db import transaction

    before = AuditEvent.objects.count()

    def change_that_fails() -> None:
        with transaction.atomic():
            _record(1, actor_of(world.admin_a))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert AuditEvent.objects.count() == before
    assert audit.verify_chain().ok
