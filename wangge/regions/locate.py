"""Point -> grid -> region, through an in-memory STRtree over every grid polygon.

The index lives in the process and is rebuilt when the grid version stored in the
cache changes, so app servers and workers all notice a grid edit. A point on an
edge shared by two grids goes to the grid with the smaller code, so the answer
never depends on load order; a point in a hole belongs to no grid it punches.
"""

import math
import threading
from dataclasses import dataclass

import numpy as np
import shapely
from django.core.cache import cache
from django.db import transaction

from wangge.regions.crs import Crs, to_wgs84
from wangge.regions.models import Grid

VERSION_KEY = "wangge:grid-index-version"


class LocationError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class GridHit:
    grid_id: int
    code: str
    name: str
    village_id: int


class GridIndex:
    """An immutable index over a snapshot of grids, ordered by code."""

    def __init__(self, hits: list[GridHit], polygons: np.ndarray):
        order = sorted(range(len(hits)), key=lambda i: hits[i].code)
        self.hits = [hits[i] for i in order]
        self.polygons = polygons[order] if len(order) else polygons
        shapely.prepare(self.polygons)
        self.tree = shapely.STRtree(self.polygons)

    @classmethod
    def from_database(cls) -> "GridIndex":
        rows = list(Grid.objects.values_list("id", "code", "name", "village_id", "polygon"))
        hits = [GridHit(r[0], r[1], r[2], r[3]) for r in rows]
        polygons = shapely.from_wkb([bytes(r[4]) for r in rows]) if rows else np.array([])
        return cls(hits, np.asarray(polygons, dtype=object))

    def lookup(self, lon: float, lat: float) -> GridHit | None:
        candidates = self.tree.query(shapely.Point(lon, lat))
        if len(candidates) == 0:
            return None
        inside = shapely.intersects_xy(self.polygons[candidates], lon, lat)
        matching = candidates[inside]
        return self.hits[int(matching.min())] if len(matching) else None

    def lookup_many(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Index into `hits` per point, -1 where no grid covers it."""
        points = shapely.points(lons, lats)
        point_idx, grid_idx = self.tree.query(points)
        inside = shapely.intersects_xy(self.polygons[grid_idx], lons[point_idx], lats[point_idx])
        point_idx, grid_idx = point_idx[inside], grid_idx[inside]
        result = np.full(len(lons), -1, dtype=np.int64)
        # Reverse so that for points on shared edges the smallest grid index is written last.
        order = np.lexsort((-grid_idx, point_idx))
        result[point_idx[order]] = grid_idx[order]
        return result


_lock = threading.Lock()
_current: tuple[object, GridIndex] | None = None


def grid_index() -> GridIndex:
    global _current
    version = cache.get(VERSION_KEY, 0)
    snapshot = _current
    if snapshot is not None and snapshot[0] == version:
        return snapshot[1]
    with _lock:
        if _current is None or _current[0] != version:
            _current = (version, GridIndex.from_database())
        return _current[1]


def invalidate_grid_index() -> None:
    """Mark every process's index stale once the surrounding transaction commits."""

    def bump() -> None:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, 1, timeout=None)

    transaction.on_commit(bump)


def parse_crs(value: str) -> Crs:
    try:
        return Crs(value.lower())
    except ValueError as exc:
        raise LocationError(
            "unsupported_crs", f"不支持的坐标系 {value!r}，可选 wgs84、gcj02、bd09。"
        ) from exc


def check_coordinates(lon: float, lat: float) -> None:
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise LocationError("invalid_coordinates", "经纬度必须是有限数值。")
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise LocationError("invalid_coordinates", "经度应在 -180～180，纬度应在 -90～90 之间。")


def locate(lon: float, lat: float, crs: Crs = Crs.WGS84) -> tuple[float, float, GridHit]:
    """Return the WGS-84 point and the grid covering it, or raise LocationError."""
    check_coordinates(lon, lat)
    wgs_lon, wgs_lat = to_wgs84(lon, lat, crs)
    hit = grid_index().lookup(wgs_lon, wgs_lat)
    if hit is None:
        raise LocationError("outside_jurisdiction", "该位置不在本平台管辖的任何网格内。")
    return wgs_lon, wgs_lat, hit
