"""Field-work figures per grid worker for the assessment: visits done, visits overdue.

Periods are whole local days from `start` to `end`, both included, as in
wangge.assessment.metrics.Period, so the assessment can call
`visit_counts([worker.pk], period.start, period.end)` with its own period (see
docs/FIELDWORK.md for the wiring). Definitions:

- household_visits / special_visits: visits the worker recorded with a visit time in the
  period; visits_done is their sum.
- late_visits: special-population visits in the period made after the due date that was in
  force when they were made (the record was already overdue).
- visits_overdue: special-population records of the worker's assigned grids whose due date
  has passed, without a visit, at the end of the period (or today, for a period not over):
  exact for the current period; for a past period it counts the records that were overdue
  then and are still unvisited (the others show up as late visits when they were made).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from wangge.basedata.models import SpecialPopulation
from wangge.fieldwork.models import HouseholdVisit, SpecialVisit


@dataclass(frozen=True)
class VisitCounts:
    worker_id: int
    household_visits: int = 0
    special_visits: int = 0
    late_visits: int = 0
    visits_overdue: int = 0

    @property
    def visits_done(self) -> int:
        return self.household_visits + self.special_visits


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tz), datetime.combine(
        end + timedelta(days=1), time.min, tz
    )


def _by_worker(rows, key: str = "worker") -> dict[int, dict]:
    return {row.pop(key): row for row in rows}


def visit_counts(
    worker_ids: Iterable[int], start: date, end: date, today: date | None = None
) -> dict[int, VisitCounts]:
    """Counts for each worker id (every id gets a row, zeros included); four queries."""
    ids = list(worker_ids)
    if end < start:
        raise ValueError("end is before start")
    low, high = _bounds(start, end)
    in_period = Q(worker_id__in=ids, visited_at__gte=low, visited_at__lt=high)
    household = _by_worker(
        HouseholdVisit.objects.filter(in_period).values("worker").annotate(n=Count("id"))
    )
    special = _by_worker(
        SpecialVisit.objects.filter(in_period)
        .values("worker")
        .annotate(n=Count("id"), late=Count("id", filter=Q(due_on__lt=F("visited_at__date"))))
    )
    as_of = min(end + timedelta(days=1), today or timezone.localdate())
    overdue = _by_worker(
        SpecialPopulation.objects.filter(next_visit_due__lt=as_of, grid__staff__user_id__in=ids)
        .values("grid__staff__user")
        .annotate(n=Count("id", distinct=True)),
        key="grid__staff__user",
    )
    return {
        worker_id: VisitCounts(
            worker_id,
            household_visits=household.get(worker_id, {}).get("n", 0),
            special_visits=special.get(worker_id, {}).get("n", 0),
            late_visits=special.get(worker_id, {}).get("late", 0),
            visits_overdue=overdue.get(worker_id, {}).get("n", 0),
        )
        for worker_id in ids
    }
