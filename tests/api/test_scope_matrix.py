"""Role x endpoint x scope: anonymous, wrong role, right role out of scope, in scope.

Expected answers are derived from the fixture's region tree and the caller's
unit (tests/api/conftest.py), never from the API's own output.
"""

import pytest
from django.test import Client
from shapely import from_wkb
from shapely.geometry import box

from tests.api.conftest import assert_error_body, region_subtree, visible_grids
from tests.api.operations import all_operations, sample_url
from wangge.accounts.models import PUBLIC, ApiToken, GridAssignment, OrgUnit, RoleGrant, User
from wangge.regions.models import Grid, Region

# Cast members allowed to read jurisdiction data (regions and grids).
STAFF = [
    "county_operator",
    "township_1_operator",
    "township_2_operator",
    "village_1_operator",
    "department_handler",
    "grid_worker_1",
    "grid_worker_2",
    "leader",
    "system_admin",
]
# Cast members who hold a role, but not one that reads jurisdiction data.
WRONG_ROLE = ["citizen", "security_admin", "audit_admin"]
EVERYONE = STAFF + WRONG_ROLE

WHOLE_COUNTY_BBOX = "119,39,121,41"
# Strictly inside township 2's half of the map (it starts at lon 120.1).
TOWNSHIP_2_BBOX = "120.12,40.0,120.2,40.1"
MISSING_REGION = "211421199000"
MISSING_GRID = "211421100201999"


def _client(as_user, name: str) -> Client:
    return Client() if name == "anonymous" else as_user(name)


def _unit_region(cast, name: str) -> Region | None:
    unit = cast[name].unit
    return unit.region if unit else None


def _row_counts() -> dict[str, int]:
    models = (User, RoleGrant, ApiToken, OrgUnit, GridAssignment, Region, Grid)
    return {m.__name__: m.objects.count() for m in models}


@pytest.fixture
def county_paths(jurisdiction) -> list[str]:
    """One request per jurisdiction endpoint, each naming an object that exists."""
    j = jurisdiction
    return [
        "/api/regions",
        f"/api/regions?parent={j.county.code}",
        f"/api/regions/{j.township_1.code}",
        f"/api/grids?bbox={WHOLE_COUNTY_BBOX}",
        f"/api/grids/{j.grids['t1_north'].code}",
    ]


def test_anonymous_gets_401_everywhere_but_public_endpoints(cast, county_paths):
    client = Client()
    before = _row_counts()
    for path in [*county_paths, "/api/me"]:
        assert_error_body(client.get(path), 401, "not_authenticated")
    assert _row_counts() == before


GUARDED_OPERATIONS = [
    (op.method, op.path)
    for op in all_operations()
    if op.operation.view_func.permission_rule != PUBLIC
]


@pytest.mark.parametrize(("method", "path"), GUARDED_OPERATIONS)
def test_anonymous_gets_401_on_every_guarded_operation(jurisdiction, method, path):
    """Covers operations added later too: auth runs before any input is read."""
    before = _row_counts()
    response = Client().generic(method, sample_url(path), "{}", content_type="application/json")
    assert_error_body(response, 401, "not_authenticated")
    assert _row_counts() == before


@pytest.mark.parametrize("name", WRONG_ROLE)
def test_wrong_role_gets_403_on_jurisdiction_data(as_user, name, county_paths):
    client = as_user(name)
    before = _row_counts()
    for path in county_paths:
        assert_error_body(client.get(path), 403, "forbidden")
    assert _row_counts() == before


@pytest.mark.parametrize("name", ["anonymous", *EVERYONE])
def test_locate_is_public_and_the_same_for_everyone(as_user, cast, name):
    response = _client(as_user, name).get("/api/locate", {"lon": 120.15, "lat": 40.02})
    assert response.status_code == 200
    assert response.json()["grid"]["code"] == cast.jurisdiction.grids["t2_south"].code


@pytest.mark.parametrize("name", EVERYONE)
def test_me_describes_the_caller(as_user, cast, name):
    user = cast[name]
    response = as_user(name).get("/api/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == user.username
    assert body["roles"] == sorted(user.role_grants.values_list("role", flat=True))
    assert body["unit"] == (user.unit.name if user.unit else None)


@pytest.mark.parametrize("name", STAFF)
def test_region_list_top_is_the_callers_unit_region(as_user, cast, name):
    response = as_user(name).get("/api/regions")
    assert response.status_code == 200
    assert [r["code"] for r in response.json()] == [_unit_region(cast, name).code]


@pytest.mark.parametrize("name", STAFF)
def test_region_children_are_limited_to_scope(as_user, cast, name):
    client = as_user(name)
    visible = region_subtree(_unit_region(cast, name))
    for parent in Region.objects.all():
        response = client.get("/api/regions", {"parent": parent.code})
        assert response.status_code == 200, parent.code
        expected = {
            code for code in parent.children.values_list("code", flat=True) if code in visible
        }
        assert {r["code"] for r in response.json()} == expected, parent.code


@pytest.mark.parametrize("name", STAFF)
def test_region_detail_in_scope_or_indistinguishable_404(as_user, cast, name):
    client = as_user(name)
    visible = region_subtree(_unit_region(cast, name))
    before = _row_counts()
    for region in Region.objects.all():
        response = client.get(f"/api/regions/{region.code}")
        if region.code in visible:
            assert response.status_code == 200, region.code
            body = response.json()
            assert body["code"] == region.code
            assert body["child_count"] == region.children.count()
            assert body["grid_count"] == region.grids.count()
        else:
            assert_error_body(response, 404, "region_not_found")
    assert_error_body(client.get(f"/api/regions/{MISSING_REGION}"), 404, "region_not_found")
    assert _row_counts() == before


@pytest.mark.parametrize("name", STAFF)
def test_grid_bbox_returns_exactly_the_visible_grids(as_user, cast, name):
    client = as_user(name)
    visible = visible_grids(_unit_region(cast, name))
    response = client.get("/api/grids", {"bbox": WHOLE_COUNTY_BBOX})
    assert response.status_code == 200
    assert {f["id"] for f in response.json()["features"]} == visible

    east = box(*(float(v) for v in TOWNSHIP_2_BBOX.split(",")))
    in_east = {g.code for g in Grid.objects.all() if from_wkb(bytes(g.polygon)).intersects(east)}
    response = client.get("/api/grids", {"bbox": TOWNSHIP_2_BBOX})
    assert response.status_code == 200
    assert {f["id"] for f in response.json()["features"]} == visible & in_east


@pytest.mark.parametrize("name", STAFF)
def test_grid_detail_in_scope_or_indistinguishable_404(as_user, cast, name):
    client = as_user(name)
    visible = visible_grids(_unit_region(cast, name))
    before = _row_counts()
    for grid in Grid.objects.all():
        response = client.get(f"/api/grids/{grid.code}")
        if grid.code in visible:
            assert response.status_code == 200, grid.code
            assert response.json()["properties"]["code"] == grid.code
        else:
            assert_error_body(response, 404, "grid_not_found")
    assert_error_body(client.get(f"/api/grids/{MISSING_GRID}"), 404, "grid_not_found")
    assert _row_counts() == before


def test_the_cast_spans_every_scope_shape(cast):
    """Guards the matrix itself: it must contain wide, narrow and disjoint scopes."""
    all_grids = set(Grid.objects.values_list("code", flat=True))
    assert visible_grids(_unit_region(cast, "county_operator")) == all_grids
    assert visible_grids(_unit_region(cast, "department_handler")) == all_grids
    t1 = visible_grids(_unit_region(cast, "township_1_operator"))
    t2 = visible_grids(_unit_region(cast, "township_2_operator"))
    assert t1 and t2 and not t1 & t2
    village = visible_grids(_unit_region(cast, "village_1_operator"))
    assert village == {g.code for g in Grid.objects.filter(village=cast.jurisdiction.village_1)}
    assert region_subtree(_unit_region(cast, "township_1_operator")) == {
        cast.jurisdiction.township_1.code,
        cast.jurisdiction.village_1.code,
    }
