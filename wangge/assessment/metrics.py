"""The official assessment metrics (SPEC §5), computed by one service.

Every view, API, ranking and export calls `compute_metrics`; the definitions it
implements are written down in docs/METRICS.md, and the two must change together.
Each figure is a conditional aggregate inside a constant handful of queries, so the
cost lies in the database's indexes, never in Python work per event.
"""

from dataclasses import asdict, dataclass
from dataclasses import fields as dataclass_fields
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from wangge.accounts.models import OrgUnit, UnitKind, User
from wangge.accounts.scope import Scope
from wangge.assessment.counts import (
    CLOSED_LATE,
    FIRST_CALL_CLOSED,
    FLOW_ACTIONS,
    REPORTS,
    closures,
    lapsed,
)
from wangge.assessment.rollup import period_sums, rebuild, refresh
from wangge.basedata.subrecords import MediationCounts, mediation_counts
from wangge.events.choices import WORKING_STATES, PartRole, State
from wangge.events.facts import unmet_clocks
from wangge.events.models import CardLevel, Category, Clock, Event, TrailEntry
from wangge.fieldwork.metrics import visit_counts
from wangge.regions.codes import REGION_CODE_LENGTH, SIGNIFICANT_DIGITS

RATE_PLACES = Decimal("0.0001")


def rate(numerator: int, denominator: int) -> Decimal | None:
    """A share rounded half-up to 4 places (0.9372 is shown as 93.72%); None when undefined."""
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Period:
    """Whole local days from `start` to `end`, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period_end is before period_start")

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """The half-open instant range [start 00:00, day after end 00:00) in local time."""
        tz = timezone.get_current_timezone()
        after = self.end + timedelta(days=1)
        return datetime.combine(self.start, time.min, tz), datetime.combine(after, time.min, tz)


def region_prefix(code: str) -> str:
    """The significant prefix of a 12-digit region code: 211421000000 -> 211421."""
    if len(code) != REGION_CODE_LENGTH or not code.isdigit():
        raise ValueError(f"not a 12-digit region code: {code!r}")
    for digits in sorted(SIGNIFICANT_DIGITS.values()):
        if set(code[digits:]) <= {"0"}:
            return code[:digits]
    return code


@dataclass(frozen=True)
class Subject:
    """Whose figures: a region subtree, a department, a grid worker, or everything.

    A centre answers for the events of its region subtree and every clock on them;
    a department for the events it leads or assists and only its own clocks; a grid
    worker for the events they reported.
    """

    code_prefix: str | None = None
    department_id: int | None = None
    reporter_id: int | None = None

    @property
    def is_region(self) -> bool:
        """A region subtree, or everything: what the daily rollup can answer."""
        return self.department_id is None and self.reporter_id is None

    def events(self, via: str = "") -> Q:
        """The subject's events, as a filter on Event reached through `via`."""
        if not self.is_region:
            return Peers.of(self).events(via)
        return Scope(prefix=self.code_prefix).condition(f"{via}region_code")

    # A region subject as a selector of the per-event queries (see `Peers`): its clocks
    # and trail entries carry a copy of the event's region code, so they are filtered on
    # that copy and the query reads only the period's rows of the subtree instead of
    # joining them to every event of the subtree; its counts come back under the key None.

    keys = (None,)

    @property
    def is_department(self) -> bool:
        return self.department_id is not None

    def copies(self) -> Q:
        return self.events()

    def clocks(self) -> Q:
        return self.events()

    def group(self, via: str = "") -> None:
        return None

    def clock_group(self) -> None:
        return None


SUBJECT_PARTS = (PartRole.LEAD, PartRole.ASSIST)  # a department answers for these events


@dataclass(frozen=True)
class Peers:
    """Departments, or grid workers, counted together: the per-event queries grouped by
    department or reporter, so that ranking every department or grid worker of a county
    costs one set of queries instead of one set per unit. A unit alone is `Peers.of` its
    subject; tests/assessment/test_peers.py checks that a group gives each member what it
    gets alone."""

    ids: tuple[int, ...]
    is_department: bool  # else grid workers, by the events they reported

    @classmethod
    def of(cls, *subjects: Subject) -> "Peers":
        """The departments, or the grid workers, that `subjects` name (in their order)."""
        departments = tuple(s.department_id for s in subjects if s.department_id is not None)
        reporters = tuple(s.reporter_id for s in subjects if s.reporter_id is not None)
        if subjects and len(departments) == len(subjects):
            return cls(departments, is_department=True)
        if subjects and len(reporters) == len(subjects):
            return cls(reporters, is_department=False)
        raise ValueError("peers are departments or grid workers, all of one kind")

    @property
    def keys(self) -> tuple[int, ...]:
        return self.ids

    def events(self, via: str = "") -> Q:
        if self.is_department:
            return Q(
                **{
                    f"{via}parts__department_id__in": self.ids,
                    f"{via}parts__role__in": SUBJECT_PARTS,
                }
            )
        return Q(**{f"{via}reporter_id__in": self.ids})

    def group(self, via: str = "") -> str:
        return f"{via}parts__department_id" if self.is_department else f"{via}reporter_id"

    def copies(self) -> Q:
        return self.events("event__")

    def clocks(self) -> Q:
        """The clocks that judge timeliness and carry cards: a department's own only."""
        if self.is_department:
            return Q(
                unit_id__in=self.ids,
                event__parts__department_id=F("unit_id"),
                event__parts__role__in=SUBJECT_PARTS,
            )
        return self.copies()

    def clock_group(self) -> str:
        return "unit_id" if self.is_department else "event__reporter_id"


Selector = Subject | Peers


def subject_for(
    *, region_code: str | None, unit: OrgUnit | None, grid_worker: User | None
) -> Subject:
    given = [x for x in (region_code, unit, grid_worker) if x is not None]
    if len(given) > 1:
        raise ValueError("give at most one of region_code, unit, grid_worker")
    if region_code is not None:
        return Subject(code_prefix=region_prefix(region_code))
    if unit is not None:
        if unit.kind == UnitKind.DEPARTMENT:
            return Subject(department_id=unit.pk)
        return Subject(code_prefix=region_prefix(unit.region.code))
    if grid_worker is not None:
        return Subject(reporter_id=grid_worker.pk)
    return Subject()


@dataclass(frozen=True)
class UnitMetrics:
    """One subject's figures for one period; counts are ints, rates Decimal or None."""

    period_start: date
    period_end: date
    # Flow counts: events by the moment the thing happened inside the period.
    received: int
    accepted: int
    rejected: int
    merged: int
    withdrawn: int
    self_handled: int
    dispatched: int
    returned: int
    shelved: int
    verified: int
    # Closure counts over the events due for closure in the period (应结案).
    due: int
    closed: int
    closed_on_time: int
    overdue: int
    handled: int
    reworked: int
    extended: int
    evaluated: int
    satisfied: int
    dispute_due: int
    dispute_closed: int
    hotline_cases: int
    hotline_first_call_resolved: int
    yellow_cards: int
    red_cards: int
    # The dispute register (basedata): disputes whose mediation ended in the period, and
    # those mediated successfully; region subjects only (0 for others).
    mediations_ended: int
    mediations_succeeded: int
    # Field work (fieldwork): a grid worker's visits in the period and the visits overdue
    # at its end; grid-worker subjects only (0 for others).
    visits_done: int
    visits_overdue: int
    # Rates.
    closure_rate: Decimal | None
    on_time_closure_rate: Decimal | None
    handling_rate: Decimal | None
    rework_rate: Decimal | None
    extension_rate: Decimal | None
    satisfaction_rate: Decimal | None
    mediation_success_rate: Decimal | None
    first_call_resolution_rate: Decimal | None

    @property
    def unsatisfied(self) -> int:
        return self.evaluated - self.satisfied

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def dispute_category_ids() -> list[int]:
    """The category named (or coded) by WANGGE_DISPUTE_CATEGORY and all its descendants."""
    root = settings.WANGGE_DISPUTE_CATEGORY
    rows = list(Category.objects.values_list("id", "parent_id", "code", "name"))
    found = {pk for pk, _, code, name in rows if root in (code, name)}
    grew = True
    while grew:
        children = {pk for pk, parent, _, _ in rows if parent in found} - found
        found |= children
        grew = bool(children)
    return sorted(found)


def build_rollup() -> None:
    """Count the daily rollup afresh; the demo, bulk loads and `wangge metrics-rollup` call it."""
    rebuild(dispute_category_ids())


def refresh_rollup() -> bool:
    """Read the trail entries the rollup has not read yet (the background worker's tick)."""
    return refresh(dispute_category_ids())


def _between(field: str, start: datetime, end: datetime) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


@dataclass(frozen=True)
class Source:
    """The rows one group of counts reads, and what each of its counts counts among them.

    The aggregates (`aggregates`) and the drill-down (`events`) are both derived from
    this one description, so a list of events can never disagree with the figure it
    explains (docs/METRICS.md, "The statistics page"). `event` is the rows' event id
    column; counts named in `distinct` count distinct events, the others count rows.
    """

    rows: QuerySet
    conditions: dict[str, Q]
    group: str | None
    event: str = "pk"
    distinct: frozenset[str] = frozenset()

    def aggregates(self) -> dict[str, Count]:
        return {
            name: Count(self.event if name in self.distinct else "pk", **self._options(name))
            for name in self.conditions
        }

    def _options(self, name: str) -> dict[str, Any]:
        condition = self.conditions[name]
        options: dict[str, Any] = {"filter": condition} if condition else {}
        if name in self.distinct:
            options["distinct"] = True
        return options

    def events(self, name: str) -> QuerySet:
        """The events counted by `name` (its rows, or the events of its rows)."""
        matched = self.rows.filter(self.conditions[name])
        if self.event == "pk":
            return matched
        return Event.objects.filter(pk__in=matched.values(self.event))


def _tally(source: Source, selector: Selector) -> dict[Any, dict[str, int]]:
    """The source's counts for each of the selector's keys; zeros for a key without rows.
    A single subject's are aggregated without grouping, which is the definition the
    grouped figures are tested against."""
    aggregates = source.aggregates()
    group = source.group
    if group is None or len(selector.keys) == 1:  # one subject: nothing to group
        (key,) = selector.keys
        return {key: source.rows.aggregate(**aggregates)}
    # Annotations are renamed: some counts share a name with an Event field.
    named = {f"n_{name}": aggregate for name, aggregate in aggregates.items()}
    found = {row[group]: row for row in source.rows.order_by().values(group).annotate(**named)}
    return {
        key: {name: found[key][f"n_{name}"] if key in found else 0 for name in aggregates}
        for key in selector.keys
    }


def _flow_source(selector: Selector, start: datetime, end: datetime) -> Source:
    """Counts by report or acceptance time, and first-call resolution of hotline cases."""
    created = _between("created_at", start, end)
    accepted = _between("accepted_at", start, end)
    conditions = {name: created & condition for name, condition in REPORTS.items()}
    conditions["accepted"] = accepted
    conditions["hotline_first_call_resolved"] = created & FIRST_CALL_CLOSED & Q(closed_at__lt=end)
    rows = Event.objects.filter(selector.events()).filter(created | accepted)
    return Source(rows, conditions, selector.group())


def _closed_source(
    selector: Selector, start: datetime, end: datetime, disputes: list[int]
) -> Source:
    """Events whose final closure falls in the period: ratings, rework, extension, lateness.

    Rework, extension and lateness are the event's fact columns (wangge/events/facts.py);
    a department's lateness counts only its own clocks, so it is read from the clocks.
    """
    conditions = closures(disputes)
    if not selector.is_department:
        conditions["late_closed"] = CLOSED_LATE
    rows = Event.objects.filter(selector.events()).filter(
        state=State.CLOSED, closed_at__gte=start, closed_at__lt=end
    )
    return Source(rows, conditions, selector.group())


def _clock_source(
    selector: Selector, start: datetime, end: datetime, disputes: list[int]
) -> Source:
    """Cases left open past a deadline in the period, cards, and a department's late closures.

    Only unmet clocks (still running, or stopped after their due time) are read: a
    carded clock is always unmet, and an on-time case has none, so the query touches
    the small late minority rather than every clock.
    """
    closed_in_period = Q(
        event__state=State.CLOSED, event__closed_at__gte=start, event__closed_at__lt=end
    )
    due_in_period = _between("due_at", start, end)
    conditions = {}
    read = due_in_period
    if selector.is_department:
        conditions["late_closed"] = closed_in_period
        read = closed_in_period | due_in_period
    open_at_end = Q(event__state__in=WORKING_STATES) | Q(
        event__state=State.CLOSED, event__closed_at__gte=end
    )
    left_open = lapsed(start, end) & open_at_end & Q(event__accepted_at__isnull=False)
    conditions["left_open"] = left_open
    conditions["left_open_submitted"] = left_open & Q(event__state=State.SUBMITTED)
    conditions["dispute_left_open"] = left_open & Q(event__category_id__in=disputes)
    conditions["yellow_cards"] = due_in_period & Q(card_level=CardLevel.YELLOW)
    conditions["red_cards"] = due_in_period & Q(card_level=CardLevel.RED)
    rows = Clock.objects.filter(selector.clocks()).filter(unmet_clocks()).filter(read)
    counted_by_event = frozenset(conditions) - {"yellow_cards", "red_cards"}
    return Source(rows, conditions, selector.clock_group(), "event_id", counted_by_event)


def _trail_source(selector: Selector, start: datetime, end: datetime) -> Source:
    """Events with a dispatch, return or shelving in the period."""
    in_period = _between("created_at", start, end) & Q(action__in=FLOW_ACTIONS.values())
    rows = TrailEntry.objects.filter(selector.copies()).filter(in_period)
    conditions = {name: Q(action=action) for name, action in FLOW_ACTIONS.items()}
    return Source(rows, conditions, selector.group("event__"), "event_id", frozenset(conditions))


def count_sources(selector: Selector, period: Period, disputes: list[int]) -> tuple[Source, ...]:
    """The four groups of per-event counts: reports, closures, unmet clocks, trail entries."""
    start, end = period.bounds
    return (
        _flow_source(selector, start, end),
        _closed_source(selector, start, end, disputes),
        _clock_source(selector, start, end, disputes),
        _trail_source(selector, start, end),
    )


def _left_open_counts(
    subject: Subject, start: datetime, end: datetime, disputes: list[int]
) -> dict[str, int]:
    """A region subject's cases left open past a deadline, from the unmet clocks alone.

    The clocks carry copies of their event's state, closure, acceptance and category
    (Clock.event_state …, kept by the workflow), so the two halves — events working now,
    and events closed after the period — are each a range scan of a partial index of
    unmet clocks (wangge/supervision/models.py), not a join of every unmet clock due in
    the period to its event (most of those events were closed inside the period).
    """
    clocks = Clock.objects.filter(
        subject.copies(), unmet_clocks(), lapsed(start, end), event_accepted=True
    )
    dispute = Q(event_category_id__in=disputes)
    working = clocks.filter(event_state__in=WORKING_STATES).aggregate(
        left_open=Count("event_id", distinct=True),
        left_open_submitted=Count("event_id", distinct=True, filter=Q(event_state=State.SUBMITTED)),
        dispute_left_open=Count("event_id", distinct=True, filter=dispute),
    )
    closed_after = clocks.filter(event_state=State.CLOSED, event_closed_at__gte=end)
    later = closed_after.aggregate(
        left_open=Count("event_id", distinct=True),
        dispute_left_open=Count("event_id", distinct=True, filter=dispute),
    )
    working["left_open"] += later["left_open"]
    working["dispute_left_open"] += later["dispute_left_open"]
    return working


def _first_calls_closed_after(subject: Subject, start: datetime, end: datetime) -> int:
    """Hotline cases of the period closed unrouted, but only after the period ended."""
    return (
        Event.objects.filter(subject.events(), _between("created_at", start, end))
        .filter(FIRST_CALL_CLOSED, closed_at__gte=end)
        .count()
    )


def _rolled_up_counts(
    subject: Subject, period: Period, disputes: list[int]
) -> tuple[dict[str, int], ...]:
    """The four count groups of a region subject, from the daily rollup plus the parts
    that depend on the period's end (wangge/assessment/rollup.py)."""
    start, end = period.bounds
    sums = period_sums(subject.code_prefix, period.start, period.end)
    first_calls = sums["hotline_closed_unrouted"] - _first_calls_closed_after(subject, start, end)
    flow = {name: sums[name] for name in (*REPORTS, "accepted")}
    flow["hotline_first_call_resolved"] = first_calls
    closed = {name: sums[name] for name in closures(disputes)}
    closed["late_closed"] = sums["closed_late"]
    clocks = _left_open_counts(subject, start, end, disputes)
    clocks.update(yellow_cards=sums["yellow_cards"], red_cards=sums["red_cards"])
    trail = {name: sums[name] for name in FLOW_ACTIONS}
    return flow, closed, clocks, trail


def _per_event_counts(
    selector: Selector, period: Period, disputes: list[int]
) -> dict[Any, tuple[dict[str, int], ...]]:
    """The four count groups of each of the selector's keys."""
    groups = [_tally(source, selector) for source in count_sources(selector, period, disputes)]
    return {key: tuple(group[key] for group in groups) for key in selector.keys}


def _verified_counts(peers: Peers, start: datetime, end: datetime) -> dict[int, int]:
    """Events each grid worker verified in the period (none for departments)."""
    counts = dict.fromkeys(peers.ids, 0)
    if peers.is_department:
        return counts
    rows = (
        TrailEntry.objects.filter(actor_id__in=peers.ids, action="verify")
        .filter(_between("created_at", start, end))
        .order_by()
        .values("actor_id")
        .annotate(n=Count("event_id", distinct=True))
    )
    counts.update((row["actor_id"], row["n"]) for row in rows)
    return counts


def compute_metrics(
    *,
    period_start: date,
    period_end: date,
    region_code: str | None = None,
    unit: OrgUnit | None = None,
    grid_worker: User | None = None,
) -> UnitMetrics:
    """The assessment figures of one subject for the days period_start..period_end."""
    subject = subject_for(region_code=region_code, unit=unit, grid_worker=grid_worker)
    return metrics_for_subject(subject, Period(period_start, period_end))


def _without_jit() -> None:
    """PostgreSQL's JIT spends 250-300 ms compiling these short aggregates, far more than
    it saves on them (docs/PERFORMANCE.md); it stays off for this transaction only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _mediations(subject: Subject, period: Period) -> MediationCounts:
    """Mediation outcomes of the dispute register of the subject's region subtree."""
    after = period.end + timedelta(days=1)
    return mediation_counts(subject.code_prefix or "", period.start, after)


def _visits(peers: Peers, period: Period) -> dict[int, tuple[int, int]]:
    """Each grid worker's visits done and overdue (none for departments)."""
    if peers.is_department:
        return dict.fromkeys(peers.ids, (0, 0))
    counts = visit_counts(peers.ids, period.start, period.end)
    return {key: (c.visits_done, c.visits_overdue) for key, c in counts.items()}


def metrics_for_subject(
    subject: Subject, period: Period, *, use_rollup: bool = True
) -> UnitMetrics:
    """The figures of one subject; a region subject reads the daily rollup once it has
    been built, everything else (and `use_rollup=False`) the per-event queries."""
    if not subject.is_region:
        peers = Peers.of(subject)
        return metrics_for_peers(peers, period)[peers.ids[0]]
    disputes = dispute_category_ids()
    with transaction.atomic():
        _without_jit()
        if use_rollup and refresh(disputes):
            counts = _rolled_up_counts(subject, period, disputes)
        else:
            counts = _per_event_counts(subject, period, disputes)[None]
        mediations = _mediations(subject, period)
    return _metrics(period, counts, mediations, verified=0, visits=(0, 0))


def metrics_for_peers(peers: Peers, period: Period) -> dict[int, UnitMetrics]:
    """The figures of each department or grid worker of `peers`, by id, from one set of
    grouped queries (what a ranking needs)."""
    start, end = period.bounds
    disputes = dispute_category_ids()
    with transaction.atomic():
        _without_jit()
        counts = _per_event_counts(peers, period, disputes)
        verified = _verified_counts(peers, start, end)
        visits = _visits(peers, period)
    no_mediations = MediationCounts(0, 0)
    return {
        key: _metrics(period, counts[key], no_mediations, verified[key], visits[key])
        for key in peers.ids
    }


# Figures made of counts: the counts added (disjoint sets of events) and the counts taken
# away (subsets of the added). `_metrics` adds them up, the drill-down unites the sets.
SUMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "due": (("closed", "left_open"), ()),
    "closed_on_time": (("closed",), ("late_closed",)),
    "overdue": (("left_open", "late_closed"), ()),
    "handled": (("closed", "left_open_submitted"), ()),
    "dispute_due": (("dispute_closed", "dispute_left_open"), ()),
}
# Each rate's numerator and denominator, by figure (docs/METRICS.md, "Rates").
RATES: dict[str, tuple[str, str]] = {
    "closure_rate": ("closed", "due"),
    "on_time_closure_rate": ("closed_on_time", "due"),
    "handling_rate": ("handled", "due"),
    "rework_rate": ("reworked", "closed"),
    "extension_rate": ("extended", "closed"),
    "satisfaction_rate": ("satisfied", "evaluated"),
    "mediation_success_rate": ("mediations_succeeded", "mediations_ended"),
    "first_call_resolution_rate": ("hotline_first_call_resolved", "hotline_cases"),
}


def _metrics(
    period: Period,
    counts: tuple[dict[str, int], ...],
    mediations: MediationCounts,
    verified: int,
    visits: tuple[int, int],
) -> UnitMetrics:
    """The figures and rates from the count groups of one subject."""
    figures: dict[str, int] = {}
    for group in counts:
        figures.update(group)
    for name, (added, taken) in SUMS.items():
        figures[name] = sum(figures[n] for n in added) - sum(figures[n] for n in taken)
    figures["mediations_ended"] = mediations.closed
    figures["mediations_succeeded"] = mediations.resolved
    figures["verified"] = verified
    figures["visits_done"], figures["visits_overdue"] = visits
    rates = {name: rate(figures[num], figures[den]) for name, (num, den) in RATES.items()}
    fields = {f.name for f in dataclass_fields(UnitMetrics)} - {"period_start", "period_end"}
    values = {name: figures[name] for name in fields if name not in rates}
    return UnitMetrics(period_start=period.start, period_end=period.end, **values, **rates)
