"""The clock interface the workflow calls inside its transactions.

Every function takes the current time explicitly so that tests and replays control it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from wangge.accounts.models import OrgUnit
from wangge.events.choices import LimitUnit
from wangge.events.models import Event
from wangge.supervision.models import Clock


@dataclass(frozen=True)
class TimeLimit:
    amount: int
    unit: str  # a LimitUnit value


def deadline_after(start: datetime, limit: TimeLimit) -> datetime:
    if limit.unit == LimitUnit.MINUTES:
        return start + timedelta(minutes=limit.amount)
    if limit.unit == LimitUnit.WORKING_HOURS:
        return start + timedelta(hours=limit.amount)
    return start + timedelta(days=limit.amount)


def start_clock(event: Event, step: str, unit: OrgUnit, limit: TimeLimit, now: datetime) -> Clock:
    due = deadline_after(now, limit)
    return Clock.objects.create(
        event=event, step=step, unit=unit, started_at=now, due_at=due, next_check_at=due
    )


def stop_clock(event: Event, step: str, now: datetime) -> None:
    Clock.objects.filter(event=event, step=step, stopped_at__isnull=True).update(
        stopped_at=now, next_check_at=None
    )


def pause_clocks(event: Event, now: datetime) -> None:
    Clock.objects.filter(event=event, stopped_at__isnull=True, paused_at__isnull=True).update(
        paused_at=now, next_check_at=None
    )


def resume_clocks(event: Event, now: datetime) -> None:
    for clock in Clock.objects.filter(
        event=event, stopped_at__isnull=True, paused_at__isnull=False
    ):
        clock.due_at += now - clock.paused_at
        clock.paused_at = None
        clock.next_check_at = clock.due_at
        clock.save(update_fields=["due_at", "paused_at", "next_check_at"])


def extend_clock(event: Event, step: str, extra: TimeLimit, now: datetime) -> None:
    for clock in Clock.objects.filter(event=event, step=step, stopped_at__isnull=True):
        clock.due_at = deadline_after(clock.due_at, extra)
        clock.next_check_at = clock.due_at
        clock.save(update_fields=["due_at", "next_check_at"])
