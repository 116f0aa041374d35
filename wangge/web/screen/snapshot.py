"""The big screen's snapshot: every figure on the wall, for one data scope, as JSON.

Counts and rates come from `compute_metrics`, rankings from `rank_units`, chart series
from `assessment.breakdown` (which splits the same figures), so the wall never shows a
number the reports would not. Everything is read through the viewer's data scope.

Cost control at a million events: every query is indexed and bounded (a day, a month,
30 days, at most MAP_EVENTS points, at most HOTSPOTS grids), and the snapshot is cached
per scope. A cached snapshot is reused while the change token (today's date and the
newest trail entry — every state change writes one) is unchanged, and for at least
MIN_AGE seconds even when it changed, so many screens and a busy county cost at most
one rebuild per scope every few seconds. The rankings score every township and
department (one metrics call each), so they are kept RANKING_SECONDS apart: an
assessment ranking moves slowly, the counts beside it move with every report.
"""

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Max, Min
from django.utils import timezone

from wangge.accounts.scope import Scope
from wangge.assessment.breakdown import daily_counts, received_by_category, received_by_grid
from wangge.assessment.metrics import Period, Subject, UnitMetrics, metrics_for_subject
from wangge.assessment.ranking import RankingKind, RankRow, rank_units
from wangge.events.models import Event, TrailEntry
from wangge.regions.models import Grid

TREND_DAYS = 30
MAP_DAYS = 7
MAP_EVENTS = 1000
HOTSPOTS = 300
RANKING_ROWS = 10
MIN_AGE = 3.0
MAX_AGE = 60.0
RANKING_SECONDS = 300


def change_token() -> str:
    """Cheap: one index lookup. Changes whenever any event changes, and at midnight."""
    newest = TrailEntry.objects.aggregate(newest=Max("pk"))["newest"] or 0
    return f"{timezone.localdate().isoformat()}:{newest}"


def _rate(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _figures(m: UnitMetrics) -> dict[str, Any]:
    return {
        "received": m.received,
        "accepted": m.accepted,
        "closed": m.closed,
        "due": m.due,
        "overdue": m.overdue,
        "self_handled": m.self_handled,
        "yellow_cards": m.yellow_cards,
        "red_cards": m.red_cards,
        "closure_rate": _rate(m.closure_rate),
        "on_time_closure_rate": _rate(m.on_time_closure_rate),
        "satisfaction_rate": _rate(m.satisfaction_rate),
    }


def _ranking(rows: list[RankRow]) -> list[dict[str, Any]]:
    return [
        {
            "rank": row.rank,
            "name": row.name,
            "score": float(row.score),
            "received": row.metrics.received,
            "on_time_closure_rate": _rate(row.metrics.on_time_closure_rate),
        }
        for row in rows[:RANKING_ROWS]
    ]


def _map_events(scope: Scope, today: date) -> list[list]:
    """The newest events of the last MAP_DAYS days as [lat, lon, state], newest first."""
    since = Period(today - timedelta(days=MAP_DAYS - 1), today).bounds[0]
    rows = (
        Event.objects.filter(scope.condition("region_code"), created_at__gte=since)
        .order_by("-created_at", "-id")
        .values_list("lat", "lon", "state")[:MAP_EVENTS]
    )
    return [[round(lat, 6), round(lon, 6), state] for lat, lon, state in rows]


def _rankings(scope: Scope, month: Period) -> dict[str, list[dict[str, Any]]]:
    key = f"{cache_key(scope)}:rankings:{month.start}:{month.end}"
    rankings = cache.get(key)
    if rankings is None:
        rankings = {
            kind: _ranking(
                rank_units(kind=kind, period_start=month.start, period_end=month.end, scope=scope)
            )
            for kind in (RankingKind.TOWNSHIP, RankingKind.DEPARTMENT)
        }
        cache.set(key, rankings, RANKING_SECONDS)
    return rankings


def build_snapshot(scope: Scope, today: date) -> dict[str, Any]:
    """Every figure of the wall for `scope` as of `today` (local date)."""
    if scope.empty:
        return {"as_of": today.isoformat(), "empty": True}
    subject = Subject(code_prefix=scope.prefix)
    month = Period(today.replace(day=1), today)
    trend = Period(today - timedelta(days=TREND_DAYS - 1), today)
    rankings = _rankings(scope, month)
    days = daily_counts(subject, trend)
    return {
        "as_of": today.isoformat(),
        "empty": False,
        "today": _figures(metrics_for_subject(subject, Period(today, today))),
        "month": _figures(metrics_for_subject(subject, month)),
        "trend": {
            "days": [d.day.isoformat() for d in days],
            "received": [d.received for d in days],
            "closed": [d.closed for d in days],
        },
        "categories": [
            {"name": s.name, "count": s.count} for s in received_by_category(subject, month)
        ],
        "townships": rankings[RankingKind.TOWNSHIP],
        "departments": rankings[RankingKind.DEPARTMENT],
        "hotspots": {s.key: s.count for s in received_by_grid(subject, trend, HOTSPOTS)},
        "events": _map_events(scope, today),
    }


def digest(snapshot: dict[str, Any]) -> str:
    text = json.dumps(snapshot, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Cached:
    token: str
    built: float
    snapshot: dict[str, Any]

    @property
    def fresh(self) -> bool:
        return time.time() - self.built < MIN_AGE


def cache_key(scope: Scope) -> str:
    return "web.screen.snapshot:" + ("none" if scope.empty else scope.prefix or "all")


def snapshot_for(scope: Scope, token: str | None = None) -> tuple[dict[str, Any], str]:
    """The scope's snapshot and the change token it was built at (rebuilt when stale)."""
    token = token or change_token()
    cached: Cached | None = cache.get(cache_key(scope))
    if cached is not None and (cached.token == token or cached.fresh):
        return cached.snapshot, cached.token
    snapshot = build_snapshot(scope, timezone.localdate())
    snapshot["digest"] = digest(snapshot)
    cache.set(cache_key(scope), Cached(token, time.time(), snapshot), MAX_AGE)
    return snapshot, token


def map_extent(scope: Scope) -> list[float] | None:
    """[min_lon, min_lat, max_lon, max_lat] of the scope's grids, for the map's first view."""
    box = Grid.objects.filter(scope.condition("code")).aggregate(
        min_lon=Min("min_lon"),
        min_lat=Min("min_lat"),
        max_lon=Max("max_lon"),
        max_lat=Max("max_lat"),
    )
    if box["min_lon"] is None:
        return None
    return [box["min_lon"], box["min_lat"], box["max_lon"], box["max_lat"]]
