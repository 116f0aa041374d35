"""The events' tables: events and what belongs to them (core.py), and the step clocks with
their calendar and ladder rules (clocks.py)."""

from wangge.events.models.core import (
    LIVE_STATES,
    Attachment,
    Category,
    Event,
    EventPart,
    EventRegionQuerySet,
    StepLimit,
    TrailEntry,
    copy_event_region,
)

from wangge.events.models.clocks import (  # isort: skip (needs core's models first)
    CARD_ORDER,
    LIGHT_ORDER,
    UNMET,
    CardLevel,
    Clock,
    ClockQuerySet,
    Holiday,
    Light,
    SupervisionRule,
    event_copies,
    fill_event_copies,
)

__all__ = [
    "CARD_ORDER",
    "LIGHT_ORDER",
    "LIVE_STATES",
    "UNMET",
    "Attachment",
    "CardLevel",
    "Category",
    "Clock",
    "ClockQuerySet",
    "Event",
    "EventPart",
    "EventRegionQuerySet",
    "Holiday",
    "Light",
    "StepLimit",
    "SupervisionRule",
    "TrailEntry",
    "copy_event_region",
    "event_copies",
    "fill_event_copies",
]
