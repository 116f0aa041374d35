"""List endpoints cost a constant number of queries, however many rows they return."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from shapely.geometry import box

from wangge.regions.codes import RegionLevel
from wangge.regions.services import save_grid, save_region

EXTRA = 25
# Token lookup, its last-used stamp, the caller's roles, the rows: leave a little slack.
MAX_QUERIES = 6


def _new_village(jurisdiction, n: int, grids: int):
    """A village of township 1, away from the fixture's map, tiled by `grids` grids."""
    west, south, width = 120.5 + n * 0.01, 40.5, 0.01
    village = save_region(
        f"{jurisdiction.township_1.code[:9]}{300 + n:03d}",
        f"新村{n}",
        RegionLevel.VILLAGE,
        jurisdiction.township_1,
        box(west, south, west + width, south + width),
    )
    step = width / grids
    for i in range(grids):
        x = west + i * step
        save_grid(village, i + 1, f"新村{n}第{i + 1}网格", box(x, south, x + step, south + width))


def _queries(client, path: str, params: dict) -> tuple[int, int]:
    """(query count, number of items returned) for one request."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200
    body = response.json()
    items = body["features"] if isinstance(body, dict) else body
    return len(captured), len(items)


def test_region_list_query_count_does_not_grow_with_rows(as_user, jurisdiction):
    client = as_user("county_operator")
    params = {"parent": jurisdiction.township_1.code}
    few, few_items = _queries(client, "/api/regions", params)
    for i in range(EXTRA):
        _new_village(jurisdiction, i, grids=1)
    many, many_items = _queries(client, "/api/regions", params)
    assert many_items == few_items + EXTRA
    assert many == few <= MAX_QUERIES


def test_grid_list_query_count_does_not_grow_with_rows(as_user, jurisdiction):
    client = as_user("county_operator")
    params = {"bbox": "119,39,121,41"}
    few, few_items = _queries(client, "/api/grids", params)
    _new_village(jurisdiction, 0, grids=EXTRA)
    many, many_items = _queries(client, "/api/grids", params)
    assert many_items == few_items + EXTRA
    assert many == few <= MAX_QUERIES
