"""Imports: one file per category, all or nothing, every bad row reported.

The file is read as a stream in chunks. Each chunk is cleaned (validated, encrypted,
indexed, placed in a grid) and, as long as no row of the file has failed, written at once
with COPY (PostgreSQL) or executemany (SQLite) inside the one transaction that spans the
file. After the first bad row nothing more is written but every row is still checked, so
the report lists every error; at the end a file with any error is rolled back whole.
Progress goes to the cache (the transaction hides the job row until it ends).
"""

import csv
import json
import logging
import threading
from collections.abc import Iterator
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import JSONField
from django.utils import timezone

from wangge.basedata import access
from wangge.basedata.categories import Category, get_category
from wangge.basedata.cleaning import RowCleaner, RowError
from wangge.basedata.fields import FieldSpec, is_blank
from wangge.basedata.models import ImportJob, ImportStatus
from wangge.basedata.tabular import FileUnreadable, read_rows

logger = logging.getLogger(__name__)

CHUNK_ROWS = 2000
KEPT_ERRORS = 200  # on the job row; the full report is a CSV file beside the upload


class Rejected(Exception):
    """The file has errors: roll back everything it wrote."""


def import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def progress_key(job_id: int) -> str:
    return f"basedata-import-{job_id}"


def progress(job: ImportJob) -> dict[str, int]:
    live = cache.get(progress_key(job.pk)) if job.status == ImportStatus.RUNNING else None
    return live or {"rows_read": job.rows_read, "error_count": job.error_count}


def header_specs(
    category: Category, header: list[Any]
) -> tuple[list[FieldSpec | None], list[RowError]]:
    specs, errors, seen = [], [], set()
    for cell in header:
        label = "" if cell is None else str(cell).strip()
        spec = category.spec_for_header(label) if label else None
        if label and spec is None:
            errors.append(RowError(1, label, "无法识别的列（请使用导入模板的表头）。"))
        if spec is not None and spec.name in seen:
            errors.append(RowError(1, label, "列重复。"))
        seen.add(spec.name if spec else None)
        specs.append(spec)
    for spec in category.fields:
        if spec.required and spec.name not in seen:
            errors.append(RowError(1, spec.label, "缺少必填列。"))
    return specs, errors


class BulkWriter:
    """Writes cleaned attribute dicts as rows of the category's table, fast."""

    def __init__(self, category: Category, now: datetime):
        self.category = category
        model = category.model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.table = model._meta.db_table
        self.columns = [f.column for f in self.fields]
        self.defaults = [f.get_default() for f in self.fields]
        for i, f in enumerate(self.fields):
            if f.attname in ("created_at", "updated_at"):
                self.defaults[i] = now
        self.is_json = [isinstance(f, JSONField) for f in self.fields]
        self.postgres = connection.vendor == "postgresql"

    def _values(self, attrs: dict[str, Any]) -> list[Any]:
        if self.category.custom is not None:
            obj = self.category.model()
            self.category.apply(obj, attrs)
            attrs = {f.attname: getattr(obj, f.attname) for f in self.fields}
        values = [attrs.get(f.attname, d) for f, d in zip(self.fields, self.defaults, strict=True)]
        for i, is_json in enumerate(self.is_json):
            if is_json:
                values[i] = json.dumps(values[i], ensure_ascii=False)
        if not self.postgres:
            values = [_sqlite_value(v) for v in values]
        return values

    def write(self, rows: list[dict[str, Any]]) -> None:
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.copy(
                    f"COPY {connection.ops.quote_name(self.table)} ({cols}) FROM STDIN"
                ) as copy:
                    for attrs in rows:
                        copy.write_row(self._values(attrs))
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                sql = (
                    f"INSERT INTO {connection.ops.quote_name(self.table)} ({cols}) VALUES ({marks})"  # noqa: S608 (names from the model)
                )
                cursor.executemany(sql, [self._values(attrs) for attrs in rows])


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _chunks(rows: Iterator[list[Any]], size: int) -> Iterator[list[tuple[int, list[Any]]]]:
    numbered = enumerate(rows, start=2)  # row 1 is the header
    while chunk := list(islice(numbered, size)):
        yield chunk


class ImportRun:
    def __init__(self, job: ImportJob):
        self.job = job
        self.category = get_category(job.category)
        self.rows_read = 0
        self.rows_written = 0
        self.error_count = 0
        self.kept: list[dict[str, Any]] = []
        self.report_path = import_dir() / f"job-{job.pk}-errors.csv"

    def run(self) -> None:
        access.require_category(self.job.user, self.category)
        with self.report_path.open("w", encoding="utf-8-sig", newline="") as report_file:
            self.report = csv.writer(report_file)
            self.report.writerow(["行号", "列", "原因"])
            try:
                with transaction.atomic():
                    self._read_and_write()
                    if self.error_count:
                        raise Rejected
            except Rejected:
                pass
            except IntegrityError:
                logger.warning("import job %s broke a constraint", self.job.pk, exc_info=True)
                self._error(RowError(0, "", "与已有记录重复（数据库唯一约束），未导入任何数据。"))

    def _error(self, error: RowError) -> None:
        self.error_count += 1
        self.report.writerow([error.row, error.column, error.reason])
        if len(self.kept) < KEPT_ERRORS:
            self.kept.append(error.as_dict())

    def _read_and_write(self) -> None:
        rows = read_rows(Path(self.job.path), self.job.format)
        try:
            header = next(rows)
        except StopIteration:
            self._error(RowError(1, "", "文件为空。"))
            return
        except FileUnreadable as exc:
            self._error(RowError(1, "", str(exc)))
            return
        specs, header_errors = header_specs(self.category, header)
        for error in header_errors:
            self._error(error)
        if header_errors:
            return
        cleaner = RowCleaner(self.category, self.job.user)
        writer = BulkWriter(self.category, timezone.now())
        try:
            for chunk in _chunks(rows, CHUNK_ROWS):
                self._chunk(chunk, specs, cleaner, writer)
        except FileUnreadable as exc:
            self._error(RowError(self.rows_read + 2, "", str(exc)))

    def _chunk(self, chunk, specs, cleaner: RowCleaner, writer: BulkWriter) -> None:
        raw_rows = []
        for number, cells in chunk:
            raw = {spec.name: cell for spec, cell in zip(specs, cells, strict=False) if spec}
            if all(is_blank(v) for v in raw.values()):
                continue
            raw_rows.append((number, raw))
        self.rows_read += len(raw_rows)
        cleaned = cleaner.clean_chunk(raw_rows)
        for row in cleaned:
            for error in row.errors:
                self._error(error)
        if not self.error_count:
            writer.write([row.attrs for row in cleaned])
            self.rows_written += len(cleaned)
        cache.set(
            progress_key(self.job.pk),
            {"rows_read": self.rows_read, "error_count": self.error_count},
            timeout=3600,
        )


def run_import(job_id: int) -> ImportJob:
    """Run one queued job to its end; any failure is recorded on the job, never lost."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    job.status = ImportStatus.RUNNING
    run = ImportRun(job)
    try:
        run.run()
        status = ImportStatus.REJECTED if run.error_count else ImportStatus.DONE
    except Exception:
        logger.exception("import job %s failed", job.pk)
        status = ImportStatus.FAILED
    job.status = status
    job.rows_read = run.rows_read
    job.rows_imported = 0 if run.error_count else run.rows_written
    job.error_count = run.error_count
    job.errors = run.kept
    job.report_path = str(run.report_path)
    job.finished_at = timezone.now()
    job.save()
    cache.delete(progress_key(job.pk))
    return job


def _run_in_thread(job_id: int) -> None:
    close_old_connections()
    try:
        run_import(job_id)
    finally:
        connection.close()


def start_import(job: ImportJob) -> None:
    """Hand the job to the configured runner once the job row is committed."""
    runner = settings.WANGGE_IMPORT_RUNNER
    if runner == "inline":
        run_import(job.pk)
    elif runner == "celery":
        from wangge.basedata.tasks import import_file

        import_file.delay_on_commit(job.pk)
    else:
        transaction.on_commit(
            lambda: threading.Thread(
                target=_run_in_thread, args=(job.pk,), name=f"wangge-import-{job.pk}", daemon=True
            ).start()
        )
