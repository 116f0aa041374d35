"""Trail entries written by supervision (actions "supervise" and "instruct").

They go through the workflow's hash-chained `wangge.events.trail.append_entry`, under a row
lock on the event. Supervision does not bump `Event.version`: it changes no state, and a
card must never turn someone's concurrent action into a version conflict.
"""

import hashlib
from datetime import datetime

from wangge.events.models import Event, TrailEntry


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
    try:
        from wangge.events.trail import append_entry
    except ImportError:
        append_entry = _append_entry_until_integration
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


def _append_entry_until_integration(
    event: Event,
    *,
    action: str,
    actor,
    from_state: str,
    to_state: str,
    now: datetime,
    comment: str = "",
    payload: dict | None = None,
) -> TrailEntry:
    """TO BE REMOVED AT INTEGRATION: stands in for wangge.events.trail.append_entry.

    The supervision branch was built before the workflow's trail module existed; once it is
    merged, `record` uses the real (SM3-chained) function and this one is dead.
    """
    last = event.trail.order_by("-sequence").values_list("sequence", "entry_hash").first()
    sequence, previous = (last[0] + 1, last[1]) if last else (1, "0" * 64)
    digest = hashlib.sha256(f"{previous}|{event.pk}|{sequence}|{action}|{now}".encode())
    return TrailEntry.objects.create(
        event=event,
        sequence=sequence,
        action=action,
        actor=actor,
        actor_unit_id=actor.unit_id if actor is not None else None,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        payload=payload or {},
        created_at=now,
        previous_hash=previous,
        entry_hash=digest.hexdigest(),
    )
