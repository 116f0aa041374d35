"""Due dates of special-population visits: what a visit moves, and what is due or overdue.

A special-population record (basedata.SpecialPopulation) carries its visit frequency
(`visit_days`, from its management level unless set) and `next_visit_due`. basedata sets
them when the record is written; it has no "a visit happened" operation, so this module
is it: it updates the record's own fields and nothing else. The next due date follows the
frequency from the day of the latest visit (an early visit moves it earlier, which is what
the frequency means: at most `visit_days` between two visits). A visit that arrives late
from an offline phone and is older than the last one recorded changes nothing.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from wangge.basedata.models import SpecialPopulation

# A visit due within this many days is already on the worker's list.
DUE_SOON_DAYS = 3


@dataclass(frozen=True)
class VisitEffect:
    due_before: date | None  # the due date in force when the visit was made
    next_due: date | None


def next_due(visited_on: date, visit_days: int) -> date:
    return visited_on + timedelta(days=visit_days)


def record_visit(special_id: int, visited_on: date) -> VisitEffect:
    """Move the record's last visit and next due date; call inside the visit's transaction."""
    with transaction.atomic():
        special = SpecialPopulation.objects.select_for_update().get(pk=special_id)
        due_before = special.next_visit_due
        if special.last_visited_on is None or visited_on >= special.last_visited_on:
            special.last_visited_on = visited_on
            special.next_visit_due = next_due(visited_on, special.visit_days)
            special.updated_at = timezone.now()
            special.save(update_fields=["last_visited_on", "next_visit_due", "updated_at"])
    return VisitEffect(due_before, special.next_visit_due)


def due_by(records: QuerySet[SpecialPopulation], day: date) -> QuerySet[SpecialPopulation]:
    """Records whose next visit is due on or before `day`, most overdue first."""
    return records.filter(next_visit_due__lte=day).order_by("next_visit_due", "id")


def overdue(records: QuerySet[SpecialPopulation], today: date) -> QuerySet[SpecialPopulation]:
    """Records whose due date has passed without a visit (due yesterday or earlier)."""
    return records.filter(next_visit_due__lt=today)
