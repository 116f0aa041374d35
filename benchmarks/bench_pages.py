"""Server time of the web pages with the demo data and with 1,000,000 events, on PostgreSQL,
and the bytes the grid-worker app ships on its first load.

    .venv/bin/python benchmarks/bench_pages.py [--events 1000000] [--requests 30]
        [--console-url /console/] [--map-events-url '/api/map/events?bbox=...&zoom=10']
        [--map-grids-url /api/map/grids] [--field-url /field/] [--stats-url /stats/]
        [--stats-list-url URL] [--todo-url URL] [--inbox-url URL] [--keep | --reuse NAME]

Creates a scratch database `wangge_pages_<pid>` on WANGGE_BENCH_PG (default
postgres://postgres@127.0.0.1:5432), builds the 绥中县 demo in it (`wangge demo`,
2,000 events), times every page, then bulk-loads `--events` more events over the demo's
1,638 grids (COPY; a year of reports ending today, with their clocks, parts and trail
entries) and times them again. The database is dropped at the end, even after a failure,
unless `--keep` is given. `--reuse NAME` times the pages again on a database kept by an
earlier run (after migrating it, so a new index is built) without building or dropping it:
for iterating, and for timing two versions of the code on the same rows.

Server time is measured in-process with Django's test Client (median and p95 of
`--requests` requests after one warm-up), beside a baseline measured in the same run:
the login page, which touches no data. The big screen is timed warm (its per-scope
cache holds the snapshot, as for every screen but the first within a few seconds) and
cold (cache cleared before every request). A page answering other than 200 — an
endpoint another helper has not delivered yet — is reported "not measured".

First-load bytes of the grid-worker app: Chromium (Playwright, /usr/bin/chromium) logs
in as grid_worker against a `wangge runserver` on the scratch database and sums the
encoded bytes of every response of /field/ (HTML, scripts, styles, images, data).
"""

import argparse
import gzip
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = os.environ.get("WANGGE_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = f"wangge_pages_{os.getpid()}"
for _n, _arg in enumerate(sys.argv[:-1]):  # the database must be named before Django loads
    if _arg == "--reuse":
        DATABASE = sys.argv[_n + 1]
DATA_DIR = Path(tempfile.mkdtemp(prefix="wangge_pages_"))
os.environ["DJANGO_SETTINGS_MODULE"] = "wangge.settings"
os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
os.environ["WANGGE_DATA_DIR"] = str(DATA_DIR)
os.environ["WANGGE_TILE_URL"] = ""
CHROMIUM = os.environ.get("WANGGE_CHROMIUM", "/usr/bin/chromium")
DEMO_PASSWORD = "Wangge@2026"  # noqa: S105 - the demo's published password (README)
BATCH = 20_000
rng = random.Random(20261203)


def admin_sql(statement: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(statement)


# ---------------------------------------------------------------- timing


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_get(client, url: str, requests: int, before=None) -> dict:
    """Median and p95 milliseconds of GET url after one warm-up request."""
    times = []
    status = None
    for n in range(requests + 1):
        if before is not None:
            before()
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        status = response.status_code
        if status != 200:
            return {"url": url, "status": status}
        if n:
            times.append(elapsed)
    return {
        "url": url,
        "status": status,
        "median": statistics.median(times),
        "p95": percentile(times, 0.95),
        "bytes": len(response.content),
    }


def measure(label: str, args, requests: int, cold_requests: int) -> list[tuple[str, dict]]:
    from django.core.cache import cache
    from django.test import Client

    from wangge.accounts.models import User

    def client_for(username: str | None) -> Client:
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        return client

    operator, leader = client_for("county_operator"), client_for("leader")
    rows = [
        ("baseline: login page", time_get(client_for(None), "/login/", requests)),
        ("console (county operator)", time_get(operator, args.console_url, requests)),
        ("map events (county operator)", time_get(operator, args.map_events_url, requests)),
        ("map grids (county operator)", time_get(operator, args.map_grids_url, requests)),
        ("screen, warm (leader)", time_get(leader, args.screen_url, requests)),
        ("screen snapshot, warm (leader)", time_get(leader, args.snapshot_url, requests)),
        (
            "screen, cold: snapshot rebuilt, rankings cached",
            time_get(leader, args.screen_url, cold_requests, before=_drop_snapshot),
        ),
        (
            "screen snapshot, cold: everything rebuilt",
            time_get(leader, args.snapshot_url, cold_requests, before=cache.clear),
        ),
        (
            "statistics, rankings cached (county operator)",
            time_get(operator, args.stats_url, requests),
        ),
        (
            "statistics, cold: rankings rebuilt (county operator)",
            time_get(operator, args.stats_url, cold_requests, before=cache.clear),
        ),
        (
            "statistics: 按期结案数 list (county operator)",
            time_get(operator, args.stats_list_url, requests),
        ),
        ("我的待办 (county operator)", time_get(operator, args.todo_url, requests)),
        ("notices inbox (county operator)", time_get(operator, args.inbox_url, requests)),
    ]
    print(f"\n{label}")
    for name, row in rows:
        print(f"  {name:50} {shown(row)}")
    return rows


def _drop_snapshot() -> None:
    """Forget the snapshots but keep the five-minute rankings, as between two changes."""
    from django.core.cache import cache

    from wangge.accounts.models import User
    from wangge.accounts.scope import scope_of
    from wangge.web.screen.snapshot import cache_key

    cache.delete(cache_key(scope_of(User.objects.get(username="leader"))))


def shown(row: dict) -> str:
    if row["status"] != 200:
        return f"not measured (HTTP {row['status']})"
    return f"median {row['median']:8.1f} ms   p95 {row['p95']:8.1f} ms   {row['bytes']:>9,} B"


# ---------------------------------------------------------------- a million events


def _rows_writer(connection):
    raw = connection.connection

    def write(model, rows: list[dict]) -> None:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        columns = [("id", "id", None)] if "id" in rows[0] else []
        columns += [(f.attname, f.column, f.get_default()) for f in fields]
        names = ", ".join(column for _, column, _ in columns)
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row.get(attname, default) for attname, _, default in columns])

    return write


class Plan:
    """What the demo offers to hang events on: grids, categories, centres, departments."""

    def __init__(self):
        from wangge.accounts.models import OrgUnit, Role, UnitKind, User
        from wangge.events.models import Category
        from wangge.regions.models import Grid

        self.grids = list(
            Grid.objects.values_list(
                "id", "code", "village_id", "min_lon", "min_lat", "max_lon", "max_lat"
            )
        )
        self.categories = list(
            Category.objects.filter(children__isnull=True).values_list("id", flat=True)
        )
        centres = OrgUnit.objects.filter(kind=UnitKind.CENTRE).select_related("region")
        self.centre_by_region = {c.region.code: c.pk for c in centres}
        self.county_centre = min(centres, key=lambda c: len(c.region.code.rstrip("0"))).pk
        self.departments = list(
            OrgUnit.objects.filter(kind=UnitKind.DEPARTMENT).values_list("id", flat=True)
        )
        self.workers = list(
            User.objects.filter(role_grants__role=Role.GRID_WORKER).values_list("id", flat=True)
        )

    def centre_for(self, village_code: str) -> int:
        township = village_code[:9] + "000"
        return self.centre_by_region.get(township, self.county_centre)


OPEN_RECENT = ["reported", "accepted", "verifying", "dispatched", "handling", "submitted"]


def state_for(age_days: float) -> str:
    """Recent events are often still open; a month later nearly all are settled."""
    roll = rng.random()
    open_share = 0.6 if age_days < 3 else 0.15 if age_days < 30 else 0.0
    if roll < open_share:
        return rng.choice(OPEN_RECENT)
    roll = rng.random()
    if roll < 0.90:
        return "closed"
    return rng.choice(["rejected", "merged", "withdrawn", "shelved", "suspended"])


def event_rows(
    first_id: int, count: int, plan: Plan, now: datetime
) -> tuple[list, list, list, list]:
    events, clocks, parts, trail = [], [], [], []
    for n in range(first_id, first_id + count):
        grid_id, code, village_id, x0, y0, x1, y1 = rng.choice(plan.grids)
        age = rng.uniform(0, 365)
        created = now - timedelta(days=age)
        state = state_for(age)
        region = code[:12]
        centre = plan.centre_for(region)
        accepted = (
            None
            if state in ("reported", "rejected", "merged", "withdrawn")
            else created + timedelta(minutes=rng.expovariate(1 / 20))
        )
        dispatched = (
            state not in ("reported", "accepted", "verifying", "rejected", "merged", "withdrawn")
            and rng.random() < 0.85
        )
        closed = None
        if state == "closed":
            closed = min(
                now,
                accepted
                + timedelta(
                    days=rng.uniform(0.2, 4.8) if rng.random() < 0.85 else rng.uniform(5.2, 12)
                ),
            )
        department = rng.choice(plan.departments) if dispatched else None
        holder = department if state in ("dispatched", "handling") and department else centre
        channel = rng.choice(
            ["grid_worker", "grid_worker", "public_app", "hotline", "qr_code", "operator"]
        )
        events.append(
            {
                "id": n,
                "tracking_code": f"P{n:011d}",
                "title": "占道经营",
                "description": "",
                "category_id": rng.choice(plan.categories),
                "channel": channel,
                "state": state,
                "lon": rng.uniform(x0, x1) * 0.5 + (x0 + x1) / 4,
                "lat": rng.uniform(y0, y1) * 0.5 + (y0 + y1) / 4,
                "grid_id": grid_id,
                "region_id": village_id,
                "region_code": region,
                "reporter_id": rng.choice(plan.workers)
                if channel == "grid_worker" and plan.workers
                else None,
                "current_unit_id": holder,
                "centre_id": centre,
                "self_handled": False,
                "rating": rng.choice(["very_satisfied", "satisfied", "satisfied", "unsatisfied"])
                if closed and rng.random() < 0.6
                else "",
                "created_at": created,
                "accepted_at": accepted,
                "closed_at": closed,
                "updated_at": closed or accepted or created,
            }
        )
        trail.append(_entry(n, region, 1, "report", "", "reported", created))
        clocks.append(
            {
                **_event_copies(events[-1]),
                "event_id": n,
                "region_code": region,
                "step": "accept",
                "unit_id": centre,
                "started_at": created,
                "due_at": created + timedelta(minutes=30),
                "stopped_at": accepted or created + timedelta(hours=1),
            }
        )
        if department:
            parts.append({"event_id": n, "department_id": department, "role": "lead"})
            trail.append(_entry(n, region, 2, "dispatch", "accepted", "dispatched", accepted))
            due = accepted + timedelta(days=5)
            stopped = closed - timedelta(hours=1) if closed else None
            late = stopped is None and now > due or stopped is not None and stopped > due
            clocks.append(
                {
                    **_event_copies(events[-1]),
                    "event_id": n,
                    "region_code": region,
                    "step": "handle",
                    "unit_id": department,
                    "started_at": accepted,
                    "due_at": due,
                    "stopped_at": stopped,
                    "card_level": rng.choice(["normal", "yellow", "red"]) if late else "none",
                }
            )
    return events, clocks, parts, trail


def _event_copies(event: dict) -> dict:
    """The copies of its event a clock carries (the workflow keeps them in step)."""
    return {
        "event_state": event["state"],
        "event_closed_at": event["closed_at"],
        "event_accepted": event["accepted_at"] is not None,
        "event_category_id": event["category_id"],
    }


def _entry(
    event_id: int, region: str, sequence: int, action: str, before: str, after: str, when
) -> dict:
    """A trail entry row; clocks and entries carry their event's region code, as `save`
    and `bulk_create` fill it (COPY bypasses both)."""
    return {
        "event_id": event_id,
        "region_code": region,
        "sequence": sequence,
        "action": action,
        "from_state": before,
        "to_state": after,
        "created_at": when,
        "previous_hash": "0" * 64,
        "entry_hash": f"b{event_id:047x}{sequence:016x}",
        "payload": "{}",
        "comment": "",
    }


def load_events(total: int) -> None:
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from wangge.assessment.metrics import build_rollup
    from wangge.events.models import Clock, Event, EventPart, TrailEntry

    started = time.perf_counter()
    plan = Plan()
    write = _rows_writer(connection)
    now = timezone.now()
    first = (Event.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    for offset in range(0, total, BATCH):
        count = min(BATCH, total - offset)
        events, clocks, parts, trail = event_rows(first + offset, count, plan, now)
        with transaction.atomic():
            write(Event, events)
            write(Clock, clocks)
            write(EventPart, parts)
            write(TrailEntry, trail)
        if (offset + count) % 200_000 == 0:
            print(
                f"  {offset + count:>9,} events  {time.perf_counter() - started:5.0f} s", flush=True
            )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('events_event', 'id'),"
            " (SELECT max(id) FROM events_event))"
        )
        # Vacuumed as a live database is by autovacuum: index-only scans need the visibility
        # map, and a vacuum starting during the timings would skew them.
        cursor.execute("VACUUM (ANALYZE)")
    print(f"loaded {total:,} events in {time.perf_counter() - started:.0f} s")
    # Rows loaded without the workflow reach the metrics rollup only through a rebuild.
    started = time.perf_counter()
    build_rollup()
    print(f"metrics rollup rebuilt in {time.perf_counter() - started:.1f} s")


# ---------------------------------------------------------------- grid-worker first load


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def field_first_load(field_url: str) -> str:
    """Start a server on the scratch database and measure the app's first load there."""
    if not Path(CHROMIUM).exists():
        return f"not measured ({CHROMIUM} missing)"
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    wangge = str(Path(sys.executable).parent / "wangge")
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own console script, fixed arguments
        [wangge, "runserver", f"127.0.0.1:{port}", "--noreload"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        return first_load_bytes(f"http://127.0.0.1:{port}", field_url)
    finally:
        server.terminate()
        server.wait(timeout=10)


def first_load_bytes(base: str, field_url: str) -> str:
    """Bytes on the wire (and gzip-estimated) of the first load of field_url as grid_worker."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
            page = context.new_page()
            page.goto(base + "/login/")
            page.get_by_label("用户名").fill("grid_worker")
            page.get_by_label("密码").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_load_state("networkidle")
            # A fresh context holding only the session: nothing comes from the HTTP cache.
            cookies = context.cookies()
            context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
            context.add_cookies(cookies)
            page = context.new_page()
            finished = []
            page.on("requestfinished", lambda request: finished.append(request))
            main = page.goto(base + field_url, wait_until="networkidle")
            if main is None or main.status != 200:
                return f"not measured (HTTP {main.status if main else '-'} for {field_url})"
            page.wait_for_timeout(1000)
            wire = gzipped = 0
            for request in finished:
                sizes = request.sizes()
                wire += sizes["responseBodySize"] + sizes["responseHeadersSize"]
                response = request.response()
                body = response.body() if response is not None else b""
                gzipped += len(gzip.compress(body, 6)) + sizes["responseHeadersSize"]
        finally:
            browser.close()
    return (
        f"{len(finished)} responses, {wire:,} B on the wire as served, "
        f"{gzipped:,} B with every response gzip-compressed"
    )


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--cold-requests", type=int, default=5)
    parser.add_argument("--console-url", default="/console/")
    parser.add_argument(
        "--map-events-url", default="/api/map/events?bbox=119.3,39.8,120.8,40.8&zoom=10"
    )
    parser.add_argument("--map-grids-url", default="/api/map/grids")
    parser.add_argument("--screen-url", default="/screen/")
    parser.add_argument("--snapshot-url", default="/screen/snapshot")
    parser.add_argument("--field-url", default="/field/")
    parser.add_argument("--stats-url", default="/stats/")
    parser.add_argument("--stats-list-url", default="/stats/events/?figure=closed_on_time")
    # Hooks for pages other helpers are building: "not measured" until they answer 200.
    parser.add_argument("--todo-url", default="/console/todo/")
    parser.add_argument("--inbox-url", default="/notices/")
    kept = parser.add_mutually_exclusive_group()
    kept.add_argument("--keep", action="store_true", help="keep the scratch database")
    kept.add_argument("--reuse", metavar="NAME", help="time again on a kept database")
    args = parser.parse_args()

    if not args.reuse:
        admin_sql(f'CREATE DATABASE "{DATABASE}"')
        # Production runs with jit off (docs/METRICS.md): its compile time dwarfs these queries.
        admin_sql(f'ALTER DATABASE "{DATABASE}" SET jit = off')
    try:
        rerun(args) if args.reuse else run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep or args.reuse:
            print(f"kept database {DATABASE}")
        else:
            admin_sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        shutil.rmtree(DATA_DIR, ignore_errors=True)


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from wangge.events.models import Event

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)
    print(
        f"database {DATABASE}: demo built in {time.perf_counter() - started:.0f} s, "
        f"{Event.objects.count():,} events; load average {os.getloadavg()[0]:.1f}"
    )
    measure("demo data", args, args.requests, args.cold_requests)
    print(f"\ngrid-worker first load ({args.field_url}): {field_first_load(args.field_url)}")
    if args.events:
        load_events(args.events)
        print(f"{Event.objects.count():,} events; load average {os.getloadavg()[0]:.1f}")
        measure(f"demo + {args.events:,} events", args, args.requests, args.cold_requests)


def rerun(args) -> None:
    """Migrate a kept database and time its pages again, rows as they are."""
    import django

    django.setup()
    from django.core.management import call_command

    from wangge.events.models import Event

    call_command("migrate", verbosity=0)
    total = Event.objects.count()
    print(f"database {DATABASE}: {total:,} events; load average {os.getloadavg()[0]:.1f}")
    measure(f"kept database, {total:,} events", args, args.requests, args.cold_requests)


if __name__ == "__main__":
    main()
