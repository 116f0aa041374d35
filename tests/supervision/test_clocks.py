"""Clocks on the working calendar: deadlines, warning points, suspension and extension."""

import pytest

from tests.supervision.conftest import at
from wangge.events.choices import LimitUnit, Step
from wangge.events.clocks import (
    TimeLimit,
    extend_clock,
    pause_clocks,
    resume_clocks,
    start_clock,
    stop_clock,
)
from wangge.events.models import Clock, Light

pytestmark = pytest.mark.django_db

THREE_DAYS = TimeLimit(3, LimitUnit.WORKING_DAYS)
EIGHT_HOURS = TimeLimit(8, LimitUnit.WORKING_HOURS)


def test_a_clock_is_due_on_the_calendar_and_first_checked_at_half_time(make_event, cast):
    clock = start_clock(
        make_event(), Step.HANDLE, cast.department, THREE_DAYS, at("2025-09-30 10:00")
    )
    assert clock.due_at == at("2025-10-11 10:00")
    # Half of three working days before the deadline: 1.5 days back from Sat 11 Oct 10:00.
    assert clock.next_check_at == at("2025-10-09 22:00")
    assert (clock.limit_amount, clock.limit_unit) == (3, LimitUnit.WORKING_DAYS)


def test_a_minutes_limit_is_wall_clock(make_event, cast):
    clock = start_clock(
        make_event(),
        Step.ACCEPT,
        cast.township_1_centre,
        TimeLimit(30, LimitUnit.MINUTES),
        at("2025-10-01 10:00"),
    )
    assert clock.due_at == at("2025-10-01 10:30")
    assert clock.next_check_at == at("2025-10-01 10:15")


def test_stopping_clears_the_next_check(make_event, cast):
    event = make_event()
    start_clock(event, Step.HANDLE, cast.department, THREE_DAYS, at("2025-09-30 10:00"))
    stop_clock(event, Step.HANDLE, at("2025-10-09 09:00"))
    clock = Clock.objects.get()
    assert clock.stopped_at == at("2025-10-09 09:00") and clock.next_check_at is None
    assert clock.on_time


def test_suspension_stops_the_clock_and_resumes_with_the_working_time_left(make_event, cast):
    event = make_event()
    # Mon 29 Sep 09:00 + 8 office hours = Tue 30 Sep 09:30.
    start_clock(event, Step.HANDLE, cast.department, EIGHT_HOURS, at("2025-09-29 09:00"))
    pause_clocks(event, at("2025-09-29 14:30"))  # 4 office hours used, 4 left
    paused = Clock.objects.get()
    assert paused.next_check_at is None
    resume_clocks(event, at("2025-10-09 08:30"))
    clock = Clock.objects.get()
    assert clock.paused_at is None
    assert clock.due_at == at("2025-10-09 14:00")  # 3.5 h in the morning, 0.5 h after lunch
    assert clock.next_check_at is not None and clock.next_check_at < clock.due_at


def test_an_overdue_clock_paused_and_resumed_stays_overdue_by_the_same_amount(make_event, cast):
    event = make_event()
    start_clock(event, Step.HANDLE, cast.department, EIGHT_HOURS, at("2025-09-29 09:00"))
    pause_clocks(event, at("2025-09-30 10:30"))  # one office hour past 09:30
    resume_clocks(event, at("2025-10-09 14:00"))
    assert Clock.objects.get().due_at == at("2025-10-09 11:30")


def test_an_extension_moves_the_deadline_by_working_time(make_event, cast):
    event = make_event()
    start_clock(event, Step.HANDLE, cast.department, THREE_DAYS, at("2025-09-30 10:00"))
    extend_clock(event, Step.HANDLE, TimeLimit(2, LimitUnit.WORKING_DAYS), at("2025-10-10 12:00"))
    clock = Clock.objects.get()
    assert clock.due_at == at("2025-10-14 10:00")  # Sat 11 → Mon 13 → Tue 14
    assert clock.allowed_seconds == 5 * 86400
    # 10 Oct 12:00 is 2.9 working days before the new deadline: under half time, green.
    assert clock.light == Light.GREEN
    assert clock.next_check_at == at("2025-10-10 22:00")  # 2.5 days before 14 Oct 10:00


def test_an_extension_of_another_step_leaves_the_clock_alone(make_event, cast):
    event = make_event()
    start_clock(event, Step.HANDLE, cast.department, THREE_DAYS, at("2025-09-30 10:00"))
    extend_clock(event, Step.SIGN, TimeLimit(2, LimitUnit.WORKING_DAYS), at("2025-10-10 12:00"))
    assert Clock.objects.get().due_at == at("2025-10-11 10:00")
