"""Trail entries written by supervision (actions "supervise" and "instruct").

They go through the workflow's hash-chained `wangge.events.trail.append_entry`, under a row
lock on the event. Supervision does not bump `Event.version`: it changes no state, and a
card must never turn someone's concurrent action into a version conflict.
"""

from datetime import datetime

from wangge.events.models import Event, TrailEntry
from wangge.events.trail import append_entry


def lock_event(event_id: int) -> Event:
    return Event.objects.select_for_update().get(pk=event_id)


def record(
    event: Event,
    action: str,
    actor,
    now: datetime,
    comment: str = "",
    payload: dict | None = None,
) -> TrailEntry:
    """Append an entry that leaves the event's state as it is; the caller holds the lock."""
    return append_entry(
        event,
        action=action,
        actor=actor,
        from_state=event.state,
        to_state=event.state,
        now=now,
        comment=comment,
        payload=payload,
    )
