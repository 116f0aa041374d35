"""A small, hand-drawn jurisdiction for tests: one county, two townships, four grids.

   lon 120.00      120.10      120.20
lat 40.10 +-----------+-----------+
          | grid 001  | grid 001  |
          | (T1 V1)   | (T2 V1)   |
lat 40.05 +-----------+-----------+
          | grid 002  | grid 002  |
          | (T1 V1)   | (T2 V1)   |
lat 40.00 +-----------+-----------+
"""

from dataclasses import dataclass

from shapely.geometry import box

from wangge.regions.codes import RegionLevel
from wangge.regions.models import Grid, Region
from wangge.regions.services import save_grid, save_region

COUNTY = "211421000000"
TOWNSHIP_1 = "211421100000"
TOWNSHIP_2 = "211421101000"
VILLAGE_1 = "211421100201"
VILLAGE_2 = "211421101201"


@dataclass
class Jurisdiction:
    county: Region
    township_1: Region
    township_2: Region
    village_1: Region
    village_2: Region
    grids: dict[str, Grid]


def build_jurisdiction() -> Jurisdiction:
    county = save_region(COUNTY, "绥中县", RegionLevel.COUNTY, None, box(120.0, 40.0, 120.2, 40.1))
    t1 = save_region(
        TOWNSHIP_1, "一号镇", RegionLevel.TOWNSHIP, county, box(120.0, 40.0, 120.1, 40.1)
    )
    t2 = save_region(
        TOWNSHIP_2, "二号镇", RegionLevel.TOWNSHIP, county, box(120.1, 40.0, 120.2, 40.1)
    )
    v1 = save_region(VILLAGE_1, "一村", RegionLevel.VILLAGE, t1, box(120.0, 40.0, 120.1, 40.1))
    v2 = save_region(VILLAGE_2, "二村", RegionLevel.VILLAGE, t2, box(120.1, 40.0, 120.2, 40.1))
    grids = {
        "t1_north": save_grid(v1, 1, "一村第一网格", box(120.0, 40.05, 120.1, 40.1)),
        "t1_south": save_grid(v1, 2, "一村第二网格", box(120.0, 40.0, 120.1, 40.05)),
        "t2_north": save_grid(v2, 1, "二村第一网格", box(120.1, 40.05, 120.2, 40.1)),
        "t2_south": save_grid(v2, 2, "二村第二网格", box(120.1, 40.0, 120.2, 40.05)),
    }
    return Jurisdiction(county, t1, t2, v1, v2, grids)
