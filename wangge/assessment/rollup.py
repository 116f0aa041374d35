"""The daily rollup of the additive metric counts, and how it is kept exact.

A county-month of `compute_metrics` aggregated a third of the events, clocks and trail
entries on every call (2.4 s at 1,000,000 events, docs/PERFORMANCE.md). The counts that
add up over days are kept here per (local day, village) in `MetricsDay`, so a region
subject's period sums a few hundred rows; what does not add up stays per event in
`wangge.assessment.metrics` (cases left open past a deadline, first-call closures after
the period).

Every change the counts depend on writes a trail entry (the workflow, the sweep's cards,
leader instructions), so the trail is the change log: `refresh` reads the entries it
has not read yet and recounts, per village of their events, the days their counts fall
on (and the cards over their clocks' span, as a moved deadline leaves a card on a day no
entry names), with the conditions the per-event queries count by
(wangge/assessment/counts.py). Trail ids are taken before their transactions
commit, so an entry can appear below one already read; entries younger than
`SETTLE_AFTER` are listed again on every refresh and any not read before is read then.
Writes that bypass the workflow (fixtures, admin edits) call `rebuild`.
"""

import functools
import itertools
import operator
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from wangge.accounts.scope import Scope
from wangge.assessment.counts import (
    CLOSED_LATE,
    FIRST_CALL_CLOSED,
    FLOW_ACTIONS,
    REPORTS,
    closures,
    tallies,
)
from wangge.assessment.models import MetricsDay, MetricsRepeat, MetricsRollupState
from wangge.events.choices import State
from wangge.events.facts import unmet_clocks
from wangge.events.models import CardLevel, Clock, Event, TrailEntry

# Longer than any transaction of the workflow or the sweep can stay open.
SETTLE_AFTER = timedelta(minutes=5)
COUNTS = [f.name for f in MetricsDay._meta.fields if f.name not in ("id", "day", "region_code")]
INSERT_BATCH = 2000


class Days:
    """A set of local days, or every day when `dates` is None."""

    def __init__(self, dates: Iterable[date] | None = None):
        self.members = None if dates is None else frozenset(dates)
        self.dates = None if self.members is None else sorted(self.members)

    @classmethod
    def span(cls, first: date, last: date) -> "Days":
        return cls(first + timedelta(days=n) for n in range((last - first).days + 1))

    def __contains__(self, day: date) -> bool:
        return self.members is None or day in self.members

    def runs(self) -> list[tuple[date, date]]:
        """The days as maximal runs of consecutive days."""
        runs: list[tuple[date, date]] = []
        for day in self.dates or ():
            if runs and runs[-1][1] + timedelta(days=1) == day:
                runs[-1] = (runs[-1][0], day)
            else:
                runs.append((day, day))
        return runs

    def instants(self, field: str) -> Q:
        """The instants of these days, as a condition on a datetime field."""
        if self.dates is None:
            return Q()
        tz = timezone.get_current_timezone()
        return _any(
            Q(
                **{
                    f"{field}__gte": datetime.combine(first, time.min, tz),
                    f"{field}__lt": datetime.combine(last + timedelta(days=1), time.min, tz),
                }
            )
            for first, last in self.runs()
        )

    def days(self, field: str = "day") -> Q:
        """These days, as a condition on a date field."""
        if self.dates is None:
            return Q()
        return _any(
            Q(**{f"{field}__gte": first, f"{field}__lte": last}) for first, last in self.runs()
        )


def _any(conditions: Iterable[Q]) -> Q:
    """Any of the conditions; none matches nothing."""
    return functools.reduce(operator.or_, conditions, Q(pk__in=[]))


def _regions(codes: Iterable[str] | None, field: str = "region_code") -> Q:
    return Q() if codes is None else Q(**{f"{field}__in": sorted(codes)})


def _by_day(qs: QuerySet, field: str, *extra: str) -> QuerySet:
    day = TruncDate(field, tzinfo=timezone.get_current_timezone())
    return qs.annotate(rollup_day=day).values("rollup_day", "region_code", *extra)


def _event_counts(codes, days: Days) -> Iterable[dict]:
    events = Event.objects.filter(_regions(codes))
    created = _by_day(events.filter(days.instants("created_at")), "created_at").annotate(
        **tallies(REPORTS), hotline_closed_unrouted=Count("pk", filter=FIRST_CALL_CLOSED)
    )
    accepted = _by_day(
        events.filter(days.instants("accepted_at"), accepted_at__isnull=False), "accepted_at"
    ).annotate(accepted=Count("pk"))
    return itertools.chain(created, accepted)


def _closure_counts(codes, days: Days, disputes: list[int]) -> Iterable[dict]:
    closed = Event.objects.filter(_regions(codes), days.instants("closed_at"), state=State.CLOSED)
    return _by_day(closed.filter(closed_at__isnull=False), "closed_at").annotate(
        **tallies(closures(disputes)), closed_late=Count("pk", filter=CLOSED_LATE)
    )


def _card_counts(codes, days: Days) -> Iterable[dict]:
    carded = Clock.objects.filter(_regions(codes), days.instants("due_at"), unmet_clocks())
    carded = carded.filter(card_level__in=(CardLevel.YELLOW, CardLevel.RED))
    return _by_day(carded, "due_at").annotate(
        yellow_cards=Count("pk", filter=Q(card_level=CardLevel.YELLOW)),
        red_cards=Count("pk", filter=Q(card_level=CardLevel.RED)),
    )


def _flow_entries(codes, days: Days) -> QuerySet:
    entries = TrailEntry.objects.filter(_regions(codes), days.instants("created_at"))
    return entries.filter(action__in=FLOW_ACTIONS.values())


def _trail_counts(codes, days: Days) -> Iterable[dict]:
    return _by_day(_flow_entries(codes, days), "created_at").annotate(
        **{
            name: Count("event_id", distinct=True, filter=Q(action=action))
            for name, action in FLOW_ACTIONS.items()
        }
    )


def _repeats(codes, days: Days) -> list[MetricsRepeat]:
    """Days on which an event repeats an action it had taken on an earlier day."""
    recurring = (
        TrailEntry.objects.filter(
            action__in=FLOW_ACTIONS.values(),
            event_id__in=_flow_entries(codes, days).values("event_id"),
        )
        .values("event_id", "action")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("event_id")
    )
    entries = _by_day(
        TrailEntry.objects.filter(action__in=FLOW_ACTIONS.values(), event_id__in=recurring),
        "created_at",
        "event_id",
        "action",
    ).distinct()
    history: dict[tuple[int, str], set[tuple[date, str]]] = defaultdict(set)
    for row in entries:
        history[row["event_id"], row["action"]].add((row["rollup_day"], row["region_code"]))
    counted: dict[tuple[date, date, str, str], int] = defaultdict(int)
    for (_, action), seen in history.items():
        ordered = sorted(seen)
        for (previous, _), (day, region) in itertools.pairwise(ordered):
            if day in days and (codes is None or region in codes):
                counted[day, previous, region, action] += 1
    return [
        MetricsRepeat(day=day, previous_day=prev, region_code=region, action=action, events=n)
        for (day, prev, region, action), n in counted.items()
    ]


Counted = dict[tuple[date, str], dict[str, int]]
CARDS = ("yellow_cards", "red_cards")


def _counted(parts: Iterable[Iterable[dict]]) -> Counted:
    rows: Counted = defaultdict(dict)
    for row in itertools.chain(*parts):
        key = (row.pop("rollup_day"), row.pop("region_code"))
        for name, value in row.items():
            rows[key][name] = rows[key].get(name, 0) + value
    return rows


def _without_cards(codes, days: Days, disputes: list[int]) -> Counted:
    return _counted(
        (
            _event_counts(codes, days),
            _closure_counts(codes, days, disputes),
            _trail_counts(codes, days),
        )
    )


def _replace_days(codes, days: Days, rows: Counted) -> None:
    MetricsDay.objects.filter(_regions(codes), days.days()).delete()
    MetricsDay.objects.bulk_create(
        [
            MetricsDay(day=day, region_code=region, **counts)
            for (day, region), counts in rows.items()
            if any(counts.values())
        ],
        batch_size=INSERT_BATCH,
    )


def _replace_repeats(codes, days: Days) -> None:
    MetricsRepeat.objects.filter(_regions(codes), days.days()).delete()
    MetricsRepeat.objects.bulk_create(_repeats(codes, days), batch_size=INSERT_BATCH)


def _recount_everything(disputes: list[int]) -> None:
    everything = Days()
    rows = _counted(
        (
            _event_counts(None, everything),
            _closure_counts(None, everything, disputes),
            _card_counts(None, everything),
            _trail_counts(None, everything),
        )
    )
    _replace_days(None, everything, rows)
    _replace_repeats(None, everything)


def _recount_village(code: str, touched: Days, carded: Days, disputes: list[int]) -> None:
    """Recount the touched days of one village in full, and its cards over `carded`.

    A clock's deadline moves when it is extended or resumed, which leaves its card on a
    day no trail entry names; any such day lies between the clock's start and its
    present deadline, so the cards (a small partial index) are recounted over that span
    while the other counts of days outside `touched` are kept.
    """
    kept = MetricsDay.objects.filter(region_code=code).filter(carded.days())
    rows: Counted = {(row.day, code): _counts_of(row) for row in kept if row.day not in touched}
    for key in rows:
        rows[key].update(dict.fromkeys(CARDS, 0))
    rows.update(_without_cards({code}, touched, disputes))
    for key, cards in _counted((_card_counts({code}, carded),)).items():
        rows.setdefault(key, {}).update(cards)
    _replace_days({code}, carded, rows)
    _replace_repeats({code}, touched)


def _counts_of(row: MetricsDay) -> dict[str, int]:
    return {name: getattr(row, name) for name in COUNTS}


def _locked_state() -> MetricsRollupState | None:
    return MetricsRollupState.objects.select_for_update().order_by("pk").first()


def _observe(state: MetricsRollupState, newest_id: int, now: datetime) -> None:
    """Remember that every id up to `newest_id` was taken by `now`; settle what is old enough."""
    seen = [*state.observations, [newest_id, now.isoformat()]]
    settled = [o for o in seen if datetime.fromisoformat(o[1]) <= now - SETTLE_AFTER]
    if settled:
        state.settled_id = max(state.settled_id, max(o[0] for o in settled))
    state.observations = [o for o in seen if o[0] > state.settled_id]


def rebuild(disputes: list[int]) -> None:
    """Count every day and village afresh: after bulk loads that bypass the workflow, or
    when the dispute categories change. Run it while the workflow is quiet (the demo and
    bulk loads do): an entry whose transaction commits during the rebuild below the
    newest id it saw would be read only by the next rebuild."""
    with transaction.atomic():
        state = _locked_state() or MetricsRollupState()
        newest = TrailEntry.objects.aggregate(newest=Max("pk"))["newest"] or 0
        _recount_everything(disputes)
        state.built_at = timezone.now()
        state.dispute_categories = disputes
        state.settled_id = newest
        state.observations = []
        state.window_ids = []
        state.save()


def _touched_days(event_ids: list[int]) -> dict[str, tuple[set[date], set[date]]]:
    """Per village of these events: the days their counts fall on (report, acceptance,
    closure, every trail entry, every clock's deadline), and the days their clocks span
    (where a moved deadline may have left a card)."""
    local = timezone.localdate
    touched: dict[str, tuple[set[date], set[date]]] = defaultdict(lambda: (set(), set()))
    moments = ("region_code", "created_at", "accepted_at", "closed_at")
    for code, *when in Event.objects.filter(pk__in=event_ids).values_list(*moments):
        touched[code][0].update(local(m) for m in when if m is not None)
    entries = TrailEntry.objects.filter(event_id__in=event_ids)
    for code, created in entries.values_list("region_code", "created_at"):
        touched[code][0].add(local(created))
    clocks = Clock.objects.filter(event_id__in=event_ids)
    for code, started, due in clocks.values_list("region_code", "started_at", "due_at"):
        touched[code][0].add(local(due))
        touched[code][1].update(Days.span(local(started), local(due)).dates)
    return touched


def _unread(state: MetricsRollupState) -> tuple[list[tuple[int, int]], list[int]]:
    """The unsettled trail entries (id, event id), and the events of those not read yet."""
    listed = list(TrailEntry.objects.filter(pk__gt=state.settled_id).values_list("pk", "event_id"))
    already = set(state.window_ids)
    return listed, [event_id for pk, event_id in listed if pk not in already]


def _up_to_date(disputes: list[int]) -> bool | None:
    """Whether the rollup has nothing to read (None: never built), without a lock, so that
    concurrent readers of metrics do not queue behind each other when nothing changed."""
    state = MetricsRollupState.objects.order_by("pk").first()
    if state is None or state.built_at is None:
        return None
    same_tree = sorted(state.dispute_categories) == sorted(disputes)
    return same_tree and not _unread(state)[1]


def refresh(disputes: list[int]) -> bool:
    """Bring the rollup up to the trail; False while it has never been built."""
    up_to_date = _up_to_date(disputes)
    if up_to_date is not False:
        return bool(up_to_date)
    with transaction.atomic():
        state = _locked_state()
        if sorted(state.dispute_categories) != sorted(disputes):
            rebuild(disputes)
            return True
        listed, unread = _unread(state)
        if not unread:
            return True
        for code, (days, spans) in _touched_days(sorted(set(unread))).items():
            _recount_village(code, Days(days), Days(days | spans), disputes)
        now = timezone.now()
        _observe(state, max(pk for pk, _ in listed), now)
        state.window_ids = [pk for pk, _ in listed if pk > state.settled_id]
        state.save()
        return True


def day_sums(
    code_prefix: str | None, first: date, last: date, fields: Iterable[str]
) -> dict[date, dict[str, int]]:
    """Some of the rollup's counts of a region subtree (or everything), per day."""
    rows = (
        MetricsDay.objects.filter(_subtree(code_prefix), Days.span(first, last).days())
        .values("day")
        .annotate(**{name: Sum(name) for name in fields})
    )
    return {row.pop("day"): row for row in rows}


def _subtree(code_prefix: str | None) -> Q:
    return Scope(prefix=code_prefix).condition("region_code")


def period_sums(code_prefix: str | None, first: date, last: date) -> dict[str, int]:
    """The rollup's counts of a region subtree (or everything) over days first..last.

    Dispatches, returns and shelvings are distinct events over the period: each event
    counted on several of its days is taken off once per repeat inside the period.
    """
    region = _subtree(code_prefix)
    days = Days.span(first, last)
    sums = MetricsDay.objects.filter(region, days.days()).aggregate(
        **{name: Sum(name) for name in COUNTS}
    )
    totals = {name: value or 0 for name, value in sums.items()}
    repeats = (
        MetricsRepeat.objects.filter(region, days.days(), previous_day__gte=first)
        .values("action")
        .annotate(n=Sum("events"))
    )
    by_action = {row["action"]: row["n"] for row in repeats}
    for name, action in FLOW_ACTIONS.items():
        totals[name] -= by_action.get(action, 0)
    return totals
