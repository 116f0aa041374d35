"""Consistency checks over the jurisdiction: region codes, the tree, grid codes and geometry.

The checks read the whole jurisdiction (or one subtree) in a few queries and test geometry
in vectorised shapely calls, so 100,000 grids take seconds, not minutes. Each problem names
the offending objects by code; nothing is repaired here.

Area tolerances: a grid may stick out of its village, and two grids may overlap, by at most
max(0.1% of the (smaller) grid's area, 1 m²). Digitised boundaries drawn separately rarely
agree to the millimetre, and this absorbs that noise while still catching a grid drawn in
the wrong place. Areas are in square degrees scaled to m² at the grid's latitude, which is
accurate to well under 1% over a county.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import shapely

from wangge.regions.codes import (
    LEVEL_ORDER,
    REGION_CODE_LENGTH,
    SIGNIFICANT_DIGITS,
    RegionLevel,
    child_level,
    grid_sequence_digits,
    significant_prefix,
)
from wangge.regions.models import Grid, Region

AREA_TOLERANCE_RATIO = 0.001
AREA_TOLERANCE_M2 = 1.0
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Problem:
    code: str
    objects: tuple[str, ...]
    message: str


def _label(level: str) -> str:
    return str(RegionLevel(level).label)


def _parent_digits(level: str) -> int:
    index = LEVEL_ORDER.index(RegionLevel(level))
    return SIGNIFICANT_DIGITS[LEVEL_ORDER[index - 1]] if index else 0


def region_code_problems(
    code: str, level: str, parent_code: str | None, parent_level: str | None
) -> list[tuple[str, str]]:
    """(problem code, message) pairs for one region's code, level and parent."""
    if len(code) != REGION_CODE_LENGTH or not code.isdigit():
        return [("region_code_format", f"区划代码 {code} 应为 12 位数字。")]
    if level not in RegionLevel.values:
        return [("region_level_unknown", f"区划 {code} 的层级 {level!r} 无效。")]
    problems = []
    own, above = SIGNIFICANT_DIGITS[RegionLevel(level)], _parent_digits(level)
    if set(code[own:]) - {"0"}:
        problems.append(
            ("region_code_trailing", f"{_label(level)}代码 {code} 第 {own + 1} 位起应全为 0。")
        )
    if set(code[above:own]) <= {"0"}:
        problems.append(
            (
                "region_code_segment",
                f"{_label(level)}代码 {code} 第 {above + 1}～{own} 位为本级代码，不能全为 0。",
            )
        )
    if parent_code is None or parent_level is None:
        return problems
    expected = child_level(parent_level)
    if expected != level:
        wanted = _label(expected) if expected else "（无下级）"
        problems.append(
            (
                "region_level_mismatch",
                f"区划 {code} 的上级 {parent_code} 为{_label(parent_level)}，"
                f"其层级应为{wanted}，而不是{_label(level)}。",
            )
        )
    prefix = significant_prefix(parent_code, parent_level)
    if not code.startswith(prefix):
        problems.append(
            (
                "region_parent_prefix",
                f"区划代码 {code} 应以上级 {parent_code} 的前缀 {prefix} 开头。",
            )
        )
    return problems


def grid_code_problems(code: str, village_code: str, village_level: str) -> list[tuple[str, str]]:
    """(problem code, message) pairs for one grid's code and the level of its village."""
    problems = []
    if village_level != RegionLevel.VILLAGE:
        problems.append(
            (
                "grid_village_level",
                f"网格 {code} 所属区划 {village_code} 为{_label(village_level)}，应为村/社区。",
            )
        )
    digits = grid_sequence_digits()
    sequence = code[REGION_CODE_LENGTH:]
    if not code.isdigit() or len(sequence) != digits or set(sequence) <= {"0"}:
        problems.append(
            (
                "grid_code_format",
                f"网格编码 {code} 应为村/社区代码加 {digits} 位非零序号，共 "
                f"{REGION_CODE_LENGTH + digits} 位数字。",
            )
        )
    elif not code.startswith(village_code):
        problems.append(
            ("grid_code_village", f"网格编码 {code} 应以所属村/社区代码 {village_code} 开头。")
        )
    return problems


def validate_jurisdiction(region_code: str | None = None) -> list[Problem]:
    """Every problem in the jurisdiction, or in the subtree of `region_code`.

    Raises Region.DoesNotExist for an unknown `region_code`.
    """
    regions = {r[0]: r for r in Region.objects.values_list("id", "code", "level", "parent_id")}
    grids = Grid.objects.values_list("code", "village_id", "polygon")
    prefix = ""
    if region_code is not None:
        root = Region.objects.get(code=region_code)
        prefix = significant_prefix(root.code, root.level)
        grids = grids.filter(village__code__startswith=prefix)
    in_scope = [r for r in regions.values() if r[1].startswith(prefix)]
    grid_rows = list(grids)
    problems = list(_tree_problems(in_scope, regions))
    for code, village_id, _ in grid_rows:
        village = regions[village_id]
        problems += [
            Problem(c, (code,), m) for c, m in grid_code_problems(code, village[1], village[2])
        ]
    boundaries, boundary_problems = _region_boundaries(prefix)
    return problems + boundary_problems + _geometry_problems(grid_rows, boundaries)


def _region_boundaries(prefix: str) -> tuple[dict[int, tuple[str, object]], list[Problem]]:
    """Valid boundaries of the regions in scope by id, and a problem for each invalid one."""
    rows = (
        Region.objects.filter(code__startswith=prefix)
        .exclude(boundary=None)
        .values_list("id", "code", "boundary")
    )
    boundaries, problems = {}, []
    for region_id, code, wkb in rows:
        boundary = shapely.from_wkb(bytes(wkb))
        if _is_polygonal(boundary) and boundary.is_valid:
            boundaries[region_id] = (code, boundary)
        else:
            message = f"区划 {code} 的边界不是有效多边形：{_reason(boundary)}。"
            problems.append(Problem("region_invalid_boundary", (code,), message))
    return boundaries, problems


def _is_polygonal(geometry) -> bool:
    return shapely.get_type_id(geometry) in (3, 6) and not shapely.is_empty(geometry)


def _tree_problems(rows: Iterable[tuple], regions: dict[int, tuple]) -> Iterable[Problem]:
    for _, code, level, parent_id in rows:
        parent = regions.get(parent_id)
        parent_code, parent_level = (parent[1], parent[2]) if parent else (None, None)
        for problem, message in region_code_problems(code, level, parent_code, parent_level):
            yield Problem(problem, (code,) if parent is None else (code, parent_code), message)


def _square_metres(areas: np.ndarray, lats: np.ndarray) -> np.ndarray:
    return areas * METRES_PER_DEGREE**2 * np.cos(np.radians(lats))


def _tolerance(areas_m2: np.ndarray) -> np.ndarray:
    return np.maximum(areas_m2 * AREA_TOLERANCE_RATIO, AREA_TOLERANCE_M2)


def _geometry_problems(grid_rows: list[tuple], boundaries: dict) -> list[Problem]:
    if not grid_rows:
        return []
    codes = np.array([r[0] for r in grid_rows], dtype=object)
    geoms = shapely.from_wkb([bytes(r[2]) for r in grid_rows])
    polygonal = np.isin(shapely.get_type_id(geoms), (3, 6))  # Polygon, MultiPolygon
    valid = polygonal & shapely.is_valid(geoms) & ~shapely.is_empty(geoms)
    problems = [
        Problem(
            "grid_invalid_polygon",
            (codes[i],),
            f"网格 {codes[i]} 的范围不是有效多边形：{_reason(geoms[i])}。",
        )
        for i in np.flatnonzero(~valid)
    ]
    problems += _containment_problems(grid_rows, codes, geoms, valid, boundaries)
    problems += _overlap_problems(codes[valid], geoms[valid])
    return problems


def _reason(geometry) -> str:
    if shapely.is_empty(geometry):
        return "范围为空"
    if shapely.get_type_id(geometry) not in (3, 6):
        return f"几何类型为 {geometry.geom_type}"
    return shapely.is_valid_reason(geometry)


def _containment_problems(grid_rows, codes, geoms, valid, boundaries) -> list[Problem]:
    """Grids sticking out of their village's boundary; villages without one are skipped."""
    problems = []
    checked = valid & np.array([r[1] in boundaries for r in grid_rows], dtype=bool)
    index = np.flatnonzero(checked)
    if len(index) == 0:
        return problems
    outer = np.array([boundaries[grid_rows[i][1]][1] for i in index], dtype=object)
    shapely.prepare(outer)
    index = index[~shapely.covers(outer, geoms[index])]
    outer = np.array([boundaries[grid_rows[i][1]][1] for i in index], dtype=object)
    lats = shapely.get_y(shapely.centroid(geoms[index])) if len(index) else np.array([])
    outside = _square_metres(shapely.area(shapely.difference(geoms[index], outer)), lats)
    limit = _tolerance(_square_metres(shapely.area(geoms[index]), lats))
    for i, area, tol in zip(index, outside, limit, strict=True):
        if area > tol:
            village_code = boundaries[grid_rows[i][1]][0]
            problems.append(
                Problem(
                    "grid_outside_village",
                    (codes[i], village_code),
                    f"网格 {codes[i]} 有约 {area:.1f} 平方米超出所属村/社区 "
                    f"{village_code} 的边界。",
                )
            )
    return problems


def _overlap_problems(codes: np.ndarray, geoms: np.ndarray) -> list[Problem]:
    """Pairs of grids whose interiors overlap by more than the tolerance, any village."""
    if len(geoms) < 2:
        return []
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    keep = shapely.relate_pattern(geoms[left], geoms[right], "T********")
    left, right = left[keep], right[keep]
    if len(left) == 0:
        return []
    lats = shapely.get_y(shapely.centroid(geoms[left]))
    shared = _square_metres(shapely.area(shapely.intersection(geoms[left], geoms[right])), lats)
    smaller = np.minimum(shapely.area(geoms[left]), shapely.area(geoms[right]))
    limit = _tolerance(_square_metres(smaller, lats))
    return [
        Problem(
            "grid_overlap",
            (codes[a], codes[b]),
            f"网格 {codes[a]} 与网格 {codes[b]} 重叠约 {area:.1f} 平方米。",
        )
        for a, b, area, tol in zip(left, right, shared, limit, strict=True)
        if area > tol
    ]
