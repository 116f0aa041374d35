"""Deterministic synthetic subdivision of a polygon into a given number of cells.

The demo has real outer boundaries but no public township, village or grid
boundaries, so it invents them: seeded Voronoi cells, relaxed a few times so the
cells come out of similar size, clipped to the parent and cleaned so that each
cell is one polygon. The cells tile the parent and do not overlap, which is what
the location service needs to map a point to at most one grid.
"""

import math

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Polygon
from shapely.geometry.base import BaseGeometry

RELAX_ITERATIONS = 2


def apportion(weights: list[float], total: int, minimum: int = 1) -> list[int]:
    """Split `total` in proportion to `weights`, each share at least `minimum`.

    Largest-remainder rounding, so the shares always add up to exactly `total`.
    """
    count = len(weights)
    if total < count * minimum:
        raise ValueError(f"cannot give {count} shares at least {minimum} out of {total}")
    spare = total - count * minimum
    weight_sum = float(sum(weights))
    exact = [spare * w / weight_sum for w in weights]
    shares = [math.floor(x) for x in exact]
    by_remainder = sorted(range(count), key=lambda i: (shares[i] - exact[i], i))
    for i in by_remainder[: spare - sum(shares)]:
        shares[i] += 1
    return [minimum + s for s in shares]


def largest_polygon(geometry: BaseGeometry) -> Polygon:
    """The biggest polygonal part (the county boundary is a one-part MultiPolygon)."""
    parts = [g for g in getattr(geometry, "geoms", [geometry]) if isinstance(g, Polygon)]
    return max(parts, key=lambda g: g.area)


def _local_scale(polygon: BaseGeometry) -> float:
    """Degrees of longitude are shorter than degrees of latitude away from the equator."""
    return math.cos(math.radians(polygon.centroid.y))


def sample_points(polygon: BaseGeometry, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` uniformly random points strictly inside `polygon`, as an (n, 2) array."""
    min_x, min_y, max_x, max_y = polygon.bounds
    shapely.prepare(polygon)
    found: list[np.ndarray] = []
    have = 0
    while have < count:
        batch = max(64, 4 * (count - have))
        xs = rng.uniform(min_x, max_x, batch)
        ys = rng.uniform(min_y, max_y, batch)
        inside = shapely.contains_xy(polygon, xs, ys)
        found.append(np.column_stack([xs[inside], ys[inside]]))
        have += int(inside.sum())
    return np.concatenate(found)[:count]


def _clipped_cells(polygon: BaseGeometry, points: np.ndarray) -> list[BaseGeometry]:
    """Voronoi cells of `points` in input order, clipped to `polygon`.

    The diagram is computed in locally scaled coordinates so cells are round on
    the ground rather than stretched east-west.
    """
    if len(points) == 1:
        return [polygon]
    scale = _local_scale(polygon)
    stretch = np.array([scale, 1.0])
    scaled = MultiPoint(points * stretch)
    envelope = shapely.transform(polygon.envelope, lambda xy: xy * stretch)
    diagram = shapely.voronoi_polygons(scaled, extend_to=envelope, ordered=True)
    cells = shapely.transform(shapely.get_parts(diagram), lambda xy: xy / stretch)
    return list(shapely.intersection(cells, polygon))


def _relax(polygon: BaseGeometry, points: np.ndarray, iterations: int) -> np.ndarray:
    """Lloyd-style relaxation; points stay inside so every cell keeps its seed."""
    for _ in range(iterations):
        cells = _clipped_cells(polygon, points)
        points = np.array([[p.x, p.y] for p in shapely.point_on_surface(cells)])
    return points


def _single_parts(cells: list[BaseGeometry]) -> list[BaseGeometry]:
    """Give every detached piece of a cell to the neighbour it shares most border with."""
    cells = [shapely.make_valid(c) for c in cells]
    while True:
        split = next((i for i, c in enumerate(cells) if not isinstance(c, Polygon)), None)
        if split is None:
            return cells
        parts = [g for g in shapely.get_parts(cells[split]) if isinstance(g, Polygon)]
        parts.sort(key=lambda g: g.area, reverse=True)
        cells[split] = parts[0]
        for orphan in parts[1:]:
            shared = [
                (orphan.boundary.intersection(c.boundary).length, j)
                for j, c in enumerate(cells)
                if j != split
            ]
            length, target = max(shared)
            if length <= 0:
                target = split
            cells[target] = shapely.make_valid(shapely.union(cells[target], orphan))
            if target == split:
                return cells  # disconnected parent: nothing better to do than keep it


def partition(
    polygon: BaseGeometry, count: int, rng: np.random.Generator, iterations: int = RELAX_ITERATIONS
) -> list[BaseGeometry]:
    """Exactly `count` non-overlapping single polygons that together cover `polygon`."""
    if count < 1:
        raise ValueError("count must be at least 1")
    points = _relax(polygon, sample_points(polygon, count, rng), iterations)
    cells = _single_parts(_clipped_cells(polygon, points))
    if len(cells) != count or any(c.is_empty for c in cells):
        raise ValueError(f"partition produced {len(cells)} cells, expected {count}")
    return cells


def reading_order(cells: list[BaseGeometry]) -> list[int]:
    """Indices of `cells` numbered west→east in rows, rows north→south.

    Rows are equal-height bands over the cells' extent, chosen so that a row
    holds about as many cells as a column; a cell belongs to the band of its
    centroid, and within a row cells go by centroid longitude.
    """
    if not cells:
        return []
    centroids = shapely.centroid(np.array(cells, dtype=object))
    xs = shapely.get_x(centroids)
    ys = shapely.get_y(centroids)
    min_x, min_y, max_x, max_y = shapely.total_bounds(np.array(cells, dtype=object))
    width = (max_x - min_x) * math.cos(math.radians((min_y + max_y) / 2))
    height = max_y - min_y
    rows = max(1, round(math.sqrt(len(cells) * height / width))) if width > 0 else 1
    band = np.minimum(((max_y - ys) / height * rows).astype(int), rows - 1)
    return sorted(range(len(cells)), key=lambda i: (int(band[i]), float(xs[i]), i))
