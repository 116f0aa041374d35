"""Categories, a report helper and a database snapshot for the workflow tests.

Events are reported in 一村 (village 1), so they land at the village centre, whose
operator is `village_1_operator`; the county department 行政执法局 handles them.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from django.forms.models import model_to_dict

from tests.conftest import make_user
from wangge.accounts.models import OrgUnit, Role, UnitKind
from wangge.events.choices import Channel, LimitUnit, Priority, Step
from wangge.events.models import Category, Clock, Event, EventPart, StepLimit, TrailEntry
from wangge.events.services import report_event
from wangge.regions.codes import RegionLevel

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
VILLAGE_1_POINT = (120.05, 40.07)
VILLAGE_2_POINT = (120.15, 40.07)

LIMITS = {
    Step.ACCEPT: (30, LimitUnit.MINUTES),
    Step.VERIFY: (4, LimitUnit.WORKING_HOURS),
    Step.DISPATCH: (2, LimitUnit.WORKING_HOURS),
    Step.SIGN: (1, LimitUnit.WORKING_HOURS),
    Step.HANDLE: (3, LimitUnit.WORKING_DAYS),
    Step.CHECK: (1, LimitUnit.WORKING_DAYS),
}


@dataclass
class Categories:
    street: Category
    policy: Category
    hazard: Category


def with_limits(category: Category) -> Category:
    StepLimit.objects.bulk_create(
        StepLimit(category=category, priority=Priority.NORMAL, step=step, amount=a, unit=u)
        for step, (a, u) in LIMITS.items()
    )
    return category


@pytest.fixture
def categories(cast) -> Categories:
    urban = Category.objects.create(code="urban", name="城市管理")
    street = Category.objects.create(
        code="urban.street", name="占道经营", parent=urban, default_department=cast.department
    )
    policy = Category.objects.create(code="policy", name="政策咨询", direct_answer=True)
    hazard = Category.objects.create(code="hazard", name="安全隐患", needs_verification=True)
    return Categories(with_limits(street), policy, with_limits(hazard))


@pytest.fixture
def outsiders(cast):
    """Users holding the right roles, but for township 2 or another county department."""
    j = cast.jurisdiction
    t2_office = OrgUnit.objects.create(
        name="二号镇城管办",
        kind=UnitKind.DEPARTMENT,
        level=RegionLevel.TOWNSHIP,
        region=j.township_2,
    )
    other_department = OrgUnit.objects.create(
        name="交通局", kind=UnitKind.DEPARTMENT, level=RegionLevel.COUNTY, region=j.county
    )
    return {
        "t2_handler": make_user("t2_handler", Role.DEPARTMENT_HANDLER, t2_office),
        "t2_leader": make_user("t2_leader", Role.LEADER, cast.township_2_centre),
        "other_handler": make_user("other_handler", Role.DEPARTMENT_HANDLER, other_department),
        "other_department": other_department,
    }


@pytest.fixture
def report(categories):
    def make(category=None, point=VILLAGE_1_POINT, **extra) -> Event:
        extra.setdefault("channel", Channel.PUBLIC_APP)
        extra.setdefault("now", T0)
        extra.setdefault("title", "人行道占道经营")
        return report_event(
            category=category or categories.street,
            lon=point[0],
            lat=point[1],
            **extra,
        ).event

    return make


def snapshot(event_id: int) -> dict:
    """Everything an action may write about one event."""
    event = Event.objects.get(pk=event_id)
    return {
        "event": model_to_dict(event),
        "updated_at": event.updated_at,
        "trail": list(TrailEntry.objects.filter(event_id=event_id).values().order_by("sequence")),
        "parts": list(EventPart.objects.filter(event_id=event_id).values().order_by("pk")),
        "clocks": list(Clock.objects.filter(event_id=event_id).values().order_by("pk")),
    }
