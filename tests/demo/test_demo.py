import itertools
import math

import numpy as np
import pytest
import shapely
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from shapely.geometry import Point, Polygon

from tests.demo.conftest import SMALL_GRIDS
from wangge.accounts.models import ADMIN_ROLES, GridAssignment, OrgUnit, Role, RoleGrant, User
from wangge.basedata.access import holds
from wangge.basedata.models.audit import Permission as DataPermissionKind
from wangge.demo.builder import demo_counts
from wangge.demo.catalogue import DEMO_PASSWORD
from wangge.regions.codes import SIGNIFICANT_DIGITS, grid_sequence_digits
from wangge.regions.models import Grid, GridKind, Region

COUNTY = "211421000000"
CITY = "211400000000"
AREA_TOLERANCE = 1e-10  # square degrees, about 1 m²
LONGGANG = (120.89, 40.74)


def grids_by_village() -> dict[Region, list[Grid]]:
    grids = Grid.objects.select_related("village").order_by("code")
    return {v: list(g) for v, g in itertools.groupby(grids, key=lambda g: g.village)}


def test_builds_exactly_the_requested_grids_tiling_the_county(demo):
    county = Region.objects.get(code=COUNTY).geometry
    grids = list(Grid.objects.all())
    assert len(grids) == SMALL_GRIDS
    assert demo.grids == SMALL_GRIDS
    covered = shapely.union_all([g.geometry for g in grids])
    assert abs(covered.area - county.area) < county.area * 1e-6


def test_every_grid_is_a_valid_polygon_inside_its_village(demo):
    for village, grids in grids_by_village().items():
        boundary = village.geometry
        for grid in grids:
            shape = grid.geometry
            assert isinstance(shape, Polygon) and shape.is_valid and shape.area > 0
            assert shape.difference(boundary).area < AREA_TOLERANCE


def test_grids_of_a_village_do_not_overlap(demo):
    for grids in grids_by_village().values():
        for a, b in itertools.combinations(grids, 2):
            assert a.geometry.intersection(b.geometry).area < AREA_TOLERANCE, (a.code, b.code)


def test_grid_codes_extend_the_village_code_in_reading_order(demo):
    rows_seen = 0
    for village, grids in grids_by_village().items():
        digits = grid_sequence_digits()
        assert [g.code for g in grids] == [
            f"{village.code}{n:0{digits}d}" for n in range(1, len(grids) + 1)
        ]
        centroids = [g.geometry.centroid for g in grids]
        # Split the numbering into runs that go east; each run must lie south of the one before.
        runs = [[centroids[0]]]
        for previous, current in itertools.pairwise(centroids):
            if current.x > previous.x:
                runs[-1].append(current)
            else:
                runs.append([current])
        for upper, lower in itertools.pairwise(runs):
            assert max(p.y for p in lower) < min(p.y for p in upper)
        rows_seen = max(rows_seen, len(runs))
    assert rows_seen > 1


def test_region_codes_follow_their_parents(demo):
    county = Region.objects.get(code=COUNTY)
    assert county.parent.code == CITY and county.parent.parent.code == "210000000000"
    assert not county.is_synthetic and county.geometry is not None
    assert county.parent.geometry.contains(county.geometry.representative_point())
    assert county.parent.parent.geometry.contains(county.parent.geometry.representative_point())
    below = Region.objects.filter(code__startswith="211421").exclude(code=COUNTY)
    assert below.exists()
    for region in below.select_related("parent"):
        assert region.is_synthetic
        assert len(region.code) == 12 and region.code.isdigit()
        kept = SIGNIFICANT_DIGITS[region.level]
        assert region.code[kept:] == "0" * (12 - kept)
        parent_digits = SIGNIFICANT_DIGITS[region.parent.level]
        assert region.code[:parent_digits] == region.parent.code[:parent_digits]
        assert region.code[parent_digits] in ("1", "2")
        assert region.geometry.difference(region.parent.geometry).area < AREA_TOLERANCE
    names = set(below.filter(level="township").values_list("name", flat=True))
    assert {"绥中镇", "沙河镇", "李家堡乡"} <= names


def test_dedicated_grids_households_and_party_groups(demo):
    dedicated = Grid.objects.filter(kind=GridKind.DEDICATED)
    assert dedicated.count() >= 4
    assert set(dedicated.values_list("subject", flat=True)) >= {
        "school",
        "hospital",
        "market",
        "enterprise",
    }
    households = list(Grid.objects.values_list("households", flat=True))
    assert min(households) >= 300 and max(households) <= 500
    assert Grid.objects.exclude(party_group="").exists()


def test_every_role_has_a_user_and_admins_are_three_people(demo):
    granted = set(RoleGrant.objects.values_list("role", flat=True))
    assert granted == set(Role.values)
    admins = RoleGrant.objects.filter(role__in=ADMIN_ROLES)
    assert admins.count() == 3 and len({g.user_id for g in admins}) == 3
    for username in ("county_operator", "dept_handler", "grid_worker", "sysadmin", "citizen"):
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None
    assert User.objects.get(username="sysadmin").is_staff
    assert OrgUnit.objects.filter(kind="department", region__code=COUNTY).count() >= 12


def test_a_grid_has_the_full_one_leader_three_members_staffing(demo):
    grid = GridAssignment.objects.filter(duty="leader").first().grid
    duties = set(grid.staff.values_list("duty", flat=True))
    assert duties == {"leader", "worker", "instructor", "assistant"}


def test_points_in_the_county_locate_to_its_grids_and_outside_is_refused(demo, client):
    county = Region.objects.get(code=COUNTY).geometry
    rng = np.random.default_rng(7)
    min_x, min_y, max_x, max_y = county.bounds
    points = [
        p
        for p in (Point(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)) for _ in range(80))
        if county.contains(p)
    ][:10]
    assert points
    for point in points:
        response = client.get("/api/locate", {"lon": point.x, "lat": point.y})
        assert response.status_code == 200
        body = response.json()
        assert body["grid"]["code"].startswith("211421")
        assert Grid.objects.get(code=body["grid"]["code"]).geometry.intersects(point)

    outside = Point(*LONGGANG)
    assert Region.objects.get(code=CITY).geometry.contains(outside)
    assert not county.contains(outside)
    response = client.get("/api/locate", {"lon": outside.x, "lat": outside.y})
    assert 400 <= response.status_code < 500
    assert response.json()["code"] == "outside_jurisdiction"


def test_running_twice_keeps_the_demo_and_reset_rebuilds_it(db, capsys):
    call_command("demo", grids=SMALL_GRIDS, events=0)
    first = demo_counts()
    first_ids = set(Grid.objects.values_list("id", flat=True))
    call_command("demo", grids=SMALL_GRIDS, events=0)
    out = capsys.readouterr().out
    assert "已存在" in out and DEMO_PASSWORD in out and "county_operator" in out
    assert demo_counts() == first
    assert set(Grid.objects.values_list("id", flat=True)) == first_ids
    call_command("demo", grids=SMALL_GRIDS, events=0, reset=True)
    assert demo_counts() == first
    assert set(Grid.objects.values_list("id", flat=True)).isdisjoint(first_ids)


def test_the_default_build_has_the_seed_1638_grids(db):
    call_command("demo", events=0)
    counts = demo_counts()
    assert counts.grids == Grid.objects.count() == 1638
    assert math.isclose(
        sum(g.geometry.area for g in Grid.objects.all()),
        Region.objects.get(code=COUNTY).geometry.area,
        rel_tol=1e-6,
    )


@pytest.mark.parametrize("grids", [1, 7, 23])
def test_tiny_builds_still_tile_exactly(db, grids):
    call_command("demo", grids=grids, events=0)
    assert Grid.objects.count() == grids


@pytest.mark.parametrize("grids", [0, 100_000])
def test_an_impossible_grid_count_is_refused_without_writing(db, grids):
    with pytest.raises(CommandError, match="网格数"):
        call_command("demo", grids=grids, events=0)
    assert not Region.objects.exists() and not User.objects.exists()


def test_only_the_county_operator_may_reveal_personal_data(demo):
    revealers = {
        user.username
        for user in User.objects.all()
        if holds(user, DataPermissionKind.REVEAL)
        and holds(user, DataPermissionKind.SPECIAL_POPULATION)
    }
    assert revealers == {"county_operator"}
