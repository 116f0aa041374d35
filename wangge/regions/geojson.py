"""GeoJSON import and export of the jurisdiction: regions and grids in one FeatureCollection.

A feature whose properties carry `village_code` is a grid; any other feature is a region.
Import is all-or-nothing: every feature is checked first (against the file and the
database together, so a file may bring a township, its villages and their grids at once),
each bad feature is reported by its index and code, and nothing is written unless all are
good. Writes go through the services, so the location index notices the new grids.
"""

from dataclasses import dataclass
from typing import Any

import shapely
from django.db import transaction
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from wangge.regions.codes import LEVEL_ORDER, REGION_CODE_LENGTH, RegionLevel, significant_prefix
from wangge.regions.models import DedicatedSubject, Grid, GridKind, Region
from wangge.regions.services import save_grids, save_region
from wangge.regions.validation import grid_code_problems, region_code_problems

NAME_MAX_LENGTH = 100


@dataclass(frozen=True)
class FeatureError:
    index: int | None  # None: the file as a whole
    code: str | None
    reason: str


class ImportRejected(Exception):
    def __init__(self, errors: list[FeatureError]):
        super().__init__(f"{len(errors)} 个要素有误，未导入任何数据。")
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    regions: int
    grids: int


class _Bad(ValueError):
    """One reason a single feature cannot be imported."""


def _text(properties: dict, key: str, required: bool = True) -> str:
    value = properties.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _Bad(f"属性 {key} 必须是{'非空' if required else ''}字符串。")
    if len(value) > NAME_MAX_LENGTH:
        raise _Bad(f"属性 {key} 不能超过 {NAME_MAX_LENGTH} 个字符。")
    return value.strip()


def _geometry(feature: dict, required: bool) -> BaseGeometry | None:
    raw = feature.get("geometry")
    if raw is None:
        if required:
            raise _Bad("网格必须有多边形范围。")
        return None
    try:
        geometry = shape(raw)
    except (
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        IndexError,
        shapely.errors.ShapelyError,
    ):
        raise _Bad("geometry 不是合法的 GeoJSON 几何。") from None
    if geometry.geom_type not in ("Polygon", "MultiPolygon") or geometry.is_empty:
        raise _Bad(f"geometry 应为非空的 Polygon 或 MultiPolygon，而不是 {geometry.geom_type}。")
    if not geometry.is_valid:
        raise _Bad(f"多边形无效：{shapely.is_valid_reason(geometry)}。")
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    if not (-180 <= min_lon and max_lon <= 180 and -90 <= min_lat and max_lat <= 90):
        raise _Bad("坐标超出经纬度范围，文件应使用 WGS-84 经纬度（而非投影坐标）。")
    return geometry


def _region_item(properties: dict, feature: dict) -> dict[str, Any]:
    level = _text(properties, "level")
    if level not in RegionLevel.values:
        raise _Bad(f"层级 {level!r} 无效，可选 {'、'.join(RegionLevel.values)}。")
    parent = properties.get("parent_code")
    if parent is not None and not isinstance(parent, str):
        raise _Bad("属性 parent_code 必须是字符串或 null。")
    synthetic = properties.get("is_synthetic", False)
    if not isinstance(synthetic, bool):
        raise _Bad("属性 is_synthetic 必须是布尔值。")
    return {
        "code": _text(properties, "code"),
        "name": _text(properties, "name"),
        "level": level,
        "parent_code": parent or None,
        "is_synthetic": synthetic,
        "geometry": _geometry(feature, required=False),
    }


def _grid_item(properties: dict, feature: dict) -> dict[str, Any]:
    kind = properties.get("kind") or GridKind.COMPREHENSIVE
    if kind not in GridKind.values:
        raise _Bad(f"网格类型 {kind!r} 无效，可选 {'、'.join(GridKind.values)}。")
    subject = properties.get("subject") or ""
    if subject not in ("", *DedicatedSubject.values):
        raise _Bad(f"专属对象 {subject!r} 无效，可选 {'、'.join(DedicatedSubject.values)}。")
    if kind == GridKind.DEDICATED and not subject:
        raise _Bad("专属网格必须注明专属对象 subject。")
    households = properties.get("households", 0)
    if isinstance(households, bool) or not isinstance(households, int) or households < 0:
        raise _Bad("属性 households 必须是非负整数。")
    return {
        "code": _text(properties, "code"),
        "name": _text(properties, "name"),
        "kind": kind,
        "subject": subject,
        "households": households,
        "party_group": _text(properties, "party_group", required=False),
        "village_code": _text(properties, "village_code"),
        "geometry": _geometry(feature, required=True),
    }


def _parse(features: list) -> tuple[list, list, list[FeatureError]]:
    regions, grids, errors = [], [], []
    for index, feature in enumerate(features):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = properties.get("code") if isinstance(properties, dict) else None
        code = code if isinstance(code, str) else None
        try:
            if not isinstance(properties, dict) or feature.get("type") != "Feature":
                raise _Bad("不是带 properties 的 GeoJSON Feature。")
            if "village_code" in properties:
                grids.append((index, _grid_item(properties, feature)))
            else:
                regions.append((index, _region_item(properties, feature)))
        except _Bad as exc:
            errors.append(FeatureError(index, code, str(exc)))
    return regions, grids, errors


def _duplicates(items: list, errors: list[FeatureError]) -> None:
    seen: dict[str, int] = {}
    for index, item in items:
        if item["code"] in seen:
            reason = f"编码与第 {seen[item['code']]} 个要素重复。"
            errors.append(FeatureError(index, item["code"], reason))
        seen.setdefault(item["code"], index)


def _check_references(regions: list, grids: list, errors: list[FeatureError]) -> None:
    levels = dict(Region.objects.values_list("code", "level"))
    levels.update({item["code"]: item["level"] for _, item in regions})
    for index, item in regions:
        parent = item["parent_code"]
        if parent is not None and parent not in levels:
            errors.append(FeatureError(index, item["code"], f"上级区划 {parent} 不存在。"))
            continue
        parent_level = levels.get(parent) if parent else None
        for _, message in region_code_problems(item["code"], item["level"], parent, parent_level):
            errors.append(FeatureError(index, item["code"], message))
    for index, item in grids:
        village = item["village_code"]
        if village not in levels:
            errors.append(FeatureError(index, item["code"], f"所属村/社区 {village} 不存在。"))
            continue
        for _, message in grid_code_problems(item["code"], village, levels[village]):
            errors.append(FeatureError(index, item["code"], message))


def import_feature_collection(data: Any) -> ImportResult:
    """Check every feature, then write them all in one transaction, or raise ImportRejected."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportRejected([FeatureError(None, None, "文件应为 GeoJSON FeatureCollection。")])
    features = data.get("features")
    if not isinstance(features, list):
        raise ImportRejected([FeatureError(None, None, "FeatureCollection 缺少 features 数组。")])
    regions, grids, errors = _parse(features)
    _duplicates(regions, errors)
    _duplicates(grids, errors)
    _check_references(regions, grids, errors)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.index is not None, e.index or 0)))
    _write(regions, grids)
    return ImportResult(len(regions), len(grids))


@transaction.atomic
def _write(regions: list, grids: list) -> None:
    saved: dict[str, Region] = {}
    for _, item in sorted(regions, key=lambda r: LEVEL_ORDER.index(RegionLevel(r[1]["level"]))):
        parent_code = item["parent_code"]
        parent = None
        if parent_code:
            parent = saved.get(parent_code) or Region.objects.get(code=parent_code)
        saved[item["code"]] = save_region(
            item["code"],
            item["name"],
            item["level"],
            parent,
            item["geometry"],
            item["is_synthetic"],
        )
    villages = dict(saved)
    for _, item in grids:
        code = item["village_code"]
        if code not in villages:
            villages[code] = Region.objects.get(code=code)
    save_grids(
        (
            villages[item["village_code"]],
            int(item["code"][REGION_CODE_LENGTH:]),
            item["name"],
            item["geometry"],
            {key: item[key] for key in ("kind", "subject", "households", "party_group")},
        )
        for _, item in grids
    )


def _region_feature(region: Region) -> dict[str, Any]:
    geometry = region.geometry
    return {
        "type": "Feature",
        "id": region.code,
        "geometry": mapping(geometry) if geometry is not None else None,
        "properties": {
            "code": region.code,
            "name": region.name,
            "level": region.level,
            "parent_code": region.parent.code if region.parent_id else None,
            "is_synthetic": region.is_synthetic,
        },
    }


def _grid_feature(grid: Grid) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": grid.code,
        "geometry": mapping(grid.geometry),
        "properties": {
            "code": grid.code,
            "name": grid.name,
            "kind": grid.kind,
            "subject": grid.subject,
            "households": grid.households,
            "village_code": grid.village.code,
            "party_group": grid.party_group,
        },
    }


def export_feature_collection(
    region_code: str | None = None, include_grids: bool = False
) -> dict[str, Any]:
    """The regions (and optionally grids) of the jurisdiction or of one subtree.

    Raises Region.DoesNotExist for an unknown `region_code`.
    """
    prefix = ""
    if region_code is not None:
        root = Region.objects.get(code=region_code)
        prefix = significant_prefix(root.code, root.level)
    regions = Region.objects.filter(code__startswith=prefix).select_related("parent")
    features = [_region_feature(r) for r in regions.order_by("code")]
    if include_grids:
        grids = Grid.objects.filter(village__code__startswith=prefix).select_related("village")
        features += [_grid_feature(g) for g in grids.order_by("code")]
    return {"type": "FeatureCollection", "features": features}
