"""The daily rollup of the demo, whose events the workflow made, equals the per-event figures."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.assessment.test_rollup import assert_agree, clock_copies_out_of_step, periods
from tests.conftest import inserted_demo
from wangge.assessment.breakdown import daily_counts
from wangge.assessment.metrics import Period, Subject, region_prefix
from wangge.assessment.models import MetricsDay
from wangge.demo.events import demo_events
from wangge.events.models import Clock
from wangge.supervision.sweep import run_sweep


@pytest.fixture(scope="module")
def demo_db(demo_rows, django_db_blocker):
    """A small demo (its events made by the workflow, rollup built), rolled back at the end."""
    with inserted_demo(demo_rows, django_db_blocker):
        yield


def demo_subjects() -> list[Subject]:
    codes = sorted(set(demo_events().values_list("region_code", flat=True)))
    townships = sorted({code[:9] for code in codes})
    subjects = [Subject(), Subject(code_prefix="211421")]
    subjects += [Subject(code_prefix=t) for t in townships[:4]]
    subjects += [Subject(code_prefix=region_prefix(c)) for c in codes[:4]]
    return subjects


def demo_periods() -> list[Period]:
    today = timezone.localdate()
    spans = periods(today - timedelta(days=95), today, random.Random(11), extra=6)
    return [*spans, Period(today, today), Period(today - timedelta(days=6), today)]


def test_the_demo_rollup_equals_the_per_event_figures(demo_db, db):
    """The demo's events come from the workflow; the sweep then cards the late ones."""
    assert MetricsDay.objects.exists()
    assert Clock.objects.exists() and clock_copies_out_of_step() == []
    assert assert_agree(demo_subjects(), demo_periods()) > 100
    assert sum(run_sweep(timezone.now() + timedelta(days=3)).cards.values()) > 0
    assert assert_agree(demo_subjects(), demo_periods()) > 100


def test_the_screen_trend_from_the_rollup_equals_the_per_event_one(demo_db, db):
    today = timezone.localdate()
    trend = Period(today - timedelta(days=29), today)
    for subject in demo_subjects():
        rolled = daily_counts(subject, trend)
        assert rolled == daily_counts(subject, trend, use_rollup=False)
    assert sum(d.received for d in daily_counts(Subject(), trend)) > 0
