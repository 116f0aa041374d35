"""Imports: one file per category, all or nothing, every bad row reported.

The file is read as a stream in chunks. Each chunk is cleaned (validated, encrypted,
indexed, placed in a grid; in worker processes on PostgreSQL, see `blocks`), checked for
unique values against the file's earlier rows and, as long as no row of the file has
failed, written at once with COPY (PostgreSQL) or executemany (SQLite) inside the one
transaction that spans the file; the unique indexes check it against stored rows.
After the first bad row nothing more is written but every row is still checked (stored
unique values by query), so the report lists every error; at the end a file with any error
is rolled back whole.
Progress goes to the cache (the transaction hides the job row until it ends).
"""

import csv
import logging
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import ExitStack
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from wangge import jobs
from wangge.accounts.models import User
from wangge.basedata import access
from wangge.basedata.blocks import (
    BlockCleaner,
    BlockResult,
    BulkWriter,
    CleanerSetup,
    block_pool,
    submit,
)
from wangge.basedata.categories import Category, get_category
from wangge.basedata.cleaning import RowCleaner, RowError
from wangge.basedata.fields import FieldSpec, Kind
from wangge.basedata.models import ImportJob, ImportStatus
from wangge.basedata.tabular import FORMATS, FileUnreadable, read_rows
from wangge.basedata.workers import Block

logger = logging.getLogger(__name__)

IMPORT_FILE = "wangge.basedata.import_file"  # the job (wangge/basedata/tasks.py)

CHUNK_ROWS = 2000
KEPT_ERRORS = 200  # on the job row; the full report is a CSV file beside the upload
CONFLICT = "与数据库中已有数据冲突（重复，或所引用的网格、房屋已被删除），未导入任何数据。"


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


def _chunks(rows: Iterator[list[Any]], size: int) -> Iterator[tuple[int, list[list[Any]]]]:
    """(number of the first row, rows) per chunk; numbered, not paired with numbers: a
    tuple per row is work and pickle bytes the worker saves by counting itself."""
    first = 2  # row 1 is the header
    while chunk := list(islice(rows, size)):
        yield first, chunk
        first += len(chunk)


def _lookups_by_index() -> None:
    """Plans the import's lookups (the references; once a row has failed, the unique
    check of each chunk) as index probes, for the rest of its transaction. Its table
    grows by a million rows inside the transaction, unseen by the planner's statistics,
    which then prefers a sequential scan per chunk: 72 ms a chunk at 200,000 rows,
    against 15 ms by the index, and growing with the table."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")


class ImportRun:
    def __init__(self, job: ImportJob):
        self.job = job
        self.category = get_category(job.category)
        self.rows_read = 0
        self.rows_written = 0
        self.error_count = 0
        self.kept: list[dict[str, Any]] = []
        self.report_path = import_dir() / f"job-{job.pk}-errors.csv"
        self.processes = 1  # how many worker processes cleaned rows (1: none, all inline)
        self.savepoint = ""  # taken as the transaction starts: a refused write returns to it

    def run(self) -> None:
        access.require_category(self.job.user, self.category)
        with self.report_path.open("w", encoding="utf-8-sig", newline="") as report_file:
            self.report = csv.writer(report_file)
            self.report.writerow(["行号", "列", "原因"])
            try:
                with transaction.atomic():
                    _lookups_by_index()
                    self.savepoint = transaction.savepoint()
                    self._read_and_write()
                    if self.error_count:
                        raise Rejected
            except Rejected:
                pass
            except IntegrityError:  # at commit: a deferred foreign key (a grid deleted since)
                logger.warning("import job %s broke a constraint", self.job.pk, exc_info=True)
                self._error(RowError(0, "", CONFLICT))

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
        self.specs, header_errors = header_specs(self.category, header)
        for error in header_errors:
            self._error(error)
        if header_errors:
            return
        self.reference_columns = [
            (i, spec.name)
            for i, spec in enumerate(self.specs)
            if spec and spec.kind in (Kind.HOUSE, Kind.PERSON)
        ]
        cleaner = RowCleaner(self.category, self.job.user)
        postgres = connection.vendor == "postgresql"
        setup = CleanerSetup(
            self.category,
            self.specs,
            cleaner.grids,
            settings.WANGGE_SM4_KEYS,
            settings.WANGGE_INDEX_KEY,
            timezone.now(),
            postgres,
        )
        self.writer = BulkWriter(self.category, setup.now, postgres=postgres)
        self.inline = BlockCleaner(setup)
        self._clean_and_write(rows, cleaner, setup, settings.WANGGE_IMPORT_PROCESSES)

    def _clean_and_write(
        self, rows: Iterator[list[Any]], cleaner: RowCleaner, setup: CleanerSetup, processes: int
    ) -> None:
        """Chunks go to the pool in file order and are finished in file order.

        The first chunk is cleaned here, so a small file never waits for workers to start;
        the pool (SQLite: never, its writes are the bottleneck) starts with the second. At
        most two chunks per worker are in flight, which bounds memory."""
        if not setup.postgres:
            processes = 1
        pending: deque[tuple[Block, Future]] = deque()
        unreadable: FileUnreadable | None = None
        with ExitStack() as stack:
            pool, window = self.inline, 0
            try:
                for n, (first, chunk) in enumerate(_chunks(rows, CHUNK_ROWS)):
                    if n == 1 and processes > 1:
                        pool, window = stack.enter_context(block_pool(setup, processes))
                        self.processes = processes
                    block = self._block(first, chunk, cleaner)
                    pending.append((block, submit(pool, block)))
                    while len(pending) > window:
                        self._finish(*pending.popleft(), cleaner)
            except FileUnreadable as exc:
                unreadable = exc
            while pending:
                self._finish(*pending.popleft(), cleaner)
        if unreadable is not None:
            self._error(RowError(self.rows_read + 2, "", str(unreadable)))

    def _block(self, first: int, chunk: list[list[Any]], cleaner: RowCleaner) -> Block:
        """The chunk and the houses and people it refers to (fetched here: workers have no
        database)."""
        refs = self.reference_columns
        if not refs:
            return Block(first, chunk)
        raw_rows = [{name: cells[i] for i, name in refs if i < len(cells)} for cells in chunk]
        cleaner.houses, cleaner.people = {}, {}
        cleaner.prefetch(raw_rows)
        return Block(first, chunk, cleaner.houses, cleaner.people)

    def _finish(self, block: Block, future: Future, cleaner: RowCleaner) -> None:
        """Checks, reports and (while the file is faultless) writes one cleaned chunk. No
        per-row Python here for a faultless chunk: the worker's lines are joined in one
        COPY, and the unique check is set operations over the chunk's values."""
        result: BlockResult = future.result()
        if result.deferred:
            cleaner.houses, cleaner.people = block.houses, block.people
            for at, number, raw in result.deferred:
                self.inline.keep(cleaner.clean(number, raw), result, at)
        self.rows_read += result.rows_read
        self._report(result.errors + self._unique_errors(result, cleaner))
        if not self.error_count:  # so every row of the chunk is faultless: none is None
            self._write(result, cleaner)
        cache.set(
            progress_key(self.job.pk),
            {"rows_read": self.rows_read, "error_count": self.error_count},
            timeout=3600,
        )

    def _unique_errors(self, result: BlockResult, cleaner: RowCleaner) -> list[RowError]:
        """Unique values repeated from the file's earlier rows and, unless the chunk is to
        be written (see `_write`), those already stored; a repeated row is not reported
        as stored as well."""
        found = []
        for spec in cleaner.unique_specs:
            values = result.unique[spec.unique_attr]
            found.append((spec, values, cleaner.duplicates(spec, values, stored=False)))
        if self.error_count or result.errors or any(positions for _, _, positions in found):
            for spec, values, positions in found:
                repeated = {at for at, _ in positions}
                unrepeated = [None if at in repeated else v for at, v in enumerate(values)]
                positions.extend(cleaner.stored(spec, unrepeated))
        return [
            RowError(result.numbers[at], spec.label, reason)
            for spec, _, positions in found
            for at, reason in positions
        ]

    def _write(self, result: BlockResult, cleaner: RowCleaner) -> None:
        """Writes a faultless chunk. While an import writes, its rows are not looked up
        among the stored ones beforehand (a query per chunk, an eighth of the import's
        time at a million rows): the unique indexes refuse a stored value as it is
        written. Then everything written is undone (the file is rejected now) and the
        chunk's stored values are reported row by row; later chunks are looked up."""
        try:
            self.writer.write_rows(result.lines)
        except IntegrityError:
            transaction.savepoint_rollback(self.savepoint)
            errors = [
                RowError(result.numbers[at], spec.label, reason)
                for spec in cleaner.unique_specs
                for at, reason in cleaner.stored(spec, result.unique[spec.unique_attr])
            ]
            self._report(errors or [RowError(0, "", CONFLICT)])
            return
        self.rows_written += len(result.lines)

    def _report(self, errors: list[RowError]) -> None:
        errors.sort(key=lambda error: error.row)  # stable: a row's own order is kept
        for error in errors:
            self._error(error)


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


class UnsupportedFile(ValueError):
    """The upload is neither a .csv nor a .xlsx file (by its name)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def create_import_job(user: User, category: Category, upload: UploadedFile) -> ImportJob:
    """Queue the import of `upload` into `category` for `user`: check the category and the
    file type, write the job row and the file in one transaction, and hand the job to the
    configured runner once that commits (a runner never sees a job that is not there).

    Returns the job as it stands afterwards: already finished with the inline runner.
    """
    access.require_category(user, category)
    name = Path(upload.name or "").name
    fmt = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if fmt not in FORMATS:
        raise UnsupportedFile(name)
    with transaction.atomic():
        job = ImportJob.objects.create(
            user=user, category=category.key, file_name=name[:200], path="", format=fmt
        )
        path = import_dir() / f"job-{job.pk}.{fmt}"
        with path.open("wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        job.path = str(path)
        job.save(update_fields=["path"])
        jobs.enqueue(IMPORT_FILE, job.pk)
    job.refresh_from_db()
    return job
