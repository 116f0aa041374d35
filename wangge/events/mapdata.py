"""Map data: events in a bounding box as compact points or per-area counts, and grid outlines.

Both stay cheap at a million events. Events are read from the live states through the
(state, region_code) index (closed and other final states only for a recent window, through
(region_code, created_at)); at most MAX_POINTS points are sent, and when more match, the
answer switches to counts per grid (zoomed in) or per village (zoomed out), which the
browser draws as sized circles. Grid outlines are simplified to the zoom's pixel size and
cached per grid version, scope and zoom.
"""

import hashlib
import json
import uuid
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from shapely import from_wkb
from shapely.geometry import mapping

from wangge.accounts.scope import restrict, scope_of
from wangge.common.bbox import BBox
from wangge.events.queries import LIVE_STATES, visible_events
from wangge.regions.locate import VERSION_KEY
from wangge.regions.models import Grid, Region

MAX_POINTS = 2000
GRID_LEVEL_ZOOM = 12  # below this, counts are per village
GRIDS_CACHE_SECONDS = 3600
COORD_DIGITS = 5  # about one metre


def _in_box(qs: QuerySet, box: BBox) -> QuerySet:
    return qs.filter(
        lon__gte=box.min_lon, lon__lte=box.max_lon, lat__gte=box.min_lat, lat__lte=box.max_lat
    )


def _matching(user, box: BBox, states: list[str], days: int, now: datetime) -> QuerySet:
    live = [s for s in states if s in LIVE_STATES]
    final = [s for s in states if s not in LIVE_STATES]
    condition = Q(state__in=live)
    if final:
        condition |= Q(state__in=final, created_at__gte=now - timedelta(days=days))
    return _in_box(visible_events(user).filter(condition), box)


def _counts(qs: QuerySet, key: str) -> dict[int, dict[str, int]]:
    cells: dict[int, dict[str, int]] = {}
    for row in qs.values(key, "state").annotate(n=Count("id")).order_by():
        cells.setdefault(row[key], {})[row["state"]] = row["n"]
    return cells


def _grid_cells(qs: QuerySet) -> list[list]:
    counts = _counts(qs, "grid_id")
    grids = Grid.objects.filter(pk__in=list(counts)).values_list(
        "pk", "code", "name", "min_lon", "min_lat", "max_lon", "max_lat"
    )
    return [
        [
            code,
            name,
            round((x0 + x1) / 2, COORD_DIGITS),
            round((y0 + y1) / 2, COORD_DIGITS),
            sum(counts[pk].values()),
            counts[pk],
        ]
        for pk, code, name, x0, y0, x1, y1 in grids
    ]


def _village_cells(qs: QuerySet) -> list[list]:
    counts = _counts(qs, "region_id")
    villages = Region.objects.filter(pk__in=list(counts)).values_list(
        "pk", "code", "name", "centroid_lon", "centroid_lat"
    )
    cells = []
    for pk, code, name, lon, lat in villages:
        if lon is None:  # no boundary: place it at one of its events
            lon, lat = qs.filter(region_id=pk).values_list("lon", "lat").first()
        cells.append(
            [
                code,
                name,
                round(lon, COORD_DIGITS),
                round(lat, COORD_DIGITS),
                sum(counts[pk].values()),
                counts[pk],
            ]
        )
    return cells


def map_events(user, box: BBox, states: list[str], zoom: int, days: int, now: datetime) -> dict:
    """Points `[id, lon, lat, state, priority]` when at most MAX_POINTS match, else cells
    `[code, name, lon, lat, total, {state: count}]` per grid or village."""
    qs = _matching(user, box, states or list(LIVE_STATES), days, now)
    rows = list(qs.values_list("id", "lon", "lat", "state", "priority")[: MAX_POINTS + 1])
    if len(rows) <= MAX_POINTS:
        points = [
            [pk, round(lon, COORD_DIGITS), round(lat, COORD_DIGITS), state, priority]
            for pk, lon, lat, state, priority in rows
        ]
        return {"mode": "points", "points": points, "cells": []}
    if zoom >= GRID_LEVEL_ZOOM:
        return {"mode": "grids", "points": [], "cells": _grid_cells(qs)}
    return {"mode": "villages", "points": [], "cells": _village_cells(qs)}


def _round(coords):
    if isinstance(coords, float):
        return round(coords, COORD_DIGITS)
    return [_round(c) for c in coords]


def _tolerance(zoom: int) -> float:
    """About one screen pixel in degrees at this zoom (256-pixel tiles)."""
    return 360 / (256 * 2**zoom)


def _grids_geojson(user, zoom: int) -> str:
    tolerance = _tolerance(zoom)
    features = []
    grids = restrict(Grid.objects.all(), user, "code").order_by("code")
    for code, name, polygon in grids.values_list("code", "name", "polygon"):
        shape = from_wkb(bytes(polygon)).simplify(tolerance, preserve_topology=True)
        geometry = mapping(shape)
        geometry = {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])}
        features.append(
            {"type": "Feature", "geometry": geometry, "properties": {"code": code, "name": name}}
        )
    body = {"type": "FeatureCollection", "features": features}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _grid_version() -> str:
    """The grid version regions.locate keys its index on; a fresh one after a cache flush,
    which only makes older cached outlines unreachable (see regions.locate)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def grids_geojson(user, zoom: int) -> tuple[str, str]:
    """(GeoJSON text, ETag) of the user's grids simplified for `zoom`, cached per grid
    version, scope and zoom; a grid edit sets a new version, so nothing stale is served."""
    scope = scope_of(user)
    tag = f"{_grid_version()}:{scope.prefix}:{scope.empty}:{zoom}"
    digest = hashlib.sha256(tag.encode()).hexdigest()
    key = f"wangge:map-grids:{digest}"
    text = cache.get(key)
    if text is None:
        text = _grids_geojson(user, zoom)
        cache.set(key, text, GRIDS_CACHE_SECONDS)
    return text, f'"{digest[:32]}"'
