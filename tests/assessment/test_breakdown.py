"""Chart breakdowns split the official figures: each series adds up to compute_metrics."""

from datetime import date, timedelta

import pytest

from tests.assessment.conftest import at
from wangge.assessment.breakdown import daily_counts, received_by_category, received_by_grid
from wangge.assessment.metrics import Period, Subject, compute_metrics, region_prefix
from wangge.events.choices import State
from wangge.events.models import Category

PERIOD = Period(date(2026, 10, 1), date(2026, 10, 4))


@pytest.fixture
def spread(build):
    """Events over four days in both townships, some closed on a later day; the last one is
    closed at 01:00 Beijing time on 1 October, still 30 September in UTC, so a day is local."""
    street = Category.objects.create(code="city.street", name="占道经营", parent=build.category)
    hazard = Category.objects.create(code="hazard", name="安全隐患")
    return [
        build.event(created=at("2026-10-01", 23), closed=at("2026-10-02"), category=street),
        build.event(created=at("2026-10-01", 7), closed=at("2026-10-03")),
        build.event(created=at("2026-10-02"), state=State.HANDLING, category=hazard),
        build.event(created=at("2026-10-03"), state=State.REJECTED, grid="t2_north"),
        build.event(created=at("2026-10-03"), closed=at("2026-10-03", 18), grid="t2_south"),
        build.event(created=at("2026-09-30", 23), closed=at("2026-10-01", 1)),
    ]


def test_days_add_up_to_received_and_closed_of_every_day(cast, spread):
    county = cast.jurisdiction.county.code
    days = daily_counts(Subject(code_prefix=region_prefix(county)), PERIOD)
    assert [d.day for d in days] == [PERIOD.start + timedelta(days=n) for n in range(4)]
    for d in days:
        m = compute_metrics(period_start=d.day, period_end=d.day, region_code=county)
        assert (d.received, d.closed) == (m.received, m.closed), d.day
    assert sum(d.received for d in days) == 5
    assert sum(d.closed for d in days) == 4


def test_categories_roll_up_to_their_root_and_add_up_to_received(cast, spread):
    township = cast.jurisdiction.township_1.code
    shares = received_by_category(Subject(code_prefix=region_prefix(township)), PERIOD)
    received = compute_metrics(
        period_start=PERIOD.start, period_end=PERIOD.end, region_code=township
    ).received
    assert [(s.name, s.count) for s in shares] == [("城市管理", 2), ("安全隐患", 1)]
    assert sum(s.count for s in shares) == received


def test_hotspot_grids_are_the_busiest_first_and_limited(cast, spread):
    grids = cast.jurisdiction.grids
    shares = received_by_grid(Subject(), PERIOD, limit=10)
    assert [(s.key, s.count) for s in shares] == [
        (grids["t1_north"].code, 3),
        (grids["t2_north"].code, 1),
        (grids["t2_south"].code, 1),
    ]
    assert received_by_grid(Subject(), PERIOD, limit=1) == shares[:1]
