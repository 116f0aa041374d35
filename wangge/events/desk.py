"""Reads and records behind the operator's desk tools: queue order and totals, the masked
export and its log, the event lookup by tracking code, and possible duplicates of a call.

Every read starts from `queries.visible_events(user)`, so the desk sees exactly what the
queue and the API list see; the export is what the screen shows, masked the same way.
"""

import math
from datetime import datetime, timedelta

from django.db.models import Case, F, IntegerField, Min, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scope import restrict, scope_of
from wangge.basedata.models import ExportLog
from wangge.events.choices import Priority, State
from wangge.events.display import masked_contact, state_label
from wangge.events.models import CardLevel, Event
from wangge.events.queries import (
    LIVE_STATES,
    QueueFilters,
    attach_clock_summary,
    filter_events,
    taken_over_flag,
    visible_events,
)
from wangge.regions.codes import RegionLevel
from wangge.regions.locate import LocationError, locate, parse_crs
from wangge.regions.models import Grid, Region

# The queue's orders: (the `sort` parameter, its label). The first one is the default.
SORTS = (
    ("newest", _("上报时间（新→旧）")),
    ("oldest", _("上报时间（旧→新）")),
    ("deadline", _("时限（先到期在前）")),
    ("priority", _("紧急程度（高→低）")),
)
DEFAULT_SORT = SORTS[0][0]
EXPORT_LIMIT = 5000  # a desk export is a working list, not a history dump
EXPORT_CATEGORY = "events.queue"  # ExportLog.category of queue exports
DUPLICATE_METRES = 500
DUPLICATE_DAYS = 3
LOOKUP_LIMIT = 10
EARTH_METRES = 6_371_000


def _ordered(qs: QuerySet, sort: str) -> QuerySet:
    """Order by an indexed column, or by the running deadline (nulls last) or priority."""
    if sort == "oldest":
        return qs.order_by("created_at", "id")
    if sort == "deadline":
        running = Q(clocks__stopped_at__isnull=True, clocks__paused_at__isnull=True)
        qs = qs.annotate(deadline=Min("clocks__due_at", filter=running))
        return qs.order_by(F("deadline").asc(nulls_last=True), "-created_at", "-id")
    if sort == "priority":
        rank = Case(
            When(priority=Priority.EMERGENCY, then=Value(0)),
            When(priority=Priority.URGENT, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return qs.annotate(rank=rank).order_by("rank", "-created_at", "-id")
    return qs.order_by("-created_at", "-id")


def sorted_queue(user, f: QueueFilters, sort: str, now: datetime) -> QuerySet:
    qs = filter_events(visible_events(user), f, now).annotate(taken_over=taken_over_flag())
    return _ordered(qs.select_related("category", "current_unit", "grid"), sort)


def queue_slice(user, f: QueueFilters, sort: str, now: datetime, offset: int, limit: int):
    """(one page of the queue in the chosen order, the total matching the filters)."""
    qs = sorted_queue(user, f, sort, now)
    page = list(qs[offset : offset + limit])
    attach_clock_summary(page, now)
    return page, filter_events(visible_events(user), f, now).count()


# ---------------------------------------------------------------- export

EXPORT_HEADER = (
    _("查询码"),
    _("标题"),
    _("分类"),
    _("紧急程度"),
    _("状态"),
    _("网格"),
    _("当前办理"),
    _("上报时间"),
    _("时限"),
    _("督办级别"),
    _("联系人"),
    _("联系电话"),
    _("地址"),
)


def export_row(event: Event, local) -> list:
    """One row as the queue shows it; contact data masked as on every page."""
    name, phone = masked_contact(event)
    due = event.clock.due_at
    return [
        event.tracking_code,
        event.title,
        event.category.name,
        str(Priority(event.priority).label),
        state_label(event.state),
        event.grid.name if event.grid_id else "",
        event.current_unit.name if event.current_unit_id else "",
        local(event.created_at),
        local(due) if due else "",
        str(CardLevel(event.clock.card_level).label),
        name,
        phone,
        event.address,
    ]


def export_events(user, f: QueueFilters, sort: str, now: datetime, offset: int, limit: int):
    """The events of the export: the filtered queue in its order, from `offset`."""
    qs = sorted_queue(user, f, sort, now)
    rows = list(qs[offset : offset + min(limit, EXPORT_LIMIT)])
    attach_clock_summary(rows, now)
    return rows


def log_queue_export(user, filters: dict, rows: int, fmt: str = "xlsx") -> ExportLog:
    """Who exported which filter of the queue when, and how many rows: the same log as the
    base-data exports, so one audit page lists every export of personal data."""
    return ExportLog.objects.create(
        user=user, category=EXPORT_CATEGORY, format=fmt, filters=filters, rows=rows
    )


# ---------------------------------------------------------------- lookups


def live_lookup(user, text: str) -> list[Event]:
    """Live events in scope whose tracking code starts with, or title contains, the text."""
    text = text.strip()
    if not text:
        return []
    qs = visible_events(user).filter(state__in=LIVE_STATES)
    match = Q(tracking_code__startswith=text.upper()) | Q(title__icontains=text)
    return list(qs.filter(match).order_by("-created_at", "-id")[:LOOKUP_LIMIT])


def _metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance; at 500 m the error of a sphere does not matter."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_METRES * math.asin(math.sqrt(a))


def possible_duplicates(user, category_id: int, lon: float, lat: float, now: datetime):
    """Events in scope of the same category reported within 500 m in the last 3 days:
    a box on the indexed columns, then the exact distance, nearest first."""
    dlat = DUPLICATE_METRES / 111_000
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    qs = visible_events(user).filter(
        category_id=category_id,
        created_at__gte=now - timedelta(days=DUPLICATE_DAYS),
        lon__range=(lon - dlon, lon + dlon),
        lat__range=(lat - dlat, lat + dlat),
    )
    found = []
    for event in qs.exclude(state__in=(State.MERGED, State.WITHDRAWN)).select_related("grid"):
        event.distance = round(_metres(lon, lat, event.lon, event.lat))
        if event.distance <= DUPLICATE_METRES:
            found.append(event)
    return sorted(found, key=lambda e: e.distance)


def places(user, text: str) -> list[dict]:
    """Villages and grids in scope whose name contains the text, with a point to pin: what
    the hotline form offers when the caller names a place instead of an address."""
    text = text.strip()
    if not text:
        return []
    villages = restrict(Region.objects.filter(level=RegionLevel.VILLAGE), user, "code")
    found = [
        {"label": r.name, "code": r.code, "lon": r.centroid_lon, "lat": r.centroid_lat}
        for r in villages.filter(name__icontains=text, centroid_lon__isnull=False)[:LOOKUP_LIMIT]
    ]
    grids = restrict(Grid.objects.all(), user, "code").filter(name__icontains=text)
    found += [
        {
            "label": g.name,
            "code": g.code,
            "lon": (g.min_lon + g.max_lon) / 2,
            "lat": (g.min_lat + g.max_lat) / 2,
        }
        for g in grids.only("name", "code", "min_lon", "max_lon", "min_lat", "max_lat")[
            :LOOKUP_LIMIT
        ]
    ]
    return found


def point_in_scope(user, lon: float, lat: float) -> bool:
    """Whether an operator may record a call at this point: its grid lies in their scope.
    A point in no grid passes here; report_event refuses it with its own reason."""
    try:
        hit = locate(lon, lat, parse_crs("wgs84"))[2]
    except LocationError:
        return True
    return scope_of(user).covers(hit.code)
