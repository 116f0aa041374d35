"""The clock interface the workflow calls inside its transactions.

Every function takes the current time explicitly so that tests and replays control it.
Deadlines follow the working calendar (wangge/events/calendar.py) of the limit's unit.
A clock's milestones, in time order, are the warning lights at 50 % and 80 % of the allowed
time, the deadline (普通督办) and the yellow and red cards; `next_check_at` holds the first
milestone not yet reached, so the sweep reads only clocks that have something to do.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from wangge.accounts.models import OrgUnit
from wangge.events import calendar
from wangge.events.models import (
    CARD_ORDER,
    LIGHT_ORDER,
    CardLevel,
    Clock,
    Event,
    Light,
    event_copies,
)
from wangge.events.rules import Rule, rule_for

# (fraction of the allowed time left, light it turns on)
WARNINGS = ((0.5, Light.YELLOW), (0.2, Light.RED))


@dataclass(frozen=True)
class TimeLimit:
    amount: int
    unit: str  # a LimitUnit value


@dataclass(frozen=True)
class Milestone:
    at: datetime
    light: str | None = None
    card: str | None = None


def deadline_after(start: datetime, limit: TimeLimit) -> datetime:
    return calendar.add(start, limit.amount, limit.unit)


def pending_milestones(clock: Clock, rule: Rule | None) -> Iterator[Milestone]:
    """The milestones the clock has not reached yet, earliest first.

    The rule is only read once the deadline has passed, so callers before that may pass None.
    """
    meter = calendar.meter_for(clock.limit_unit)
    due_position = meter.position(clock.due_at)
    for left, light in WARNINGS:
        if LIGHT_ORDER.index(clock.light) < LIGHT_ORDER.index(light):
            at = meter.moment(due_position - left * clock.allowed_seconds)
            yield Milestone(min(at, clock.due_at), light=light)
    if clock.card_level == CardLevel.NONE:
        yield Milestone(clock.due_at, card=CardLevel.NORMAL)
    rule = rule or rule_for(clock.step)
    days = calendar.WORKING_DAYS
    overdue_from = days.position(clock.due_at)
    for level, after in (
        (CardLevel.YELLOW, rule.yellow_after_days),
        (CardLevel.RED, rule.red_after_days),
    ):
        if CARD_ORDER.index(clock.card_level) < CARD_ORDER.index(level):
            yield Milestone(days.moment(overdue_from + after * calendar.DAY), card=level)


def next_check(clock: Clock, rule: Rule | None = None) -> datetime | None:
    if clock.stopped_at is not None or clock.paused_at is not None:
        return None
    first = next(pending_milestones(clock, rule), None)
    return first.at if first else None


def light_at(clock: Clock, now: datetime) -> str:
    """The light a running clock shows at `now`, whatever it showed before."""
    meter = calendar.meter_for(clock.limit_unit)
    left = meter.position(clock.due_at) - meter.position(now)
    light = Light.GREEN
    for fraction, candidate in WARNINGS:
        if left <= fraction * clock.allowed_seconds:
            light = candidate
    return light


def start_clock(event: Event, step: str, unit: OrgUnit, limit: TimeLimit, now: datetime) -> Clock:
    clock = Clock(
        event=event,
        region_code=event.region_code,
        step=step,
        unit=unit,
        started_at=now,
        due_at=deadline_after(now, limit),
        limit_amount=limit.amount,
        limit_unit=limit.unit,
        allowed_seconds=calendar.seconds_of(limit.amount, limit.unit),
    )
    clock.next_check_at = next_check(clock)
    clock.save()
    return clock


def stop_clock(event: Event, step: str, now: datetime) -> None:
    Clock.objects.filter(event=event, step=step, stopped_at__isnull=True).update(
        stopped_at=now, next_check_at=None
    )


def stop_clocks(event: Event, now: datetime) -> None:
    """Stop every running clock of the event, whatever its step, in one statement."""
    Clock.objects.filter(event=event, stopped_at__isnull=True).update(
        stopped_at=now, next_check_at=None
    )


def sync_event_copies(event: Event) -> None:
    """Bring the event copies on its clocks up to the event: `perform` calls it after every
    action that changed them, in the action's transaction (see Clock.event_state)."""
    Clock.objects.filter(event_id=event.pk).update(**event_copies(event))


def any_unmet(event: Event) -> bool:
    """Whether any clock of the event, of any round, is still running or was stopped late."""
    from wangge.events.facts import unmet_clocks

    return Clock.objects.filter(event=event).filter(unmet_clocks()).exists()


def pause_clocks(event: Event, now: datetime) -> None:
    Clock.objects.filter(event=event, stopped_at__isnull=True, paused_at__isnull=True).update(
        paused_at=now, next_check_at=None
    )


def resume_clocks(event: Event, now: datetime) -> None:
    """Restart paused clocks with the counted time they had left when paused."""
    for clock in Clock.objects.filter(
        event=event, stopped_at__isnull=True, paused_at__isnull=False
    ):
        meter = calendar.meter_for(clock.limit_unit)
        left = meter.position(clock.due_at) - meter.position(clock.paused_at)
        clock.due_at = meter.moment(meter.position(now) + left)
        clock.paused_at = None
        clock.next_check_at = next_check(clock)
        clock.save(update_fields=["due_at", "paused_at", "next_check_at"])


def extend_clock(event: Event, step: str, extra: TimeLimit, now: datetime) -> None:
    """Move the deadline by the extra time; warnings are re-based on the longer allowance."""
    for clock in Clock.objects.filter(event=event, step=step, stopped_at__isnull=True):
        meter = calendar.meter_for(clock.limit_unit)
        due = deadline_after(clock.due_at, extra)
        clock.allowed_seconds += meter.position(due) - meter.position(clock.due_at)
        clock.due_at = due
        if clock.paused_at is None:
            clock.light = light_at(clock, now)
        clock.next_check_at = next_check(clock)
        clock.save(update_fields=["due_at", "allowed_seconds", "light", "next_check_at"])


def raise_card(event: Event, level: str) -> list[int]:
    """A manual supervision (督办) at `level`: the running clocks whose card is lower get it.

    The sweep then carries on from that card (its later milestones only), so a manual card
    is never raised a second time by the ladder. Returns the ids of the clocks raised.
    """
    raised = []
    order = CARD_ORDER.index(level)
    for clock in Clock.objects.filter(event=event, stopped_at__isnull=True):
        if CARD_ORDER.index(clock.card_level) >= order:
            continue
        clock.card_level = level
        clock.next_check_at = next_check(clock)
        clock.save(update_fields=["card_level", "next_check_at"])
        raised.append(clock.pk)
    return raised


def relimit_clocks(event: Event, limits: dict[str, TimeLimit], now: datetime) -> None:
    """Give the running (or paused) clocks of the steps in `limits` their new allowance,
    counted from when each clock started: a reclassified case is judged by the limits of
    what it turned out to be, as if it had been reported so. Steps without a new limit keep
    theirs."""
    for clock in Clock.objects.filter(event=event, stopped_at__isnull=True, step__in=limits):
        limit = limits[clock.step]
        clock.due_at = deadline_after(clock.started_at, limit)
        clock.limit_amount, clock.limit_unit = limit.amount, limit.unit
        clock.allowed_seconds = calendar.seconds_of(limit.amount, limit.unit)
        if clock.paused_at is None:
            clock.light = light_at(clock, now)
        clock.next_check_at = next_check(clock)
        clock.save(
            update_fields=[
                "due_at",
                "limit_amount",
                "limit_unit",
                "allowed_seconds",
                "light",
                "next_check_at",
            ]
        )
