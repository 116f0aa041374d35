"""GeoJSON import and export: round trip, all-or-nothing import, and the commands."""

import copy
import json

import pytest
from django.core.management import CommandError, call_command
from shapely.geometry import box, mapping

from tests.regions.conftest import TOWNSHIP, VILLAGE
from wangge.regions.codes import LEVEL_ORDER
from wangge.regions.geojson import (
    ImportRejected,
    export_feature_collection,
    import_feature_collection,
)
from wangge.regions.locate import locate
from wangge.regions.models import Grid, Region
from wangge.regions.services import save_grid


def normalised(collection: dict) -> dict:
    return json.loads(json.dumps(collection))


def wipe_jurisdiction() -> None:
    Grid.objects.all().delete()
    for level in reversed(LEVEL_ORDER):
        Region.objects.filter(level=level).delete()


def grid_feature(code: str, village_code: str = VILLAGE, **properties) -> dict:
    geometry = properties.pop("geometry", mapping(box(116.0, 39.0, 116.1, 39.1)))
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"code": code, "name": f"网格{code[-3:]}", "village_code": village_code}
        | properties,
    }


def region_feature(code: str, level: str, parent_code: str | None, name: str = "新区划") -> dict:
    return {
        "type": "Feature",
        "geometry": None,
        "properties": {"code": code, "name": name, "level": level, "parent_code": parent_code},
    }


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def test_export_then_import_round_trips(jurisdiction):
    grid = jurisdiction.grids["t1_north"]
    Grid.objects.filter(pk=grid.pk).update(
        kind="dedicated", subject="school", households=420, party_group="第一党小组"
    )
    holed = box(120.0, 40.1, 120.1, 40.2).difference(box(120.02, 40.12, 120.04, 40.14))
    save_grid(jurisdiction.village_1, 3, "回字网格", holed)
    exported = normalised(export_feature_collection(include_grids=True))
    assert len(exported["features"]) == 10
    wipe_jurisdiction()
    result = import_feature_collection(exported)
    assert (result.regions, result.grids) == (5, 5)
    assert Grid.objects.get(code="211421100201003").geometry.equals_exact(holed, 0)
    assert normalised(export_feature_collection(include_grids=True)) == exported
    assert Grid.objects.get(code=grid.code).party_group == "第一党小组"


def test_export_of_a_subtree_without_grids(jurisdiction):
    exported = export_feature_collection("211421101000")
    assert [f["properties"]["code"] for f in exported["features"]] == [
        "211421101000",
        "211421101201",
    ]
    assert exported["features"][0]["properties"]["parent_code"] == "211421000000"


def test_import_brings_new_regions_and_grids_in_any_order(
    jurisdiction, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_feature_collection(
            collection(
                grid_feature(
                    "211421100202001",
                    "211421100202",
                    geometry=mapping(box(120.3, 40.0, 120.4, 40.1)),
                ),
                region_feature("211421100202", "village", "211421100000", "三村"),
            )
        )
    assert Region.objects.get(code="211421100202").parent.code == "211421100000"
    assert locate(120.35, 40.05)[2].code == "211421100202001"


def test_a_bad_feature_rejects_the_whole_file(village):
    features = [
        grid_feature("110101001001001"),
        grid_feature("110101001001002", kind="dedicated"),  # no subject
        grid_feature("110101001001001"),  # duplicate code
        grid_feature("110101001002001"),  # code not under its village
        grid_feature("110101001001003", households=-1),
        grid_feature("110101001001004", geometry={"type": "Point", "coordinates": [116, 39]}),
        grid_feature(
            "110101001001005",
            geometry={
                "type": "Polygon",
                "coordinates": [[[116, 39], [116.1, 39.1], [116.1, 39], [116, 39.1], [116, 39]]],
            },
        ),
        grid_feature("110101001009001", "110101001009"),  # unknown village
        grid_feature("110101001001006", geometry=mapping(box(12.9e6, 4.8e6, 12.91e6, 4.81e6))),
        region_feature("110101001002", "township", TOWNSHIP),  # wrong level under a township
        region_feature("110101002000", "township", "110101999000"),  # unknown parent
        {"type": "Feature", "geometry": None},
        "not a feature",
    ]
    with pytest.raises(ImportRejected) as raised:
        import_feature_collection(collection(*features))
    errors = raised.value.errors
    assert sorted({e.index for e in errors}) == list(range(1, len(features)))
    by_index = {e.index: e for e in errors}
    assert by_index[2].code == "110101001001001"
    assert "重复" in by_index[2].reason
    assert "110101001009" in by_index[7].reason
    assert "WGS-84" in by_index[8].reason
    assert Grid.objects.count() == 0
    assert not Region.objects.filter(code="110101002000").exists()


def test_a_rejected_file_does_not_change_existing_grids(jurisdiction):
    before = normalised(export_feature_collection(include_grids=True))
    renamed = [f for f in copy.deepcopy(before)["features"] if "village_code" in f["properties"]]
    renamed[0]["properties"]["name"] = "改名网格"
    renamed[1]["properties"]["households"] = "很多"
    with pytest.raises(ImportRejected) as raised:
        import_feature_collection(collection(*renamed))
    assert [(e.index, e.code) for e in raised.value.errors] == [(1, "211421100201002")]
    assert normalised(export_feature_collection(include_grids=True)) == before


@pytest.mark.parametrize("data", [[], {"type": "Feature"}, {"type": "FeatureCollection"}])
def test_a_file_that_is_not_a_feature_collection_is_rejected(db, data):
    with pytest.raises(ImportRejected) as raised:
        import_feature_collection(data)
    assert raised.value.errors[0].index is None


def test_the_commands_round_trip_through_a_file(jurisdiction, tmp_path, capsys):
    call_command("export_geojson", "--grids")
    path = tmp_path / "jurisdiction.geojson"
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    wipe_jurisdiction()
    call_command("import_geojson", str(path))
    assert "5 个区划、4 个网格" in capsys.readouterr().out
    assert Grid.objects.count() == 4


def test_the_import_command_reports_each_bad_feature(village, tmp_path, capsys):
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(collection(grid_feature("110101001001001", households=-1))))
    with pytest.raises(CommandError):
        call_command("import_geojson", str(path))
    assert "第 0 个要素（110101001001001）" in capsys.readouterr().err
    path.write_text("{not json")
    with pytest.raises(CommandError):
        call_command("import_geojson", str(path))
    with pytest.raises(CommandError):
        call_command("export_geojson", "--region", "999999999999")
