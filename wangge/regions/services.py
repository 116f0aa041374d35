"""Writes to the jurisdiction: every region and grid change goes through here."""

from django.db import transaction
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
