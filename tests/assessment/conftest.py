"""A fast builder of events, clocks and trail entries in given states, for metrics tests.

Metrics read finished histories, so the builder writes rows directly instead of
replaying the workflow: each test states the history it needs in a few lines. The event's
fact columns are then derived from those rows by `refresh_facts`, the definition the
workflow's own columns are checked against in test_metrics_through_the_workflow.py.
"""

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from wangge.events.choices import Channel, PartRole, State, Step
from wangge.events.facts import refresh_facts
from wangge.events.models import CardLevel, Category, Clock, Event, EventPart, TrailEntry

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> datetime:
    """A local instant: at("2026-10-05", 9) is 5 October 2026 09:00 in Beijing time."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)


class Builder:
    def __init__(self, cast):
        self.cast = cast
        self.category = Category.objects.create(code="city", name="城市管理")
        self._numbers = itertools.count(1)

    def event(
        self,
        *,
        state: str = State.CLOSED,
        created: datetime | None = None,
        accepted: datetime | None = None,
        closed: datetime | None = None,
        grid: str = "t1_north",
        save: bool = True,
        **fields,
    ) -> Event:
        grid_row = self.cast.jurisdiction.grids[grid]
        created = created or at("2026-10-01")
        if accepted is None and state not in (State.REPORTED, *NOT_CASES):
            accepted = created
        n = next(self._numbers)
        fields.setdefault("category", self.category)
        fields.setdefault("channel", Channel.PUBLIC_APP)
        fields.setdefault("current_unit", self.cast.township_1_centre)
        event = Event(
            tracking_code=f"T{n:08d}",
            title=f"事件{n}",
            state=state,
            lon=120.05,
            lat=40.07,
            grid=grid_row,
            region=grid_row.village,
            region_code=grid_row.village.code,
            created_at=created,
            accepted_at=accepted,
            closed_at=closed,
            **fields,
        )
        if save:
            event.save()
        return event

    def clock(
        self,
        event: Event,
        due: datetime,
        stopped: datetime | None = None,
        *,
        step: str = Step.HANDLE,
        unit=None,
        card: str = CardLevel.NONE,
        save: bool = True,
    ) -> Clock:
        clock = Clock(
            event=event,
            step=step,
            unit=unit or self.cast.department,
            started_at=event.created_at,
            due_at=due,
            stopped_at=stopped,
            card_level=card,
        )
        if save:
            clock.save()
            refresh(event)
        return clock

    def trail(self, event: Event, action: str, when: datetime, actor=None) -> TrailEntry:
        n = next(self._numbers)
        entry = TrailEntry.objects.create(
            event=event,
            sequence=n,
            action=action,
            actor=actor,
            to_state=event.state,
            created_at=when,
            previous_hash="0" * 64,
            entry_hash=f"{n:064d}",
        )
        refresh(event)
        return entry

    def part(self, event: Event, department, role: str = PartRole.LEAD) -> EventPart:
        return EventPart.objects.create(event=event, department=department, role=role)


NOT_CASES = (State.REJECTED, State.MERGED, State.WITHDRAWN)


def refresh(*events: Event) -> None:
    """Derive the events' fact columns (all events when none given) from their rows."""
    ids = [e.pk for e in events] if events else None
    refresh_facts(Event, TrailEntry, Clock, ids)


@pytest.fixture
def build(cast) -> Builder:
    return Builder(cast)
