"""Intake throughput of the closed loop, against a plain INSERT of the same rows.

Usage (from the repository root, after `./dev test` created .venv):

    .venv/bin/python benchmarks/bench_lifecycle.py [--events 500] [--repeat 5]
    .venv/bin/python benchmarks/bench_lifecycle.py \\
        --postgres postgres://postgres@127.0.0.1:5432/wangge_bench

SQLite runs in a scratch data directory; PostgreSQL in a scratch database named after the
URL's plus the process id, migrated first and dropped at the end. The jurisdiction is the
绥中县 demo (1,638 grids) with its category tree and staff.

Measured per repetition, on fresh rows each time:
  (a) service: `report_event` per event, each in its own transaction as a request would;
  (b) HTTP: POST to the intake endpoint through django.test.Client, when the branch has one;
  (c) baseline: the same events_event rows, precomputed (location, centre, tracking code),
      written by one `executemany` INSERT in one transaction, and by one INSERT per
      transaction (c');
  (d) actions: the loop after intake through `perform` (accept, dispatch, sign,
      submit_result, check_pass) per action, each in its own transaction.
Rates are medians over the repetitions.
"""

import argparse
import os
import platform
import random
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HTTP_PATH = "/api/public/events"  # the public intake (eventapi); absent before that merge


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500, help="events per repetition")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", help="PostgreSQL URL; a scratch database is derived")
    return parser.parse_args()


def scratch_postgres(url: str) -> tuple[str, str]:
    """Create an empty database beside the URL's; returns its URL and the admin URL."""
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'wangge_bench'}_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), admin


def drop_postgres(url: str, admin: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(frozen=True)
class Rate:
    wall: float  # per second of elapsed time
    cpu: float  # per second of this process's CPU time (PostgreSQL's server work excluded)


class Stopwatch:
    """Elapsed and CPU time: the machine is shared, so CPU time is the steadier figure."""

    def __enter__(self) -> "Stopwatch":
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def rate(self, count: int) -> Rate:
        return Rate(count / self.wall, count / self.cpu)


@dataclass
class Intake:
    """One report's inputs, and what the service derives from them (for the INSERT)."""

    category_id: int
    title: str
    lon: float
    lat: float
    grid_id: int
    village_id: int
    village_code: str
    centre_id: int


def sample_intakes(count: int, rng: random.Random) -> list[Intake]:
    from shapely import Point
    from shapely.prepared import prep

    from wangge.events.choices import Channel
    from wangge.events.models import Category
    from wangge.events.routing import receiving_centre
    from wangge.regions.models import Grid

    grids = list(Grid.objects.select_related("village"))
    categories = list(
        Category.objects.filter(
            children__isnull=True, direct_answer=False, needs_verification=False
        )
    )
    centres: dict[str, int] = {}
    intakes = []
    for _ in range(count):
        grid = rng.choice(grids)
        shape = grid.geometry
        inside = prep(shape)
        min_x, min_y, max_x, max_y = shape.bounds
        while True:
            lon, lat = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
            if inside.contains(Point(lon, lat)):
                break
        code = grid.village.code
        if code not in centres:
            centres[code] = receiving_centre(code, Channel.PUBLIC_APP).pk
        category = rng.choice(categories)
        intakes.append(
            Intake(
                category.pk,
                f"{category.name}问题",
                lon,
                lat,
                grid.pk,
                grid.village_id,
                code,
                centres[code],
            )
        )
    return intakes


def through_service(intakes: list[Intake], now) -> tuple[Rate, list[int]]:
    from wangge.events.choices import Channel
    from wangge.events.services import report_event

    ids = []
    with Stopwatch() as watch:
        for item in intakes:
            event = report_event(
                channel=Channel.PUBLIC_APP,
                category=item.category_id,
                title=item.title,
                lon=item.lon,
                lat=item.lat,
                description="基准测试",
                now=now,
            )
            ids.append(event.pk)
    return watch.rate(len(intakes)), ids


def through_http(intakes: list[Intake]) -> Rate | None:
    """None when the branch has no intake endpoint (or it refuses this body)."""
    from django.test import Client
    from django.urls import Resolver404, resolve

    try:
        resolve(HTTP_PATH)
    except Resolver404:
        return None
    client = Client()
    with Stopwatch() as watch:
        for number, item in enumerate(intakes):
            body = {
                "channel": "public_app",
                "category": item.category_id,
                "title": item.title,
                "description": "基准测试",
                "lon": item.lon,
                "lat": item.lat,
            }
            # One client address per report: the public intake is rate-limited per address.
            address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
            response = client.post(
                HTTP_PATH, body, content_type="application/json", REMOTE_ADDR=address
            )
            if response.status_code >= 300:
                print(f"  HTTP intake answered {response.status_code}: {response.content[:200]!r}")
                return None
    return watch.rate(len(intakes))


def insert_rows(intakes: list[Intake], now) -> tuple[str, list[list]]:
    """The events_event rows report_event would write, as database parameters."""
    from django.db import connection

    from wangge.events.models import Event

    fields = [f for f in Event._meta.concrete_fields if not f.primary_key]
    values = {
        "description": "基准测试",
        "priority": "normal",
        "channel": "public_app",
        "state": "reported",
        "address": "",
        "reporter_id": None,
        "reporter_name": "",
        "reporter_phone": "",
        "is_anonymous": False,
        "idempotency_key": None,
        "merged_into_id": None,
        "suspended_from": "",
        "self_handled": False,
        "reopen_count": 0,
        "pending_extension_days": None,
        "shelve_requested": False,
        "rating": "",
        "version": 0,
        "created_at": now,
        "accepted_at": None,
        "closed_at": None,
        "updated_at": now,
    }
    rows = []
    for item in intakes:
        row = dict(
            values,
            tracking_code=secrets.token_hex(6).upper(),
            title=item.title,
            category_id=item.category_id,
            lon=item.lon,
            lat=item.lat,
            grid_id=item.grid_id,
            region_id=item.village_id,
            region_code=item.village_code,
            current_unit_id=item.centre_id,
            centre_id=item.centre_id,
        )
        rows.append([f.get_db_prep_save(row[f.attname], connection) for f in fields])
    table = connection.ops.quote_name(Event._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Identifiers come from the model and are quoted; values are parameters.
    return f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows  # noqa: S608


def through_insert(sql: str, rows: list[list], per_row: bool) -> Rate:
    from django.db import connection, transaction

    with Stopwatch() as watch:
        if per_row:
            for row in rows:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(sql, row)
        else:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, rows)
    return watch.rate(len(rows))


def through_actions(ids: list[int], now) -> Rate:
    """accept → dispatch → sign → submit_result → check_pass for each event, timed per action."""
    from wangge.accounts.models import Role, User
    from wangge.events.models import Event
    from wangge.events.services import perform

    users = User.objects.select_related("unit__region").filter(
        role_grants__role__in=[Role.OPERATOR, Role.DEPARTMENT_HANDLER]
    )
    by_unit = {u.unit_id: u for u in users.order_by("-pk")}
    events = Event.objects.select_related("category").in_bulk(ids)
    actions = 0
    watch = Stopwatch().__enter__()
    for event in events.values():
        operator = by_unit[event.centre_id]
        department = event.category.default_department_id
        handler = by_unit[department]
        steps = [
            ("accept", operator, {}),
            ("dispatch", operator, {"lead_department": department}),
            ("sign", handler, {}),
            ("submit_result", handler, {"result": "已处置"}),
            ("check_pass", operator, {}),
        ]
        for minutes, (action, actor, fields) in enumerate(steps, start=1):
            perform(event.pk, action, actor, now=now + timedelta(minutes=minutes), **fields)
            actions += 1
    watch.__exit__()
    return watch.rate(actions)


def main() -> None:
    args = parse_args()
    admin = None
    if args.postgres:
        url, admin = scratch_postgres(args.postgres)
        os.environ["DATABASE_URL"] = url
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["WANGGE_DATA_DIR"] = tempfile.mkdtemp(prefix="wangge-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
    try:
        run(args)
    finally:
        if admin:
            from django.db import connections

            connections.close_all()
            drop_postgres(os.environ["DATABASE_URL"], admin)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from wangge.demo.builder import build_demo
    from wangge.demo.events import ensure_staff, load_demo_events
    from wangge.regions.locate import grid_index

    call_command("migrate", verbosity=0)
    build_demo()
    load_demo_events(0)  # the category tree and its limits
    ensure_staff()
    grid_index()  # built once per process; not part of any rate
    rng = random.Random(20261124)
    now = timezone.now() - timedelta(days=1)

    results: dict[str, list[Rate]] = {key: [] for key in LABELS}
    for rep in range(args.repeat):
        intakes = sample_intakes(args.events, rng)
        rate, ids = through_service(intakes, now)
        results["a"].append(rate)
        http = through_http(intakes)
        if http is not None:
            results["b"].append(http)
        sql, rows = insert_rows(intakes, now)
        results["c"].append(through_insert(sql, rows, per_row=False))
        sql, rows = insert_rows(intakes, now)
        results["c'"].append(through_insert(sql, rows, per_row=True))
        results["d"].append(through_actions(ids, now))
        done = ", ".join(f"{k} {v[-1].wall:,.0f}/s" for k, v in results.items() if v)
        print(f"repetition {rep + 1}: {done}", flush=True)
    with CaptureQueriesContext(connection) as queries:
        through_service(sample_intakes(1, rng), now)
    report(args, results, len(queries))


LABELS = {
    "a": "report_event, 1 transaction per event",
    "b": f"HTTP POST {HTTP_PATH}",
    "c": "INSERT, executemany in 1 transaction",
    "c'": "INSERT, 1 transaction per row",
    "d": "perform (accept … check_pass), 1 transaction per action",
}


def report(args: argparse.Namespace, results: dict[str, list[Rate]], queries: int) -> None:
    from django.db import connection

    wall = {k: statistics.median(r.wall for r in v) for k, v in results.items() if v}
    cpu = {k: statistics.median(r.cpu for r in v) for k, v in results.items() if v}
    print()
    if connection.vendor == "sqlite":
        database = f"SQLite {connection.Database.sqlite_version}"
    else:
        major, minor = divmod(connection.pg_version, 10000)
        database = f"PostgreSQL {major}.{minor}"
    print(
        f"{database}; {args.events} events x {args.repeat} repetitions; "
        f"Python {platform.python_version()}; nproc {os.cpu_count()}; "
        f"load average {os.getloadavg()[0]:.1f}; report_event issues {queries} queries"
    )
    print("| | per second (wall) | per CPU-second |")
    print("|---|---:|---:|")
    for key, label in LABELS.items():
        if key in wall:
            print(f"| ({key}) {label} | {wall[key]:,.0f} | {cpu[key]:,.0f} |")
        else:
            print(f"| ({key}) {label} | not measured: no such endpoint on this branch | |")
    for base in ("c", "c'"):
        print(
            f"ratio (a)/({base}): {wall['a'] / wall[base]:.1%} wall, {cpu['a'] / cpu[base]:.1%} CPU"
        )


if __name__ == "__main__":
    main()
