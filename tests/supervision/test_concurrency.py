"""Two sweeps at once on PostgreSQL: every card is raised exactly once."""

import threading

import pytest
from django.db import connection, connections

from tests.supervision.conftest import at
from wangge.events.choices import LimitUnit, Step
from wangge.events.clocks import TimeLimit, start_clock
from wangge.events.models import CardLevel, TrailEntry
from wangge.supervision.models import SupervisionCard
from wangge.supervision.sweep import run_sweep

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_concurrent_sweeps_raise_each_card_once(make_event, cast):
    for _ in range(20):
        start_clock(
            make_event(),
            Step.HANDLE,
            cast.township_1_centre,
            TimeLimit(3, LimitUnit.WORKING_DAYS),
            at("2025-09-30 10:00"),
        )
    barrier = threading.Barrier(2)
    reports = []

    def sweep() -> None:
        try:
            barrier.wait()
            reports.append(run_sweep(at("2025-10-30 10:00"), batch_size=5))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(reports) == 2
    assert sum(r.card_count for r in reports) == 60
    assert SupervisionCard.objects.filter(level=CardLevel.RED).count() == 20
    assert SupervisionCard.objects.count() == 60
    assert TrailEntry.objects.filter(action="supervise").count() == 60
