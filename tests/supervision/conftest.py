"""Events built directly with the ORM, and moments written in Beijing time."""

from datetime import datetime
from itertools import count

import pytest

from wangge.events import calendar
from wangge.events.choices import Channel
from wangge.events.models import Category, Event

_codes = count(1)


def at(text: str) -> datetime:
    """'2025-09-30 10:00' in Asia/Shanghai."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=calendar.TZ)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture
def make_event(cast):
    category = Category.objects.create(code="test-supervision", name="占道经营")

    def make(unit=None, title="占道经营", grid="t1_north", created_at="2025-09-30 10:00"):
        grid_obj = cast.jurisdiction.grids[grid]
        number = next(_codes)
        return Event.objects.create(
            tracking_code=f"SV{number:010d}",
            title=title,
            category=category,
            channel=Channel.GRID_WORKER,
            lon=120.05,
            lat=40.07,
            grid=grid_obj,
            region=grid_obj.village,
            region_code=grid_obj.village.code,
            current_unit=unit or cast.township_1_centre,
            created_at=at(created_at),
        )

    return make
