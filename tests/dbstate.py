"""The database's state in one query, for tests that prove a request changed nothing.

Counting each table with its own query costs a round trip per model (some 150 of them): a walk
over every route that counts before and after each probe spent minutes on that alone.
"""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.db import connection

from covenant.core.models import AuditEvent


@cache
def tables(project_only: bool = True) -> tuple[tuple[str, str], ...]:
    """``(model label, table)`` of every concrete model (only the project's apps, by default)."""
    return tuple(
        (m._meta.label, m._meta.db_table)
        for m in apps.get_models()
        if (m.__module__.startswith("covenant.") or not project_only) and m._meta.managed and not m._meta.proxy
    )


def snapshot(project_only: bool = True) -> dict[str, int]:
    """Row counts of the tables, and the last audit event's number ("last audit event"), in one query."""
    q = connection.ops.quote_name
    found = tables(project_only)
    seq = AuditEvent._meta.get_field("seq").column or "seq"
    columns = [f"(SELECT COUNT(*) FROM {q(table)})" for _label, table in found]
    columns.append(f"(SELECT COALESCE(MAX({q(seq)}), 0) FROM {q(AuditEvent._meta.db_table)})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns))
        row = cursor.fetchone()
    return dict(zip([label for label, _t in found] + ["last audit event"], row, strict=True))
