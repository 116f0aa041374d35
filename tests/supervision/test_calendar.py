"""The working calendar: official holidays, 调休, office hours and the uncovered-year fallback."""

import logging
from datetime import date

import pytest

from tests.supervision.conftest import at
from wangge.events import calendar
from wangge.events.choices import LimitUnit
from wangge.events.models import Holiday

pytestmark = pytest.mark.django_db


def test_working_days_skip_the_national_day_holiday_and_count_the_makeup_saturday():
    # 1–8 Oct 2025 are off; Saturday 11 Oct is a make-up working day.
    assert calendar.add(at("2025-09-30 10:00"), 3, LimitUnit.WORKING_DAYS) == at("2025-10-11 10:00")


def test_a_makeup_sunday_is_a_working_day():
    assert calendar.is_working_day(date(2025, 9, 28))
    assert not calendar.is_working_day(date(2025, 9, 27))
    assert calendar.add(at("2025-09-26 16:00"), 1, LimitUnit.WORKING_DAYS) == at("2025-09-28 16:00")


def test_work_started_on_a_holiday_counts_from_the_next_working_day():
    assert calendar.add(at("2025-10-04 10:00"), 1, LimitUnit.WORKING_DAYS) == at("2025-10-10 00:00")


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        ("2025-09-29 11:00", 2, "2025-09-29 14:30"),  # across the lunch break
        ("2025-09-29 17:00", 2, "2025-09-30 10:00"),  # across the night
        ("2025-09-29 12:30", 1, "2025-09-29 14:30"),  # started during lunch
        ("2025-09-30 17:00", 1, "2025-10-09 09:00"),  # across the National Day holiday
        ("2025-09-29 08:30", 7.5, "2025-09-29 17:30"),  # one full office day
        ("2025-09-29 09:00", 3, "2025-09-29 12:00"),  # ends exactly at the lunch break
    ],
)
def test_working_hours_count_only_office_hours(start, hours, due):
    assert calendar.add(at(start), hours, LimitUnit.WORKING_HOURS) == at(due)


def test_minutes_are_wall_clock_even_on_holidays():
    assert calendar.add(at("2025-10-01 23:50"), 30, LimitUnit.MINUTES) == at("2025-10-02 00:20")


def test_office_hours_are_configurable(settings):
    settings.WANGGE_OFFICE_HOURS = "09:00-17:00"
    assert calendar.add(at("2025-09-29 16:00"), 2, LimitUnit.WORKING_HOURS) == at(
        "2025-09-30 10:00"
    )


@pytest.mark.parametrize("text", ["12:00-08:30", "08:30-12:00,11:00-17:00", "8-12"])
def test_malformed_office_hours_are_refused(text):
    with pytest.raises(ValueError):
        calendar.parse_office_hours(text)


def test_an_uncovered_year_falls_back_to_weekends_with_a_warning(caplog):
    assert 2027 not in calendar.package_years()
    with caplog.at_level(logging.WARNING, logger="wangge.events.calendar"):
        assert calendar.is_working_day(date(2027, 1, 1))  # a Friday, no data: works
        assert not calendar.is_working_day(date(2027, 1, 2))
        calendar.is_working_day(date(2027, 3, 1))
    assert [r.getMessage() for r in caplog.records].count(
        "Working calendar: no holiday data for 2027, falling back to weekends"
    ) <= 1
    warnings = calendar.calendar_warnings(today=date(2026, 11, 24))
    assert len(warnings) == 1 and "2027" in warnings[0]
    assert calendar.calendar_warnings(today=date(2025, 11, 24)) == []


def test_holidays_entered_by_an_administrator_are_honoured_and_silence_the_warning():
    calendar.is_working_day(date(2027, 1, 1))  # cached as weekends first
    Holiday.objects.create(date=date(2027, 1, 1), name="元旦")
    Holiday.objects.create(date=date(2027, 1, 9), is_working_day=True, name="调休上班")
    assert not calendar.is_working_day(date(2027, 1, 1))
    assert calendar.is_working_day(date(2027, 1, 9))  # a Saturday
    assert calendar.calendar_warnings(today=date(2026, 11, 24)) == []
    # Thursday 31 Dec 2026 + 1 working day skips New Year's Day 2027 to Monday 4 Jan.
    assert calendar.add(at("2026-12-31 10:00"), 1, LimitUnit.WORKING_DAYS) == at("2027-01-04 10:00")


def test_an_administrator_entry_overrides_the_package():
    assert calendar.is_working_day(date(2025, 9, 29))
    Holiday.objects.create(date=date(2025, 9, 29), name="临时停工")
    assert not calendar.is_working_day(date(2025, 9, 29))


def test_the_admin_index_shows_the_warning(client, cast):
    admin = cast["system_admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    warnings = calendar.calendar_warnings()
    if not warnings:
        pytest.skip("every year of the next 12 months has holiday data")
    page = client.get("/admin/")
    assert page.status_code == 200
    for warning in warnings:
        assert warning in page.content.decode()


def test_a_holiday_entered_in_the_admin_takes_effect_at_once(client, cast):
    admin = cast["system_admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert calendar.is_working_day(date(2027, 2, 8))  # a Monday, weekends fallback
    answer = client.post("/admin/events/holiday/add/", {"date": "2027-02-08", "name": "春节"})
    assert answer.status_code == 302
    assert not calendar.is_working_day(date(2027, 2, 8))
    holiday = Holiday.objects.get(date=date(2027, 2, 8))
    answer = client.post(
        "/admin/events/holiday/",
        {"action": "delete_selected", "_selected_action": [holiday.pk], "post": "yes"},
    )
    assert answer.status_code == 302
    assert calendar.is_working_day(date(2027, 2, 8))
