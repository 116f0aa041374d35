"""Point -> grid -> region, through an in-memory index over every grid polygon.

The index lives in the process and is rebuilt when the grid version stored in the
cache changes, so app servers and workers all notice a grid edit. A point on an
edge shared by two grids, or on a vertex shared by several, goes to the grid with
the smallest code, so the answer never depends on load order; a point in a hole
belongs to no grid it punches. Speed figures: docs/PERFORMANCE.md.
"""

import math
from dataclasses import dataclass

import numpy as np
import shapely

from wangge.common.crs import Crs, to_wgs84
from wangge.regions.models import Grid
from wangge.snapshots import ProcessSnapshot

VERSION_KEY = "wangge:grid-index-version"
BUCKETS_PER_GRID = 16
EMPTY = -1  # bucket touched by no grid
MIXED = -2  # bucket needing an exact test of its candidates


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
    """An immutable index over a snapshot of grids, ordered by code.

    Besides the STRtree, the bounding box of all grids is cut into a uniform raster of
    square buckets (about BUCKETS_PER_GRID per grid). Each bucket stores the grids whose
    polygons touch it, in code order, and an owner: the first of those grids when it
    covers the whole bucket (then every point in the bucket belongs to it, since no
    smaller-coded grid touches the bucket), EMPTY when none touches it, MIXED otherwise.
    A lookup is then one array read, plus an exact point-in-polygon test on the few
    candidates of a MIXED bucket, so its cost does not grow with the number of grids.
    """

    def __init__(
        self, hits: list[GridHit], polygons: np.ndarray, buckets_per_grid: int = BUCKETS_PER_GRID
    ):
        order = sorted(range(len(hits)), key=lambda i: hits[i].code)
        self.hits = [hits[i] for i in order]
        self.polygons = polygons[order] if len(order) else np.array([], dtype=object)
        shapely.prepare(self.polygons)
        self.tree = shapely.STRtree(self.polygons)
        self._polygon_list = list(self.polygons)
        self._build_buckets(buckets_per_grid)

    @classmethod
    def from_database(cls) -> "GridIndex":
        rows = list(Grid.objects.values_list("id", "code", "name", "village_id", "polygon"))
        hits = [GridHit(r[0], r[1], r[2], r[3]) for r in rows]
        polygons = shapely.from_wkb([bytes(r[4]) for r in rows]) if rows else np.array([])
        return cls(hits, np.asarray(polygons, dtype=object))

    def _build_buckets(self, buckets_per_grid: int) -> None:
        count = len(self.polygons)
        if count == 0:
            self._x0 = self._y0 = self._inv_size = 0.0
            self._nx = self._ny = 0
            self._owner = np.array([], dtype=np.int32)
            self._starts = np.zeros(1, dtype=np.int32)
            self._items = np.array([], dtype=np.int32)
        else:
            min_x, min_y, max_x, max_y = shapely.total_bounds(self.polygons)
            width, height = max(max_x - min_x, 1e-9), max(max_y - min_y, 1e-9)
            size = math.sqrt(width * height / (count * buckets_per_grid))
            size = max(size, width / 4096, height / 4096)  # bounds the raster for thin extents
            self._x0, self._y0, self._inv_size = float(min_x), float(min_y), 1.0 / size
            self._nx, self._ny = int(width / size) + 1, int(height / size) + 1
            self._fill_buckets(size)
        # Plain memoryviews: indexing them yields Python ints, much cheaper than numpy scalars.
        self._owner_view = memoryview(self._owner)
        self._starts_view = memoryview(self._starts)
        self._items_view = memoryview(self._items)

    def _fill_buckets(self, size: float) -> None:
        # Buckets are widened by a hair so that rounding in the bucket arithmetic of a
        # lookup can never place a point outside the box its owner was proven to cover.
        margin = size * 1e-6
        col, row = np.meshgrid(np.arange(self._nx), np.arange(self._ny))
        left, bottom = self._x0 + col.ravel() * size, self._y0 + row.ravel() * size
        boxes = shapely.box(
            left - margin, bottom - margin, left + size + margin, bottom + size + margin
        )
        bucket, grid = self.tree.query(boxes, predicate="intersects")
        order = np.lexsort((grid, bucket))
        bucket, grid = bucket[order], grid[order]
        self._starts = np.searchsorted(bucket, np.arange(len(boxes) + 1)).astype(np.int32)
        self._items = grid.astype(np.int32)
        owner = np.full(len(boxes), EMPTY, dtype=np.int32)
        firsts = self._starts[:-1][np.diff(self._starts) > 0]
        first_bucket, first_grid = bucket[firsts], grid[firsts]
        covers = shapely.contains_properly(self.polygons[first_grid], boxes[first_bucket])
        owner[first_bucket] = np.where(covers, first_grid, MIXED)
        self._owner = owner

    def lookup(self, lon: float, lat: float) -> GridHit | None:
        fx = (lon - self._x0) * self._inv_size
        fy = (lat - self._y0) * self._inv_size
        if not (0.0 <= fx < self._nx and 0.0 <= fy < self._ny):
            return None
        bucket = int(fy) * self._nx + int(fx)
        owner = self._owner_view[bucket]
        if owner != MIXED:
            return self.hits[owner] if owner >= 0 else None
        start, end = self._starts_view[bucket], self._starts_view[bucket + 1]
        for index in self._items_view[start:end]:
            if shapely.intersects_xy(self._polygon_list[index], lon, lat):
                return self.hits[index]
        return None

    def lookup_many(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Index into `hits` per point, -1 where no grid covers it."""
        lons = np.asarray(lons, dtype=np.float64)
        lats = np.asarray(lats, dtype=np.float64)
        fx = (lons - self._x0) * self._inv_size
        fy = (lats - self._y0) * self._inv_size
        inside = (fx >= 0) & (fx < self._nx) & (fy >= 0) & (fy < self._ny)
        bucket = np.where(inside, fy, 0).astype(np.int64) * self._nx
        bucket += np.where(inside, fx, 0).astype(np.int64)
        result = np.full(len(lons), EMPTY, dtype=np.int64)
        result[inside] = self._owner[bucket[inside]]
        mixed = np.flatnonzero(result == MIXED)
        result[mixed] = EMPTY
        if len(mixed) == 0:
            return result
        # Test the MIXED points against their buckets' candidates in rounds, in code
        # order: round r tests the r-th candidate of every point still unresolved, so a
        # point stops at its first (smallest-coded) hit and most stop after one test.
        # Points are taken bucket by bucket: testing the same polygon repeatedly keeps it in
        # the CPU cache, which makes the exact tests several times faster than in input order.
        pending = mixed[np.argsort(bucket[mixed], kind="stable")]
        starts = self._starts[bucket[pending]]
        ends = self._starts[bucket[pending] + 1]
        while len(pending):
            grid = self._items[starts]
            hit = shapely.intersects_xy(self.polygons[grid], lons[pending], lats[pending])
            result[pending[hit]] = grid[hit]
            starts += 1
            left = ~hit & (starts < ends)
            pending, starts, ends = pending[left], starts[left], ends[left]
        return result


_snapshot: ProcessSnapshot[GridIndex] = ProcessSnapshot(VERSION_KEY, GridIndex.from_database)


def grid_index() -> GridIndex:
    return _snapshot.get()


def invalidate_grid_index() -> None:
    """Mark every process's index stale once the surrounding transaction commits."""
    _snapshot.invalidate()


def parse_crs(value: str) -> Crs:
    try:
        return Crs(str(value).lower())
    except ValueError as exc:
        raise LocationError(
            "unsupported_crs", f"不支持的坐标系 {value!r}，可选 wgs84、gcj02、bd09。"
        ) from exc


def check_coordinates(lon: object, lat: object) -> tuple[float, float]:
    """The point as two floats, or LocationError: a bad point must never reach the index."""
    try:
        lon, lat = float(lon), float(lat)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise LocationError("invalid_coordinates", "经纬度必须是数值。") from exc
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise LocationError("invalid_coordinates", "经纬度必须是有限数值。")
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise LocationError("invalid_coordinates", "经度应在 -180～180，纬度应在 -90～90 之间。")
    return lon, lat


def locate(lon: float, lat: float, crs: Crs | str = Crs.WGS84) -> tuple[float, float, GridHit]:
    """Return the WGS-84 point and the grid covering it, or raise LocationError."""
    lon, lat = check_coordinates(lon, lat)
    wgs_lon, wgs_lat = to_wgs84(lon, lat, crs if isinstance(crs, Crs) else parse_crs(crs))
    hit = grid_index().lookup(wgs_lon, wgs_lat)
    if hit is None:
        raise LocationError("outside_jurisdiction", "该位置不在本平台管辖的任何网格内。")
    return wgs_lon, wgs_lat, hit
