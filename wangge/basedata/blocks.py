"""Cleaning an import chunk by chunk, in this process or in a pool of worker processes.

Per row an import validates, encrypts twice (SM4-GCM), indexes twice (HMAC-SM3) and places
the record: pure functions of the row, once the grids of the user's scope, the keys and the
houses and people a chunk refers to are known. The parent process reads the file, fetches
those references, checks unique values and writes; `BlockCleaner` does the rest, either
inline (`WANGGE_IMPORT_PROCESSES=1`, SQLite, the first chunk of every file) or in worker
processes that see no database. Results come back in file order, so the error report and
the all-or-nothing rule are the same either way.
"""

import json
import multiprocessing
import pickle
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import JSONField

from wangge.basedata import protection
from wangge.basedata.categories import Category
from wangge.basedata.cleaning import CleanRow, PointNeeded, RowCleaner, RowError
from wangge.basedata.fields import FieldSpec, is_blank
from wangge.basedata.workers import Block, clean_block, init_worker


class BulkWriter:
    """Writes cleaned attribute dicts as rows of the category's table, fast."""

    def __init__(self, category: Category, now: datetime, *, postgres: bool | None = None):
        self.category = category
        model = category.model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.table = model._meta.db_table
        self.columns = [f.column for f in self.fields]
        self.defaults = [f.get_default() for f in self.fields]
        for i, f in enumerate(self.fields):
            if f.attname in ("created_at", "updated_at"):
                self.defaults[i] = now
        self.pairs = [(f.attname, d) for f, d in zip(self.fields, self.defaults, strict=True)]
        self.json_at = [i for i, f in enumerate(self.fields) if isinstance(f, JSONField)]
        self.postgres = connection.vendor == "postgresql" if postgres is None else postgres
        # COPY text of a row whose attributes are all defaults, and where each attribute
        # goes: a row is this template with the row's own attributes formatted in.
        self.template = [copy_text(v) for v in self._json(list(self.defaults))]
        self.slots = {f.attname: (i, isinstance(f, JSONField)) for i, f in enumerate(self.fields)}

    def _json(self, values: list[Any]) -> list[Any]:
        for i in self.json_at:
            values[i] = json.dumps(values[i], ensure_ascii=False)
        return values

    def values(self, attrs: dict[str, Any]) -> list[Any]:
        """One row of column values (JSON columns as text)."""
        if self.category.custom is not None:
            obj = self.category.model()
            self.category.apply(obj, attrs)
            attrs = {f.attname: getattr(obj, f.attname) for f in self.fields}
        get = attrs.get
        return self._json([get(name, default) for name, default in self.pairs])

    def row(self, attrs: dict[str, Any]) -> str | list[Any]:
        """One row ready to write: a line of COPY text (PostgreSQL), values (SQLite).

        Workers format COPY lines so that the importing process only joins and sends them.
        Only the attributes a row has are formatted, into a copy of the all-defaults line
        (a person has 10 of 20 columns): half the cost of formatting every column."""
        if not self.postgres:
            return [_sqlite_value(v) for v in self.values(attrs)]
        if self.category.custom is not None:
            return "\t".join(map(copy_text, self.values(attrs))) + "\n"
        texts = self.template.copy()
        slots = self.slots
        for attr, value in attrs.items():
            slot = slots.get(attr)
            if slot is not None:
                at, is_json = slot
                texts[at] = copy_text(json.dumps(value, ensure_ascii=False) if is_json else value)
        return "\t".join(texts) + "\n"

    def write(self, rows: list[dict[str, Any]]) -> None:
        self.write_rows([self.row(attrs) for attrs in rows])

    def write_rows(self, rows: list[Any]) -> None:
        """Rows made by `row`, in one COPY (PostgreSQL) or one executemany (SQLite).

        Errors are Django's on both (psycopg's `copy` is not wrapped by Django's cursor), so
        a unique index's refusal is an IntegrityError either way."""
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor, connection.wrap_database_errors:
            if self.postgres:
                with cursor.copy(
                    f"COPY {connection.ops.quote_name(self.table)} ({cols}) FROM STDIN"
                ) as copy:
                    copy.write("".join(rows))
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                sql = (
                    f"INSERT INTO {connection.ops.quote_name(self.table)} ({cols}) VALUES ({marks})"  # noqa: S608 (names from the model)
                )
                cursor.executemany(sql, rows)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def copy_text(value: Any) -> str:
    """One value in PostgreSQL's COPY text format (NULL is \\N; bool t/f; ISO dates)."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        # Most values (ciphertexts, digests, codes) have nothing to escape; four scans are
        # a quarter of the cost of `translate`.
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_COPY_ESCAPES)
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    return str(value).translate(_COPY_ESCAPES)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class CleanerSetup:
    """What cleaning needs besides the rows; pickled once to every worker."""

    category: Category
    specs: list[FieldSpec | None]  # the file's columns, None for an ignored one
    grids: dict[str, tuple[int, str]]
    sm4_keys: str
    index_key: str
    now: datetime
    postgres: bool


@dataclass
class BlockResult:
    """A cleaned chunk, in the shape that is cheapest to send back from a worker: flat
    lists with one entry per row read (in file order), no per-row objects.

    `lines[k]` is the k-th row ready to write (None if faulty or deferred), `unique[attr][k]`
    its value of each unique attribute (the parent checks them against the whole file and
    the database), `errors` the rows' errors in row order, and `deferred` the (position,
    row number, raw) of rows the parent must clean itself."""

    numbers: list[int]
    lines: list[str | list[Any] | None]
    unique: dict[str, list[Any]]
    errors: list[RowError]
    deferred: list[tuple[int, int, dict[str, Any]]]

    @property
    def rows_read(self) -> int:
        return len(self.numbers)


class BlockCleaner:
    def __init__(self, setup: CleanerSetup):
        ring = protection.keyring_for(setup.sm4_keys, setup.index_key)
        self.cleaner = RowCleaner(setup.category, None, grids=setup.grids, ring=ring)
        self.writer = BulkWriter(setup.category, setup.now, postgres=setup.postgres)
        self.columns = [(i, spec.name) for i, spec in enumerate(setup.specs) if spec]
        self.unique_attrs = [s.unique_attr for s in setup.category.fields if s.unique]

    def clean(self, block: Block) -> BlockResult:
        cleaner = self.cleaner
        cleaner.houses, cleaner.people = block.houses, block.people
        cleaner.today = date.today()  # noqa: DTZ011 (a calendar date, as parse_id_number's)
        result = BlockResult([], [], {a: [] for a in self.unique_attrs}, [], [])
        columns = self.columns
        for number, cells in enumerate(block.rows, block.first):
            width = len(cells)
            raw = {name: cells[i] for i, name in columns if i < width}
            if all(is_blank(v) for v in raw.values()):
                continue
            try:
                self.keep(cleaner.clean(number, raw), result)
            except PointNeeded:
                self._defer(number, raw, result)
        return result

    def _defer(self, number: int, raw: dict[str, Any], result: BlockResult) -> None:
        """Holds the place of a row the parent cleans (see `PointNeeded`)."""
        result.deferred.append((len(result.numbers), number, raw))
        result.numbers.append(number)
        result.lines.append(None)
        for values in result.unique.values():
            values.append(None)

    def keep(self, row: CleanRow, result: BlockResult, at: int | None = None) -> None:
        """Adds a cleaned row to the result, or (`at`) puts a deferred one in its place."""
        ready = None if row.errors else self.writer.row(row.attrs)
        if at is None:
            result.numbers.append(row.row)
            result.lines.append(ready)
            for attr, values in result.unique.items():
                values.append(row.attrs.get(attr))
        else:
            result.lines[at] = ready
            for attr, values in result.unique.items():
                values[at] = row.attrs.get(attr)
        result.errors.extend(row.errors)


@contextmanager
def block_pool(setup: CleanerSetup, processes: int) -> Iterator[tuple[ProcessPoolExecutor, int]]:
    """`processes` spawned workers and how many chunks may be in flight (two per worker)."""
    executor = ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_worker,
        initargs=(settings.SETTINGS_MODULE, pickle.dumps(setup)),
    )
    try:
        yield executor, 2 * processes
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def submit(pool: "ProcessPoolExecutor | BlockCleaner", block: Block) -> Future:
    """The future result of cleaning `block`, in a worker or (a BlockCleaner) right here."""
    if isinstance(pool, ProcessPoolExecutor):
        return pool.submit(clean_block, block)
    future: Future = Future()
    future.set_result(pool.clean(block))
    return future
