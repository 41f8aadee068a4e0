"""Concurrent writers keep one unbroken audit chain (PostgreSQL row lock on the head)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from covenant.core import audit
from covenant.core.actors import Actor
from covenant.core.models import AuditEvent, AuditHead


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("log", ["continued", "empty"])
def test_parallel_appends_form_one_chain(log: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the row lock that serialises appenders is exercised on PostgreSQL")
    if log == "empty":
        # A flushed database has neither head nor events: the writers race to start the chain.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table}")
        AuditHead.objects.all().delete()
    else:
        AuditHead.objects.get_or_create(pk=1, defaults={"last_seq": 0, "last_hash": "0" * 64})
    actor = Actor.system()
    start = threading.Barrier(6)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(15):
                with transaction.atomic():
                    audit.record(actor, "test.parallel", summary={"writer": n, "i": i})
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert AuditEvent.objects.filter(action="test.parallel").count() == 90
    report = audit.verify_chain()
    assert report.ok, report.problem


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_verifying_while_writers_append_reports_no_false_break() -> None:
    """A daily check runs on a live system: events committed while it walks are not a break."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are exercised on PostgreSQL")
    AuditHead.objects.get_or_create(pk=1, defaults={"last_seq": 0, "last_hash": "0" * 64})
    actor = Actor.system()
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(60):
                audit.record(actor, "test.parallel", summary={"writer": n, "i": i})
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    reports: list[audit.ChainReport] = []
    while any(t.is_alive() for t in threads) or not reports:
        reports.append(audit.verify_chain())
    for t in threads:
        t.join()
    assert not errors, errors
    assert [r.problem for r in reports if not r.ok] == []
    assert audit.verify_chain().checked == AuditEvent.objects.count()
