"""Grid assignments, categories and event helpers for the field-work tests.

grid_worker_1 (village 1 centre) is assigned to 一村第一网格 (t1_north); grid_worker_2
(township 2 centre) to 二村第一网格 (t2_north). Events at T1_NORTH lie in t1_north.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.events.conftest import with_limits
from wangge.accounts.models import GridAssignment, GridDuty
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
        )
        perform(event.pk, "accept", assigned[operator])
        perform(event.pk, "request_verification", assigned[operator])
        event.refresh_from_db()
        return event

    return make


def recent(minutes: int = 0) -> str:
    return (timezone.now() - timedelta(minutes=minutes)).isoformat()
