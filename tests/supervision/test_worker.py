"""The embedded worker thread sweeps on its own until told to stop."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from wangge.events.choices import LimitUnit, Step
from wangge.events.clocks import TimeLimit, start_clock
from wangge.events.models import CardLevel, Clock
from wangge.jobs import start_worker_thread

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_thread_raises_due_cards_and_stops(make_event, cast):
    start_clock(
        make_event(),
        Step.ACCEPT,
        cast.township_1_centre,
        TimeLimit(1, LimitUnit.MINUTES),
        timezone.now() - timedelta(days=1),
    )
    stop = threading.Event()
    thread = start_worker_thread(0.05, stop)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if Clock.objects.filter(card_level=CardLevel.NORMAL).exists():
                    break
            except OperationalError:
                pass  # SQLite's shared in-memory test database is busy with the sweep
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert Clock.objects.get().card_level == CardLevel.NORMAL
    assert not thread.is_alive()
