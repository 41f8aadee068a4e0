"""The throttles' cache when there is no Redis: a table in the project's database.

Every web process of one installation reads and writes the same table, so a throttle counts
once for all of them (with per-process memory, three processes let three times the limit
through). Django's database cache adds one to a count by reading it and writing it back: two
processes could both read 19 and both write 20. Here ``incr`` holds the row while it counts
(``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite every write transaction already runs
alone, see ``transaction_mode`` in the settings) and keeps the count's expiry, which Django's
would reset. The table is created by ``migrate`` (``create_cache_tables``).
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.core.management import call_command
from django.db import connections, models, router, transaction
from django.utils import timezone


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key: str, delta: int = 1, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)  # type: ignore[attr-defined]  # set by BaseDatabaseCache
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')}, {quote('expires')} FROM {table} WHERE {quote('cache_key')} = %s{lock}",  # noqa: S608 (the table named in the settings)
                [key],
            )
            row = cursor.fetchone()
            if row is not None:
                expires = row[1]
                expression = models.Expression(output_field=models.DateTimeField())
                for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(
                    connection
                ):
                    expires = converter(expires, expression, connection)
            if row is None or expires < timezone.now():
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode()))  # noqa: S301 (our own table)
            new_value = value + delta
            encoded = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s WHERE {quote('cache_key')} = %s",  # noqa: S608 (the table named in the settings)
                [encoded, key],
            )
        return new_value


def create_cache_tables(using: str = "default", **kwargs: Any) -> None:
    """``post_migrate``: create the database caches' tables (``createcachetable`` skips those that exist)."""
    call_command("createcachetable", database=using, verbosity=0)
