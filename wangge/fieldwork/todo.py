"""A grid worker's task list ("my tasks"): events awaiting an action the worker may take.

Which actions and states count is read from the state table (workflow.ACTIONS): every
action whose holders include the grid worker (today 核实 verify, 核查 check_pass/check_fail)
and the states it starts from. The table's holder rule for a grid worker is "scope or grid
assignment covers the event's grid", and perform() also requires the event in the worker's
data scope, so the list is the worker's scope; events in the worker's own grids come first.
The check guard "not by the grid worker who self-handled it" is applied here too, so the
list never offers an action perform() would refuse.

Visits (走访) are the second kind of task: special-population records in the worker's
assigned grids whose visit is overdue or due within duevisits.DUE_SOON_DAYS. They show
only to a worker holding the `special_population` permission, the permission basedata
requires to see those records at all.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from wangge.accounts.models import GridAssignment
from wangge.accounts.scope import restrict
from wangge.basedata import access
from wangge.basedata.models import Permission, SpecialPopulation
from wangge.basedata.protection import mask_name
from wangge.events.choices import State
from wangge.events.models import Event
from wangge.events.workflow import ACTIONS, ActionSpec, Holder
from wangge.fieldwork import duevisits
from wangge.fieldwork.checks import assigned_grids

TASK_LIMIT = 200

WORKER_ACTIONS: tuple[ActionSpec, ...] = tuple(
    spec for spec in ACTIONS.values() if Holder.GRID_WORKER in spec.holders
)
TASK_STATES: tuple[str, ...] = tuple(
    dict.fromkeys(state for spec in WORKER_ACTIONS for state in spec.from_states)
)
# Actions a self-handling worker may not take on their own report (the check guard).
SELF_CHECK_ACTIONS = ("check_pass", "check_fail")


@dataclass(frozen=True)
class Task:
    event: Event
    actions: tuple[ActionSpec, ...]
    in_my_grid: bool


def _actions_for(event: Event, worker) -> tuple[ActionSpec, ...]:
    own_report = event.self_handled and event.reporter_id == worker.pk
    return tuple(
        spec
        for spec in WORKER_ACTIONS
        if event.state in spec.from_states and not (own_report and spec.name in SELF_CHECK_ACTIONS)
    )


def task_events(worker) -> QuerySet[Event]:
    """The events awaiting the worker, own grids first, oldest first within each."""
    mine = Exists(GridAssignment.objects.filter(user=worker, grid_id=OuterRef("grid_id")))
    self_checks = Q(state=State.SUBMITTED, self_handled=True, reporter=worker)
    events = restrict(Event.objects.filter(state__in=TASK_STATES), worker, "region_code")
    return (
        events.exclude(self_checks)
        .annotate(
            in_my_grid=Case(
                When(mine, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .select_related("category", "grid")
        .order_by("-in_my_grid", "created_at", "id")
    )


def my_tasks(worker, limit: int = TASK_LIMIT) -> list[Task]:
    return [
        Task(event, _actions_for(event, worker), bool(event.in_my_grid))
        for event in task_events(worker)[:limit]
    ]


@dataclass(frozen=True)
class VisitTask:
    special: SpecialPopulation
    due_on: date
    days_late: int  # days past the due date; 0 when due today, negative when due soon

    @property
    def overdue(self) -> bool:
        return self.days_late > 0

    @property
    def person(self) -> str:
        """The person's name masked (张**), as every list shows it."""
        return mask_name(self.special.person.name)


def visit_records(worker) -> QuerySet[SpecialPopulation]:
    """Special-population records of the worker's assigned grids (in their scope)."""
    return SpecialPopulation.objects.filter(grid__in=assigned_grids(worker))


def my_visit_tasks(worker, today: date | None = None, limit: int = TASK_LIMIT) -> list[VisitTask]:
    """Visits overdue or due soon in the worker's grids, most overdue first."""
    if not access.holds(worker, Permission.SPECIAL_POPULATION):
        return []
    today = today or timezone.localdate()
    horizon = today + timedelta(days=duevisits.DUE_SOON_DAYS)
    due = duevisits.due_by(visit_records(worker), horizon).select_related("person", "grid")
    return [VisitTask(s, s.next_visit_due, (today - s.next_visit_due).days) for s in due[:limit]]
