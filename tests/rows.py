"""Rows built once per test worker and inserted again, verbatim, into each test that asks.

Building the standard cast through the services costs a test a tenth of a second or more
(region geometry, user creation, role grants); a dozen multi-row INSERTs of the rows those
services wrote cost a few milliseconds. So a worker builds once inside a transaction it
rolls back, keeps the rows as plain values, and each test inserts them again, primary keys
included, into its own transaction. Nothing built is shared between tests: every test gets
new rows (and new model instances read from them), and a flush after a transactional test
simply leaves nothing to restore but what the next test inserts for itself.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction

Tables = dict[type[models.Model], dict[Any, dict[str, Any]]]


def _stored_models() -> Iterator[type[models.Model]]:
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            yield model


def read_tables() -> Tables:
    """Every row of every table, by model and primary key, as column values."""
    tables: Tables = {}
    for model in _stored_models():
        columns = [field.attname for field in model._meta.local_concrete_fields]
        key = model._meta.pk.attname
        tables[model] = {row[key]: row for row in model._base_manager.values(*columns)}
    return tables


@dataclass(frozen=True)
class AddedRows:
    """The rows a build added, table by table, in primary-key order."""

    tables: tuple[tuple[type[models.Model], tuple[dict[str, Any], ...]], ...]

    @classmethod
    def between(cls, before: Tables, after: Tables) -> "AddedRows":
        """What `after` holds beyond `before`. A build that changed or deleted a row that
        was already there cannot be replayed by inserting, so that is refused."""
        tables = []
        for model, rows in after.items():
            old = before[model]
            changed = [key for key, row in old.items() if rows.get(key) != row]
            if changed:
                raise ValueError(f"the build changed existing {model.__name__} rows {changed}")
            added = tuple(row for key, row in sorted(rows.items()) if key not in old)
            if added and model._meta.parents:
                raise ValueError(f"{model.__name__} inherits a table; insert it by hand")
            if added:
                tables.append((model, added))
        return cls(tuple(tables))

    def insert(self) -> None:
        """Insert the rows again as they were, the way loaddata does (raw: no save(), no
        signals, auto_now columns keep their values). One transaction: foreign keys are
        checked at its end (Django declares them deferred), so table order does not matter.
        """
        with transaction.atomic():
            for model, rows in self.tables:
                columns = model._meta.local_concrete_fields
                objs = [model(**row) for row in rows]
                size = connection.ops.bulk_batch_size(columns, objs) or len(objs)
                for start in range(0, len(objs), size):
                    model._base_manager._insert(objs[start : start + size], columns, raw=True)

    def reserve_keys(self) -> None:
        """Keep new rows from taking these rows' primary keys once the build is rolled back.

        PostgreSQL sequences ignore the rollback, but SQLite's AUTOINCREMENT counters roll
        back with it, so a row a test creates before inserting these would take a key they
        need. Raise SQLite's counters (a committed change; flushes leave them alone).
        """
        if connection.vendor != "sqlite":
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for model, rows in self.tables:
                top = max(row[model._meta.pk.attname] for row in rows)
                if not isinstance(top, int):
                    continue
                table = model._meta.db_table
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [top, table]
                )
                if cursor.rowcount == 0:
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, top]
                    )


@contextmanager
def recording() -> Iterator[Callable[[], AddedRows]]:
    """Run a build inside a transaction that is rolled back, recording what it adds.

    Inside the block, calling the yielded function returns the rows added since the block
    (or the previous call) began, so one build can be cut into stages.
    """
    with transaction.atomic():
        seen = [read_tables()]

        def added_since_last() -> AddedRows:
            now = read_tables()
            rows = AddedRows.between(seen[-1], now)
            seen.append(now)
            return rows

        yield added_since_last
        transaction.set_rollback(True)
