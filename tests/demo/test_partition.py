import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon

from wangge.demo.partition import apportion, partition, reading_order

# An L-shaped parent, so clipped Voronoi cells can come out in several pieces.
L_SHAPE = Polygon([(0, 0), (2, 0), (2, 0.4), (0.4, 0.4), (0.4, 2), (0, 2)])


@pytest.mark.parametrize(
    ("weights", "total"), [([1, 1, 1], 10), ([5, 0.1, 0.1], 3), ([3, 2, 7, 1], 100)]
)
def test_apportion_sums_exactly_with_a_minimum_share(weights, total):
    shares = apportion(weights, total)
    assert sum(shares) == total and min(shares) >= 1


def test_apportion_refuses_too_small_a_total():
    with pytest.raises(ValueError):
        apportion([1, 1, 1], 2)


@pytest.mark.parametrize("count", [1, 2, 9, 40])
def test_partition_tiles_the_parent_with_single_polygons(count):
    cells = partition(L_SHAPE, count, np.random.default_rng(1))
    assert len(cells) == count
    assert all(isinstance(c, Polygon) and c.is_valid and c.area > 0 for c in cells)
    assert abs(sum(c.area for c in cells) - L_SHAPE.area) < 1e-9
    assert abs(shapely.union_all(cells).area - L_SHAPE.area) < 1e-9


def test_partition_is_deterministic_for_a_seed():
    first = partition(L_SHAPE, 12, np.random.default_rng(5))
    second = partition(L_SHAPE, 12, np.random.default_rng(5))
    assert all(a.equals_exact(b, 0) for a, b in zip(first, second, strict=True))


def test_reading_order_goes_east_then_south():
    boxes = [shapely.box(x, y, x + 1, y + 1) for y in (1, 0) for x in (2, 0, 1)]
    assert reading_order(boxes) == [1, 2, 0, 4, 5, 3]
