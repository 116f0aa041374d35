"""save_grids: the batch write used by imports behaves like save_grid on each grid."""

from shapely.geometry import box

from wangge.regions.locate import locate
from wangge.regions.models import Grid
from wangge.regions.services import save_grids


def test_save_grids_creates_and_updates_and_refreshes_the_index(
    jurisdiction, django_capture_on_commit_callbacks
):
    old = jurisdiction.grids["t1_north"]
    assert locate(120.05, 40.07)[2].code == old.code
    with django_capture_on_commit_callbacks(execute=True):
        count = save_grids(
            [
                (jurisdiction.village_1, 1, "改名网格", box(120.0, 40.05, 120.04, 40.1), {}),
                (
                    jurisdiction.village_1,
                    3,
                    "学校网格",
                    box(120.04, 40.05, 120.1, 40.1),
                    {"kind": "dedicated", "subject": "school", "households": 12},
                ),
            ]
        )
    assert count == 2
    renamed = Grid.objects.get(code=old.code)
    assert (renamed.pk, renamed.name, renamed.max_lon) == (old.pk, "改名网格", 120.04)
    assert renamed.updated_at > old.updated_at
    school = Grid.objects.get(code="211421100201003")
    assert (school.kind, school.subject, school.households) == ("dedicated", "school", 12)
    assert locate(120.05, 40.07)[2].code == "211421100201003"
    assert Grid.objects.count() == 5
