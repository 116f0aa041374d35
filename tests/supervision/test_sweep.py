"""The supervision sweep: warnings and the normal → yellow → red ladder, idempotent and cheap."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.supervision.conftest import at
from wangge.events.choices import LimitUnit, Step
from wangge.events.clocks import TimeLimit, start_clock, stop_clock
from wangge.events.models import CardLevel, Clock, Light, SupervisionRule, TrailEntry
from wangge.notices.models import Notice
from wangge.supervision.models import SupervisionCard
from wangge.supervision.sweep import run_sweep

pytestmark = pytest.mark.django_db

THREE_DAYS = TimeLimit(3, LimitUnit.WORKING_DAYS)


@pytest.fixture
def handling(make_event, cast):
    """A handling step of three working days held by township 1, due Sat 11 Oct 2025 10:00."""
    event = make_event()
    clock = start_clock(
        event, Step.HANDLE, cast.township_1_centre, THREE_DAYS, at("2025-09-30 10:00")
    )
    return event, clock


def cards(clock) -> list[tuple[str, int]]:
    return list(
        SupervisionCard.objects.filter(clock=clock)
        .order_by("issued_at", "id")
        .values_list("level", "points")
    )


def inbox(cast, name) -> list[str]:
    return list(
        Notice.objects.filter(recipient=cast[name]).order_by("id").values_list("title", flat=True)
    )


def test_warning_lights_at_half_and_four_fifths_of_the_time(handling, cast):
    event, clock = handling
    assert run_sweep(at("2025-10-09 21:59")).examined == 0
    report = run_sweep(at("2025-10-09 22:00"))
    assert report.warnings == 1 and report.card_count == 0
    assert Clock.objects.get().light == Light.YELLOW
    # 80 %: 0.6 working days before Sat 11 Oct 10:00.
    assert Clock.objects.get().next_check_at == at("2025-10-10 19:36")
    run_sweep(at("2025-10-10 19:36"))
    assert Clock.objects.get().light == Light.RED
    assert inbox(cast, "township_1_operator") == ["时限预警：占道经营"] * 2
    assert inbox(cast, "leader") == []  # warnings go to the unit only
    assert cards(clock) == []


def test_the_ladder_rises_normal_yellow_red_with_points_trail_and_notices(handling, cast):
    event, clock = handling
    run_sweep(at("2025-10-10 20:00"))  # both warnings
    report = run_sweep(at("2025-10-11 10:00"))
    assert report.cards == {CardLevel.NORMAL: 1}
    assert cards(clock) == [(CardLevel.NORMAL, 0)]
    # Handling: yellow 5 working days overdue (Mon 13 … Fri 17 Oct), red after 10 (Fri 24).
    assert Clock.objects.get().next_check_at == at("2025-10-17 10:00")
    assert run_sweep(at("2025-10-17 09:59")).examined == 0
    run_sweep(at("2025-10-17 10:00"))
    assert cards(clock)[-1] == (CardLevel.YELLOW, -5)
    assert Clock.objects.get().next_check_at == at("2025-10-24 10:00")
    run_sweep(at("2025-10-24 10:00"))
    assert cards(clock) == [(CardLevel.NORMAL, 0), (CardLevel.YELLOW, -5), (CardLevel.RED, -10)]
    final = Clock.objects.get()
    assert final.card_level == CardLevel.RED and final.next_check_at is None
    card = SupervisionCard.objects.get(level=CardLevel.RED)
    assert (card.event_id, card.step, card.unit_id) == (event.pk, Step.HANDLE, clock.unit_id)
    assert card.issued_at == at("2025-10-24 10:00")
    trail = TrailEntry.objects.filter(event=event, action="supervise").order_by("sequence")
    assert [e.payload["level"] for e in trail] == ["normal", "yellow", "red"]
    assert all(e.from_state == e.to_state == event.state for e in trail)
    expected = ["普通督办：占道经营", "黄牌督办：占道经营", "红牌督办：占道经营"]
    assert inbox(cast, "township_1_operator")[-3:] == expected
    assert inbox(cast, "leader") == expected  # leader of the parent (county) unit
    assert inbox(cast, "township_2_operator") == []
    assert inbox(cast, "village_1_operator") == []  # a child unit hears nothing


def test_a_second_run_changes_nothing(handling, cast):
    event, clock = handling
    first = run_sweep(at("2025-10-30 10:00"))
    assert first.cards == {CardLevel.NORMAL: 1, CardLevel.YELLOW: 1, CardLevel.RED: 1}
    state = (
        list(Clock.objects.values()),
        SupervisionCard.objects.count(),
        TrailEntry.objects.count(),
        Notice.objects.count(),
    )
    second = run_sweep(at("2025-10-30 10:00"))
    assert second.examined == 0 and second.card_count == 0
    assert state == (
        list(Clock.objects.values()),
        SupervisionCard.objects.count(),
        TrailEntry.objects.count(),
        Notice.objects.count(),
    )


def test_a_late_sweep_catches_up_every_card_at_once(handling, cast):
    event, clock = handling
    run_sweep(at("2025-10-30 10:00"))
    assert sum(points for _, points in cards(clock)) == -15
    assert inbox(cast, "leader") == ["红牌督办：占道经营"]  # one notice for the highest card


def test_rules_configured_by_an_administrator_are_used(handling, cast):
    event, clock = handling
    SupervisionRule.objects.create(
        step=Step.HANDLE, yellow_after_days=1, red_after_days=2, yellow_points=-3, red_points=-7
    )
    run_sweep(at("2025-10-11 10:00"))
    assert Clock.objects.get().next_check_at == at("2025-10-13 10:00")
    run_sweep(at("2025-10-14 10:00"))
    assert cards(clock) == [(CardLevel.NORMAL, 0), (CardLevel.YELLOW, -3), (CardLevel.RED, -7)]


def test_acceptance_uses_its_own_defaults(make_event, cast):
    clock = start_clock(
        make_event(),
        Step.ACCEPT,
        cast.township_1_centre,
        TimeLimit(30, LimitUnit.MINUTES),
        at("2025-09-29 09:00"),
    )
    run_sweep(at("2025-09-29 09:30"))
    # Acceptance: yellow two working days overdue, red after five (the holiday in between).
    assert Clock.objects.get().next_check_at == at("2025-10-09 09:30")
    run_sweep(at("2025-10-09 09:30"))
    assert Clock.objects.get().next_check_at == at("2025-10-13 09:30")
    assert [level for level, _ in cards(clock)] == [CardLevel.NORMAL, CardLevel.YELLOW]


def test_stopped_and_paused_clocks_are_left_alone(handling, cast):
    event, clock = handling
    stop_clock(event, Step.HANDLE, at("2025-10-09 09:00"))
    assert run_sweep(at("2025-10-30 10:00")).examined == 0
    assert cards(clock) == []


def test_a_sweep_with_nothing_due_costs_one_query_however_many_clocks_are_open(
    handling, make_event, cast
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            report = run_sweep(at("2025-10-01 10:00"))
        assert report.examined == 0
        return len(captured)

    Clock.objects.all().delete()
    empty = queries()
    event = make_event()
    Clock.objects.bulk_create(
        Clock(
            event=event,
            step=Step.HANDLE,
            unit=cast.department,
            started_at=at("2025-09-30 10:00"),
            due_at=at("2025-10-20 10:00") + timedelta(minutes=i),
            limit_amount=3,
            allowed_seconds=3 * 86400,
            next_check_at=at("2025-10-15 10:00") + timedelta(minutes=i),
        )
        for i in range(200)
    )
    assert queries() == empty == 1


def test_batches_cover_every_due_clock(make_event, cast):
    event = make_event()
    for _ in range(7):
        start_clock(event, Step.SIGN, cast.department, THREE_DAYS, at("2025-09-30 10:00"))
    report = run_sweep(at("2025-10-11 10:00"), batch_size=3)
    assert report.examined == 7 and report.batches == 3
    assert SupervisionCard.objects.filter(level=CardLevel.NORMAL).count() == 7


def test_a_broken_clock_does_not_stop_the_others(handling, make_event, cast, caplog):
    event, clock = handling
    Clock.objects.create(
        event=make_event(),
        step="unknown",
        unit=cast.department,
        started_at=at("2025-09-30 10:00"),
        due_at=at("2025-10-01 10:00"),
        next_check_at=at("2025-10-01 10:00"),
    )
    report = run_sweep(at("2025-10-11 10:00"))
    assert report.failed == 1
    assert cards(clock)[-1] == (CardLevel.NORMAL, 0)
    assert "failed" in caplog.text
