"""A second, blank jurisdiction for geometry tests: one county, township and village in Beijing.

Tests draw their own grids into `village` so each case shows exactly the shapes it is about.
"""

import numpy as np
import pytest
import shapely
from shapely.geometry import box

from wangge.regions.codes import RegionLevel
from wangge.regions.models import Region
from wangge.regions.services import save_region

COUNTY = "110101000000"
TOWNSHIP = "110101001000"
VILLAGE = "110101001001"
VILLAGE_BOX = (116.0, 39.0, 116.4, 39.3)


@pytest.fixture
def village(db) -> Region:
    county = save_region(COUNTY, "东城区", RegionLevel.COUNTY, None, box(116.0, 39.0, 116.5, 39.5))
    township = save_region(TOWNSHIP, "东华门街道", RegionLevel.TOWNSHIP, county, box(*VILLAGE_BOX))
    return save_region(VILLAGE, "多福巷社区", RegionLevel.VILLAGE, township, box(*VILLAGE_BOX))


def brute_force(polygons: np.ndarray, lon: float, lat: float) -> int:
    """Index of the first polygon (polygons are in code order) touching the point, else -1."""
    inside = np.flatnonzero(shapely.intersects_xy(polygons, lon, lat))
    return int(inside[0]) if len(inside) else -1
