"""Point -> grid: tie rules, holes, the outside, cache invalidation, and the bulk path."""

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box

from tests.regions.conftest import brute_force
from wangge.regions.locate import GridHit, GridIndex, LocationError, grid_index, locate
from wangge.regions.services import save_grid

T1_NORTH, T1_SOUTH = "211421100201001", "211421100201002"
T2_NORTH, T2_SOUTH = "211421101201001", "211421101201002"


def located(lon: float, lat: float, crs: str = "wgs84") -> str:
    return locate(lon, lat, crs)[2].code


def test_interior_points_find_their_grid(jurisdiction):
    assert located(120.05, 40.07) == T1_NORTH
    assert located(120.05, 40.02) == T1_SOUTH
    assert located(120.15, 40.07) == T2_NORTH
    assert located(120.15, 40.02) == T2_SOUTH


def test_a_point_on_a_shared_edge_goes_to_the_smallest_code(jurisdiction):
    assert located(120.05, 40.05) == T1_NORTH  # between T1_NORTH and T1_SOUTH
    assert located(120.15, 40.05) == T2_NORTH  # between T2_NORTH and T2_SOUTH
    assert located(120.1, 40.02) == T1_SOUTH  # between T1_SOUTH and T2_SOUTH


def test_a_shared_vertex_of_four_grids_goes_to_the_smallest_code(jurisdiction):
    assert located(120.1, 40.05) == T1_NORTH


def test_the_outer_boundary_still_belongs_to_its_grid(jurisdiction):
    assert located(120.0, 40.1) == T1_NORTH
    assert located(120.2, 40.0) == T2_SOUTH


@pytest.mark.parametrize("point", [(120.25, 40.05), (119.99, 40.05), (116.4, 39.9), (0.0, 0.0)])
def test_outside_every_grid_is_an_error(jurisdiction, point):
    with pytest.raises(LocationError) as raised:
        locate(*point)
    assert raised.value.code == "outside_jurisdiction"


@pytest.mark.parametrize(
    "point",
    [
        (float("nan"), 40.0),
        (120.0, float("inf")),
        (181.0, 40.0),
        (120.0, -90.5),
        ("east", 40.0),
        (None, 40.0),
    ],
)
def test_malformed_coordinates_are_rejected(jurisdiction, point):
    with pytest.raises(LocationError) as raised:
        locate(*point)
    assert raised.value.code == "invalid_coordinates"


def test_an_unknown_crs_is_rejected(jurisdiction):
    with pytest.raises(LocationError) as raised:
        locate(120.05, 40.07, "cgcs2000")
    assert raised.value.code == "unsupported_crs"


HOLED = Polygon(
    [(116.0, 39.0), (116.2, 39.0), (116.2, 39.2), (116.0, 39.2)],
    [[(116.05, 39.05), (116.15, 39.05), (116.15, 39.15), (116.05, 39.15)]],
)
HOLE = box(116.05, 39.05, 116.15, 39.15)


def test_a_point_in_a_hole_is_not_in_the_holed_grid(village):
    save_grid(village, 1, "回字网格", HOLED)
    with pytest.raises(LocationError) as raised:
        locate(116.1, 39.1)
    assert raised.value.code == "outside_jurisdiction"
    assert located(116.02, 39.1) == "110101001001001"


def test_a_grid_filling_the_hole_takes_its_points(village):
    save_grid(village, 1, "回字网格", HOLED)
    save_grid(village, 2, "中心网格", HOLE)
    assert located(116.1, 39.1) == "110101001001002"
    assert located(116.02, 39.1) == "110101001001001"
    assert located(116.05, 39.1) == "110101001001001"  # on the hole's edge: the smaller code


def test_the_index_is_rebuilt_after_a_grid_changes(village, django_capture_on_commit_callbacks):
    save_grid(village, 1, "西网格", box(116.0, 39.0, 116.1, 39.1))
    assert located(116.05, 39.05) == "110101001001001"
    with pytest.raises(LocationError):
        locate(116.15, 39.05)
    with django_capture_on_commit_callbacks(execute=True):
        save_grid(village, 2, "东网格", box(116.1, 39.0, 116.2, 39.1))
        save_grid(village, 1, "西网格", box(116.0, 39.0, 116.05, 39.1))
    assert located(116.15, 39.05) == "110101001001002"
    with pytest.raises(LocationError):
        locate(116.07, 39.05)


def test_a_change_is_not_seen_before_commit(village, django_capture_on_commit_callbacks):
    save_grid(village, 1, "西网格", box(116.0, 39.0, 116.1, 39.1))
    before = grid_index()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        save_grid(village, 2, "东网格", box(116.1, 39.0, 116.2, 39.1))
    assert grid_index() is before
    for callback in callbacks:
        callback()
    assert grid_index() is not before
    assert len(grid_index().hits) == 2


def jittered_tiling(columns: int, rows: int, seed: int) -> tuple[list, np.ndarray]:
    """Irregular quadrilaterals sharing jittered vertices, so edges are not axis-aligned."""
    rng = np.random.default_rng(seed)
    vx, vy = np.meshgrid(np.arange(columns + 1.0), np.arange(rows + 1.0), indexing="ij")
    vx[1:-1, 1:-1] += rng.uniform(-0.3, 0.3, (columns - 1, rows - 1))
    vy[1:-1, 1:-1] += rng.uniform(-0.3, 0.3, (columns - 1, rows - 1))
    vx, vy = 120.0 + vx * 0.01, 40.0 + vy * 0.01
    polygons = [
        Polygon([(vx[a, b], vy[a, b]) for a, b in ((i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1))])
        for i in range(columns)
        for j in range(rows)
    ]
    return polygons, np.stack([vx.ravel(), vy.ravel()], axis=1)


def synthetic_index(polygons: list, buckets_per_grid: int) -> GridIndex:
    # Codes in reverse of the polygon order, so the index really has to sort by code.
    count = len(polygons)
    hits = [GridHit(i, f"{count - i:06d}", "", 0) for i in range(count)]
    return GridIndex(hits, np.array(polygons, dtype=object), buckets_per_grid)


@pytest.mark.parametrize("buckets_per_grid", [1, 16, 64])
def test_lookups_agree_with_brute_force(buckets_per_grid):
    polygons, vertices = jittered_tiling(12, 9, seed=3)
    polygons[20] = polygons[20].difference(polygons[20].centroid.buffer(0.002))  # a hole
    del polygons[40]  # a gap
    index = synthetic_index(polygons, buckets_per_grid)
    rng = np.random.default_rng(11)
    lons = np.concatenate([rng.uniform(119.99, 120.13, 3000), vertices[:, 0]])
    lats = np.concatenate([rng.uniform(39.99, 40.1, 3000), vertices[:, 1]])
    # Points on edges: midpoints of every polygon side.
    for polygon in polygons[::3]:
        ring = np.asarray(polygon.exterior.coords)
        mid = (ring[:-1] + ring[1:]) / 2
        lons, lats = np.concatenate([lons, mid[:, 0]]), np.concatenate([lats, mid[:, 1]])
    expected = [brute_force(index.polygons, x, y) for x, y in zip(lons, lats, strict=True)]
    assert index.lookup_many(lons, lats).tolist() == expected
    singles = [index.lookup(x, y) for x, y in zip(lons, lats, strict=True)]
    assert [index.hits.index(h) if h else -1 for h in singles] == expected
    assert expected.count(-1) > 0 and len(set(expected)) > 100


def test_shared_vertices_go_to_the_smallest_code_in_bulk():
    polygons, vertices = jittered_tiling(4, 4, seed=5)
    index = synthetic_index(polygons, 16)
    found = index.lookup_many(vertices[:, 0], vertices[:, 1])
    for (x, y), grid in zip(vertices, found, strict=True):
        touching = [i for i, p in enumerate(index.polygons) if p.intersects(shapely.Point(x, y))]
        assert grid == min(touching)


def test_an_empty_index_finds_nothing():
    index = GridIndex([], np.array([], dtype=object))
    assert index.lookup(120.0, 40.0) is None
    assert index.lookup_many(np.array([120.0]), np.array([40.0])).tolist() == [-1]


def test_bulk_lookup_skips_non_finite_points():
    polygons, _ = jittered_tiling(3, 3, seed=1)
    index = synthetic_index(polygons, 16)
    lons = np.array([np.nan, 120.015, np.inf])
    lats = np.array([40.015, np.nan, 40.015])
    assert index.lookup_many(lons, lats).tolist() == [-1, -1, -1]
