"""Jurisdiction validation: codes, the tree, grid codes, geometry; and its command."""

import pytest
import shapely
from django.core.management import CommandError, call_command
from shapely.geometry import Polygon, box

from tests.regions.conftest import TOWNSHIP, VILLAGE
from wangge.regions.codes import RegionLevel
from wangge.regions.models import Grid, Region
from wangge.regions.services import grid_fields, save_grid, save_region
from wangge.regions.validation import (
    grid_code_problems,
    region_code_problems,
    validate_jurisdiction,
)

TOWNSHIP_1 = "211421100000"


def codes_of(problems) -> list[str]:
    return [code for code, _ in problems]


@pytest.mark.parametrize(
    ("code", "level", "parent", "parent_level"),
    [
        ("210000000000", "province", None, None),
        ("211400000000", "city", "210000000000", "province"),
        ("211421000000", "county", "211400000000", "city"),
        ("211421100000", "township", "211421000000", "county"),
        ("211421100201", "village", "211421100000", "township"),
        ("211421000000", "county", None, None),
    ],
)
def test_good_region_codes_have_no_problems(code, level, parent, parent_level):
    assert region_code_problems(code, level, parent, parent_level) == []


@pytest.mark.parametrize(
    ("code", "level", "parent", "parent_level", "problem"),
    [
        ("21142110020", "village", None, None, "region_code_format"),
        ("2114211002011", "village", None, None, "region_code_format"),
        ("21142110020A", "village", None, None, "region_code_format"),
        ("211421100201", "hamlet", None, None, "region_level_unknown"),
        ("211421100201", "township", "211421000000", "county", "region_code_trailing"),
        ("211421000000", "township", "211421000000", "county", "region_code_segment"),
        ("211421100000", "village", "211421000000", "county", "region_level_mismatch"),
        ("211422100000", "township", "211421000000", "county", "region_parent_prefix"),
    ],
)
def test_bad_region_codes_are_named(code, level, parent, parent_level, problem):
    assert problem in codes_of(region_code_problems(code, level, parent, parent_level))


def test_grid_codes_follow_the_configured_layout(settings):
    assert grid_code_problems("211421100201001", "211421100201", "village") == []
    assert codes_of(grid_code_problems("211421100201000", "211421100201", "village")) == [
        "grid_code_format"
    ]
    assert codes_of(grid_code_problems("211421100202001", "211421100201", "village")) == [
        "grid_code_village"
    ]
    assert codes_of(grid_code_problems("211421100000001", "211421100000", "township")) == [
        "grid_village_level"
    ]
    settings.WANGGE_GRID_CODE_LAYOUT = "cjt349"
    assert grid_code_problems("21142110020100000001", "211421100201", "village") == []
    assert codes_of(grid_code_problems("211421100201001", "211421100201", "village")) == [
        "grid_code_format"
    ]


def test_the_test_jurisdiction_is_clean(jurisdiction):
    assert validate_jurisdiction() == []
    call_command("validate_jurisdiction")


def problem_set(problems) -> set[tuple[str, tuple[str, ...]]]:
    return {(p.code, p.objects) for p in problems}


def test_tree_problems_name_the_region_and_its_parent(jurisdiction):
    save_region("211421101202", "错挂村", RegionLevel.VILLAGE, jurisdiction.township_1)
    save_region("211421102301", "错码镇", RegionLevel.TOWNSHIP, jurisdiction.county)
    found = problem_set(validate_jurisdiction())
    assert found == {
        ("region_parent_prefix", ("211421101202", TOWNSHIP_1)),
        ("region_code_trailing", ("211421102301", "211421000000")),
    }


def test_a_grid_under_a_township_is_a_problem(jurisdiction):
    save_grid(jurisdiction.township_1, 7, "挂错层网格", box(120.0, 40.0, 120.01, 40.01))
    found = problem_set(validate_jurisdiction())
    assert ("grid_village_level", ("211421100000007",)) in found


def test_a_grid_sticking_out_of_its_village_is_named(village):
    save_grid(village, 1, "越界网格", box(116.3, 39.0, 116.5, 39.1))  # village ends at 116.4
    save_grid(village, 2, "贴边网格", box(116.0, 39.0, 116.1, 39.1))
    problems = validate_jurisdiction()
    assert problem_set(problems) == {("grid_outside_village", ("110101001001001", VILLAGE))}
    assert "110101001001001" in problems[0].message


def test_a_sliver_within_tolerance_is_accepted(village):
    # 1e-7 degrees (about 1 cm) outside along a 0.1-degree edge: ~100 m² of a ~95 km² grid.
    save_grid(village, 1, "近似网格", box(116.3, 39.0, 116.4 + 1e-7, 39.1))
    assert validate_jurisdiction() == []


def test_overlapping_grids_are_named_in_pairs(village):
    save_grid(village, 1, "甲", box(116.0, 39.0, 116.2, 39.1))
    save_grid(village, 2, "乙", box(116.15, 39.0, 116.3, 39.1))  # overlaps 甲
    save_grid(village, 3, "丙", box(116.3, 39.0, 116.4, 39.1))  # only touches 乙
    save_grid(village, 4, "丁", box(116.05, 39.02, 116.07, 39.04))  # inside 甲
    found = problem_set(validate_jurisdiction())
    assert found == {
        ("grid_overlap", ("110101001001001", "110101001001002")),
        ("grid_overlap", ("110101001001001", "110101001001004")),
    }


def test_an_invalid_polygon_is_named(village):
    bow_tie = Polygon([(116.0, 39.0), (116.1, 39.1), (116.1, 39.0), (116.0, 39.1)])
    Grid.objects.create(
        code="110101001001001", name="蝴蝶结", village=village, **grid_fields(bow_tie)
    )
    problems = validate_jurisdiction()
    assert problem_set(problems) == {("grid_invalid_polygon", ("110101001001001",))}
    assert "Self-intersection" in problems[0].message


def test_a_subtree_is_checked_alone(jurisdiction, village):
    save_grid(village, 1, "甲", box(116.0, 39.0, 116.2, 39.1))
    save_grid(village, 2, "乙", box(116.1, 39.0, 116.3, 39.1))
    assert validate_jurisdiction("211421000000") == []
    assert len(validate_jurisdiction(TOWNSHIP)) == 1
    with pytest.raises(Region.DoesNotExist):
        validate_jurisdiction("999999999999")


def test_the_command_prints_problems_and_fails(village, capsys):
    save_grid(village, 1, "甲", box(116.0, 39.0, 116.2, 39.1))
    save_grid(village, 2, "乙", box(116.1, 39.0, 116.3, 39.1))
    with pytest.raises(CommandError):
        call_command("validate_jurisdiction", "--region", VILLAGE)
    assert "grid_overlap\t110101001001001,110101001001002" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("validate_jurisdiction", "--region", "999999999999")


def test_an_invalid_region_boundary_is_named_and_skipped_for_containment(village):
    bow_tie = Polygon([(116.0, 39.0), (116.4, 39.3), (116.4, 39.0), (116.0, 39.3)])
    Region.objects.filter(pk=village.pk).update(boundary=shapely.to_wkb(bow_tie))
    save_grid(village, 1, "甲", box(116.0, 39.0, 116.1, 39.1))
    assert problem_set(validate_jurisdiction()) == {("region_invalid_boundary", (VILLAGE,))}
