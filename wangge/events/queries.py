"""Read-side helpers for the web pages: scoped queues, live counts and the actions open now.

Every query starts from `visible_events(user)`, i.e. `restrict` on the indexed
`region_code`, and pages stay O(page): lists are limited slices ordered on indexed
columns, and counts are taken per live state through the partial index of live events,
never over the whole history of closed events.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import Role
from wangge.accounts.scope import restrict, scope_of
from wangge.events.choices import SATISFIED_RATINGS, Channel, PartRole, Priority, State
from wangge.events.clocks import light_at
from wangge.events.models import (
    CARD_ORDER,
    LIVE_STATES,
    CardLevel,
    Category,
    Clock,
    Event,
    EventPart,
    TrailEntry,
)
from wangge.events.services import holds
from wangge.events.transitions import awaits_verification, higher_centre
from wangge.events.workflow import ACTIONS, ActionSpec
from wangge.regions.codes import REGION_CODE_LENGTH, prefix_range, significant_prefix
from wangge.regions.models import Region

DEPARTMENT_STATES = (State.DISPATCHED, State.HANDLING)
WORKING_PARTS = (PartRole.LEAD, PartRole.ASSIST)
MAX_QUERY_TEXT = 100


@dataclass
class QueueFilters:
    """Filters of an event list, shared by the API list and the console queue; empty
    values filter nothing."""

    state: list[str] = field(default_factory=list)
    category: int | None = None
    region: str | None = None
    grid: str | None = None
    unit: int | None = None
    channel: list[str] = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    overdue: bool | None = None
    card_level: str | None = None
    q: str | None = None
    created_from: date | None = None
    created_to: date | None = None


def visible_events(user) -> QuerySet:
    return restrict(Event.objects.all(), user, "region_code")


def _running_overdue(now: datetime) -> Exists:
    return Exists(
        Clock.objects.filter(
            event=OuterRef("pk"), stopped_at__isnull=True, paused_at__isnull=True, due_at__lt=now
        )
    )


def _region_range(code: str) -> tuple[str, str]:
    """A full 12-digit region code means its subtree; anything shorter is a code prefix."""
    if len(code) == REGION_CODE_LENGTH:
        region = Region.objects.filter(code=code).first()
        if region is not None:
            return prefix_range(significant_prefix(region.code, region.level))
    return prefix_range(code)


def _card_filter(qs: QuerySet, level: str) -> QuerySet:
    """The event's current card: that of its running clocks ("none": no running card)."""
    running = Clock.objects.filter(event=OuterRef("pk"), stopped_at__isnull=True)
    if level == CardLevel.NONE:
        return qs.filter(~Exists(running.exclude(card_level=CardLevel.NONE)))
    return qs.filter(Exists(running.filter(card_level=level)))


def filter_events(qs: QuerySet, f: QueueFilters, now: datetime) -> QuerySet:
    if f.state:
        qs = qs.filter(state__in=f.state)
    if f.category:
        qs = qs.filter(Q(category_id=f.category) | Q(category__parent_id=f.category))
    if f.region:
        low, high = _region_range(f.region)
        qs = qs.filter(region_code__gte=low, region_code__lte=high)
    if f.grid:
        qs = qs.filter(grid__code=f.grid)
    if f.unit:
        qs = qs.filter(current_unit_id=f.unit)
    if f.channel:
        qs = qs.filter(channel__in=f.channel)
    if f.priority:
        qs = qs.filter(priority__in=f.priority)
    if f.overdue is not None:
        overdue = _running_overdue(now)
        qs = qs.filter(overdue if f.overdue else ~overdue)
    if f.card_level:
        qs = _card_filter(qs, f.card_level)
    tz = timezone.get_current_timezone()
    if f.created_from:
        qs = qs.filter(created_at__gte=datetime.combine(f.created_from, time.min, tzinfo=tz))
    if f.created_to:
        qs = qs.filter(created_at__lte=datetime.combine(f.created_to, time.max, tzinfo=tz))
    if f.q:
        qs = qs.filter(
            Q(title__icontains=f.q) | Q(description__icontains=f.q) | Q(tracking_code=f.q.upper())
        )
    return qs


COMMAND_ACTIONS = ("take_over", "direct")


def taken_over_flag() -> Exists:
    """Whether an upper centre ever took the event over (提级办理): the queue marks it, so
    the lower centre sees where its event went (a subquery, no query per row)."""
    return Exists(TrailEntry.objects.filter(event=OuterRef("pk"), action="take_over"))


def latest_command(event: Event) -> TrailEntry | None:
    """The take-over or direction that made the event's centre responsible, if that is how
    it came there: the event page shows who did it and why."""
    entry = (
        TrailEntry.objects.filter(event=event, action__in=COMMAND_ACTIONS)
        .select_related("actor", "actor_unit")
        .order_by("-sequence")
        .first()
    )
    if entry is None or entry.payload.get("centre") != event.centre_id:
        return None
    return entry


def live_counts(user, now: datetime) -> dict[str, int]:
    """Events per live state in scope, plus `overdue`: two index-only counts.

    The states are counted as COUNT(*) so that the partial index of live events
    (`event_live_region_state_idx`) answers alone, however long the closed history.
    """
    rows = (
        visible_events(user)
        .filter(state__in=LIVE_STATES)
        .values("state")
        .annotate(n=Count("*"))
        .order_by()
    )
    counts = {state.value: 0 for state in LIVE_STATES}
    counts.update({row["state"]: row["n"] for row in rows})
    counts["overdue"] = overdue_count(user, now)
    return counts


def overdue_count(user, now: datetime) -> int:
    """Events in scope with a running clock past its deadline, counted from the clocks.

    Clocks carry their event's region code, so the scope is a range over the partial
    index of running clocks (`clock_running_region_due_idx`) and no event is joined. The
    event's state need not be checked: a running clock always belongs to a live event,
    because every action into a final state stops all its clocks (the state table's
    "stop all"; tests/web/console checks it action by action).
    """
    running = Clock.objects.filter(stopped_at__isnull=True, paused_at__isnull=True, due_at__lt=now)
    scoped = restrict(running, user, "region_code")
    return scoped.aggregate(n=Count("event", distinct=True))["n"]


@dataclass(frozen=True)
class ClockSummary:
    due_at: datetime | None
    overdue: bool
    card_level: str
    light: str | None  # of the running clock due first; None when nothing runs


def attach_clock_summary(events: list[Event], now: datetime) -> None:
    """Set `event.clock` to the earliest running deadline and the highest card, one query."""
    clocks: dict[int, list[Clock]] = {e.pk: [] for e in events}
    for clock in Clock.objects.filter(event_id__in=list(clocks)):
        clocks[clock.event_id].append(clock)
    for event in events:
        own = clocks[event.pk]
        running = [c for c in own if c.stopped_at is None and c.paused_at is None]
        first = min(running, key=lambda c: c.due_at, default=None)
        cards = [c.card_level for c in own if c.stopped_at is None] or [CardLevel.NONE]
        event.clock = ClockSummary(
            due_at=first.due_at if first else None,
            overdue=first is not None and first.due_at < now,
            card_level=max(cards, key=CARD_ORDER.index),
            light=light_at(first, now) if first else None,
        )


# ---------------------------------------------------------------- my work (我的待办)


@dataclass(frozen=True)
class WorkKind:
    """One kind of work waiting for the responsible centre, and the state table's action
    that answers it (a test checks `available_actions` offers it on every such event)."""

    value: str
    label: Promise
    condition: Q
    action: str


WORK_KINDS = (
    WorkKind("accept", _("待受理"), Q(state=State.REPORTED), "accept"),
    WorkKind("dispatch", _("待派遣"), Q(state=State.ACCEPTED), "dispatch"),
    WorkKind("check", _("待核查"), Q(state=State.SUBMITTED), "check_pass"),
    WorkKind(
        "extension",
        _("延期待审批"),
        Q(state=State.HANDLING, pending_extension_days__isnull=False),
        "approve_extension",
    ),
    WorkKind("suspended", _("挂起待恢复"), Q(state=State.SUSPENDED), "resume"),
    WorkKind("shelved", _("挂账待解除"), Q(state=State.SHELVED), "unshelve"),
)
WORK_KIND_VALUES = tuple(k.value for k in WORK_KINDS)
SUPERVISED = "supervised"  # 督办中: across the kinds, the events with a card running


def _supervised() -> Q:
    carded = Clock.objects.filter(event=OuterRef("pk"), stopped_at__isnull=True).exclude(
        card_level=CardLevel.NONE
    )
    return Q(Exists(carded))


def my_work(user) -> QuerySet:
    """The events this user can act on now as their responsible centre's operator.

    Exactly the holder `centre` of the state table in the states where the centre's next
    step is due (WORK_KINDS); the optional acts open on many more events (suspend, shelve,
    and an upper centre's take-over, urge, supervise) do not make an event work to do, so
    an upper centre does not see every event below it here. Scoped like every queue.
    """
    if user.unit_id is None or not user.has_role(Role.OPERATOR):
        return Event.objects.none()
    waiting = reduce(or_, (k.condition for k in WORK_KINDS))
    return visible_events(user).filter(centre_id=user.unit_id).filter(waiting)


def my_work_counts(user) -> dict[str, int]:
    """Events per work kind, `supervised` and `total`: one aggregate query."""
    counts = my_work(user).aggregate(
        **{k.value: Count("pk", filter=k.condition) for k in WORK_KINDS},
        supervised=Count("pk", filter=_supervised()),
        total=Count("pk"),
    )
    return {name: n or 0 for name, n in counts.items()}


def my_work_page(
    user, kind: str, f: QueueFilters, now: datetime, offset: int, limit: int
) -> tuple[list[Event], int]:
    """(one page of my work, of one kind or all, the nearest running deadline first; how
    many events match in all)."""
    qs = filter_events(my_work(user), f, now)
    if kind == SUPERVISED:
        qs = qs.filter(_supervised())
    elif kind:
        qs = qs.filter(next(k.condition for k in WORK_KINDS if k.value == kind))
    total = qs.count()
    running = Q(clocks__stopped_at__isnull=True, clocks__paused_at__isnull=True)
    qs = (
        qs.annotate(deadline=Min("clocks__due_at", filter=running), taken_over=taken_over_flag())
        .select_related("category", "current_unit", "grid")
        .order_by(F("deadline").asc(nulls_last=True), "created_at", "id")
    )
    page = list(qs[offset : offset + limit])
    attach_clock_summary(page, now)
    return page, total


def department_queue(user, now: datetime, limit: int = 100) -> list[Event]:
    """The unit's working parts still to sign or handle, the nearest deadline first."""
    if user.unit_id is None:
        return []
    mine = EventPart.objects.filter(
        event=OuterRef("pk"), department_id=user.unit_id, role__in=WORKING_PARTS
    )
    open_part = mine.filter(submitted_at__isnull=True)
    qs = (
        visible_events(user)
        .filter(state__in=DEPARTMENT_STATES)
        .filter(Exists(open_part))
        .annotate(
            deadline=Min(
                "clocks__due_at",
                filter=Q(clocks__stopped_at__isnull=True, clocks__unit_id=user.unit_id),
            )
        )
        .select_related("category", "grid")
        .order_by("deadline", "created_at", "id")
    )
    page = list(qs[:limit])
    attach_clock_summary(page, now)
    signed = set(
        EventPart.objects.filter(
            event_id__in=[e.pk for e in page], department_id=user.unit_id, signed_at__isnull=False
        ).values_list("event_id", flat=True)
    )
    for event in page:
        event.signed_by_unit = event.pk in signed
    return page


def event_for(user, event_id: int) -> Event | None:
    """One event in the user's scope with what the detail page shows; None when out of scope."""
    return (
        visible_events(user)
        .select_related("category", "category__parent", "grid", "region", "current_unit", "centre")
        .filter(pk=event_id)
        .first()
    )


# Guards that read another row: looked up only for their own action.
LOOKED_UP_GUARDS = {
    "escalate": lambda event: higher_centre(event) is None,
    "dispatch": awaits_verification,
}


def _hidden_by_guard(spec: ActionSpec, event: Event, user, parts: list[EventPart]) -> bool:
    """Guards a page can read without side effects, so it offers no button bound to fail.

    `perform` still checks every guard; this only keeps refusals out of the usual path.
    """
    if spec.name in LOOKED_UP_GUARDS:
        return LOOKED_UP_GUARDS[spec.name](event)
    own = [p for p in parts if p.department_id == user.unit_id and p.role in WORKING_PARTS]
    pending = event.pending_extension_days is not None
    own_work = event.self_handled and event.reporter_id == user.pk
    hidden = {
        "request_extension": pending,
        "approve_extension": not pending,
        "deny_extension": not pending,
        "request_shelve": event.shelve_requested,
        "approve_shelve": not event.shelve_requested,
        "deny_shelve": not event.shelve_requested,
        "answer": not event.category.direct_answer,
        "evaluate": bool(event.rating),
        "reopen": event.reopen_count > 0
        or event.rating in ("", None)
        or event.rating in SATISFIED_RATINGS,
        "check_pass": own_work,
        "check_fail": own_work,
        "sign": bool(own) and all(p.signed_at for p in own),
        "submit_result": bool(own) and not any(p.signed_at for p in own),
    }
    return hidden.get(spec.name, False)


def available_actions(event: Event, user) -> list[ActionSpec]:
    """The state table's actions this user may take on this event now, in table order."""
    if not user.is_authenticated or not scope_of(user).covers(event.region_code):
        return []
    parts = list(event.parts.all())
    found = []
    for spec in ACTIONS.values():
        if spec.intake or event.state not in spec.from_states:
            continue
        if not spec.roles or not user.has_role(*spec.roles):
            continue
        if not any(holds(h, event, user, parts) for h in spec.holders):
            continue
        if not _hidden_by_guard(spec, event, user, parts):
            found.append(spec)
    return found


def default_department_id(category: Category) -> int | None:
    """The category's default department, else its parent's: what dispatch pre-selects."""
    if category.default_department_id:
        return category.default_department_id
    parent = category.parent
    return parent.default_department_id if parent else None


def is_emergency(event: Event) -> bool:
    return event.priority == Priority.EMERGENCY or event.channel == Channel.ALARM


def latest_trail_id() -> int:
    return TrailEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def visible_trail(user) -> QuerySet:
    """Trail entries of the events in the user's scope (a join, not an IN over all events)."""
    return restrict(TrailEntry.objects.all(), user, "event__region_code")


def changes_since(entries: QuerySet, cursor: int, limit: int = 50) -> list[TrailEntry]:
    """Entries of `entries` (already scoped) after `cursor`, oldest first.

    Every report and action appends one trail entry with an increasing id, so the id is a
    cursor over all changes: the query is a primary-key range, whatever the number of events.
    """
    return list(entries.filter(id__gt=cursor).select_related("event").order_by("id")[:limit])
