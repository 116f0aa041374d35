"""Field records through their services: due dates, visit tasks, idempotency, inspections,
the diary and the points ledger."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.events.api.conftest import jpeg_bytes
from wangge.basedata import access
from wangge.basedata.models import KeyPlaceInspection, Permission, SpecialPopulation
from wangge.errors import DomainError
from wangge.fieldwork import diary, duevisits, inspections, points, visits
from wangge.fieldwork.models import DiaryEntry, HouseholdVisit, PointsEntry, SpecialVisit
from wangge.fieldwork.todo import my_visit_tasks


def _special_visit(worker, special, key="sv-1", **extra):
    return visits.record_special_visit(
        worker=worker,
        client_key=key,
        special_id=special.pk,
        kind="visit",
        notes="情绪稳定，已就业",
        **extra,
    )


@pytest.fixture
def worker(field_data, cast):
    return cast["grid_worker_1"]


def test_a_visit_sets_the_next_due_date_from_the_frequency(worker, field_data):
    special = field_data.special
    assert special.visit_days == 7  # 一级 (high): every 7 days
    visited = timezone.now() - timedelta(days=1)
    visit, created = _special_visit(worker, special, visited_at=visited)
    special.refresh_from_db()
    day = timezone.localdate(visited)
    assert created and visit.due_on == timezone.localdate() - timedelta(days=3)
    assert special.last_visited_on == day
    assert special.next_visit_due == day + timedelta(days=7)


def test_the_frequency_of_the_record_is_what_counts(worker, field_data):
    special = field_data.special
    SpecialPopulation.objects.filter(pk=special.pk).update(visit_days=30)
    _special_visit(worker, special)
    special.refresh_from_db()
    assert special.next_visit_due == timezone.localdate() + timedelta(days=30)


def test_an_older_visit_arriving_late_does_not_move_the_due_date_back(worker, field_data):
    special = field_data.special
    _special_visit(worker, special, key="today")
    _special_visit(worker, special, key="older", visited_at=timezone.now() - timedelta(days=2))
    special.refresh_from_db()
    assert special.last_visited_on == timezone.localdate()
    assert special.next_visit_due == timezone.localdate() + timedelta(days=7)
    assert SpecialVisit.objects.count() == 2


def test_an_overdue_visit_is_a_task_until_the_visit_is_recorded(worker, field_data):
    tasks = my_visit_tasks(worker)
    assert [t.special.pk for t in tasks] == [field_data.special.pk]
    assert tasks[0].overdue and tasks[0].days_late == 3
    _special_visit(worker, field_data.special)
    assert my_visit_tasks(worker) == []
    # due again within DUE_SOON_DAYS of the next due date: a task, not yet overdue
    soon = timezone.localdate() + timedelta(days=7 - duevisits.DUE_SOON_DAYS)
    (task,) = my_visit_tasks(worker, today=soon)
    assert not task.overdue and task.days_late == -duevisits.DUE_SOON_DAYS


def test_visit_tasks_cover_only_the_workers_grids_and_need_the_permission(field_data, cast):
    other = cast["grid_worker_2"]  # assigned to 二村第一网格
    access.grant(other, Permission.SPECIAL_POPULATION)
    assert my_visit_tasks(other) == []
    access.revoke(cast["grid_worker_1"], Permission.SPECIAL_POPULATION)
    assert my_visit_tasks(cast["grid_worker_1"]) == []


def test_a_special_visit_is_recorded_once_per_client_key(worker, field_data, cast):
    first, created = _special_visit(worker, field_data.special)
    again, created_again = _special_visit(
        worker, field_data.special, visited_at=timezone.now() - timedelta(days=3)
    )
    assert created and not created_again and again.pk == first.pk
    assert SpecialVisit.objects.count() == 1
    # Keys are per worker: another worker's call with the same key is theirs, and here out
    # of their scope, not an answer with grid_worker_1's visit.
    other = cast["grid_worker_2"]
    access.grant(other, Permission.SPECIAL_POPULATION)
    with pytest.raises(DomainError) as refused:
        _special_visit(other, field_data.special)
    assert refused.value.status == 404


def test_household_visit_with_photo_is_recorded_once(worker, field_data):
    def record():
        photo = SimpleUploadedFile("door.jpg", jpeg_bytes(), content_type="image/jpeg")
        return visits.record_household_visit(
            worker=worker,
            client_key="hv-1",
            house_id=field_data.house_1.pk,
            notes="家中老人独居，身体尚可",
            follow_up="协调上门体检",
            photo=photo,
        )

    (visit, created), (again, created_again) = record(), record()
    assert created and not created_again and visit.pk == again.pk
    assert HouseholdVisit.objects.count() == 1
    assert visit.photo and visit.grid == field_data.house_1.grid
    assert visit.follow_up == "协调上门体检"


def test_a_house_out_of_scope_is_not_found_and_nothing_is_written(field_data, cast):
    with pytest.raises(DomainError) as refused:
        visits.record_household_visit(
            worker=cast["grid_worker_2"], client_key="k", house_id=field_data.house_1.pk, notes="x"
        )
    assert refused.value.status == 404
    assert not HouseholdVisit.objects.exists()


def test_a_bad_photo_refuses_the_visit(worker, field_data):
    with pytest.raises(DomainError) as refused:
        visits.record_household_visit(
            worker=worker,
            client_key="k",
            house_id=field_data.house_1.pk,
            notes="x",
            photo=SimpleUploadedFile("a.jpg", b"not an image", content_type="image/jpeg"),
        )
    assert refused.value.code == "invalid_upload"
    assert not HouseholdVisit.objects.exists()


def test_an_inspection_goes_through_basedata_once(worker, field_data):
    data = {"inspected_on": timezone.localdate(), "findings": "消防通道堵塞", "hazards_found": True}
    first, created = inspections.record_inspection(
        worker=worker, client_key="in-1", place_id=field_data.place.pk, data=data
    )
    again, created_again = inspections.record_inspection(
        worker=worker, client_key="in-1", place_id=field_data.place.pk, data=data
    )
    assert created and not created_again and first.pk == again.pk
    assert KeyPlaceInspection.objects.count() == 1
    field_data.place.refresh_from_db()
    assert field_data.place.last_inspected_on == timezone.localdate()  # basedata's own effect
    assert first.inspector == worker and first.hazards_found


def test_a_refused_inspection_leaves_no_key_behind(worker, field_data):
    bad = {"inspected_on": timezone.localdate() + timedelta(days=2)}
    with pytest.raises(DomainError):
        inspections.record_inspection(
            worker=worker, client_key="in-1", place_id=field_data.place.pk, data=bad
        )
    good = {"inspected_on": timezone.localdate()}
    _, created = inspections.record_inspection(
        worker=worker, client_key="in-1", place_id=field_data.place.pk, data=good
    )
    assert created


def test_diary_entries_are_idempotent_and_checked(worker, field_data):
    entry, created = diary.write_entry(
        worker=worker, client_key="d-1", text_value="走访三户，收集意见两条", lon=120.05, lat=40.07
    )
    again, created_again = diary.write_entry(worker=worker, client_key="d-1", text_value="x")
    assert created and not created_again and again.pk == entry.pk
    assert entry.day == timezone.localdate() and DiaryEntry.objects.count() == 1
    for bad in (
        {"text_value": "  "},
        {"text_value": "x", "lon": 120.0},
        {"text_value": "x", "day": timezone.localdate() - timedelta(days=60)},
        {"text_value": "x", "lon": 500.0, "lat": 40.0},
    ):
        with pytest.raises(DomainError) as refused:
            diary.write_entry(worker=worker, client_key="d-2", **bad)
        assert refused.value.status == 400


def test_the_balance_is_the_sum_of_the_ledger(worker, field_data, cast):
    house = field_data.house_1.pk
    for key, value, reason in (
        ("p1", 10, "参加义务劳动"),
        ("p2", -3, "乱堆杂物"),
        ("p3", 5, "调解邻里"),
    ):
        points.add_entry(worker=worker, client_key=key, house_id=house, points=value, reason=reason)
    points.add_entry(worker=worker, client_key="p1", house_id=house, points=10, reason="重发")
    assert PointsEntry.objects.count() == 3
    ledger = points.ledger(cast["county_operator"], house)
    assert ledger.balance == 12 and [e.points for e in ledger.entries] == [5, -3, 10]
    for bad in (0, 101, -101, True):
        with pytest.raises(DomainError):
            points.add_entry(
                worker=worker, client_key="bad", house_id=house, points=bad, reason="x"
            )
    with pytest.raises(DomainError):
        points.ledger(cast["township_2_operator"], house)
