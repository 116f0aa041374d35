"""Region tree browsing, grids as GeoJSON, and the public location service."""

from typing import Any

from django.db.models import Count
from ninja import Query, Router, Schema
from shapely import from_wkb
from shapely.geometry import mapping

from wangge.accounts.models import STAFF_ROLES
from wangge.accounts.scope import restrict, scope_of
from wangge.api.permissions import public, roles
from wangge.common.bbox import parse_bbox
from wangge.errors import DomainError, NotFound
from wangge.regions.locate import LocationError, locate, parse_crs
from wangge.regions.models import Grid, Region

router = Router(tags=["regions"])

MAX_GRIDS_PER_RESPONSE = 5000


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None
    centroid: list[float] | None
    child_count: int
    grid_count: int
    is_synthetic: bool


def _region_out(region: Region) -> dict[str, Any]:
    centroid = None
    if region.centroid_lon is not None:
        centroid = [region.centroid_lon, region.centroid_lat]
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "parent_code": region.parent.code if region.parent_id else None,
        "centroid": centroid,
        "child_count": region.child_count,
        "grid_count": region.grid_count,
        "is_synthetic": region.is_synthetic,
    }


def _regions(user):
    return (
        restrict(Region.objects.all(), user, "code")
        .select_related("parent")
        .annotate(
            child_count=Count("children", distinct=True), grid_count=Count("grids", distinct=True)
        )
    )


@router.get("/regions", response=list[RegionOut], summary="List regions (children of a parent)")
@roles(*STAFF_ROLES)
def list_regions(request, parent: str | None = None):
    """Children of `parent`; without it, the top of the caller's scope."""
    regions = _regions(request.auth)
    if parent:
        regions = regions.filter(parent__code=parent)
    else:
        scope = scope_of(request.auth)
        regions = (
            regions.filter(parent__isnull=True)
            if scope.prefix is None
            else regions.filter(code=request.auth.unit.region.code)
        )
    return [_region_out(r) for r in regions]


@router.get("/regions/{code}", response=RegionOut, summary="One region")
@roles(*STAFF_ROLES)
def get_region(request, code: str):
    region = _regions(request.auth).filter(code=code).first()
    if region is None:
        raise NotFound("region_not_found", f"区划 {code} 不存在或不在您的管辖范围内。")
    return _region_out(region)


class BBoxQuery(Schema):
    bbox: str


def _grid_feature(grid: Grid) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": grid.code,
        "geometry": mapping(from_wkb(bytes(grid.polygon))),
        "properties": {
            "code": grid.code,
            "name": grid.name,
            "kind": grid.kind,
            "subject": grid.subject,
            "village_code": grid.village.code,
            "village_name": grid.village.name,
            "households": grid.households,
        },
    }


@router.get("/grids", summary="Grids intersecting a bbox, as a GeoJSON FeatureCollection")
@roles(*STAFF_ROLES)
def list_grids(request, query: Query[BBoxQuery]):
    box = parse_bbox(query.bbox)
    grids = (
        restrict(Grid.objects.all(), request.auth, "code")
        .filter(
            min_lon__lte=box.max_lon,
            max_lon__gte=box.min_lon,
            min_lat__lte=box.max_lat,
            max_lat__gte=box.min_lat,
        )
        .select_related("village")
        .order_by("code")
    )
    rows = list(grids[: MAX_GRIDS_PER_RESPONSE + 1])
    if len(rows) > MAX_GRIDS_PER_RESPONSE:
        raise DomainError(
            "bbox_too_large",
            f"范围内网格超过 {MAX_GRIDS_PER_RESPONSE} 个，请缩小范围。",
            {"limit": MAX_GRIDS_PER_RESPONSE},
        )
    return {"type": "FeatureCollection", "features": [_grid_feature(g) for g in rows]}


@router.get("/grids/{code}", summary="One grid as a GeoJSON Feature")
@roles(*STAFF_ROLES)
def get_grid(request, code: str):
    grid = (
        restrict(Grid.objects.select_related("village"), request.auth, "code")
        .filter(code=code)
        .first()
    )
    if grid is None:
        raise NotFound("grid_not_found", f"网格 {code} 不存在或不在您的管辖范围内。")
    return _grid_feature(grid)


class LocateOut(Schema):
    lon: float
    lat: float
    grid: dict[str, str]
    region: dict[str, str]


@router.get("/locate", auth=None, response=LocateOut, summary="Which grid and region hold a point")
@public
def locate_point(request, lon: float, lat: float, crs: str = "wgs84"):
    try:
        wgs_lon, wgs_lat, hit = locate(lon, lat, parse_crs(crs))
    except LocationError as exc:
        # Echo the raw query: a NaN or infinite float would not survive JSON encoding.
        details = {key: request.GET.get(key) for key in ("lon", "lat", "crs")}
        raise DomainError(exc.code, exc.message, details) from exc
    village = Region.objects.get(pk=hit.village_id)
    return {
        "lon": wgs_lon,
        "lat": wgs_lat,
        "grid": {"code": hit.code, "name": hit.name},
        "region": {"code": village.code, "name": village.name, "level": village.level},
    }
