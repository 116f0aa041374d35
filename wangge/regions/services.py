"""Writes to the jurisdiction: every region and grid change goes through here."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from shapely import to_wkb
from shapely.geometry.base import BaseGeometry

from wangge.regions.codes import make_grid_code
from wangge.regions.locate import invalidate_grid_index
from wangge.regions.models import Grid, Region


def region_fields(geometry: BaseGeometry | None) -> dict:
    if geometry is None:
        return {"boundary": None, "centroid_lon": None, "centroid_lat": None}
    centre = geometry.representative_point()
    return {"boundary": to_wkb(geometry), "centroid_lon": centre.x, "centroid_lat": centre.y}


def save_region(
    code: str,
    name: str,
    level: str,
    parent: Region | None,
    geometry: BaseGeometry | None = None,
    is_synthetic: bool = False,
) -> Region:
    region, _ = Region.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "level": level,
            "parent": parent,
            "is_synthetic": is_synthetic,
            **region_fields(geometry),
        },
    )
    return region


def grid_fields(geometry: BaseGeometry) -> dict:
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    return {
        "polygon": to_wkb(geometry),
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
    }


@transaction.atomic
def save_grid(
    village: Region,
    sequence: int,
    name: str,
    geometry: BaseGeometry,
    **attributes,
) -> Grid:
    grid, _ = Grid.objects.update_or_create(
        code=make_grid_code(village.code, sequence),
        defaults={"village": village, "name": name, **grid_fields(geometry), **attributes},
    )
    invalidate_grid_index()
    return grid


GridSpec = tuple[Region, int, str, BaseGeometry, dict[str, Any]]
_BATCH = 500


@transaction.atomic
def save_grids(specs: Iterable[GridSpec]) -> int:
    """save_grid for many grids (village, sequence, name, geometry, attributes) at once.

    Imports of a whole province bring ~100,000 grids; save_grid's get-then-write per grid
    made that take minutes, so existing rows are read and new ones created in batches,
    with one index invalidation at the end.
    """
    rows: dict[str, dict[str, Any]] = {}
    for village, sequence, name, geometry, attributes in specs:
        fields = {"village": village, "name": name, **grid_fields(geometry), **attributes}
        rows[make_grid_code(village.code, sequence)] = fields
    codes = list(rows)
    existing: dict[str, int] = {}
    for start in range(0, len(codes), _BATCH):
        batch = Grid.objects.filter(code__in=codes[start : start + _BATCH])
        existing.update(batch.values_list("code", "pk"))
    now = timezone.now()
    created = []
    for code, fields in rows.items():
        if code in existing:
            # One UPDATE per row: bulk_update's CASE expressions grow with the batch and
            # measured slower than this on 100,000 grids.
            Grid.objects.filter(pk=existing[code]).update(**fields, updated_at=now)
        else:
            created.append(Grid(code=code, **fields))
    Grid.objects.bulk_create(created, batch_size=_BATCH)
    invalidate_grid_index()
    return len(rows)
