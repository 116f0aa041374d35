"""Issue 3's performance figures, on one database per run: intake, sweep and metrics.

Usage (from the repository root, after `./dev test` created .venv):

    .venv/bin/python benchmarks/bench_lifecycle.py [--quick]
    .venv/bin/python benchmarks/bench_lifecycle.py [--quick] \\
        --postgres postgres://postgres@127.0.0.1:5432/wangge_bench

Each part runs in its own child process and its own empty scratch database (SQLite files in
a temporary directory; on PostgreSQL databases named after the URL's, the part and the
process id, dropped at the end), so one part's rows never slow another's:

  intake  the 绥中县 demo jurisdiction (1,638 grids) with its category tree and staff; per
          repetition, on fresh rows:
          (a) `report_event` per event, each in its own transaction as a request would;
          (b) HTTP: POST /api/public/events through django.test.Client;
          (c') the baseline: per report, one transaction with the same INSERTs
               report_event makes (the event, its first trail entry, its accept clock),
               every value precomputed; (c) for reference, the event rows alone in one
               executemany;
          (d) accept, dispatch, sign, submit_result, check_pass through `perform`, each
              action in its own transaction.
  sweep   benchmarks/bench_sweep.py: 1,000,000 open events with running clocks, then
          sweeps with 0, 1,000 and 10,000 due.
  metrics benchmarks/bench_metrics.py: a county-month of compute_metrics at 1,000,000
          events.

--quick uses small sizes (a smoke run in about a minute). Rates are medians over the
repetitions; "per CPU-second" divides by this process's CPU time (server work excluded).
"""

import argparse
import os
import platform
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HTTP_PATH = "/api/public/events"  # the public intake (eventapi); absent before that merge


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--postgres", help="PostgreSQL URL; scratch databases are derived")
    parser.add_argument("--events", type=int, help="intake events per repetition")
    parser.add_argument("--repeat", type=int, help="intake repetitions")
    parser.add_argument("--parts", default="intake,sweep,metrics")
    parser.add_argument("--phase", help=argparse.SUPPRESS)  # internal: one part, in-process
    return parser.parse_args()


FULL = {"events": 300, "repeat": 5, "open": 1_000_000, "due": "1000,10000", "metrics": 1_000_000}
QUICK = {"events": 60, "repeat": 3, "open": 20_000, "due": "100,1000", "metrics": 50_000}


def sizes(args: argparse.Namespace) -> dict:
    chosen = dict(QUICK if args.quick else FULL)
    chosen["events"] = args.events or chosen["events"]
    chosen["repeat"] = args.repeat or chosen["repeat"]
    return chosen


def scratch_postgres(url: str, part: str) -> tuple[str, str]:
    """Create an empty database beside the URL's; returns its URL and the admin URL."""
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'wangge_bench'}_{part}_{os.getpid()}"
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


def row_sql(model, rows: list[dict], returning: bool = False) -> tuple[str, list[list]]:
    """An INSERT of the model's rows as database parameters (every value precomputed)."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    params = [[f.get_db_prep_save(row[f.attname], connection) for f in fields] for row in rows]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    tail = " RETURNING id" if returning else ""
    # Identifiers come from the model and are quoted; values are parameters.
    return f"INSERT INTO {table} ({columns}) VALUES ({marks}){tail}", params  # noqa: S608


def event_rows(intakes: list[Intake], now) -> list[dict]:
    """The events_event rows report_event writes, with every derived value precomputed."""
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
        "routed": False,
        "reworked": False,
        "extended": False,
        "closed_late": False,
        "created_at": now,
        "accepted_at": None,
        "closed_at": None,
        "updated_at": now,
    }
    return [
        dict(
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
        for item in intakes
    ]


def companion_rows(intakes: list[Intake], now) -> list[tuple[dict, dict]]:
    """The first trail entry and the accept clock of each report, precomputed."""
    from wangge.events import calendar
    from wangge.events.choices import Priority, Step
    from wangge.events.clocks import deadline_after
    from wangge.events.reference import reference
    from wangge.events.trail import GENESIS

    limits = reference().limits
    rows = []
    for item in intakes:
        limit = limits[(item.category_id, Priority.NORMAL, Step.ACCEPT)]
        due = deadline_after(now, limit)
        trail = {
            "region_code": item.village_code,
            "sequence": 1,
            "action": "report",
            "actor_id": None,
            "actor_unit_id": None,
            "from_state": "",
            "to_state": "reported",
            "comment": "",
            "payload": {"channel": "public_app", "self_handled": False, "centre": item.centre_id},
            "created_at": now,
            "previous_hash": GENESIS,
            "entry_hash": secrets.token_hex(32),
        }
        clock = {
            "region_code": item.village_code,
            "event_state": "reported",
            "event_closed_at": None,
            "event_accepted": False,
            "event_category_id": item.category_id,
            "step": Step.ACCEPT,
            "unit_id": item.centre_id,
            "started_at": now,
            "due_at": due,
            "paused_at": None,
            "stopped_at": None,
            "card_level": "none",
            "light": "green",
            "limit_amount": limit.amount,
            "limit_unit": limit.unit,
            "allowed_seconds": calendar.seconds_of(limit.amount, limit.unit),
            "next_check_at": due,
        }
        rows.append((trail, clock))
    return rows


def through_executemany(intakes: list[Intake], now) -> Rate:
    """Reference only: the event rows alone, one executemany in one transaction."""
    from django.db import connection, transaction

    from wangge.events.models import Event

    sql, params = row_sql(Event, event_rows(intakes, now))
    with Stopwatch() as watch, transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return watch.rate(len(intakes))


def through_plain_insert(intakes: list[Intake], now) -> Rate:
    """The baseline: per report, one transaction of the same three INSERTs report_event
    makes (event, its first trail entry, its accept clock), every value precomputed."""
    from django.db import connection, transaction

    from wangge.events.models import Clock, Event, TrailEntry

    event_sql, event_params = row_sql(Event, event_rows(intakes, now), returning=True)
    companions = companion_rows(intakes, now)
    trail_sql, _ = row_sql(TrailEntry, [dict(companions[0][0], event_id=0)])
    clock_sql, _ = row_sql(Clock, [dict(companions[0][1], event_id=0)])
    trail_fields = [f for f in TrailEntry._meta.concrete_fields if not f.primary_key]
    clock_fields = [f for f in Clock._meta.concrete_fields if not f.primary_key]

    def params(fields, row, event_id):
        row = dict(row, event_id=event_id)
        return [f.get_db_prep_save(row[f.attname], connection) for f in fields]

    with Stopwatch() as watch:
        for values, (trail, clock) in zip(event_params, companions, strict=True):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(event_sql, values)
                event_id = cursor.fetchone()[0]
                cursor.execute(trail_sql, params(trail_fields, trail, event_id))
                cursor.execute(clock_sql, params(clock_fields, clock, event_id))
    return watch.rate(len(intakes))


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
    if args.phase == "intake":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
        run(args)
        return
    size = sizes(args)
    here = Path(__file__).resolve().parent
    commands = {
        "intake": [
            __file__,
            "--phase=intake",
            f"--events={size['events']}",
            f"--repeat={size['repeat']}",
        ],
        "sweep": [str(here / "bench_sweep.py"), f"--open={size['open']}", f"--due={size['due']}"],
        "metrics": [str(here / "bench_metrics.py"), f"--events={size['metrics']}"],
    }
    print(
        f"{time.strftime('%Y-%m-%d %H:%M')}; {platform.node()}; nproc {os.cpu_count()}; "
        f"{cpu_model()}; Python {platform.python_version()}; "
        f"load average {os.getloadavg()[0]:.1f}; sizes {size}",
        flush=True,
    )
    for part in args.parts.split(","):
        began = time.perf_counter()
        print(f"\n## {part}", flush=True)
        with scratch_database(args.postgres, part) as env:
            subprocess.run([sys.executable, *commands[part]], env=env, check=True)  # noqa: S603
        took = time.perf_counter() - began
        print(f"({part}: {took:.0f} s, load average {os.getloadavg()[0]:.1f})", flush=True)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


@contextmanager
def scratch_database(postgres: str | None, part: str):
    """An empty database for one part, dropped afterwards; yields the child's environment."""
    # Notices are still written to the inbox; printing them would time the terminal.
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="wangge.settings", WANGGE_NOTICE_CHANNELS="")
    if postgres:
        url, admin = scratch_postgres(postgres, part)
        env["DATABASE_URL"] = url
        try:
            yield env
        finally:
            drop_postgres(url, admin)
        return
    with tempfile.TemporaryDirectory(prefix="wangge-bench-") as directory:
        env["WANGGE_DATA_DIR"] = directory
        env["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
        yield env


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
        results["c"].append(through_executemany(intakes, now))
        results["c'"].append(through_plain_insert(intakes, now))
        results["d"].append(through_actions(ids, now))
        done = ", ".join(f"{k} {v[-1].wall:,.0f}/s" for k, v in results.items() if v)
        print(f"repetition {rep + 1}: {done}", flush=True)
    with CaptureQueriesContext(connection) as queries:
        through_service(sample_intakes(1, rng), now)
    report(args, results, len(queries))


LABELS = {
    "a": "report_event, 1 transaction per event",
    "b": f"HTTP POST {HTTP_PATH}",
    "c": "event rows only, executemany in 1 transaction (reference)",
    "c'": "baseline: event + trail + clock INSERTs, 1 transaction per report",
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
