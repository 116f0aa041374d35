"""Base-data import and exact ID search at scale, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wg_bench \
        .venv/bin/python benchmarks/bench_basedata.py --rows 1000000 --total 10000000

In one run, against a fresh database (its tables are dropped and migrated first):
1. writes a CSV of --rows valid person rows (name, kind, ID number, mobile, grid code);
2. imports it through the real import (validate, encrypt SM4-GCM, SM3-HMAC index, assign
   grid, all-or-nothing in one transaction) in a child process, whose peak RSS is reported;
3. COPYs the same file into a plain five-column text table: the baseline;
4. times exact search by ID number (keyed index + query, as `basedata.search` does it) for
   random imported people at --rows, then again after padding the table to --total rows.
   Padding rows are written by SQL with random 128-bit index values and ciphertext-sized
   text, so the index and table have the real size and shape without 9 M more imports.
Search figures are the p50/p95 of --lookups single lookups; the baseline is a primary-key
lookup of the same rows in the same run.
"""

import argparse
import cProfile
import csv
import os
import platform
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from shapely.geometry import box  # noqa: E402

from wangge.accounts.models import OrgUnit, UnitKind, User  # noqa: E402
from wangge.basedata.models import ImportJob, Person  # noqa: E402
from wangge.basedata.protection import blind_index  # noqa: E402
from wangge.basedata.validators import id_check_char  # noqa: E402
from wangge.regions.codes import RegionLevel  # noqa: E402
from wangge.regions.services import save_grid, save_region  # noqa: E402

VILLAGES, GRIDS_PER_VILLAGE = 10, 10
HEADER = ["姓名", "人口类型", "身份证号", "联系电话", "网格编码"]
FIRST_BIRTH = date(1940, 1, 1)


def id_number(i: int) -> str:
    born = FIRST_BIRTH + timedelta(days=i // 999)
    first17 = f"211421{born:%Y%m%d}{i % 999 + 1:03d}"
    return first17 + id_check_char(first17)


def build_jurisdiction() -> tuple[User, list[str]]:
    county = save_region("211421000000", "绥中县", RegionLevel.COUNTY, None, box(120, 40, 121, 41))
    town = save_region(
        "211421100000", "绥中镇", RegionLevel.TOWNSHIP, county, box(120, 40, 121, 41)
    )
    codes = []
    for v in range(VILLAGES):
        x = 120 + v * 0.1
        village = save_region(
            f"211421100{201 + v}", f"村{v}", RegionLevel.VILLAGE, town, box(x, 40, x + 0.1, 41)
        )
        for g in range(GRIDS_PER_VILLAGE):
            y = 40 + g * 0.1
            codes.append(
                save_grid(village, g + 1, f"网格{v}-{g}", box(x, y, x + 0.1, y + 0.1)).code
            )
    unit = OrgUnit.objects.create(
        name="绥中县综治中心", kind=UnitKind.CENTRE, level=RegionLevel.COUNTY, region=county
    )
    user = User.objects.create_user("bench_operator", unit=unit)
    return user, codes


def write_csv(path: Path, rows: int, grids: list[str]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            writer.writerow(
                [f"张{i % 1000}", "户籍人口", id_number(i), f"138{i:08d}", grids[i % len(grids)]]
            )


def _rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line[:6] == "VmRSS:"), 0)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(c) for c in task.read_text().split()]
    return found


class TreeRss(threading.Thread):
    """Samples the summed RSS of this process and its worker processes every 0.1 s."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = 0
        self.stop = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self.stop.wait(0.1):
            pids = [me, *_children(me)]
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p) for p in pids))


def child_import(job_id: int, profile: bool) -> None:
    """Runs in its own process so that its peak RSS (with its workers') is the import's."""
    from wangge.basedata.importing import run_import

    sampler = TreeRss()
    sampler.start()
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    job = run_import(job_id)
    if profiler:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    elapsed = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    worker_cpu = workers.ru_utime + workers.ru_stime
    peak_mb = usage.ru_maxrss / 1024
    print(
        f"{job.status} {job.rows_imported} {job.error_count} {elapsed:.3f} {peak_mb:.1f} "
        f"{cpu:.3f} {worker_cpu:.3f} {sampler.peak_kb / 1024:.1f}"
    )


def plain_copy(path: Path) -> float:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain_person")
        cursor.execute(
            "CREATE TABLE bench_plain_person (name text, kind text, id_number text,"
            " phone text, grid_code text)"
        )
        started = time.perf_counter()
        with (
            path.open("rb") as handle,
            cursor.copy(
                "COPY bench_plain_person FROM STDIN WITH (FORMAT csv, HEADER true)"
            ) as copy,
        ):
            handle.read(3)  # the BOM
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        return time.perf_counter() - started


def lookups(sample: list[int], by_index: bool) -> list[float]:
    times = []
    pks = {}
    if not by_index:
        pks = dict(
            Person.objects.filter(
                id_number_index__in=[blind_index(id_number(i), "id_number") for i in sample]
            ).values_list("id_number_index", "pk")
        )
    for i in sample:
        started = time.perf_counter()
        if by_index:
            digest = blind_index(id_number(i), "id_number")
            found = list(Person.objects.filter(id_number_index=digest).values_list("pk", "name"))
        else:
            pk = pks[blind_index(id_number(i), "id_number")]
            found = list(Person.objects.filter(pk=pk).values_list("pk", "name"))
        times.append((time.perf_counter() - started) * 1000)
        assert len(found) == 1
    return times


def pad_to(total: int) -> float:
    """Adds rows up to `total` with random index values; returns the seconds it took."""
    current = Person.objects.count()
    if current >= total:
        return 0.0
    grid_id, region = Person.objects.values_list("grid_id", "region_code").first()
    started = time.perf_counter()
    with connection.cursor() as cursor, without_secondary_indexes(cursor, "basedata_person"):
        cursor.execute(
            """
            INSERT INTO basedata_person (grid_id, region_code, created_at, updated_at, name,
                kind, id_number_cipher, id_number_index, sex, phone_cipher, phone_index,
                ethnicity, address, registered_address)
            SELECT %s, %s, now(), now(), '李' || (n %% 1000), 'registered',
                'pad$' || repeat('x', 60), md5('pad' || n)::text, 'male',
                'pad$' || repeat('y', 56), md5('phone' || n)::text, '', '', ''
            FROM generate_series(1, %s) AS n
            """,
            [grid_id, region, total - current],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE basedata_person")
    return time.perf_counter() - started


@contextmanager
def without_secondary_indexes(cursor: Any, table: str) -> Iterator[None]:
    """Drops the table's indexes (but its primary key) and foreign keys, and builds them
    again afterwards: millions of padding rows with random index values are inserted an
    order of magnitude faster into a bare table and indexed by sorting (the first 10 M run
    spent 1,246 s inserting into 8 indexes one row at a time). The same indexes and
    constraints come back, so the search is measured against the real shape."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN"
        " (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p')",
        [table, table],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    foreign_keys = cursor.fetchall()
    for name, _ in foreign_keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    cursor.execute("SET maintenance_work_mem = '256MB'")
    for _, definition in indexes:
        cursor.execute(definition)
    for name, definition in foreign_keys:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--total", type=int, default=10_000_000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--processes", type=int, help="WANGGE_IMPORT_PROCESSES of the import")
    parser.add_argument("--no-search", action="store_true", help="stop after the import")
    parser.add_argument("--profile", action="store_true", help="cProfile the import (stderr)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_import(args.child, args.profile)
        return
    if connection.vendor != "postgresql":
        sys.exit("Run with DATABASE_URL=postgres://... (this benchmark is for PostgreSQL).")
    call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    user, grids = build_jurisdiction()
    server = connection.cursor().connection.info.server_version
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, "
        f"Python {platform.python_version()}, PostgreSQL {server}, {time.strftime('%Y-%m-%d')}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "people.csv"
        started = time.perf_counter()
        write_csv(path, args.rows, grids)
        size = path.stat().st_size / 1e6
        print(f"wrote {args.rows:,} rows ({size:.0f} MB) in {time.perf_counter() - started:.1f} s")
        job = ImportJob.objects.create(
            user=user, category="person", file_name="people.csv", path=str(path), format="csv"
        )
        env = dict(os.environ)
        if args.processes is not None:
            env["WANGGE_IMPORT_PROCESSES"] = str(args.processes)
        child = subprocess.run(  # noqa: S603 (this script, with integer arguments)
            [sys.executable, __file__, "--child", str(job.pk)]
            + (["--profile"] if args.profile else []),
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        if args.profile:
            print(child.stderr[-6000:])
        status, imported, errors, seconds, peak, cpu, worker_cpu, tree = child.stdout.split()[-8:]
        seconds, cpu, worker_cpu, rows = (
            float(seconds),
            float(cpu),
            float(worker_cpu),
            int(imported),
        )
        copy_seconds = plain_copy(path)
    print(
        f"import ({env.get('WANGGE_IMPORT_PROCESSES', 'default')} processes): {status}, "
        f"{rows:,} rows, {errors} errors, {seconds:.1f} s, {rows / seconds:,.0f} rows/s; "
        f"peak RSS {peak} MB importing process, {tree} MB summed with its workers"
    )
    print(
        f"import CPU time: {cpu:.1f} s importing process + {worker_cpu:.1f} s workers = "
        f"{rows / (cpu + worker_cpu):,.0f} rows per CPU-second; load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"plain COPY: {copy_seconds:.1f} s, {args.rows / copy_seconds:,.0f} rows/s; "
        f"import / COPY = {seconds / copy_seconds:.1f}x"
    )
    if args.no_search:
        return
    rng = random.Random(5)  # noqa: S311
    sample = [rng.randrange(args.rows) for _ in range(args.lookups)]
    for label in (f"{args.rows:,}", None):
        if label is None:
            padded = pad_to(args.total)
            label = f"{Person.objects.count():,} (padded in {padded:.0f} s)"
        lookups(sample[:100], by_index=True)  # warm the cache
        index = lookups(sample, by_index=True)
        pk = lookups(sample, by_index=False)
        print(
            f"exact ID search at {label} rows: p50 {pct(index, 50):.2f} ms, "
            f"p95 {pct(index, 95):.2f} ms; "
            f"pk lookup p50 {pct(pk, 50):.2f} ms, p95 {pct(pk, 95):.2f} ms"
        )


if __name__ == "__main__":
    main()
