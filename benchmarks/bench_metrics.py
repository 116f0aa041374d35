"""County-month assessment metrics over 1,000,000 events.

    .venv/bin/python benchmarks/bench_metrics.py [--events 1000000]

Runs on DATABASE_URL (PostgreSQL when set); without it, on a separate SQLite file
var/bench_metrics.sqlite3 so that the development database is left alone. The data
(90 days, one county, 8 townships, 40 villages, 160 grids) is generated once with
bulk inserts of 10,000 rows into an empty database and kept for later runs (drop the
database to regenerate it).
Rebuilds the daily rollup (timed), then prints for the county and one township, in
October and September 2026, the median of 5 timed runs of compute_metrics through the
rollup, the same through the per-event queries (the two must agree, or the script
stops), and a bare COUNT(*) of the same month and region.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench_metrics.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from shapely.geometry import box  # noqa: E402

from wangge.accounts.models import OrgUnit, Role, RoleGrant, UnitKind, User  # noqa: E402
from wangge.assessment.metrics import (  # noqa: E402
    Period,
    Subject,
    build_rollup,
    metrics_for_subject,
    region_prefix,
)
from wangge.assessment.models import MetricsDay  # noqa: E402
from wangge.events.choices import Channel, PartRole, Rating, State, Step  # noqa: E402
from wangge.events.facts import refresh_facts  # noqa: E402
from wangge.events.models import CardLevel, Category, Clock, Event, EventPart, TrailEntry  # noqa: E402
from wangge.regions.codes import RegionLevel, prefix_range  # noqa: E402
from wangge.regions.models import Grid  # noqa: E402
from wangge.regions.services import save_grid, save_region  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
COUNTY = "211421000000"
TOWNSHIPS = 8
VILLAGES_PER_TOWNSHIP = 5
GRIDS_PER_VILLAGE = 4
BATCH = 10_000
FIRST_DAY = datetime(2026, 8, 2, tzinfo=TZ)
DAYS = 91
MONTH = (date(2026, 10, 1), date(2026, 10, 31))
PREVIOUS_MONTH = (date(2026, 9, 1), date(2026, 9, 30))
rng = random.Random(20261124)


def build_jurisdiction() -> tuple[list[Grid], list[OrgUnit], list[OrgUnit], list[User]]:
    county = save_region(COUNTY, "基准县", RegionLevel.COUNTY, None, box(120, 40, 121, 41))
    county_centre = OrgUnit.objects.create(
        name="基准县综治中心", kind=UnitKind.CENTRE, level=RegionLevel.COUNTY, region=county
    )
    grids, centres, workers = [], [], []
    for t in range(TOWNSHIPS):
        code = f"211421{100 + t:03d}000"
        x = 120 + t * 0.1
        township = save_region(
            code, f"镇{t}", RegionLevel.TOWNSHIP, county, box(x, 40, x + 0.1, 41)
        )
        centres.append(
            OrgUnit.objects.create(
                name=f"镇{t}综治中心",
                kind=UnitKind.CENTRE,
                level=RegionLevel.TOWNSHIP,
                region=township,
                parent=county_centre,
            )
        )
        for v in range(VILLAGES_PER_TOWNSHIP):
            y = 40 + v * 0.2
            village = save_region(
                f"{code[:9]}{201 + v:03d}",
                f"镇{t}村{v}",
                RegionLevel.VILLAGE,
                township,
                box(x, y, x + 0.1, y + 0.2),
            )
            worker = User.objects.create(username=f"bench_worker_{t}_{v}", unit=centres[-1])
            RoleGrant.objects.create(user=worker, role=Role.GRID_WORKER)
            workers.append(worker)
            for g in range(GRIDS_PER_VILLAGE):
                gy = y + g * 0.05
                grids.append(
                    save_grid(village, g + 1, f"网格{g + 1}", box(x, gy, x + 0.1, gy + 0.05))
                )
    departments = [
        OrgUnit.objects.create(
            name=name, kind=UnitKind.DEPARTMENT, level=RegionLevel.COUNTY, region=county
        )
        for name in ("行政执法局", "交通局", "公安局", "城管局", "林业局", "水利局")
    ]
    return grids, centres, departments, workers


STATE_WEIGHTS = {
    State.CLOSED: 85,
    State.HANDLING: 3,
    State.SUBMITTED: 1,
    State.DISPATCHED: 1,
    State.REJECTED: 3,
    State.MERGED: 1,
    State.WITHDRAWN: 1,
    State.SHELVED: 2,
    State.SUSPENDED: 1,
    State.REPORTED: 2,
}
CHANNEL_WEIGHTS = {
    Channel.GRID_WORKER: 40,
    Channel.PUBLIC_APP: 20,
    Channel.HOTLINE: 20,
    Channel.QR_CODE: 8,
    Channel.MINI_PROGRAM: 7,
    Channel.OPERATOR: 5,
}
RATING_WEIGHTS = {
    Rating.VERY_SATISFIED: 50,
    Rating.SATISFIED: 30,
    Rating.BASICALLY_SATISFIED: 10,
    Rating.UNSATISFIED: 7,
    Rating.VERY_UNSATISFIED: 3,
}


def pick(weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class Writer:
    """Bulk rows straight into the tables: COPY on PostgreSQL, executemany on SQLite.

    The ORM's bulk_create spends ~1.5 ms of Python per event here, which would turn
    data generation into the benchmark; the rows written are the same.
    """

    def __init__(self):
        connection.ensure_connection()
        self.pg = connection.vendor == "postgresql"
        self.columns = {}

    def reset_sequences(self, *models) -> None:
        """Explicit ids leave PostgreSQL's id sequences behind; move them past the rows."""
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
                cursor.execute(sql)

    def _layout(self, model) -> list[tuple[str, str, object]]:
        if model not in self.columns:
            fields = [f for f in model._meta.concrete_fields]
            self.columns[model] = [
                (f.attname, f.column, f.get_default()) for f in fields if not f.primary_key
            ]
        return self.columns[model]

    def _value(self, value):
        if isinstance(value, dict):
            return json.dumps(value)
        if isinstance(value, datetime) and not self.pg:
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
        return value

    def write(self, model, rows: list[dict]) -> None:
        layout = self._layout(model)
        if "id" in rows[0]:
            layout = [("id", "id", None), *layout]
        table = model._meta.db_table
        names = ", ".join(column for _, column, _ in layout)
        tuples = [
            tuple(self._value(row.get(attname, default)) for attname, _, default in layout)
            for row in rows
        ]
        raw = connection.connection
        if self.pg:
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for values in tuples:
                    copy.write_row(values)
        else:
            marks = ", ".join("?" for _ in layout)
            # Table and column names come from the models, never from input.
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            raw.executemany(sql, tuples)


def plan_event(n: int, grids, centres, categories, workers) -> dict:
    """One event row, with the facts its clocks, parts and trail are built from."""
    grid = rng.choice(grids)
    township = int(grid.code[6:9]) - 100
    created = FIRST_DAY + timedelta(seconds=rng.randrange(DAYS * 86400))
    state = pick(STATE_WEIGHTS)
    channel = pick(CHANNEL_WEIGHTS)
    accepted = None
    if state not in (State.REPORTED, State.REJECTED, State.MERGED, State.WITHDRAWN):
        accepted = created + timedelta(minutes=rng.expovariate(1 / 12))
    on_time = rng.random() < 0.8
    closed = None
    if state == State.CLOSED:
        days = rng.uniform(0.3, 4.9) if on_time else rng.uniform(5.1, 15)
        closed = accepted + timedelta(days=days)
    by_worker = channel == Channel.GRID_WORKER
    return {
        "id": n + 1,
        "tracking_code": f"B{n:011d}",
        "title": "基准事件",
        "category_id": categories[0].pk if rng.random() < 0.9 else categories[1].pk,
        "channel": channel,
        "state": state,
        "lon": 120.05,
        "lat": 40.05,
        "grid_id": grid.pk,
        "region_id": grid.village_id,
        "region_code": grid.code[:12],
        "reporter_id": workers[township * VILLAGES_PER_TOWNSHIP].pk if by_worker else None,
        "current_unit_id": centres[township].pk,
        "self_handled": by_worker and rng.random() < 0.15,
        "rating": pick(RATING_WEIGHTS) if closed and rng.random() < 0.6 else "",
        "created_at": created,
        "accepted_at": accepted,
        "closed_at": closed,
        "updated_at": closed or created,
        "_township": township,
        "_direct": channel == Channel.HOTLINE and rng.random() < 0.3,
        "_handle_due": accepted + timedelta(days=5) if accepted else None,
    }


def event_copies(event: dict) -> dict:
    """The copies of its event a clock carries (what the workflow keeps in step)."""
    return {
        "event_state": event["state"],
        "event_closed_at": event["closed_at"],
        "event_accepted": event["accepted_at"] is not None,
        "event_category_id": event["category_id"],
    }


def children_of(events: list[dict], centres, departments, next_hash):
    clocks, parts, trail = [], [], []
    for event in events:
        pk, created, accepted, closed = (
            event["id"],
            event["created_at"],
            event["accepted_at"],
            event["closed_at"],
        )
        clocks.append(
            {
                **event_copies(event),
                "event_id": pk,
                "region_code": event["region_code"],
                "step": Step.ACCEPT,
                "unit_id": centres[event["_township"]].pk,
                "started_at": created,
                "due_at": created + timedelta(minutes=30),
                "stopped_at": accepted or (created + timedelta(hours=1)),
            }
        )
        accept_late = (accepted or created + timedelta(hours=1)) > created + timedelta(minutes=30)
        event["closed_late"] = closed is not None and accept_late
        if accepted is None or event["_direct"]:
            continue
        event["routed"] = True
        department = rng.choice(departments)
        parts.append({"event_id": pk, "department_id": department.pk, "role": PartRole.LEAD})
        trail.append(entry(event, "dispatch", accepted, next_hash))
        stopped = closed - timedelta(hours=2) if closed else None
        card = CardLevel.NONE
        if stopped is None or stopped > event["_handle_due"]:
            card = pick({CardLevel.NORMAL: 60, CardLevel.YELLOW: 30, CardLevel.RED: 10})
            event["closed_late"] = closed is not None
        clocks.append(
            {
                **event_copies(event),
                "event_id": pk,
                "region_code": event["region_code"],
                "step": Step.HANDLE,
                "unit_id": department.pk,
                "started_at": accepted,
                "due_at": event["_handle_due"],
                "stopped_at": stopped,
                "card_level": card,
            }
        )
        roll = rng.random()
        when = accepted + timedelta(days=1)
        if roll < 0.03:
            trail.append(entry(event, "return", when, next_hash))
        elif roll < 0.08:
            trail.append(entry(event, "check_fail", when, next_hash))
            event["reworked"] = True
        elif roll < 0.12:
            trail.append(entry(event, "approve_extension", when, next_hash))
            event["extended"] = True
        if event["state"] == State.SHELVED:
            trail.append(entry(event, "approve_shelve", when, next_hash))
    return clocks, parts, trail


def entry(event: dict, action: str, when: datetime, next_hash) -> dict:
    n = next_hash()
    return {
        "event_id": event["id"],
        "region_code": event["region_code"],
        "sequence": n,
        "action": action,
        "to_state": event["state"],
        "created_at": when,
        "previous_hash": "0" * 64,
        "entry_hash": f"{n:064x}",
    }


def generate(total: int) -> None:
    started = time.perf_counter()
    grids, centres, departments, workers = build_jurisdiction()
    categories = [
        Category.objects.create(code="bench_city", name="城市管理"),
        Category.objects.create(code="bench_dispute", name="矛盾纠纷"),
    ]
    counter = iter(range(1, 10**12))
    writer = Writer()

    def next_hash() -> int:
        return next(counter)

    for offset in range(0, total, BATCH):
        events = [
            plan_event(n, grids, centres, categories, workers)
            for n in range(offset, min(offset + BATCH, total))
        ]
        clocks, parts, trail = children_of(events, centres, departments, next_hash)
        with transaction.atomic():
            writer.write(Event, events)
            writer.write(Clock, clocks)
            writer.write(EventPart, parts)
            writer.write(TrailEntry, trail)
        done = offset + len(events)
        if done % 100_000 == 0:
            print(f"  {done:>9,} events  {time.perf_counter() - started:6.0f} s", flush=True)
    writer.reset_sequences(Event, Clock, EventPart, TrailEntry)
    # A live table is kept vacuumed by autovacuum, which sets the visibility map that
    # index-only scans need; freshly copied rows have none until a VACUUM.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"generated {total:,} events in {time.perf_counter() - started:.0f} s")


def check_facts(sample: int = 5000) -> None:
    """The generated fact columns must be what the trail and clocks say (as the workflow's are)."""
    facts = ("routed", "reworked", "extended", "closed_late")
    ids = list(Event.objects.order_by("pk").values_list("pk", flat=True)[:sample])
    before = list(Event.objects.filter(pk__in=ids).order_by("pk").values_list(*facts))
    with transaction.atomic():
        refresh_facts(Event, TrailEntry, Clock, ids)
        after = list(Event.objects.filter(pk__in=ids).order_by("pk").values_list(*facts))
        transaction.set_rollback(True)
    if before != after:
        raise SystemExit("generated fact columns differ from wangge.events.facts.refresh_facts")
    print(f"fact columns of {len(ids):,} generated events agree with refresh_facts")


def median_ms(fn, runs: int = 5) -> float:
    fn()  # warm the caches once; the figure is for a repeated query
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def bare_count(code: str, period: Period) -> int:
    low, high = prefix_range(region_prefix(code))
    start, end = period.bounds
    return Event.objects.filter(
        region_code__gte=low, region_code__lte=high, created_at__gte=start, created_at__lt=end
    ).count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if not Event.objects.exists():
        generate(args.events)
        check_facts()

    print(f"database: {connection.vendor}; events: {Event.objects.count():,}")
    measure()


def measure() -> None:
    started = time.perf_counter()
    build_rollup()
    days = MetricsDay.objects.count()
    print(f"rollup rebuilt in {time.perf_counter() - started:.1f} s: {days:,} day-village rows")
    township = "211421100000"
    for month in (MONTH, PREVIOUS_MONTH):
        for label, code in (("county", COUNTY), ("township", township)):
            measure_one(label, code, Period(*month))


def measure_one(label: str, code: str, period: Period) -> None:
    """The rollup path beside the per-event queries it replaces and a bare COUNT(*)."""
    subject = Subject(code_prefix=region_prefix(code))
    rolled = metrics_for_subject(subject, period)
    per_event = metrics_for_subject(subject, period, use_rollup=False)
    if rolled != per_event:
        raise SystemExit(f"rollup and per-event figures differ for {code} {period}")
    service = median_ms(lambda: metrics_for_subject(subject, period))
    old = median_ms(lambda: metrics_for_subject(subject, period, use_rollup=False))
    baseline = median_ms(lambda: bare_count(code, period))
    print(
        f"{label:8} {code} {period.start:%Y-%m}: received {rolled.received:,}, "
        f"due {rolled.due:,}, closure {rolled.closure_rate}, on time "
        f"{rolled.on_time_closure_rate} (rollup and per-event agree); compute_metrics median "
        f"{service:.0f} ms (per-event {old:.0f} ms); bare COUNT(*) median {baseline:.0f} ms"
    )


if __name__ == "__main__":
    main()
