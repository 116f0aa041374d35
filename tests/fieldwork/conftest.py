"""Grid assignments, categories and event helpers for the field-work tests.

grid_worker_1 (village 1 centre) is assigned to 一村第一网格 (t1_north); grid_worker_2
(township 2 centre) to 二村第一网格 (t2_north). Events at T1_NORTH lie in t1_north.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.basedata import samples
from tests.events.conftest import with_limits
from wangge.accounts.models import GridAssignment, GridDuty
from wangge.basedata import access
from wangge.basedata.categories import BUILTIN
from wangge.basedata.models import House, KeyPlace, Permission, SpecialPopulation
from wangge.basedata.services import create_record
from wangge.events.choices import Channel
from wangge.events.models import Category, Event
from wangge.events.services import perform, report_event

T1_NORTH = (120.05, 40.07)
T1_SOUTH = (120.05, 40.02)
T2_NORTH = (120.15, 40.07)


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def assigned(cast):
    grids = cast.jurisdiction.grids
    GridAssignment.objects.create(
        grid=grids["t1_north"], user=cast["grid_worker_1"], duty=GridDuty.WORKER
    )
    GridAssignment.objects.create(
        grid=grids["t2_north"], user=cast["grid_worker_2"], duty=GridDuty.WORKER
    )
    return cast


@pytest.fixture
def hazard(cast) -> Category:
    return with_limits(
        Category.objects.create(code="hazard", name="安全隐患", needs_verification=True)
    )


@pytest.fixture
def verifying(assigned, hazard):
    """An event awaiting verification (核实) at `point`, requested by its centre."""

    def make(point=T1_NORTH, title="井盖缺失", operator="village_1_operator") -> Event:
        event = report_event(
            channel=Channel.PUBLIC_APP, category=hazard, title=title, lon=point[0], lat=point[1]
        ).event
        perform(event.pk, "accept", assigned[operator])
        perform(event.pk, "request_verification", assigned[operator])
        event.refresh_from_db()
        return event

    return make


def recent(minutes: int = 0) -> str:
    return (timezone.now() - timedelta(minutes=minutes)).isoformat()


@dataclass
class FieldData:
    """Base data the field records refer to: a house in each township's north grid, a
    special-population record in 一村第一网格 (overdue: level 一级, last visited 10 days ago)
    and a key place beside it."""

    house_1: House
    house_2: House
    special: SpecialPopulation
    place: KeyPlace


def _create(category: str, user, values: dict):
    return create_record(BUILTIN[category], user, values)


@pytest.fixture
def field_data(assigned) -> FieldData:
    operator = assigned["county_operator"]
    access.grant(operator, Permission.SPECIAL_POPULATION)
    access.grant(assigned["grid_worker_1"], Permission.SPECIAL_POPULATION)
    grids = assigned.jurisdiction.grids
    house_1 = _create(
        "house",
        operator,
        {
            "code": "H-1",
            "address": "一村一组 1 号",
            "use": "自住",
            "grid_code": grids["t1_north"].code,
        },
    )
    house_2 = _create(
        "house",
        operator,
        {
            "code": "H-2",
            "address": "二村一组 2 号",
            "use": "自住",
            "grid_code": grids["t2_north"].code,
        },
    )
    _create(
        "person",
        operator,
        {"name": "张三丰", "kind": "户籍人口", "id_number": samples.MAN, "house_code": "H-1"},
    )
    last = timezone.localdate() - timedelta(days=10)
    special = _create(
        "special_population",
        operator,
        {
            "person_id_number": samples.MAN,
            "kind": "刑满释放人员",
            "level": "high",
            "last_visited_on": last.isoformat(),
        },
    )
    place = _create(
        "key_place",
        operator,
        {
            "name": "平安网吧",
            "kind": "网吧",
            "address": "一村一组 9 号",
            "grid_code": grids["t1_north"].code,
        },
    )
    return FieldData(house_1, house_2, special, place)
