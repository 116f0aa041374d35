"""Per-worker visit counts for the assessment: done, late and overdue, by period."""

from datetime import timedelta

from django.utils import timezone

from wangge.fieldwork import visits
from wangge.fieldwork.metrics import visit_counts


def _special(worker, special, key, visited_at):
    visits.record_special_visit(
        worker=worker,
        client_key=key,
        special_id=special.pk,
        kind="help",
        notes="帮教",
        visited_at=visited_at,
    )


def test_counts_follow_the_period_and_the_due_dates(field_data, cast):
    worker, other = cast["grid_worker_1"], cast["grid_worker_2"]
    today = timezone.localdate()
    now = timezone.now()
    before = visit_counts([worker.pk, other.pk], today, today)
    assert before[worker.pk].visits_overdue == 1 and before[worker.pk].visits_done == 0
    assert before[other.pk].visits_overdue == 0  # the record is not in 二村第一网格

    visits.record_household_visit(
        worker=worker, client_key="h", house_id=field_data.house_1.pk, notes="入户"
    )
    _special(worker, field_data.special, "late", now)  # due 3 days ago: a late visit
    _special(worker, field_data.special, "again", now)  # due in 7 days now: on time
    counts = visit_counts([worker.pk], today, today)[worker.pk]
    assert (counts.household_visits, counts.special_visits, counts.visits_done) == (1, 2, 3)
    assert counts.late_visits == 1 and counts.visits_overdue == 0

    # a period that ended before today counts none of today's visits
    yesterday = today - timedelta(days=1)
    earlier = visit_counts([worker.pk], yesterday - timedelta(days=30), yesterday)[worker.pk]
    assert earlier.visits_done == 0 and earlier.visits_overdue == 0
    # in 10 days the record is overdue again (due 7 days after today's visit)
    later = visit_counts([worker.pk], today, today + timedelta(days=10), today + timedelta(days=10))
    assert later[worker.pk].visits_overdue == 1


def test_a_past_period_counts_records_overdue_at_its_end(field_data, cast):
    worker = cast["grid_worker_1"]
    today = timezone.localdate()
    due = field_data.special.next_visit_due  # 3 days ago
    before_due = visit_counts([worker.pk], due - timedelta(days=5), due - timedelta(days=1))
    at_due = visit_counts([worker.pk], due - timedelta(days=5), due)
    assert before_due[worker.pk].visits_overdue == 0  # still in time at the period's end
    assert at_due[worker.pk].visits_overdue == 1  # the due day is over without a visit
    assert visit_counts([worker.pk], today, today)[worker.pk].visits_overdue == 1
