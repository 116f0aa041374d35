"""Breakdowns of the official counts for charts: by day, by category and by grid.

Each breakdown splits one figure of `compute_metrics` — `received` (reported in the
period) or `closed` (finally closed in the period) — with the same subject filter and
period bounds, so a chart's bars add up to the number printed beside it; the tests
check them against `compute_metrics`. One grouped query each, on the indexed
`created_at` / `(region_code, closed_at)` columns, instead of one metrics call per day.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from wangge.assessment.metrics import Period, Subject, refresh_rollup
from wangge.assessment.rollup import day_sums
from wangge.events.choices import State
from wangge.events.models import Category, Event
from wangge.regions.models import Grid


@dataclass(frozen=True)
class DayCounts:
    day: date
    received: int
    closed: int


@dataclass(frozen=True)
class Share:
    key: str
    name: str
    count: int


def _received(subject: Subject, period: Period) -> Q:
    start, end = period.bounds
    return subject.events() & Q(created_at__gte=start, created_at__lt=end)


def _closed(subject: Subject, period: Period) -> Q:
    start, end = period.bounds
    return subject.events() & Q(state=State.CLOSED, closed_at__gte=start, closed_at__lt=end)


def _per_day(condition: Q, field: str) -> dict[date, int]:
    tz = timezone.get_current_timezone()
    rows = (
        Event.objects.filter(condition)
        .annotate(day=TruncDate(field, tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"))
    )
    return {row["day"]: row["n"] for row in rows}


def daily_counts(subject: Subject, period: Period, *, use_rollup: bool = True) -> list[DayCounts]:
    """Received and closed per local day, every day of the period present (zeros included).

    A region subject reads them from the daily rollup once it is built (the same counts,
    per village; wangge/assessment/rollup.py), everything else groups the events.
    """
    if use_rollup and subject.is_region and refresh_rollup():
        sums = day_sums(subject.code_prefix, period.start, period.end, ("received", "closed"))
        received = {day: row["received"] for day, row in sums.items()}
        closed = {day: row["closed"] for day, row in sums.items()}
    else:
        received = _per_day(_received(subject, period), "created_at")
        closed = _per_day(_closed(subject, period), "closed_at")
    days = (period.end - period.start).days + 1
    return [
        DayCounts(day, received.get(day, 0), closed.get(day, 0))
        for day in (period.start + timedelta(days=n) for n in range(days))
    ]


def _roots() -> dict[int, Category]:
    """Each category's top-level ancestor (the tree is small and shallow)."""
    categories = {c.pk: c for c in Category.objects.all()}
    roots = {}
    for pk, category in categories.items():
        root = category
        while root.parent_id is not None and root.parent_id in categories:
            root = categories[root.parent_id]
        roots[pk] = root
    return roots


def received_by_category(subject: Subject, period: Period) -> list[Share]:
    """Received events per top-level category, largest first."""
    rows = (
        Event.objects.filter(_received(subject, period))
        .values("category_id")
        .annotate(n=Count("pk"))
    )
    roots = _roots()
    totals: dict[int, int] = {}
    for row in rows:
        root = roots[row["category_id"]]
        totals[root.pk] = totals.get(root.pk, 0) + row["n"]
    by_pk = {root.pk: root for root in roots.values()}
    shares = [Share(by_pk[pk].code, by_pk[pk].name, n) for pk, n in totals.items()]
    return sorted(shares, key=lambda s: (-s.count, s.key))


def received_by_grid(subject: Subject, period: Period, limit: int) -> list[Share]:
    """The `limit` grids with the most received events (hotspots), most first.

    Counted per grid id from the index alone (`event_created_region_idx` carries the
    grid), then named: joining the grids first made PostgreSQL read every event row of
    the month (177 ms of a 262 ms big-screen rebuild at 1,000,000 events).
    """
    counts = dict(
        Event.objects.filter(_received(subject, period))
        .values("grid_id")
        .annotate(n=Count("*"))
        .values_list("grid_id", "n")
    )
    grids = Grid.objects.filter(pk__in=counts).values_list("pk", "code", "name")
    shares = [Share(code, name, counts[pk]) for pk, code, name in grids]
    return sorted(shares, key=lambda s: (-s.count, s.key))[:limit]
