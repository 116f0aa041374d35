"""report_event: routing, location, idempotency, tracking codes, self-handled reports."""

import pytest

from tests.events.conftest import T0, VILLAGE_2_POINT, snapshot
from wangge.errors import DomainError
from wangge.events.choices import Channel, State, Step
from wangge.events.models import Clock, Event, TrailEntry
from wangge.events.services import TRACKING_ALPHABET, perform


def test_a_report_lands_reported_at_the_village_centre_with_an_accept_clock(cast, report):
    event = report()
    assert event.state == State.REPORTED
    assert event.centre == event.current_unit == cast.village_1_centre
    assert event.region_code == "211421100201"
    assert event.grid.code == "211421100201001"
    entry = TrailEntry.objects.get(event=event)
    assert (entry.sequence, entry.action, entry.from_state, entry.to_state) == (
        1,
        "report",
        "",
        State.REPORTED,
    )
    clock = Clock.objects.get(event=event)
    assert (clock.step, clock.unit, clock.started_at) == (Step.ACCEPT, cast.village_1_centre, T0)
    assert (clock.due_at - T0).total_seconds() == 30 * 60


def test_routing_hotline_to_county_and_no_village_centre_to_township(cast, report):
    assert report(channel=Channel.HOTLINE).centre == cast.county_centre
    assert report(point=VILLAGE_2_POINT).centre == cast.township_2_centre
    entered = report(channel=Channel.OPERATOR, reporter=cast["township_1_operator"])
    assert entered.centre == cast.township_1_centre


def test_the_same_idempotency_key_returns_the_first_event_unchanged(report):
    first = report(idempotency_key="k-1")
    again = report(idempotency_key="k-1", title="另一个标题")
    assert again.pk == first.pk
    assert again.title == first.title
    assert Event.objects.count() == 1
    assert TrailEntry.objects.count() == 1
    assert Clock.objects.count() == 1


@pytest.mark.parametrize(
    ("point", "crs", "code"),
    [
        ((121.0, 40.07), "wgs84", "outside_jurisdiction"),
        ((120.05, 40.07), "utm", "unsupported_crs"),
    ],
)
def test_a_bad_location_is_a_400_with_the_location_code(report, point, crs, code):
    with pytest.raises(DomainError) as caught:
        report(point=point, crs=crs)
    assert (caught.value.status, caught.value.code) == (400, code)
    assert not Event.objects.exists()


def test_bad_intake_fields_are_refused(report, categories):
    categories.street.active = False
    categories.street.save()
    for extra, code in [
        ({}, "invalid_field"),
        ({"category": categories.policy, "channel": "fax"}, "invalid_field"),
        ({"category": categories.policy, "priority": "whenever"}, "invalid_field"),
        ({"category": categories.policy, "title": None}, "invalid_field"),
        ({"category": categories.policy, "reporter_phone": "1" * 40}, "invalid_field"),
        ({"category": categories.policy, "title": "  "}, "missing_field"),
    ]:
        with pytest.raises(DomainError) as caught:
            report(**extra)
        assert caught.value.code == code
    assert not Event.objects.exists()


def test_tracking_codes_are_long_unambiguous_and_distinct(report):
    codes = {report().tracking_code for _ in range(5)}
    assert len(codes) == 5
    for code in codes:
        assert len(code) == 12
        assert set(code) <= set(TRACKING_ALPHABET)
        assert not set(code) & set("01OIL")


def test_a_category_without_limits_runs_no_clocks(report, categories):
    event = report(category=categories.policy)
    assert not Clock.objects.filter(event=event).exists()
    perform(event.pk, "answer", event.centre.members.first(), answer="可到便民服务中心咨询")
    assert Event.objects.get(pk=event.pk).state == State.CLOSED


def test_a_self_handled_report_is_submitted_and_closes_on_check_pass(cast, report):
    event = report(
        channel=Channel.GRID_WORKER,
        reporter=cast["grid_worker_1"],
        self_handled=True,
        result="已当场劝离占道商贩",
    )
    assert (event.state, event.self_handled, event.current_unit) == (
        State.SUBMITTED,
        True,
        cast.village_1_centre,
    )
    assert Clock.objects.get(event=event).step == Step.CHECK
    before = snapshot(event.pk)
    with pytest.raises(DomainError) as caught:
        perform(event.pk, "check_pass", cast["grid_worker_1"])
    assert (caught.value.status, caught.value.code) == (403, "forbidden")
    assert snapshot(event.pk) == before

    perform(event.pk, "check_pass", cast["village_1_operator"])

    event.refresh_from_db()
    assert event.state == State.CLOSED and event.closed_at is not None
    assert not Clock.objects.filter(event=event, stopped_at__isnull=True).exists()


def test_a_self_handled_report_needs_a_grid_worker_and_a_result(cast, report):
    with pytest.raises(DomainError) as caught:
        report(reporter=cast["citizen"], self_handled=True, result="已处理")
    assert (caught.value.status, caught.value.code) == (403, "forbidden")
    with pytest.raises(DomainError) as caught:
        report(reporter=cast["grid_worker_1"], self_handled=True)
    assert (caught.value.status, caught.value.code) == (400, "missing_field")
    with pytest.raises(DomainError) as caught:
        report(
            point=VILLAGE_2_POINT, reporter=cast["grid_worker_1"], self_handled=True, result="好"
        )
    assert (caught.value.status, caught.value.code) == (403, "out_of_scope")
    assert not Event.objects.exists()


def test_a_gcj02_point_is_stored_in_wgs84(report):
    event = report(point=(120.056, 40.0714), crs="gcj02")
    assert event.grid.code == "211421100201001"
    assert abs(event.lon - 120.056) > 1e-4 and abs(event.lat - 40.0714) > 1e-4
