"""Categories with time limits, a report helper and photos for the console and department tests.

Events reported at VILLAGE_1_POINT are received by the village 1 centre (operator
`village_1_operator`, inside township 1); VILLAGE_2_POINT lies in township 2.
"""

import io
from dataclasses import dataclass

import pytest
from PIL import Image

from wangge.events.choices import Channel, LimitUnit, Priority, Step
from wangge.events.models import Category, Event, StepLimit
from wangge.events.services import perform, report_event

VILLAGE_1_POINT = (120.05, 40.07)
VILLAGE_2_POINT = (120.15, 40.07)
XSS = "<script>alert(1)</script>"

LIMITS = {
    Step.ACCEPT: (30, LimitUnit.MINUTES),
    Step.VERIFY: (1, LimitUnit.WORKING_DAYS),
    Step.DISPATCH: (1, LimitUnit.WORKING_DAYS),
    Step.SIGN: (1, LimitUnit.WORKING_DAYS),
    Step.HANDLE: (3, LimitUnit.WORKING_DAYS),
    Step.CHECK: (1, LimitUnit.WORKING_DAYS),
}


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Categories:
    urban: Category
    street: Category
    noise: Category


@pytest.fixture
def categories(cast) -> Categories:
    urban = Category.objects.create(
        code="urban", name="城市管理", default_department=cast.department
    )
    street = Category.objects.create(code="urban.street", name="占道经营", parent=urban)
    noise = Category.objects.create(code="noise", name="噪音扰民")
    for category in (street, noise):
        for priority in Priority.values:
            for step, (amount, unit) in LIMITS.items():
                StepLimit.objects.create(
                    category=category, priority=priority, step=step, amount=amount, unit=unit
                )
    return Categories(urban, street, noise)


@pytest.fixture
def report(categories):
    """Report an event through the workflow service (now, unless `now` is given)."""

    def make(point=VILLAGE_1_POINT, **fields) -> Event:
        lon, lat = point
        values = {"channel": Channel.PUBLIC_APP, "category": categories.street.pk}
        values.update({"title": "人行道被占用"} | fields)
        return report_event(lon=lon, lat=lat, **values).event

    return make


@pytest.fixture
def dispatched(report, cast):
    """An event at village 1, accepted and dispatched to the cast's department."""

    def make(**fields) -> Event:
        event = report(**fields)
        operator, now = cast["village_1_operator"], fields.get("now")
        perform(event.pk, "accept", operator, now=now)
        perform(event.pk, "dispatch", operator, now=now, lead_department=cast.department.pk)
        event.refresh_from_db()
        return event

    return make


def jpeg_bytes(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(out, "JPEG")
    return out.getvalue()
