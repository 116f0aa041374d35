"""Supervision sweep cost against the number of due clocks, with many open ones not due.

    .venv/bin/python benchmarks/bench_sweep.py --open 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wangge_bench \\
        .venv/bin/python benchmarks/bench_sweep.py --open 1000000

Runs in the (empty) database of DATABASE_URL, which bench_lifecycle.py creates and drops
for it; the open events and their running clocks are bulk-loaded (COPY / executemany).
Prints the bare index query, a sweep with nothing due (median of
repeated runs) and sweeps with 1,000 and 10,000 due clocks, each due clock raising one card
with its trail entry and notices.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from tests.jurisdiction import build_jurisdiction  # noqa: E402
from wangge.accounts.models import OrgUnit, Role, UnitKind, User  # noqa: E402
from wangge.accounts.services import grant_role  # noqa: E402
from wangge.events.choices import Channel, LimitUnit, Step  # noqa: E402
from wangge.events.models import Category, Clock, Event, Light  # noqa: E402
from wangge.regions.codes import RegionLevel  # noqa: E402
from wangge.supervision.sweep import run_sweep  # noqa: E402

CHUNK = 20_000


def build_base():
    j = build_jurisdiction()
    county = OrgUnit.objects.create(
        name="县中心", kind=UnitKind.CENTRE, level=RegionLevel.COUNTY, region=j.county
    )
    unit = OrgUnit.objects.create(
        name="镇中心",
        kind=UnitKind.CENTRE,
        level=RegionLevel.TOWNSHIP,
        region=j.township_1,
        parent=county,
    )
    for name, member_of in (("op1", unit), ("op2", unit), ("boss", county)):
        user = User.objects.create_user(username=name, unit=member_of)
        if name == "boss":
            grant_role(user, Role.LEADER)
    category = Category.objects.create(code="bench", name="占道经营")
    return j.grids["t1_north"], unit, category


def make_events(count: int, grid, unit, category, prefix: str) -> list[Event]:
    now = timezone.now()
    events = []
    for start in range(0, count, CHUNK):
        events += Event.objects.bulk_create(
            Event(
                tracking_code=f"{prefix}{i:012d}",
                title="占道经营",
                category=category,
                channel=Channel.GRID_WORKER,
                lon=120.05,
                lat=40.07,
                grid=grid,
                region=grid.village,
                region_code=grid.village.code,
                current_unit=unit,
                created_at=now,
            )
            for i in range(start, min(count, start + CHUNK))
        )
    return events


def make_clocks(event_ids: list[int], unit, due: bool, total: int) -> None:
    for start in range(0, total, CHUNK):
        rows = []
        for i in range(start, min(total, start + CHUNK)):
            rows.append(Clock(event_id=event_ids[i % len(event_ids)], unit=unit, **clock(due, i)))
        Clock.objects.bulk_create(rows)


def clock(due: bool, i: int) -> dict:
    """A running handling clock: overdue by an hour, or due in a month (checked in 15 days)."""
    now = timezone.now()
    due_at = now - timedelta(hours=1) if due else now + timedelta(days=30, seconds=i)
    return {
        "step": Step.HANDLE,
        "started_at": now - timedelta(days=10),
        "due_at": due_at,
        "limit_amount": 3,
        "limit_unit": LimitUnit.WORKING_DAYS,
        "allowed_seconds": 3 * 86400,
        "light": Light.RED if due else Light.GREEN,
        "next_check_at": due_at if due else now + timedelta(days=15, seconds=i),
    }


def load_open_events(total: int, grid, unit, category) -> None:
    """`total` open events in handling, each with its running clock, written by COPY
    (PostgreSQL) or executemany (SQLite): realistic rows, without the ORM's per-row cost."""
    from benchmarks.bench_metrics import Writer

    writer = Writer()
    now = timezone.now()
    first = (Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    for start in range(0, total, CHUNK):
        ids = range(first + start, first + min(total, start + CHUNK))
        events = [
            {
                "id": pk,
                "tracking_code": f"O{pk:012d}",
                "title": "占道经营",
                "category_id": category.pk,
                "channel": Channel.GRID_WORKER,
                "state": "handling",
                "lon": 120.05,
                "lat": 40.07,
                "grid_id": grid.pk,
                "region_id": grid.village_id,
                "region_code": grid.village.code,
                "current_unit_id": unit.pk,
                "centre_id": unit.pk,
                "routed": True,
                "created_at": now - timedelta(days=10),
                "accepted_at": now - timedelta(days=10),
                "updated_at": now,
            }
            for pk in ids
        ]
        clocks = [dict(clock(False, pk), event_id=pk, unit_id=unit.pk) for pk in ids]
        with transaction.atomic():
            writer.write(Event, events)
            writer.write(Clock, clocks)
    writer.reset_sequences(Event, Clock)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def median_time(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=100_000, help="open clocks not due")
    parser.add_argument("--due", default="1000,10000", help="due-clock counts to sweep")
    args = parser.parse_args()
    sweep(args.open, [int(x) for x in args.due.split(",") if x])


def sweep(open_events: int, due_counts: list[int]) -> None:
    """Run in an empty database (bench_lifecycle.py gives each part a scratch one)."""
    vendor = connection.vendor
    call_command("migrate", verbosity=0)
    if Event.objects.exists():
        raise SystemExit("bench_sweep needs an empty database")
    grid, unit, category = build_base()
    began = time.perf_counter()
    load_open_events(open_events, grid, unit, category)
    took = time.perf_counter() - began
    print(f"{vendor}: loaded {open_events:,} open events with their clocks in {took:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    def bare_query() -> None:
        list(
            Clock.objects.filter(next_check_at__lte=timezone.now()).order_by("next_check_at", "pk")[
                :500
            ]
        )

    print(f"bare index query, nothing due: {ms(median_time(bare_query, 50))} (median of 50)")
    empty = median_time(lambda: run_sweep(timezone.now()), 50)
    print(f"sweep, nothing due:            {ms(empty)} (median of 50)")
    for count in due_counts:
        events = make_events(count, grid, unit, category, f"D{count}-")
        make_clocks([e.pk for e in events], unit, due=True, total=count)
        began = time.perf_counter()
        report = run_sweep(timezone.now())
        took = time.perf_counter() - began
        print(
            f"sweep, {count:,} due: {took:.2f} s ({took / count * 1000:.2f} ms per clock, "
            f"{report.card_count:,} cards, {report.batches} batches)"
        )
    after = median_time(lambda: run_sweep(timezone.now()), 20)
    print(f"sweep, nothing due afterwards: {ms(after)} (median of 20)")


if __name__ == "__main__":
    main()
